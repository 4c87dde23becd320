/// A count with its noun in the right number: "1 row", "2 rows", "1,234 columns".
package enum Plural {
    /// `count` as written by `format` (digits by default), then the noun, with an "s" unless 1.
    package static func of(_ count: Int, _ noun: String, format: (Int) -> String = { String($0) }) -> String {
        "\(format(count)) \(noun)\(count == 1 ? "" : "s")"
    }
}
