import Foundation

/// `clean`: rewrites text values with Python's own string operations, in a fixed order, each
/// step optional: `normalize` (`unicodedata.normalize`), `replace` (`re.sub`, in list order),
/// `strip_accents` (scikit-learn's `strip_accents_unicode` / `strip_accents_ascii`), `case`
/// (`str.lower` / `upper` / `casefold`), `remove_punctuation` (`re.sub(r"[^\w\s]", "", s)`),
/// `collapse_whitespace` (`re.sub(r"\s+", " ", s)`), `trim` (`str.strip()`), then
/// `empty_as_missing`. Nothing to learn; a missing value stays missing.
package struct CleanStage: PipelineStage {
    package static let kind = "clean"
    package static let summary = "clean text as Python does: normalize, replace (re.sub), strip_accents, case, remove_punctuation, collapse_whitespace, trim, empty_as_missing"

    package let position: Int
    package let selectors: [String]
    package let cleaner: TextCleaner
    private var bound: [Int] = []
    private var boundNames: [String] = []
    package var columnNames: [String] { boundNames }
    package var isFitted: Bool { true }
    package var fittedJSON: JSONValue? { nil }
    package var numericColumns: [String] { [] }
    package var profileNeeds: ColumnProfile.Needs { [] }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        let values = try reader.stageOptions(Self.options)
        selectors = values.columns
        var steps = TextCleaner.Steps()
        steps.normalize = values.string("normalize").map { PythonText.NormalForm(rawValue: $0)! }
        steps.stripAccents = values.string("strip_accents").map { TextCleaner.AccentStripping(rawValue: $0)! }
        steps.caseMapping = values.string("case").map { PythonText.CaseMapping(rawValue: $0)! }
        steps.removePunctuation = values.bool("remove_punctuation")
        steps.collapseWhitespace = values.bool("collapse_whitespace")
        steps.trim = values.bool("trim")
        steps.emptyAsMissing = values.bool("empty_as_missing")
        if case .array(let items)? = values.value("replace") {
            let path = reader.childPath("replace")
            for (k, item) in items.enumerated() {
                var entry = try SpecObjectReader(item, file: reader.file, path: "\(path)[\(k)]")
                guard let pattern = try entry.string("pattern") else {
                    throw entry.fail("pattern", "missing; a replacement is {\"pattern\": a Python regular expression, \"with\": its replacement}")
                }
                let template = try entry.string("with") ?? ""
                try entry.finish()
                do {
                    steps.replacements.append(try PythonReplacement(pattern: pattern, template: template))
                } catch {
                    throw entry.fail(error.inPattern ? "pattern" : "with", error.message)
                }
            }
        }
        try reader.finish()
        guard steps.hasWork else {
            throw PreplineError.spec(file: reader.file, path: reader.path,
                                     message: "the clean stage names no step; give at least one of \(Self.options.options.map { "\"\($0.name)\"" }.joined(separator: ", "))")
        }
        cleaner = TextCleaner(steps)
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position)
    }

    /// A value an earlier stage of the same fit pass fills in later (a learned fill) reaches
    /// the later stages' statistics without this stage's rewriting: a later stage on the column
    /// then fits in the next pass (`ExecutionPlan`, only when such a stage runs before this one).
    package func passesStatistics(of column: String) -> Bool { false }
    /// It may make a later stage wait for the next pass (see `passesStatistics`).
    package var mayDeferLaterStages: Bool { true }

    package func observe(_ batch: inout Batch, into state: inout StageFitState) { apply(&batch) }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {}

    package func apply(_ batch: inout Batch) {
        var scratch = TextCleaner.Scratch()
        for (i, c) in bound.enumerated() {
            let text = batch.textColumn(c)
            var cleaned = text
            for r in 0..<batch.rowCount where batch.work.isGood(r) {
                // Missing values and a learned fill's placeholders pass through as they are.
                guard let bytes = batch.bytes(of: text.refs[r], in: text) else { continue }
                switch cleaner.clean(bytes, scratch: &scratch) {
                case .unchanged:
                    break
                case .changed:
                    cleaned.refs[r] = TextColumn.extraRef(cleaned.extras.count)
                    // A copy of its own size: the scratch buffer stays this thread's, never reallocated.
                    cleaned.extras.append(Array(scratch.output))
                case .missing:
                    cleaned.refs[r] = TextColumn.missing
                case .invalidUTF8(let offset):
                    batch.work.reject(record: r, reason: TokenizeStage.invalidUTF8(column: boundNames[i], offset: offset, label: label),
                                      fix: TokenizeStage.invalidUTF8Fix)
                }
            }
            batch.columns[c] = .text(cleaned)
        }
    }
}

extension CleanStage {
    private static let replaceSchema = SchemaPiece.object([
        "type": .string("array"),
        "items": SchemaPiece.object([
            "type": .string("object"),
            "properties": SchemaPiece.object([
                "pattern": SchemaPiece.object(["type": .string("string"), "description": .string("A Python regular expression (re on str).")]),
                "with": SchemaPiece.object(["type": .string("string"), "default": .string(""),
                                            "description": .string("The replacement, as re.sub reads it: \\1, \\g<1>, \\g<name>; $ is a plain character.")]),
            ]),
            "required": SchemaPiece.strings(["pattern"]),
            "additionalProperties": .bool(false),
        ]),
    ])

    package static let options = StageOptionTable([
        StageOption("normalize", .nullableChoice(["NFC", "NFKC", "NFD", "NFKD", nil]), default: .null,
                    "Unicode normal form first (Python's unicodedata.normalize)."),
        StageOption("replace", .array(schema: replaceSchema),
                    "Regular-expression replacements, in order, each as Python's re.sub(pattern, with, text): \\w \\W \\b \\B \\d \\s keep Python's meaning; the replacement takes \\1, \\g<1>, \\g<name>."),
        StageOption("strip_accents", .nullableChoice(["unicode", "ascii", nil]), default: .null,
                    "unicode: NFKD, then combining marks removed (scikit-learn's strip_accents_unicode); ascii: NFKD, then everything not ASCII removed (strip_accents_ascii)."),
        StageOption("case", .nullableChoice(["lower", "upper", "casefold", nil]), default: .null,
                    "Python's str.lower(), str.upper() (ß becomes SS) or str.casefold() (ß becomes ss)."),
        StageOption("remove_punctuation", .bool, default: .bool(false),
                    "Remove every character that is neither a word character nor whitespace: re.sub(r\"[^\\w\\s]\", \"\", text)."),
        StageOption("collapse_whitespace", .bool, default: .bool(false),
                    "Each run of whitespace (str.isspace(): tabs, newlines, NBSP, other Unicode spaces) becomes one space."),
        StageOption("trim", .bool, default: .bool(false), "Remove leading and trailing whitespace (str.strip())."),
        StageOption("empty_as_missing", .bool, default: .bool(false), "A value that ends up empty becomes missing."),
    ])

    package var learnedParameters: String { "nothing" }
}

/// `clean`'s steps on one value at a time. ASCII values (most data) take a byte loop that
/// does the case, punctuation, whitespace and trim steps in one pass (normalization and accent
/// stripping leave ASCII as it is); other values are decoded to scalars once.
package final class TextCleaner: Sendable {
    package enum AccentStripping: String, Sendable {
        case unicode, ascii
    }

    package struct Steps: Sendable {
        package var normalize: PythonText.NormalForm?
        package var replacements: [PythonReplacement] = []
        package var stripAccents: AccentStripping?
        package var caseMapping: PythonText.CaseMapping?
        package var removePunctuation = false
        package var collapseWhitespace = false
        package var trim = false
        package var emptyAsMissing = false

        package init() {}

        var hasWork: Bool {
            normalize != nil || !replacements.isEmpty || stripAccents != nil || caseMapping != nil
                || removePunctuation || collapseWhitespace || trim || emptyAsMissing
        }
    }

    /// Per-thread working memory, reused from value to value.
    package struct Scratch {
        /// The cleaned value's bytes (after `.changed`).
        package var output: [UInt8] = []
        var bytes: [UInt8] = []
        var scalars: [Unicode.Scalar] = []
        var other: [Unicode.Scalar] = []
        /// This thread's compiled patterns, one per replacement (each worker compiles its own).
        var regexes: [NSRegularExpression?] = []

        package init() {}
    }

    package enum Outcome: Equatable {
        case unchanged, changed, missing
        /// The byte offset of the first byte that is not UTF-8.
        case invalidUTF8(Int)
    }

    package let steps: Steps
    /// Every replacement is a literal text: ASCII values never leave bytes.
    private let literalReplacements: Bool
    /// Per ASCII byte: the byte written for it (after the case step; " " for whitespace when
    /// runs collapse) and what happens to it (`keep`, `space`: one per run, `drop`).
    private let asciiEmit: [UInt8]
    private let asciiKind: [UInt8]
    private static let drop: UInt8 = 0, space: UInt8 = 1, keep: UInt8 = 2

    package init(_ steps: Steps) {
        self.steps = steps
        literalReplacements = steps.replacements.allSatisfy { $0.literal != nil }
        var emit: [UInt8] = [], kind: [UInt8] = []
        for b in UInt8(0)..<128 {
            var c = b
            switch steps.caseMapping {
            case .lower?, .casefold?: if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            case .upper?: if c >= 0x61 && c <= 0x7A { c &= ~0x20 }
            case nil: break
            }
            let isSpace = PythonText.isSpace(UInt32(c))
            if steps.removePunctuation && !isSpace && !Tokenizer.isWord(Unicode.Scalar(c)) {
                kind.append(Self.drop)
            } else if steps.collapseWhitespace && isSpace {
                kind.append(Self.space)
                c = 0x20
            } else {
                kind.append(Self.keep)
            }
            emit.append(c)
        }
        asciiEmit = emit
        asciiKind = kind
    }

    /// Cleans `value`: the result is in `scratch.output` when `.changed`.
    package func clean(_ value: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> Outcome {
        if Tokenizer.isASCII(value) {
            if steps.replacements.isEmpty {
                return asciiSteps(value, scratch: &scratch)
            }
            if literalReplacements {
                scratch.bytes.removeAll(keepingCapacity: true)
                scratch.bytes.append(contentsOf: value)
                for replacement in steps.replacements { replacement.replaceLiteral(in: &scratch.bytes, spare: &scratch.output) }
                if scratch.bytes.withUnsafeBufferPointer(Tokenizer.isASCII) {
                    let bytes = scratch.bytes
                    let outcome = bytes.withUnsafeBufferPointer { asciiSteps($0, scratch: &scratch) }
                    if outcome == .unchanged { return bytes.elementsEqual(value) ? .unchanged : set(&scratch, to: bytes) }
                    return outcome
                }
                let bytes = scratch.bytes
                return bytes.withUnsafeBufferPointer { scalarSteps($0, skipReplacements: true, original: value, scratch: &scratch) }
            }
        }
        return scalarSteps(value, skipReplacements: false, original: value, scratch: &scratch)
    }

    private func set(_ scratch: inout Scratch, to bytes: [UInt8]) -> Outcome {
        scratch.output = bytes
        return steps.emptyAsMissing && bytes.isEmpty ? .missing : .changed
    }

    /// Case, punctuation, whitespace and trim on an ASCII value, in one pass over its bytes:
    /// each byte's output (`asciiEmit`, the case mapping; a collapsed space is " ") and what
    /// happens to it (`asciiKind`) come from tables, and the output is written through a
    /// pointer (appending byte by byte cost a uniqueness check per byte).
    private func asciiSteps(_ value: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> Outcome {
        let n = value.count
        // Eight bytes of slack: a word run is copied eight bytes per step.
        scratch.output.removeAll(keepingCapacity: true)
        scratch.output.append(contentsOf: repeatElement(0, count: n + 8))
        let trim = steps.trim
        let lower = steps.caseMapping == .lower || steps.caseMapping == .casefold, upper = steps.caseMapping == .upper
        let used: Int = asciiEmit.withUnsafeBufferPointer { emit in
            asciiKind.withUnsafeBufferPointer { kind in
                scratch.output.withUnsafeMutableBufferPointer { out in
                    guard let base = value.baseAddress else { return 0 }
                    let raw = UnsafeRawPointer(base), outRaw = UnsafeMutableRawPointer(out.baseAddress!)
                    /// Eight bytes from `i`, zero past the end (zero is not a word byte).
                    @inline(__always) func load(_ i: Int) -> UInt64 {
                        if i + 8 <= n { return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
                        var word: UInt64 = 0
                        var k = i
                        while k < n { word |= UInt64(base[k]) << UInt64(8 * (k - i)); k += 1 }
                        return word
                    }
                    var used = 0
                    var inSpaceRun = false
                    var i = 0
                    while i < n {
                        let b = base[i]
                        let k = kind[Int(b)]
                        if k == Self.keep && Tokenizer.isASCIIWordByte(b) {
                            // A run of word bytes (every step keeps them; only the case changes):
                            // its end found and the run copied eight bytes at a time.
                            var end = i
                            while true {
                                let outside = ~ASCIIWordBytes.mask(load(end)) & ASCIIWordBytes.highBits
                                if outside != 0 { end += outside.trailingZeroBitCount >> 3; break }
                                end += 8
                            }
                            var j = i
                            while j < end {
                                var word = load(j)
                                if lower { word |= ASCIIWordBytes.upper(word) >> 2 } else if upper { word &= ~(ASCIIWordBytes.inRange(word, 0x61, 0x7A) >> 2) }
                                outRaw.storeBytes(of: word.littleEndian, toByteOffset: used + (j - i), as: UInt64.self)
                                j += 8
                            }
                            used += end - i
                            i = end
                            inSpaceRun = false
                            continue
                        }
                        out[used] = emit[Int(b)]
                        if k == Self.keep {
                            used += 1
                            inSpaceRun = false
                        } else if k == Self.space {
                            if !inSpaceRun { used += 1 }
                            inSpaceRun = true
                        }
                        i += 1
                    }
                    guard trim else { return used }
                    var start = 0
                    while used > 0 && PythonText.isSpace(UInt32(out[used - 1])) { used -= 1 }
                    while start < used && PythonText.isSpace(UInt32(out[start])) { start += 1 }
                    if start > 0 {
                        for i in start..<used { out[i - start] = out[i] }
                        used -= start
                    }
                    return used
                }
            }
        }
        scratch.output.removeLast(n + 8 - used)
        if steps.emptyAsMissing && used == 0 { return .missing }
        if used == n && (n == 0 || scratch.output.withUnsafeBufferPointer({ memcmp($0.baseAddress!, value.baseAddress!, n) == 0 })) {
            return .unchanged
        }
        return .changed
    }

    /// Every step, on decoded scalars.
    private func scalarSteps(_ value: UnsafeBufferPointer<UInt8>, skipReplacements: Bool, original: UnsafeBufferPointer<UInt8>,
                             scratch: inout Scratch) -> Outcome {
        if let bad = Tokenizer.decode(value, into: &scratch.scalars) { return .invalidUTF8(bad) }
        if let form = steps.normalize {
            PythonText.normalize(scratch.scalars, form, into: &scratch.other)
            swap(&scratch.scalars, &scratch.other)
        }
        if !skipReplacements {
            if scratch.regexes.isEmpty { scratch.regexes = steps.replacements.map { try? Tokenizer.compile($0.source) } }
            for (k, replacement) in steps.replacements.enumerated() {
                if let regex = scratch.regexes[k], replacement.substitute(scratch.scalars, regex: regex, into: &scratch.other) {
                    swap(&scratch.scalars, &scratch.other)
                }
            }
        }
        switch steps.stripAccents {
        case .unicode?:
            PythonText.stripAccentsUnicode(scratch.scalars, into: &scratch.other)
            swap(&scratch.scalars, &scratch.other)
        case .ascii?:
            PythonText.stripAccentsASCII(scratch.scalars, into: &scratch.other)
            swap(&scratch.scalars, &scratch.other)
        case nil:
            break
        }
        if let mapping = steps.caseMapping {
            PythonText.mapCase(scratch.scalars, mapping, into: &scratch.other)
            swap(&scratch.scalars, &scratch.other)
        }
        if steps.removePunctuation {
            scratch.scalars.removeAll { !Tokenizer.isWord($0) && !PythonText.isSpace($0.value) }
        }
        if steps.collapseWhitespace {
            scratch.other.removeAll(keepingCapacity: true)
            var inSpaceRun = false
            for scalar in scratch.scalars {
                if PythonText.isSpace(scalar.value) {
                    if !inSpaceRun { scratch.other.append(" ") }
                    inSpaceRun = true
                } else {
                    scratch.other.append(scalar)
                    inSpaceRun = false
                }
            }
            swap(&scratch.scalars, &scratch.other)
        }
        if steps.trim {
            let s = scratch.scalars
            var end = s.count
            while end > 0 && PythonText.isSpace(s[end - 1].value) { end -= 1 }
            var start = 0
            while start < end && PythonText.isSpace(s[start].value) { start += 1 }
            if end < s.count { scratch.scalars.removeSubrange(end...) }
            if start > 0 { scratch.scalars.removeSubrange(..<start) }
        }
        scratch.output.removeAll(keepingCapacity: true)
        for scalar in scratch.scalars { Tokenizer.appendUTF8(scalar, to: &scratch.output) }
        if steps.emptyAsMissing && scratch.output.isEmpty { return .missing }
        return scratch.output.elementsEqual(original) ? .unchanged : .changed
    }
}

/// One `replace` entry: Python's `re.sub(pattern, with, text)`. The pattern runs on ICU with
/// Python's character classes (`Tokenizer.translate`); the replacement is read as Python's
/// `re` reads it (`\1`, `\g<1>`, `\g<name>`, `\n` and the other escapes; `$` and `&` are plain
/// characters, as they are in Python, where ICU would read `$1`).
package struct PythonReplacement: Sendable {
    /// A replacement that Python's `re` would refuse, and whether the pattern or the
    /// replacement is at fault.
    package struct Failure: Error {
        package var message: String
        package var inPattern: Bool
    }

    enum Piece: Sendable, Equatable {
        case text(String)
        case group(Int)
    }

    package let pattern: String
    /// The pattern as ICU compiles it.
    package let source: String
    let pieces: [Piece]
    /// A pattern without a special character: its UTF-8 bytes (and the replacement's), for a
    /// byte search that needs no regular-expression engine.
    let literal: (pattern: [UInt8], replacement: [UInt8])?

    package init(pattern: String, template: String) throws(Failure) {
        self.pattern = pattern
        source = Tokenizer.translate(pattern)
        let regex: NSRegularExpression
        do {
            regex = try Tokenizer.compile(source)
        } catch {
            // ICU's error is about the translated pattern: say where the user's own is wrong.
            throw Failure(message: PatternDiagnosis.message(for: pattern), inPattern: true)
        }
        let names = Tokenizer.groups(in: source).names
        pieces = try Self.parseTemplate(template, groups: regex.numberOfCaptureGroups, names: names)
        let special = Set(".^$*+?{}[]\\|()".utf8)
        if !pattern.isEmpty, !pattern.utf8.contains(where: special.contains) {
            var replacement: [UInt8] = []
            for piece in pieces {
                switch piece {
                case .text(let text): replacement += Array(text.utf8)
                case .group: replacement += Array(pattern.utf8)  // only group 0: a literal has no other
                }
            }
            literal = (Array(pattern.utf8), replacement)
        } else {
            literal = nil
        }
    }

    /// Python's `re._parser.parse_template`: literal text, group references and escapes.
    static func parseTemplate(_ template: String, groups: Int, names: [String: Int]) throws(Failure) -> [Piece] {
        var pieces: [Piece] = []
        var text = ""
        func addGroup(_ index: Int) throws(Failure) {
            guard index <= groups else {
                let has = groups == 0 ? "the pattern has no group" : "the pattern has \(groups) group\(groups == 1 ? "" : "s")"
                throw Failure(message: "the replacement refers to group \(index), which does not exist: \(has)", inPattern: false)
            }
            if !text.isEmpty { pieces.append(.text(text)); text = "" }
            pieces.append(.group(index))
        }
        let chars = Array(template.unicodeScalars)
        let octal: ClosedRange<Unicode.Scalar> = "0"..."7", digit: ClosedRange<Unicode.Scalar> = "0"..."9"
        let escapes: [Unicode.Scalar: String] = ["a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}", "\\": "\\"]
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            guard c == "\\" else { text.unicodeScalars.append(c); continue }
            guard i < chars.count else { throw Failure(message: "the replacement ends with a \"\\\" that escapes nothing (write \\\\ for a backslash)", inPattern: false) }
            let e = chars[i]
            i += 1
            if e == "g" {
                guard i < chars.count, chars[i] == "<", let close = chars[i...].firstIndex(of: ">") else {
                    throw Failure(message: "\\g in the replacement must be followed by <number> or <name>", inPattern: false)
                }
                let name = String(String.UnicodeScalarView(chars[(i + 1)..<close]))
                i = close + 1
                if let index = Int(name), index >= 0, name.unicodeScalars.allSatisfy({ digit.contains($0) }) {
                    try addGroup(index)
                } else if let index = names[name] {
                    try addGroup(index)
                } else {
                    let known = names.keys.sorted()
                    throw Failure(message: "the replacement names group \"\(name)\", which the pattern does not have" + (known.isEmpty ? "" : " (its groups: \(known.joined(separator: ", ")))"), inPattern: false)
                }
            } else if e == "0" {
                var value = 0
                var taken = 0
                while taken < 2, i < chars.count, octal.contains(chars[i]) { value = value * 8 + Int(chars[i].value - 48); i += 1; taken += 1 }
                text.unicodeScalars.append(Unicode.Scalar(UInt8(value & 0xFF)))
            } else if digit.contains(e) {
                var number = Int(e.value - 48)
                if i < chars.count, digit.contains(chars[i]) {
                    let second = chars[i]
                    i += 1
                    if octal.contains(e), octal.contains(second), i < chars.count, octal.contains(chars[i]) {
                        let value = Int(e.value - 48) * 64 + Int(second.value - 48) * 8 + Int(chars[i].value - 48)
                        i += 1
                        guard value <= 0o377 else { throw Failure(message: "octal escape \\\(e)\(second)\(chars[i - 1]) in the replacement is above \\377", inPattern: false) }
                        text.unicodeScalars.append(Unicode.Scalar(UInt8(value)))
                        continue
                    }
                    number = number * 10 + Int(second.value - 48)
                }
                try addGroup(number)
            } else if let escaped = escapes[e] {
                text += escaped
            } else if e.isASCII && e.properties.isAlphabetic {
                throw Failure(message: "bad escape \\\(e) in the replacement (Python's re refuses it)", inPattern: false)
            } else {
                text.unicodeScalars.append("\\")
                text.unicodeScalars.append(e)
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// `re.sub` of a literal pattern on bytes: every non-overlapping occurrence, left to right.
    func replaceLiteral(in bytes: inout [UInt8], spare: inout [UInt8]) {
        guard let (needle, replacement) = literal, bytes.count >= needle.count else { return }
        spare.removeAll(keepingCapacity: true)
        var i = 0, copied = 0, found = false
        let first = needle[0]
        while i + needle.count <= bytes.count {
            if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) {
                spare.append(contentsOf: bytes[copied..<i])
                spare.append(contentsOf: replacement)
                i += needle.count
                copied = i
                found = true
            } else {
                i += 1
            }
        }
        guard found else { return }
        spare.append(contentsOf: bytes[copied...])
        swap(&bytes, &spare)
    }

    /// `re.sub` on `text` into `out`; false when nothing matched (`out` is then unused).
    func substitute(_ text: [Unicode.Scalar], regex: NSRegularExpression, into out: inout [Unicode.Scalar]) -> Bool {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text)
        let string = String(view)
        let ns = string as NSString
        let matches = regex.matches(in: string, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return false }
        var result = ""
        var last = 0
        for match in matches {
            result += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            for piece in pieces {
                switch piece {
                case .text(let literal): result += literal
                case .group(let index):
                    // A group that did not take part in the match is empty, as in Python 3.5+.
                    let range = match.range(at: index)
                    if range.location != NSNotFound { result += ns.substring(with: range) }
                }
            }
            last = match.range.location + match.range.length
        }
        result += ns.substring(from: last)
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: result.unicodeScalars)
        return true
    }
}
