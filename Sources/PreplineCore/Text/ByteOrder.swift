#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte strings in the order `[UInt8].lexicographicallyPrecedes` gives (unsigned bytes, a
/// prefix first), by memcmp: the generic sequence comparison was 8% of merging 4 parts of a
/// 20k-term vocabulary (its sort), element by element.
package enum ByteOrder {
    @inline(__always)
    package static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in precedes(pa, pb) } }
    }

    /// The same order on borrowed bytes (terms where a `TermTable` keeps them).
    @inline(__always)
    package static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = Swift.min(a.count, b.count)
        let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
        return order != 0 ? order < 0 : a.count < b.count
    }
}
