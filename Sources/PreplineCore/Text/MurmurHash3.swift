/// MurmurHash3 x86_32 (Austin Appleby's public-domain reference), the hash scikit-learn's
/// `murmurhash3_32` and its feature hashing (`FeatureHasher`, `HashingVectorizer`) use: blocks of
/// four bytes read little-endian, then the tail, then the length and the finalizer.
package enum MurmurHash3 {
    /// The 32-bit hash of `bytes` with `seed`, as scikit-learn's `murmurhash3_32(bytes, seed,
    /// positive=True)`; `Int32(bitPattern:)` of it is the `positive=False` value.
    @inline(__always)
    package static func x86_32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        let c1: UInt32 = 0xcc9e_2d51, c2: UInt32 = 0x1b87_3593
        var h = seed
        let count = bytes.count
        let blocks = count / 4
        var offset = 0
        for _ in 0..<blocks {
            var k = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset += 4
            k &*= c1
            k = k << 15 | k >> 17
            k &*= c2
            h ^= k
            h = h << 13 | h >> 19
            h = h &* 5 &+ 0xe654_6b64
        }
        let tail = count & 3
        if tail > 0 {
            var k: UInt32 = 0
            if tail == 3 { k ^= UInt32(bytes[offset + 2]) << 16 }
            if tail >= 2 { k ^= UInt32(bytes[offset + 1]) << 8 }
            k ^= UInt32(bytes[offset])
            k &*= c1
            k = k << 15 | k >> 17
            k &*= c2
            h ^= k
        }
        // The reference mixes in the length as a 32-bit int.
        h ^= UInt32(truncatingIfNeeded: count)
        h ^= h >> 16
        h &*= 0x85eb_ca6b
        h ^= h >> 13
        h &*= 0xc2b2_ae35
        h ^= h >> 16
        return h
    }

    package static func x86_32(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { x86_32($0, seed: seed) }
    }

    /// Where scikit-learn's feature hashing (`_hashing_fast.transform`) puts a hashed feature:
    /// column `abs(h) % n_features` of the signed hash `h` (abs(INT32_MIN) taken as 2^31, which
    /// its special case equals), with sign -1 when `h` is negative.
    @inline(__always)
    package static func featureIndex(_ hash: UInt32, features: Int) -> (index: Int, negative: Bool) {
        let signed = Int32(bitPattern: hash)
        return (Int(signed.magnitude % UInt32(features)), signed < 0)
    }
}
