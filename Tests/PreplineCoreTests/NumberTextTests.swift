import Foundation
import Testing
@testable import PreplineCore

@Suite struct NumberTextTests {
    func parse(_ text: String) -> Double? { NumberText.parse(text) }

    @Test func parsesWhatPythonFloatParsesExactly() {
        for text in ["0", "-0", "1", "+2.5", "3.", ".5", "1e5", "1E-5", "123456789012345678", "0.1", "2.2250738585072014e-308",
                     "1.7976931348623157e308", "4.9e-324", "9007199254740993", " 12.5 ", "\t7", "0.30000000000000004",
                     "1234567890.0987654321", "1e22", "1e23", "8.98846567431158e307"] {
            let expected = Double(text.trimmingCharacters(in: .whitespaces))
            #expect(parse(text) == expected, "\(text)")
            #expect(parse(text)?.sign == expected?.sign, "\(text)")
        }
    }

    @Test func randomDecimalsRoundTripLikeStrtod() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let digits = Int.random(in: 1...17, using: &rng)
            let text = String(format: "%.\(digits)g", value)
            #expect(parse(text) == Double(text), "\(text)")
        }
    }

    @Test func rejectsWhatIsNotADecimalNumber() {
        for text in ["", " ", "nan", "NaN", "inf", "-inf", "Infinity", "0x1p3", "1_000", "1,5", "1.2.3", "e5", "1e", "--1", "+", ".", "12abc", "١٢"] {
            #expect(parse(text) == nil, "\(text)")
        }
    }

    @Test func formatsTheShortestRoundTripTextLikePythonRepr() {
        let cases: [(Double, String)] = [(0, "0.0"), (-0.0, "-0.0"), (1, "1.0"), (-3, "-3.0"), (0.1, "0.1"), (1e-05, "1e-05"),
                                         (1e16, "1e+16"), (123456789012345680, "1.2345678901234568e+17"), (0.30000000000000004, "0.30000000000000004"),
                                         (2.5e-5, "2.5e-05"), (1234.5, "1234.5"), (9999999999999998, "9999999999999998.0")]
        for (value, text) in cases {
            #expect(NumberText.format(value) == text, "\(value)")
        }
        #expect(NumberText.format(.nan) == "")
    }

    @Test func formatsRandomDoublesExactlyAsDescriptionDoes() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<50_000 {
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            let expected = value == value.rounded(.towardZero) && abs(value) < 1e16 ? nil : value.description
            if let expected { #expect(NumberText.format(value) == expected) }
            #expect(NumberText.parse(NumberText.format(value)) == value)
        }
    }
}
