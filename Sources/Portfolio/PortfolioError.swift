/// Why a portfolio could not be estimated or optimised, in terms a user can act on.
public struct PortfolioError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
