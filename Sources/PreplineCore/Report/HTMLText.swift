/// Escaping and human number formats for the HTML profile page.
///
/// Everything from the data (column names, values) is untrusted: it goes through `escaped`
/// before it lands in text or in an attribute, so `<script>`, quotes and `&` stay text.
package enum HTMLText {
    /// `text` safe inside element content and inside a double- or single-quoted attribute.
    /// C0 controls other than tab and newline (and DEL, and the noncharacters U+FFFE/U+FFFF) are
    /// not allowed in HTML text: they are shown as visible escapes (`\x01`), as the validator's
    /// JUnit report does.
    package static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F {
                    out += "\\x" + hex(v, width: 2)
                } else if (0x80...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
                    out += "\\u" + hex(v, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `text` cut to `limit` characters with an ellipsis, then escaped (labels in charts).
    package static func escaped(_ text: String, limit: Int) -> String {
        text.count <= limit ? escaped(text) : escaped(String(text.prefix(max(1, limit - 1)))) + "…"
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// An integer with thousands separators: `1234567` → `1,234,567`.
    package static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "−" + out : out
    }

    /// A measurement for people: 4 significant digits, thousands separators, no trailing zeros
    /// (`42075.3` → `42,075`, `4207.53` → `4208`, `3.14159` → `3.142`, `0.00123456` → `0.001235`), scientific notation
    /// beyond 10¹⁵ and below 10⁻⁴ (`1.5e+18`). Integral values below 10¹⁵ are written whole.
    package static func number(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "−∞" : "∞") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e15 || magnitude < 1e-4 { return scientific(value, significant: significant) }
        if value == value.rounded(), magnitude < 1e15 { return grouped(Int(value)) }
        let exponent = Int((magnitude.log10Floor))
        let decimals = max(0, significant - 1 - exponent)
        let scale = pow10(decimals)
        var rounded = (magnitude * scale).rounded() / scale
        // Rounding may carry into a new digit (9.9996 → 10.00): fewer decimals then.
        if rounded >= pow10(exponent + 1), decimals > 0 { rounded = (magnitude * scale / 10).rounded() / (scale / 10) }
        let whole = Int(rounded.rounded(.down))
        var fraction = ""
        if decimals > 0 {
            let fractional = Int(((rounded - Double(whole)) * scale).rounded())
            if fractional > 0 {
                var digits = String(fractional)
                digits = String(repeating: "0", count: max(0, decimals - digits.count)) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                fraction = "." + digits
            }
        }
        return (value < 0 ? "−" : "") + grouped(whole) + fraction
    }

    /// A value's whole part: no separator below 10 000 (a year reads 2007, not 2,007).
    private static func grouped(_ value: Int) -> String {
        value.magnitude < 10_000 ? (value < 0 ? "−" : "") + String(value.magnitude) : count(value)
    }

    private static func scientific(_ value: Double, significant: Int) -> String {
        let magnitude = abs(value)
        var exponent = Int(magnitude.log10Floor)
        var mantissa = magnitude / pow10(exponent)
        let scale = pow10(significant - 1)
        mantissa = (mantissa * scale).rounded() / scale
        if mantissa >= 10 { mantissa /= 10; exponent += 1 }
        var text = number(mantissa, significant: significant)
        if text.hasPrefix("−") { text.removeFirst() }
        return (value < 0 ? "−" : "") + text + "e" + (exponent < 0 ? "−" : "+") + String(abs(exponent))
    }

    /// A share as a percentage: `0.1234` → `12.3%`, `1` → `100%`, a tiny non-zero share
    /// `< 0.01%` and a share just short of all `> 99.99%` (never a misleading 0% or 100%).
    package static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        if share == 0 { return "0%" }
        if share == 1 { return "100%" }
        let p = share * 100
        if p < 0.01 { return "< 0.01%" }
        if p > 99.99 { return "> 99.99%" }
        let decimals = p < 10 ? 2 : 1
        var text = String(p.roundedTo(decimals))
        if let dot = text.firstIndex(of: ".") {
            let keep = text.distance(from: dot, to: text.endIndex) - 1
            if keep > decimals { text = String(text[..<text.index(dot, offsetBy: decimals + 1)]) }
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + "%"
    }

    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 { for _ in 0..<exponent { result *= 10 } } else { for _ in 0 ..< -exponent { result /= 10 } }
        return result
    }
}

extension Double {
    /// ⌊log₁₀ |x|⌋ for finite non-zero x, corrected against the rounding of a floating-point log.
    var log10Floor: Double {
        let magnitude = abs(self)
        var exponent = 0
        var probe = 1.0
        if magnitude >= 1 {
            while probe * 10 <= magnitude { probe *= 10; exponent += 1 }
        } else {
            while probe > magnitude { probe /= 10; exponent -= 1 }
        }
        return Double(exponent)
    }

    func roundedTo(_ decimals: Int) -> Double {
        let scale = HTMLText.pow10(decimals)
        return (self * scale).rounded() / scale
    }
}
