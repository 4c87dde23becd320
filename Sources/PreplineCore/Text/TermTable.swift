#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Terms (UTF-8 byte strings) interned in one byte arena, each with a dense index, found by
/// their bytes without making an array or a `String` per token.
///
/// Tokenizing is the hot loop of the text stages: a `[[UInt8]: Int]` dictionary allocated an
/// array per token looked up. Here a lookup hashes the borrowed bytes and compares them with the
/// arena; only a new term is copied. Open addressing, linear probing, power-of-two slots.
package struct TermTable: Sendable {
    private var arena: [UInt8] = []
    /// Term `i` is `arena[ends[i - 1] ..< ends[i]]` (0 for the first). Full-width offsets: a
    /// `distinct` check on a free-text column may intern more than 2 GiB.
    private var ends: [Int] = []
    private var hashes: [UInt64] = []
    /// Per slot: the term's index + 1 in the low 32 bits (0 is empty), the high 32 bits of its
    /// hash above them, so a probe rejects most other terms without touching `hashes` or `arena`.
    private var slots: [UInt64]
    private var mask: Int

    package init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// A table of the given terms, indexed in the given order (a repeated term keeps its first index).
    /// Lookup-only tables (stop words, a vocabulary) are kept at most 1/8 full: most tokens looked
    /// up are not there, and a miss then usually ends at the first, empty slot.
    package init(_ terms: [[UInt8]]) {
        self.init(capacity: terms.count * 4)
        for term in terms { term.withUnsafeBufferPointer { _ = insert($0) } }
    }

    /// A table of the terms `arena[ends[i - 1] ..< ends[i]]`, indexed in that order, sized once
    /// (at most half full, as `insert` keeps it); nil when a term is there twice.
    package init?(arena: [UInt8], ends: [Int]) {
        self.init(capacity: ends.count)
        self.arena = arena
        self.ends = ends
        hashes.reserveCapacity(ends.count)
        let found: Bool = arena.withUnsafeBufferPointer { arena in
            var start = 0
            for (index, end) in ends.enumerated() {
                let term = UnsafeBufferPointer(rebasing: arena[start..<end])
                start = end
                let hash = Self.hash(term)
                let (existing, slot) = probe(term, hash: hash)
                if existing != nil { return false }
                hashes.append(hash)
                slots[slot] = Self.slotTag(hash) | UInt64(index + 1)
            }
            return true
        }
        guard found else { return nil }
    }

    package var count: Int { ends.count }

    /// A term's hash. Its steps are public so a tokenizer can hash a token while it copies it
    /// (`Tokenizer.asciiTokens`): `hashStart` with the length, `hashWord` per eight bytes
    /// (little-endian), `hashTail` on the last one to seven bytes, `hashEnd`.
    @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = hashStart(count: bytes.count)
        guard let base = bytes.baseAddress else { return hashEnd(h) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            h = hashWord(h, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        if i < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = hashTail(h, tail)
        }
        return hashEnd(h)
    }

    @inline(__always)
    package static func hashStart(count: Int) -> UInt64 { 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count) }

    @inline(__always)
    package static func hashWord(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
        return m ^ (m >> 31)
    }

    @inline(__always)
    package static func hashTail(_ h: UInt64, _ tail: UInt64) -> UInt64 {
        let m = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return m ^ (m >> 29)
    }

    @inline(__always)
    package static func hashEnd(_ h: UInt64) -> UInt64 { h &* 0xBF58_476D_1CE4_E5B9 ^ (h >> 32) }

    @inline(__always)
    private func equals(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = index == 0 ? 0 : ends[index - 1]
        let length = ends[index] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        // Terms are short: compare eight bytes at a time inline (a libc memcmp call cost more).
        return arena.withUnsafeBufferPointer { arena in
            let a = UnsafeRawPointer(arena.baseAddress! + start), b = UnsafeRawPointer(bytes.baseAddress!)
            var i = 0
            while i + 8 <= length {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            while i < length {
                if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
                i += 1
            }
            return true
        }
    }

    /// The index of `bytes`, or nil.
    @inline(__always)
    package func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        find(bytes, hash: Self.hash(bytes))
    }

    @inline(__always)
    private static func slotTag(_ hash: UInt64) -> UInt64 { hash & 0xFFFF_FFFF_0000_0000 }

    /// Linear probing from the hash's slot: the term's index when present, else the empty slot
    /// where it would go.
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (index: Int?, slot: Int) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        let tag = Self.slotTag(hash)
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let entry = slots[slot]
                if entry == 0 { return (nil, slot) }
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if entry & 0xFFFF_FFFF_0000_0000 == tag && equals(index, bytes) { return (index, slot) }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    package func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        probe(bytes, hash: hash).index
    }

    /// The index of `bytes`, adding it when new.
    @inline(__always)
    package mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        insert(bytes, hash: Self.hash(bytes))
    }

    @inline(__always)
    package mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (index: Int, inserted: Bool) {
        let (found, slot) = probe(bytes, hash: hash)
        if let found { return (found, false) }
        let index = ends.count
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        hashes.append(hash)
        slots[slot] = Self.slotTag(hash) | UInt64(index + 1)
        if ends.count * 2 > slots.count { grow() }
        return (index, true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & newMask
            while fresh[slot] != 0 { slot = (slot + 1) & newMask }
            fresh[slot] = Self.slotTag(hash) | UInt64(index + 1)
        }
        slots = fresh
        mask = newMask
    }

    /// Finds each term `terms.arena[terms.ends[k - 1] ..< terms.ends[k]]` (hashes given), in
    /// order, inserting the new ones, and calls `found(k, index, inserted)` for it. As `insert`
    /// term by term, but a batch of terms is looked up stage by stage — all their slots, then
    /// their candidates' bounds, then the bytes — so the cache misses of a table larger than the
    /// cache overlap instead of following one another (a merge of 20 million terms into a
    /// 20,000-term table spent half its time waiting on them). A miss or a collision falls back
    /// to `insert`, which also sees the terms inserted before it in the batch.
    package mutating func insertAll(_ terms: (arena: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, hashes: UnsafeBufferPointer<UInt64>),
                                    _ found: (Int, Int, Bool) -> Void) {
        let batch = 16
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * batch) { scratch in
            // Per term of the batch: the candidate's index (-1: none), its start and end in the arena.
            var first = 0
            while first < terms.hashes.count {
                let end = min(first + batch, terms.hashes.count)
                slots.withUnsafeBufferPointer { slots in
                    for k in first..<end {
                        let entry = slots[Int(truncatingIfNeeded: terms.hashes[k]) & mask]
                        let matches = entry != 0 && entry & 0xFFFF_FFFF_0000_0000 == Self.slotTag(terms.hashes[k])
                        scratch[k - first] = matches ? Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1 : -1
                    }
                }
                ends.withUnsafeBufferPointer { ends in
                    for k in first..<end {
                        let index = scratch[k - first]
                        guard index >= 0 else { continue }
                        scratch[batch + k - first] = index == 0 ? 0 : ends[index - 1]
                        scratch[2 * batch + k - first] = ends[index]
                    }
                }
                for k in first..<end {
                    let start = k == 0 ? 0 : terms.ends[k - 1]
                    let term = UnsafeBufferPointer(rebasing: terms.arena[start..<terms.ends[k]])
                    let index = scratch[k - first]
                    if index >= 0, scratch[2 * batch + k - first] - scratch[batch + k - first] == term.count, equals(index, term) {
                        found(k, index, false)
                        continue
                    }
                    let (other, inserted) = insert(term, hash: terms.hashes[k])
                    found(k, other, inserted)
                }
                first = end
            }
        }
    }

    /// Term `index`'s bytes, valid inside `body`.
    package func withTerm<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = index == 0 ? 0 : ends[index - 1]
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[index]])) }
    }

    package func term(_ index: Int) -> [UInt8] { withTerm(index) { Array($0) } }

    /// Term `index`'s hash (merging tables need not hash the bytes again).
    package func hash(at index: Int) -> UInt64 { hashes[index] }
}

/// Document frequencies and corpus counts of terms: the mergeable partial state of a TF-IDF fit.
/// Integers only, so merging chunks in any grouping gives the same totals; chunks are still
/// merged in input order, so the table's internal order is the same for any `--threads`.
package struct TermCounts: Sendable {
    package var terms = TermTable(capacity: 1024)
    /// Per term, in one array so counting a token touches one place: documents containing it,
    /// occurrences in the corpus (scikit-learn's `max_features` ranks by these), and the last
    /// document that counted towards its document frequency (within one chunk).
    private struct Tally: Sendable {
        var documents: Int
        var occurrences: Int
        var lastDocument: Int32
    }
    private var tallies: [Tally] = []
    private var document: Int32 = 0
    /// `merge(from:)`: the mark it leaves in `lastDocument` of the terms one part listed (below
    /// -1, so never a document of `add`), and its buffers, kept to reuse their memory.
    private var mergeStamp: Int32 = -1
    private var mergeScratch = MergeScratch()
    private struct MergeScratch: Sendable {
        /// The part's terms, as `TermTable` keeps them, with their hashes.
        var arena: [UInt8] = []
        var ends: [Int] = []
        var hashes: [UInt64] = []
        var documents: [Int] = []
        var occurrences: [Int] = []
    }

    /// Documents containing term `index`.
    package func documentFrequency(_ index: Int) -> Int { tallies[index].documents }
    /// Occurrences of term `index` in the corpus.
    package func total(_ index: Int) -> Int { tallies[index].occurrences }

    package init() {}

    /// Counts with room for about `capacity` terms before the table grows.
    package init(capacity: Int) { terms = TermTable(capacity: capacity) }

    /// Starts the next document.
    package mutating func nextDocument() { document += 1 }

    @inline(__always)
    package mutating func add(_ term: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        let (index, inserted) = terms.insert(term, hash: hash)
        if inserted {
            tallies.append(Tally(documents: 1, occurrences: 1, lastDocument: document))
            return
        }
        let document = self.document
        tallies.withUnsafeMutableBufferPointer { tallies in
            tallies[index].occurrences += 1
            if tallies[index].lastDocument != document {
                tallies[index].lastDocument = document
                tallies[index].documents += 1
            }
        }
    }

    /// Adds `copies` documents whose distinct terms and counts are `other`'s (a learned fill value).
    package mutating func merge(_ other: TermCounts, copies: Int = 1) {
        for i in 0..<other.terms.count {
            let index = other.terms.withTerm(i) { bytes in
                let (index, inserted) = terms.insert(bytes, hash: other.terms.hash(at: i))
                if inserted { tallies.append(Tally(documents: 0, occurrences: 0, lastDocument: -1)) }
                return index
            }
            tallies[index].documents += other.tallies[i].documents * copies
            tallies[index].occurrences += other.tallies[i].occurrences * copies
        }
    }
}

/// A one-sided test for "not one of these terms" that needs no hash: one bit per (length,
/// first byte, last byte) class of the terms. A vocabulary of a few dozen terms fills a few
/// dozen of its 16,384 classes, so most tokens of a document are set aside after three loads.
package struct TermFilter: Sendable {
    private var bits = [UInt64](repeating: 0, count: 256)

    package init(_ terms: [[UInt8]]) {
        for term in terms { term.withUnsafeBufferPointer { set(Self.key($0)) } }
    }

    @inline(__always)
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let first = bytes.first, let last = bytes.last else { return 0 }
        return (Int(first & 0x3F) << 8) | (Int(last & 0x0F) << 4) | (bytes.count & 0x0F)
    }

    private mutating func set(_ key: Int) { bits[key >> 6] |= 1 << UInt64(key & 63) }

    /// False only when `bytes` is none of the terms.
    @inline(__always)
    package func mayContain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let key = Self.key(bytes)
        return bits.withUnsafeBufferPointer { $0[key >> 6] & (1 << UInt64(key & 63)) != 0 }
    }
}

/// In a part (docs/distributed.md): `{"terms": [...], "documents": [...], "occurrences": [...]}`,
/// the terms in table order with their two tallies; the table's slots are rebuilt on reading.
extension TermCounts {
    package func write(to writer: inout PartWriter) {
        writer.beginObject()
        writer.key("terms"); writer.beginArray()
        for i in 0..<terms.count { terms.withTerm(i) { writer.text($0) } }
        writer.endArray()
        writer.key("documents"); writer.beginArray(); for tally in tallies { writer.int(tally.documents) }; writer.endArray()
        writer.key("occurrences"); writer.beginArray(); for tally in tallies { writer.int(tally.occurrences) }; writer.endArray()
        writer.endObject()
    }

    /// The terms go from the part's bytes into one arena, and the table is built once at its
    /// final size (no growth, no array per term).
    package init(from reader: inout PartReader) throws(PartFormatError) {
        var arena: [UInt8] = [], ends: [Int] = []
        var documents: [Int] = [], occurrences: [Int] = []
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case "terms":
                try reader.array { reader throws(PartFormatError) in
                    try reader.text { arena.append(contentsOf: $0) }
                    ends.append(arena.count)
                }
            case "documents": try reader.ints(into: &documents)
            case "occurrences": try reader.ints(into: &occurrences)
            default: throw reader.unknownKey(key, in: "term counts")
            }
        }
        guard documents.count == ends.count, occurrences.count == ends.count else { throw reader.error("term counts need one document count and one occurrence count per term") }
        guard let table = TermTable(arena: arena, ends: ends) else { throw reader.error("term counts list a term twice") }
        self.init(capacity: 0)
        terms = table
        tallies = zip(documents, occurrences).map { Tally(documents: $0, occurrences: $1, lastDocument: -1) }
    }

    /// Adds the term counts `write` wrote (a later part's) straight from the bytes, as `merge`
    /// adds a decoded one: each term is looked up in this table once, and no table is built for
    /// the part (building and dropping one per part was a third of merging 1000 parts of a
    /// 20,000-term vocabulary). A term listed twice is refused, as `init(from:)` refuses it.
    /// On an error the counts are left partly merged.
    package mutating func merge(from reader: inout PartReader) throws(PartFormatError) {
        if mergeStamp == Int32.min + 1 {
            for i in tallies.indices { tallies[i].lastDocument = -1 }
            mergeStamp = -1
        }
        mergeStamp -= 1
        let stamp = mergeStamp
        var scratch = MergeScratch()
        swap(&scratch, &mergeScratch)
        defer { swap(&scratch, &mergeScratch) }
        scratch.arena.removeAll(keepingCapacity: true)
        scratch.ends.removeAll(keepingCapacity: true)
        scratch.hashes.removeAll(keepingCapacity: true)
        scratch.documents.removeAll(keepingCapacity: true)
        scratch.occurrences.removeAll(keepingCapacity: true)
        // The part's terms are read first, then looked up together (`TermTable.insertAll`).
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case "terms":
                try reader.array { reader throws(PartFormatError) in
                    try reader.text { term in
                        scratch.arena.append(contentsOf: term)
                        scratch.ends.append(scratch.arena.count)
                        scratch.hashes.append(TermTable.hash(term))
                    }
                }
            case "documents": try reader.ints(into: &scratch.documents)
            case "occurrences": try reader.ints(into: &scratch.occurrences)
            default: throw reader.unknownKey(key, in: "term counts")
            }
        }
        let count = scratch.ends.count
        guard scratch.documents.count == count, scratch.occurrences.count == count else {
            throw reader.error("term counts need one document count and one occurrence count per term")
        }
        var listedTwice = false
        scratch.arena.withUnsafeBufferPointer { arena in
            scratch.ends.withUnsafeBufferPointer { ends in
                scratch.hashes.withUnsafeBufferPointer { hashes in
                    terms.insertAll((arena, ends, hashes)) { k, index, inserted in
                        if inserted { tallies.append(Tally(documents: 0, occurrences: 0, lastDocument: -1)) }
                        tallies.withUnsafeMutableBufferPointer { tallies in
                            if tallies[index].lastDocument == stamp { listedTwice = true }
                            tallies[index].lastDocument = stamp
                            tallies[index].documents += scratch.documents[k]
                            tallies[index].occurrences += scratch.occurrences[k]
                        }
                    }
                }
            }
        }
        if listedTwice { throw reader.error("term counts list a term twice") }
    }
}
