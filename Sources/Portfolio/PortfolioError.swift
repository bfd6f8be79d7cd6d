import Market

/// Why a portfolio could not be estimated or optimised, in terms a user can act on.
public struct PortfolioError: KindedError, Equatable {
    public var kind: ErrorKind { .badInput }
    public let description: String
    public init(_ description: String) { self.description = description }
}
