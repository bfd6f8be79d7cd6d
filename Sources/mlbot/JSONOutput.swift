import Foundation

/// The one encoder every `--json` output uses: sorted keys, so the output is stable.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        Swift.print(String(decoding: try e.encode(value), as: UTF8.self))
    }
}
