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
        for _ in 0..<5_000 {
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

    @Test func refusesNumbersThatOverflowButTheSchemaReaderKeepsThemInfinite() {
        for text in ["1e999", "-1e400", "1" + String(repeating: "0", count: 400), "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"] {
            #expect(parse(text) == nil, "\(text)")
            #expect(text.utf8CString.withUnsafeBufferPointer { c in
                c.withMemoryRebound(to: UInt8.self) { NumberText.parseAllowingOverflow(UnsafeBufferPointer(rebasing: $0.dropLast())) }
            }?.isInfinite == true, "\(text)")
        }
        // Underflow is not overflow: 1e-999 is 0, as Python's float() reads it.
        #expect(parse("1e-999") == 0)
        #expect(parse("1.7976931348623157e308") == .greatestFiniteMagnitude)
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

/// ShortestDouble (Schubfach) against the reference computed here for every value: what
/// `NumberText.append` wrote before it, `Double.description` except for integral values below
/// 1e16, written as integers (Python's `repr`: Swift's `description` switches to the exponent form
/// at 2^53, `9.007199254740994e+15`). Every text must also parse back to the same bits.
extension NumberTextTests {
    static func reference(_ value: Double) -> String {
        if value == value.rounded(.towardZero), abs(value) < 1e16 {
            return (value.sign == .minus ? "-" : "") + String(Int64(value).magnitude) + ".0"
        }
        return value.description
    }

    /// nil when `value`'s bytes are the reference's and parse back exactly, else what went wrong.
    static func shortestMismatch(_ value: Double) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDouble.maxLength) { buffer in
            let count = ShortestDouble.write(value, to: buffer.baseAddress!)
            let written = UnsafeBufferPointer(rebasing: buffer[..<count])
            var expected = reference(value)
            let same = expected.withUTF8 { reference in
                reference.count == count && memcmp(reference.baseAddress!, written.baseAddress!, count) == 0
            }
            guard same else {
                return "bits 0x\(String(value.bitPattern, radix: 16)): \(String(decoding: written, as: UTF8.self)) != \(expected)"
            }
            guard value.isFinite else { return nil }
            guard NumberText.parse(written)?.bitPattern == value.bitPattern else {
                return "bits 0x\(String(value.bitPattern, radix: 16)): \(expected) does not parse back"
            }
            return nil
        }
    }

    /// Checks each value (and its negation, with `negated`); records at most a few failures.
    static func expectShortest(_ values: some Sequence<Double>, negated: Bool = true,
                               sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        var failures = 0, checked = 0
        func check(_ value: Double) {
            checked += 1
            if let problem = shortestMismatch(value) {
                failures += 1
                if failures <= 5 { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
            }
        }
        for value in values {
            check(value)
            if negated { check(-value) }
        }
        #expect(failures == 0, "\(failures) of \(checked) differ from the reference", sourceLocation: sourceLocation)
        return checked
    }

    /// 2 million random bit patterns (the 0.05% that are NaN or infinite left out), in parallel slices.
    @Test(arguments: 0..<8)
    func shortestMatchesReferenceOnRandomBits(slice: Int) {
        var rng = SplitMix64(seed: 0xD70A + UInt64(slice))
        let values = (0..<250_000).lazy.map { _ in Double(bitPattern: rng.next()) }.filter(\.isFinite)
        #expect(Self.expectShortest(values, negated: false) > 249_000)
    }

    /// 400,000 values like the ones written in practice, in parallel slices.
    @Test(arguments: 0..<4)
    func shortestMatchesReferenceOnRealisticValues(slice: Int) {
        var rng = SplitMix64(seed: 29 + UInt64(slice))
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var values: [Double] = []
        for _ in 0..<5_000 {
            // z-scores of normal data (Box-Muller), as standardize writes them.
            let z = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
            values.append(z)
            values.append((z * 13.7 + 42) / 13.7)
            // Few decimal digits, and their thirds and sevenths.
            let cents = Double(Int(truncatingIfNeeded: rng.next() % 2_000_001) - 1_000_000) / 100
            values.append(cents)
            values.append(cents / 7)
            values.append(cents / 3)
            values.append(Double(Int(truncatingIfNeeded: rng.next() % 100_000)) / 1000)
            // Tiny and huge: a few random digits times a random power of ten.
            let digits = Double(rng.next() % 1_000_000 + 1)
            values.append(digits * pow(10, Double(Int(rng.next() % 600) - 300)))
            values.append(uniform() * pow(10, Double(Int(rng.next() % 616) - 308)))
            // Between 1e15 and 1e16, where fractions are multiples of 1/8 and ties between two
            // 17-digit candidates occur (1e15 + 0.25).
            values.append(1e15 + Double(rng.next() % 9_000_000_000_000_000) / 8)
            // Integers near and past 2^53.
            values.append(Double(rng.next() >> 8))
        }
        #expect(Self.expectShortest(values) == 100_000)
    }

    @Test func shortestMatchesReferenceOnEdgeCases() {
        var values: [Double] = [0, 1, 0.1, 0.2, 0.3, 0.30000000000000004, 2.5e-5, 1234.5,
                                .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                                .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude.nextDown, .pi, .ulpOfOne,
                                1e15 + 0.25, 1e15 + 0.75, 1e15 + 0.125, 1e15 + 0.375, 2251799813685248.25,
                                4503599627370495.5, 4503599627370497.0, 9007199254740992, 9007199254740994,
                                123456789012345680, 9999999999999998, 1e16, 1e16 + 2,
                                1e-4, 1e-5, 0.0001.nextDown, 0.0001.nextUp, 1e-5.nextDown, 1e-5.nextUp, 9.9999e-5, 9.99999999999999e-5,
                                1e15, 1e15.nextDown, 1e15.nextUp, 1e16.nextDown, 1e16.nextUp, 1e17, 1e22, 1e23,
                                1.7976931348623157e308, 2.2250738585072014e-308,
                                8.98846567431158e307, 1.2345678901234567, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 100.0 / 7]
        // Literals the compiler would round (and warn about), read at run time.
        values += ["5e-324", "1e-323", "1.5e-323", "4.940656458412465e-324", "2.225073858507201e-308", "5e-310", "1.23e-320",
                   "9007199254740993", "9999999999999999"].map { Double($0)! }
        // The smallest and largest subnormals, one by one.
        values += (1..<20_000).map { Double(bitPattern: $0) }
        values += (UInt64(0x000F_FFFF_FFFF_C000)...UInt64(0x0010_0000_0000_3FFF)).map { Double(bitPattern: $0) }
        // Every power of two, where the interval below is half as wide, and its neighbours.
        for exponent in -1074...1023 {
            let power = Double(sign: .plus, exponent: exponent, significand: 1)
            values += [power, power.nextDown, power.nextUp, power * 3, power * 1.5]
        }
        // Every power of ten a double can approach, and its neighbours; the notation switches
        // at 1e-4 / 1e-5 and 1e15 / 1e16 are among them.
        for exponent in -324...308 {
            let power = Double("1e\(exponent)")!
            values += [power, power.nextDown, power.nextUp, power * 9.999999999999998, power * 5]
        }
        // Largest values below each power of ten at 15, 16 and 17 digits.
        for exponent in -20...20 {
            values += ["9999999999999998", "99999999999999999", "999999999999999", "12345678901234567"].map { Double("\($0)e\(exponent)")! }
        }
        let checked = Self.expectShortest(values)
        #expect(checked > 130_000)
        // -0.0 and infinities (`expectShortest` negates every value).
        #expect(Self.shortestMismatch(-0.0) == nil)
        #expect(Self.expectShortest([Double.infinity]) == 2)
        #expect(withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDouble.maxLength) {
            ShortestDouble.write(.nan, to: $0.baseAddress!)
        } == 0)
    }

    /// Some of the checked values must have 17 significant digits, the longest case.
    @Test func shortestCoversSeventeenDigitResults() {
        var rng = SplitMix64(seed: 17)
        var seventeen: [Double] = []
        while seventeen.count < 2_000 {
            let value = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let significant = value.description.prefix { $0 != "e" }.filter(\.isNumber).drop { $0 == "0" }
            if significant.count == 17 { seventeen.append(value) }
        }
        #expect(Self.expectShortest(seventeen) == 4_000)
    }
}
