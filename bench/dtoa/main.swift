// Micro benchmark: NumberText.append (ShortestDouble) against the String path it replaced.
// Run with bench/dtoa/run.sh (compiles the Numbers sources with -O, no SwiftPM).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The previous NumberText.append: integers by hand, everything else through `description`.
@inline(never)
func appendThroughDescription(_ value: Double, to out: inout [UInt8]) {
    if value.isNaN { return }
    if value == value.rounded(.towardZero), abs(value) < 1e16 {
        NumberText.appendInteger(Int64(value), negativeZero: value == 0 && value.sign == .minus, to: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0"))
        return
    }
    var text = value.description
    text.withUTF8 { out.append(contentsOf: $0) }
}

@inline(never)
func appendShortest(_ value: Double, to out: inout [UInt8]) { NumberText.append(value, to: &out) }

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) // CPU time: the machine may be shared
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

var state: UInt64 = 42
func random() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
func uniform() -> Double { Double(random() >> 11) / Double(1 << 53) }

let count = 1_000_000
let sets: [(String, [Double])] = [
    ("z-scores", (0..<count).map { _ in (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform()) }),
    ("cents (12.34)", (0..<count).map { _ in Double(Int(random() % 2_000_001) - 1_000_000) / 100 }),
    ("integers", (0..<count).map { _ in Double(Int(random() % 2_000_001) - 1_000_000) }),
    ("random bits", (0..<count).map { _ in Double(bitPattern: random() & 0x7FEF_FFFF_FFFF_FFFF) }),
]
var out: [UInt8] = []
out.reserveCapacity(32 * count)
for (name, values) in sets {
    var best = (old: Double.infinity, new: Double.infinity)
    var same = true
    for _ in 0..<7 {
        out.removeAll(keepingCapacity: true)
        var start = now()
        for value in values { appendThroughDescription(value, to: &out) }
        best.old = min(best.old, now() - start)
        let old = out
        out.removeAll(keepingCapacity: true)
        start = now()
        for value in values { appendShortest(value, to: &out) }
        best.new = min(best.new, now() - start)
        same = same && old == out
    }
    let scale = 1e9 / Double(count)
    print("\(name): description path \((best.old * scale * 10).rounded() / 10) ns/value, ShortestDouble \((best.new * scale * 10).rounded() / 10) ns/value\(same ? "" : "  OUTPUT DIFFERS")")
}
