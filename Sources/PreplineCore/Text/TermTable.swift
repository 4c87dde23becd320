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

    /// `slack`: eight bytes past the end of `bytes` may be read (they are in the same buffer),
    /// so a tail of one to seven bytes is compared as one word when the arena has them too.
    @inline(__always)
    private func equals(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, slack: Bool = false) -> Bool {
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
            if slack, i < length, start + i + 8 <= arena.count {
                let mask: UInt64 = (1 << UInt64(8 * (length - i))) - 1
                return (a.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) & mask == 0
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
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, slack: Bool = false) -> (index: Int?, slot: Int) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        let tag = Self.slotTag(hash)
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let entry = slots[slot]
                if entry == 0 { return (nil, slot) }
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if entry & 0xFFFF_FFFF_0000_0000 == tag && equals(index, bytes, slack: slack) { return (index, slot) }
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
    package mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, slack: Bool = false) -> (index: Int, inserted: Bool) {
        let (found, slot) = probe(bytes, hash: hash, slack: slack)
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

    /// A term to look up: `source[start ..< end]` of some buffer, and its hash.
    package struct TermRef: Sendable {
        package var start: Int
        package var end: Int
        package var hash: UInt64
    }

    /// Finds each term `refs[k]` of `source`, in order, inserting the new ones, and calls
    /// `found(k, index, inserted)` for it: `insert` term by term, with what a later term's lookup
    /// reads requested ahead — its slot 24 terms ahead, its candidate's bounds 12 ahead, the
    /// candidate's bytes 6 ahead — so the cache misses of a table larger than the cache overlap
    /// instead of following one another (a merge of 20 million terms into a 20,000-term table
    /// spent half its time waiting on them). Prefetches are hints: a term inserted meanwhile or
    /// a table grown only costs a miss. `slack`: as `equals`, for every term of `source`.
    package mutating func insertAll(_ source: UnsafeBufferPointer<UInt8>, _ refs: UnsafeBufferPointer<TermRef>, slack: Bool = false,
                                    _ found: (Int, Int, Bool) -> Void) {
        let count = refs.count
        for k in 0..<count {
            if k + 6 < count {
                slots.withUnsafeBufferPointer { slots in
                    if k + 24 < count { MemoryHints.prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: refs[k + 24].hash) & mask)) }
                    ends.withUnsafeBufferPointer { ends in
                        if k + 12 < count, let index = candidate(refs[k + 12].hash, in: slots) { MemoryHints.prefetch(ends.baseAddress! + index) }
                        if let index = candidate(refs[k + 6].hash, in: slots) {
                            let start = index == 0 ? 0 : ends[index - 1]
                            arena.withUnsafeBufferPointer { if let base = $0.baseAddress { MemoryHints.prefetch(base + start) } }
                        }
                    }
                }
            }
            let ref = refs[k]
            let (index, inserted) = insert(UnsafeBufferPointer(rebasing: source[ref.start..<ref.end]), hash: ref.hash, slack: slack)
            found(k, index, inserted)
        }
    }

    /// The index of the term in the hash's own slot when its tag matches (the usual find), for prefetching.
    @inline(__always)
    private func candidate(_ hash: UInt64, in slots: UnsafeBufferPointer<UInt64>) -> Int? {
        let entry = slots[Int(truncatingIfNeeded: hash) & mask]
        guard entry != 0, entry & 0xFFFF_FFFF_0000_0000 == Self.slotTag(hash) else { return nil }
        return Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
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
        var refs: [TermTable.TermRef] = []
        var documents: [Int] = []
        var occurrences: [Int] = []
        /// Per term of the part: its index in the merged table.
        var indices: [Int] = []

        mutating func removeAll() {
            arena.removeAll(keepingCapacity: true)
            refs.removeAll(keepingCapacity: true)
            documents.removeAll(keepingCapacity: true)
            occurrences.removeAll(keepingCapacity: true)
            indices.removeAll(keepingCapacity: true)
        }
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
            case "documents": try reader.counts(into: &documents)
            case "occurrences": try reader.counts(into: &occurrences)
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
    ///
    /// The layout `write` writes (no whitespace, plain strings) is read by `mergeCompact`; any
    /// other (escapes, bytes that are not UTF-8, members in another order) member by member.
    package mutating func merge(from reader: inout PartReader) throws(PartFormatError) {
        if mergeStamp == Int32.min + 1 {
            for i in tallies.indices { tallies[i].lastDocument = -1 }
            mergeStamp = -1
        }
        mergeStamp -= 1
        var scratch = MergeScratch()
        swap(&scratch, &mergeScratch)
        defer { swap(&scratch, &mergeScratch) }
        scratch.removeAll()
        _ = reader.peek()
        let start = reader.position
        if let arrays = Self.compactLayout(reader.buffer, at: start, into: &scratch) {
            try mergeCompact(&reader, arrays: arrays, &scratch)
        } else {
            scratch.removeAll()
            reader.position = start
            try mergeMembers(&reader, &scratch)
        }
    }

    /// Reads the terms of `{"terms":["...",...],"documents":[...],"occurrences":[...]}` written
    /// as `write` writes it — no whitespace, each term a string without escapes — where they
    /// are in the part's bytes (bounds and hashes into `scratch`), and finds where the two
    /// count arrays start; nil, nothing else learned, for any other layout.
    private static func compactLayout(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, into scratch: inout MergeScratch) -> (documents: Int, occurrences: Int)? {
        let quote = UInt8(ascii: "\""), count = bytes.count
        guard let base = bytes.baseAddress.map(UnsafeRawPointer.init) else { return nil }
        var i = start
        func literal(_ text: StaticString) -> Bool {
            let length = text.utf8CodeUnitCount
            guard count - i >= length, memcmp(base + i, text.utf8Start, length) == 0 else { return false }
            i += length
            return true
        }
        guard literal("{\"terms\":[") else { return nil }
        while true {
            guard i < count, bytes[i] == quote else { return nil }
            i += 1
            let termStart = i
            // Eight bytes at a time to the first quote, backslash or control character; a term
            // of less than eight bytes (most) is hashed from that one word.
            var hash: UInt64?
            if count - i >= 8 {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let special = Self.quoteBackslashOrControl(word)
                if special != 0 {
                    let length = special.trailingZeroBitCount >> 3
                    i += length
                    let start = TermTable.hashStart(count: length)
                    hash = TermTable.hashEnd(length == 0 ? start : TermTable.hashTail(start, word & ((1 << UInt64(8 * length)) - 1)))
                } else {
                    i += 8
                    while count - i >= 8 {
                        let special = Self.quoteBackslashOrControl(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                        if special != 0 { i += special.trailingZeroBitCount >> 3; break }
                        i += 8
                    }
                }
            }
            while i < count, bytes[i] != quote, bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
            guard i < count, bytes[i] == quote else { return nil }
            scratch.refs.append(TermTable.TermRef(start: termStart, end: i, hash: hash ?? TermTable.hash(UnsafeBufferPointer(rebasing: bytes[termStart..<i]))))
            i += 1
            guard i < count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            return nil
        }
        guard literal(",\"documents\":["), i < count, bytes[i] != UInt8(ascii: "]") else { return nil }
        let documents = i
        // Integers only up to the array's end.
        while count - i >= 8 {
            let bracket = Self.zeroBytes(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ 0x5D5D_5D5D_5D5D_5D5D)
            if bracket != 0 { i += bracket.trailingZeroBitCount >> 3; break }
            i += 8
        }
        while i < count, bytes[i] != UInt8(ascii: "]") { i += 1 }
        guard i < count else { return nil }
        i += 1
        guard literal(",\"occurrences\":["), i < count, bytes[i] != UInt8(ascii: "]") else { return nil }
        return (documents, i)
    }

    /// Whether `merge(from:)` reads `bytes` (term counts) by `compactLayout` (for tests).
    static func isCompactLayout(_ bytes: [UInt8]) -> Bool {
        var scratch = MergeScratch()
        return bytes.withUnsafeBufferPointer { compactLayout($0, at: 0, into: &scratch) } != nil
    }

    /// The high bit of each zero byte of `word` (exact up to the first one; the lowest set bit is that one).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `word` that is a quote, a backslash or below 0x20 (exact up to the first one).
    @inline(__always)
    private static func quoteBackslashOrControl(_ word: UInt64) -> UInt64 {
        zeroBytes(word ^ 0x2222_2222_2222_2222) | zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
            | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
    }

    /// Merges the terms `compactLayout` found: looks them all up (`TermTable.insertAll`), then
    /// reads the two count arrays in step, adding each term's pair to its tallies once.
    private mutating func mergeCompact(_ reader: inout PartReader, arrays: (documents: Int, occurrences: Int), _ scratch: inout MergeScratch) throws(PartFormatError) {
        let count = scratch.refs.count
        scratch.indices.reserveCapacity(count)
        // No counts yet (a part decoded, the first merged): the table at its size at once.
        if terms.count == 0 {
            terms = TermTable(capacity: count)
            tallies.reserveCapacity(count)
        }
        // Each term is followed by more than eight bytes of the part (at least `,"documents":[`).
        scratch.refs.withUnsafeBufferPointer { refs in
            terms.insertAll(reader.buffer, refs, slack: true) { _, index, inserted in
                if inserted { tallies.append(Tally(documents: 0, occurrences: 0, lastDocument: -1)) }
                scratch.indices.append(index)
            }
        }
        let bytes = reader.buffer
        var documents = arrays.documents, occurrences = arrays.occurrences
        let stamp = mergeStamp
        var listedTwice = false
        /// An element the short reading below does not take, and whether it was the last; a
        /// negative count is refused, as `PartReader.count()` refuses it.
        func otherElement(_ position: inout Int) throws(PartFormatError) -> (value: Int, last: Bool) {
            var elementReader = reader
            elementReader.position = position
            _ = elementReader.peek()
            let start = elementReader.position
            let read = try elementReader.intElement()
            if read.value < 0 { throw PartReader.negativeCount(read.value, at: start) }
            position = elementReader.position
            return read
        }
        /// The count at `position` and whether it was the last of its array: most counts are a
        /// short integer and its separator, read here; any other goes through `otherElement`.
        @inline(__always)
        func element(_ position: inout Int) throws(PartFormatError) -> (value: Int, last: Bool) {
            if let (value, digits) = PartReader.shortUnsignedInt(bytes, at: position) {
                let separator = bytes[position + digits]
                if separator == UInt8(ascii: ",") || separator == UInt8(ascii: "]") {
                    position += digits + 1
                    return (value, separator == UInt8(ascii: "]"))
                }
            }
            return try otherElement(&position)
        }
        let failure: PartFormatError? = scratch.indices.withUnsafeBufferPointer { indices in
            tallies.withUnsafeMutableBufferPointer { tallies in
                do throws(PartFormatError) {
                    for k in 0..<count {
                        if k + 12 < count { MemoryHints.prefetch(tallies.baseAddress! + indices[k + 12]) }
                        let (documentCount, lastDocument) = try element(&documents)
                        let (occurrenceCount, lastOccurrence) = try element(&occurrences)
                        guard lastDocument == (k == count - 1), lastOccurrence == lastDocument else {
                            reader.position = documents
                            throw reader.error("term counts need one document count and one occurrence count per term")
                        }
                        let index = indices[k]
                        if tallies[index].lastDocument == stamp { listedTwice = true }
                        tallies[index].lastDocument = stamp
                        tallies[index].documents += documentCount
                        tallies[index].occurrences += occurrenceCount
                    }
                    return nil
                } catch {
                    return error
                }
            }
        }
        if let failure { throw failure }
        reader.position = occurrences
        guard reader.peek() == UInt8(ascii: "}") else { throw reader.error("expected '}' after the occurrences of term counts") }
        reader.position += 1
        if listedTwice { throw reader.error("term counts list a term twice") }
    }

    /// Merges term counts of any layout, member by member: the terms into `scratch`'s arena.
    private mutating func mergeMembers(_ reader: inout PartReader, _ scratch: inout MergeScratch) throws(PartFormatError) {
        let stamp = mergeStamp
        // The part's terms are read first, then looked up together (`TermTable.insertAll`).
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case "terms":
                try reader.array { reader throws(PartFormatError) in
                    try reader.text { term in
                        let start = scratch.arena.count
                        scratch.arena.append(contentsOf: term)
                        scratch.refs.append(TermTable.TermRef(start: start, end: scratch.arena.count, hash: TermTable.hash(term)))
                    }
                }
            case "documents": try reader.counts(into: &scratch.documents)
            case "occurrences": try reader.counts(into: &scratch.occurrences)
            default: throw reader.unknownKey(key, in: "term counts")
            }
        }
        let count = scratch.refs.count
        guard scratch.documents.count == count, scratch.occurrences.count == count else {
            throw reader.error("term counts need one document count and one occurrence count per term")
        }
        var listedTwice = false
        scratch.arena.withUnsafeBufferPointer { arena in
            scratch.refs.withUnsafeBufferPointer { refs in
                terms.insertAll(arena, refs) { k, index, inserted in
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
        if listedTwice { throw reader.error("term counts list a term twice") }
    }
}
