import Foundation

/// Python's `str` methods and `unicodedata.normalize` on decoded scalars, as `clean` and the
/// tokenizer need them.
///
/// Swift's Unicode data (case mappings, normalization, combining classes) may be of a newer
/// Unicode version than the Python the references run (Swift 6.3: Unicode 16; Python 3.11:
/// Unicode 14). Measured over every code point, the two agree on every code point Python's
/// version assigns, except four upper-case mappings whose targets Python's version does not
/// have yet (U+019B, U+0264, U+A7D3, U+A7D5). So a code point Python does not know
/// (`PythonUnicode.assigned`) is left alone here, as Python leaves it, and a mapping onto one is
/// not taken: then the two agree on every code point (TextTableTests, and
/// Tests/Conformance/README.md, "clean").
package enum PythonText {
    /// Whether `v` is in the sorted inclusive `ranges` (pairs lower, upper).
    @inline(__always)
    static func inRanges(_ ranges: [UInt32], _ v: UInt32) -> Bool {
        var low = 0, high = ranges.count / 2
        while low < high {
            let mid = (low + high) / 2
            if ranges[2 * mid + 1] < v { low = mid + 1 } else { high = mid }
        }
        return low < ranges.count / 2 && ranges[2 * low] <= v
    }

    /// Assigned in Python's Unicode version.
    @inline(__always)
    package static func isAssigned(_ v: UInt32) -> Bool { v < 0x378 || inRanges(PythonUnicode.assigned, v) }

    /// `str.isspace()`: also `re`'s `\s`, and what `str.split()` and `str.strip()` cut at.
    @inline(__always)
    package static func isSpace(_ v: UInt32) -> Bool {
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) || (v >= 0x1C && v <= 0x1F) }
        return inRanges(PythonUnicode.spaces, v)
    }

    /// `re`'s `\d` on str (`str.isdecimal()`).
    package static func isDecimal(_ v: UInt32) -> Bool { inRanges(PythonUnicode.decimalDigits, v) }

    /// `str.lower()`, `str.upper()`, `str.casefold()`.
    package enum CaseMapping: String, Sendable {
        case lower, upper, casefold
    }

    /// The `unicodedata.normalize` forms.
    package enum NormalForm: String, Sendable {
        case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD"
    }

    /// `str.casefold()` where it differs from `str.lower()`, by code point.
    private static let caseFoldExceptions: [UInt32: [Unicode.Scalar]] = {
        var table: [UInt32: [Unicode.Scalar]] = [:]
        let flat = PythonUnicode.caseFoldExceptions
        var i = 0
        while i < flat.count {
            let count = Int(flat[i + 1])
            table[flat[i]] = flat[(i + 2)..<(i + 2 + count)].map { Unicode.Scalar($0)! }
            i += 2 + count
        }
        return table
    }()

    /// Appends `mapping` (Swift's full case mapping of `scalar`), or `scalar` itself when Python's
    /// Unicode version does not know it or a code point of the mapping.
    @inline(__always)
    private static func appendMapping(_ mapping: String, of scalar: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        let start = out.count
        for mapped in mapping.unicodeScalars {
            guard isAssigned(mapped.value) else {
                out.removeSubrange(start...)
                out.append(scalar)
                return
            }
            out.append(mapped)
        }
    }

    /// Python's `str.lower()` / `upper()` / `casefold()` of `s` (full mappings; `lower()` gives a
    /// capital sigma its final form in context, as CPython's `handle_capital_sigma`).
    package static func mapCase(_ s: [Unicode.Scalar], _ mapping: CaseMapping, into out: inout [Unicode.Scalar]) {
        out.removeAll(keepingCapacity: true)
        for (i, scalar) in s.enumerated() {
            let v = scalar.value
            if v < 0x80 {
                switch mapping {
                case .lower, .casefold: out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v | 0x20)! : scalar)
                case .upper: out.append(v >= 0x61 && v <= 0x7A ? Unicode.Scalar(v & ~0x20)! : scalar)
                }
                continue
            }
            guard isAssigned(v) else { out.append(scalar); continue }
            switch mapping {
            case .lower:
                if v == 0x3A3 { out.append(isFinalSigma(s, at: i) ? "\u{3C2}" : "\u{3C3}"); continue }
                appendMapping(scalar.properties.lowercaseMapping, of: scalar, to: &out)
            case .upper:
                appendMapping(scalar.properties.uppercaseMapping, of: scalar, to: &out)
            case .casefold:
                if let folded = caseFoldExceptions[v] { out.append(contentsOf: folded); continue }
                appendMapping(scalar.properties.lowercaseMapping, of: scalar, to: &out)
            }
        }
    }

    private static func isCased(_ s: Unicode.Scalar) -> Bool { isAssigned(s.value) && s.properties.isCased }
    private static func isCaseIgnorable(_ s: Unicode.Scalar) -> Bool { isAssigned(s.value) && s.properties.isCaseIgnorable }

    /// CPython's `handle_capital_sigma`: a cased letter before (skipping case-ignorable ones)
    /// and no cased letter after.
    private static func isFinalSigma(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && isCaseIgnorable(s[j]) { j -= 1 }
        guard j >= 0 && isCased(s[j]) else { return false }
        j = i + 1
        while j < s.count && isCaseIgnorable(s[j]) { j += 1 }
        return j == s.count || !isCased(s[j])
    }

    /// `unicodedata.normalize(form, s)`. A code point Python's version does not know is a
    /// starter that composes with nothing there, so the text is normalized in the runs between
    /// such code points, which stay as they are.
    package static func normalize(_ s: [Unicode.Scalar], _ form: NormalForm, into out: inout [Unicode.Scalar]) {
        out.removeAll(keepingCapacity: true)
        var segment = String.UnicodeScalarView()
        var segmentIsASCII = true
        func flush(_ out: inout [Unicode.Scalar]) {
            guard !segment.isEmpty else { return }
            if segmentIsASCII {
                out.append(contentsOf: segment)
            } else {
                let text = String(segment)
                let normalized: String
                switch form {
                case .nfc: normalized = text.precomposedStringWithCanonicalMapping
                case .nfd: normalized = text.decomposedStringWithCanonicalMapping
                // NFC of NFKD: Foundation's own NFKC leaves some (halfwidth ｶﾞ) uncomposed.
                case .nfkc: normalized = text.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
                case .nfkd: normalized = text.decomposedStringWithCompatibilityMapping
                }
                out.append(contentsOf: normalized.unicodeScalars)
            }
            segment = String.UnicodeScalarView()
            segmentIsASCII = true
        }
        for scalar in s {
            if isAssigned(scalar.value) {
                segment.append(scalar)
                if !scalar.isASCII { segmentIsASCII = false }
            } else {
                flush(&out)
                out.append(scalar)
            }
        }
        flush(&out)
    }

    /// `unicodedata.combining(ch)`: the canonical combining class in Python's version.
    @inline(__always)
    package static func combiningClass(_ s: Unicode.Scalar) -> UInt8 {
        isAssigned(s.value) ? s.properties.canonicalCombiningClass.rawValue : 0
    }

    /// scikit-learn's `strip_accents_unicode`: NFKD, then the combining characters dropped (an
    /// ASCII text is returned as it is).
    package static func stripAccentsUnicode(_ s: [Unicode.Scalar], into out: inout [Unicode.Scalar]) {
        guard s.contains(where: { !$0.isASCII }) else { out = s; return }
        normalize(s, .nfkd, into: &out)
        out.removeAll { combiningClass($0) != 0 }
    }

    /// scikit-learn's `strip_accents_ascii`: NFKD, then whatever is not ASCII dropped.
    package static func stripAccentsASCII(_ s: [Unicode.Scalar], into out: inout [Unicode.Scalar]) {
        guard s.contains(where: { !$0.isASCII }) else { out = s; return }
        normalize(s, .nfkd, into: &out)
        out.removeAll { !$0.isASCII }
    }
}
