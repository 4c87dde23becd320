/// The logical columns at some point of the pipeline, for binding stages to them.
package struct PlanColumns: Sendable {
    /// The column names, in order; a block (one-hot, dense TF-IDF) is one entry under its
    /// column's name until a stage names one of its output columns. Changed only through the
    /// methods below, which keep `ids` beside it.
    package private(set) var names: [String]
    /// Each column's identity, kept by a rename and by moves: an input column's index in the
    /// header, or a number above them for a column a stage made. The plan follows a column
    /// through the stages by it (replaying statistics, reading numbers from the start).
    package private(set) var ids: [Int]
    /// The ids of the columns the stage being bound named (set by `bindStage` and the
    /// shaping stages' binding), in the stage's column order.
    package private(set) var boundIDs: [Int] = []
    /// The stage that made each column that is not an input column (by id), for messages.
    private var madeBy: [Int: String] = [:]
    /// The block each expanded output column came from (by id): a glob of a non-shaping
    /// stage reaches it only when aimed at that block (`<col>_…`), expanded or not.
    private var memberOf: [Int: String] = [:]
    /// The input's column names (an id below `inputCount` is an index in it).
    private let inputNames: [String]
    private var nextID: Int
    /// Columns a stage has expanded (one-hot): later stages cannot name them.
    package var expandedBy: [String: String] = [:]
    /// Expanded blocks whose output names are known here (a learned one-hot that runs with its
    /// parameters): the block's column name → its output names. A stage that names one of them
    /// (`<col>_<category>`, or a glob starting `<col>_`) expands the block in place into one
    /// column per output name, right before that stage runs (`takeExpansions`).
    package var blocks: [String: [String]] = [:]
    /// Expanded columns whose output names this fit pass learns: a stage that names
    /// `<col>_…` fits in the next pass. Column name → the stage that expands it.
    package var namesLearnedLater: [String: String] = [:]
    /// Bound ahead of their fit pass: the new names of renames left for that pass (new name →
    /// the rename), so the later stages naming them leave them out too.
    package var renamesLearnedLater: [String: String] = [:]
    /// Blocks expanded by the stage being bound: the block's index before its expansion.
    private(set) var expansions: [Int] = []
    /// Set by the plan before each stage binds: true when the stage runs with learned
    /// parameters in this run (apply, or learned in an earlier fit pass), so the columns it
    /// produces are known now.
    package var stageRunsLearned = true
    /// Binding a stage of a later fit pass ahead of time (its input columns, its typos): the
    /// selectors aimed at columns this pass learns are left out instead of deferring it.
    package var skipsNamesLearnedLater = false
    /// Columns an earlier stage of this fit pass rewrote (by id; marked by the plan from
    /// `fitFrom` on): their values are not final in this pass (a fill's placeholders, a scaler
    /// not yet learned), so a stage with nothing to learn that maps them (`log`, `clip` with
    /// fixed bounds) cannot hand final values to a later stage's statistics.
    private var rewrittenIDs: Set<Int> = []
    package mutating func markRewrittenInFitPass(_ columnIDs: [Int]) { rewrittenIDs.formUnion(columnIDs) }
    /// The names, here, of the columns an earlier stage of this fit pass rewrote.
    package var rewrittenInFitPass: Set<String> {
        guard !rewrittenIDs.isEmpty else { return [] }
        return Set(names.indices.filter { rewrittenIDs.contains(ids[$0]) }.map { names[$0] })
    }
    /// Columns a `tokenize` stage has tokenized and no `tfidf` has consumed yet: a `tfidf` on
    /// such a column tokenizes with these options (tokens never materialize between the two).
    /// `column` is its name at the tokenize (a rename in between moves the entry).
    package var tokenized: [String: (stage: Int, tokenizer: Tokenizer, column: String)] = [:]
    /// The `tfidf` position that consumed each tokenized column, keyed `"<tokenize position>:<column>"`.
    package var tokenConsumers: [String: Int] = [:]
    package let file: String
    /// How many input columns there are: ids below it are input columns.
    package let inputCount: Int

    package init(names: [String], file: String) {
        self.names = names
        ids = Array(names.indices)
        nextID = names.count
        inputCount = names.count
        inputNames = names
        self.file = file
    }

    /// The id of the column named `name` (the first, should the input repeat a name).
    package func id(of name: String) -> Int? { names.firstIndex(of: name).map { ids[$0] } }

    /// A fitted block must hold parameters for exactly the columns the stage is bound to: a
    /// partial or stray block would leave columns untransformed or crash, so it is a spec error.
    package func checkFitted(_ fittedNames: [String], bound: [String], position: Int) throws(PreplineError) {
        guard !fittedNames.isEmpty else { return }
        let path = "stages[\(position)].fitted"
        let boundSet = Set(bound), fittedSet = Set(fittedNames)
        if let stray = fittedNames.first(where: { !boundSet.contains($0) }) {
            throw PreplineError.spec(file: file, path: "\(path).\(stray)", message: "'\(stray)' is not one of this stage's columns\(Suggestion.didYouMean(stray, in: bound)) (\(Suggestion.shortList(bound)))")
        }
        if let missing = bound.first(where: { !fittedSet.contains($0) }) {
            throw PreplineError.spec(file: file, path: path, message: "no learned parameters for column '\(missing)'; refit the spec with `prepline fit`")
        }
    }

    /// The columns a stage at `position` names, as indexes and names, checked against its
    /// fitted block (`fittedNames`, empty when not fitted): the start of every stage's `bind`.
    package mutating func bindStage(_ selectors: [String], position: Int, fittedNames: [String] = []) throws(PreplineError) -> (indexes: [Int], names: [String]) {
        try expandBlocks(for: selectors, keepingWholeBlocks: false)
        let indexes = try resolve(skipsNamesLearnedLater ? selectors.filter { deferral(of: [$0]) == nil } : selectors,
                                  path: "stages[\(position)].columns")
        let bound = indexes.map { names[$0] }
        boundIDs = indexes.map { ids[$0] }
        try checkFitted(fittedNames, bound: bound, position: position)
        return (indexes, bound)
    }

    /// Replaces the columns at `indexes` by one new column `name` at index `first` (one of
    /// them): a block several columns add into (`hash`).
    package mutating func merge(_ indexes: [Int], into name: String, at first: Int, by label: String) {
        let merged = Set(indexes)
        var newNames: [String] = [], newIDs: [Int] = []
        for (index, old) in names.enumerated() {
            if index == first {
                newNames.append(name)
                newIDs.append(nextID)
                madeBy[nextID] = label
                nextID += 1
            } else if !merged.contains(index) {
                newNames.append(old)
                newIDs.append(ids[index])
            }
        }
        names = newNames
        ids = newIDs
    }

    /// Inserts a column right after each of `columns` (indexes), named the column's name plus
    /// `suffix` (fill's `<col>_missing`); returns where `columns` are after the insertions.
    /// One pass: an insert per column was quadratic in the columns.
    package mutating func insertColumns(after columns: [Int], suffix: String, by label: String) -> [Int] {
        let marked = Set(columns)
        var newNames: [String] = [], newIDs: [Int] = [], shifted: [Int] = []
        newNames.reserveCapacity(names.count + columns.count)
        newIDs.reserveCapacity(names.count + columns.count)
        shifted.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            shifted.append(newNames.count)
            newNames.append(name)
            newIDs.append(ids[index])
            if marked.contains(index) {
                newNames.append(name + suffix)
                newIDs.append(nextID)
                madeBy[nextID] = label
                nextID += 1
            }
        }
        names = newNames
        ids = newIDs
        return columns.map { shifted[$0] }
    }

    /// The blocks the stage just bound expanded (indexes before expansion, in order); cleared.
    package mutating func takeExpansions() -> [Int] {
        defer { expansions = [] }
        return expansions
    }

    /// Why a stage naming `selectors` must wait for the next fit pass: a selector aimed at the
    /// output names of a column expanded by a stage this pass learns. Nil: it binds now.
    package func deferral(of selectors: [String]) -> String? {
        for selector in selectors {
            if let stage = renamesLearnedLater[selector] { return "'\(selector)' is the name \(stage) gives a column known once fitted" }
        }
        guard !namesLearnedLater.isEmpty else { return nil }
        for selector in selectors {
            for column in Self.aimedColumns(selector) {
                if let stage = namesLearnedLater[column] {
                    return "'\(selector)' names columns that \(stage) makes from '\(column)', known once it is fitted"
                }
            }
        }
        return nil
    }

    /// The column names `c` for which `selector` starts with `c_` (the blocks it may be aimed
    /// at), from its literal beginning: looked up by name, never by a search of every block
    /// (a select of 3,000 one-hot columns searched 3,000 blocks for each).
    private static func aimedColumns(_ selector: String) -> [String] {
        let literal = Glob.isPattern(selector) ? selector.prefix { !"*?[".contains($0) } : Substring(selector)
        var result: [String] = []
        var index = literal.startIndex
        while let underscore = literal[index...].firstIndex(of: "_") {
            result.append(String(literal[..<underscore]))
            index = literal.index(after: underscore)
        }
        return result
    }

    /// Expands, in place, the blocks a selector is aimed at (`<col>_…`) that hold a member it
    /// names or matches, so `resolve` finds their output columns.
    /// A produced name that is already a column is an error naming both: a stage naming it would
    /// bind one in `run` and the other in `apply`.
    /// `keepingWholeBlocks` (select, drop): a glob that matches every output column of a block
    /// takes the block whole, unexpanded (the cheap form to write).
    private mutating func expandBlocks(for selectors: [String], keepingWholeBlocks: Bool) throws(PreplineError) {
        guard !blocks.isEmpty else { return }
        var toExpand: Set<String> = []
        for selector in selectors {
            let glob = Glob.isPattern(selector) ? Glob(selector) : nil
            // A glob of select/drop may match a block's names without naming its column.
            let candidates = glob != nil && keepingWholeBlocks ? Array(blocks.keys) : Self.aimedColumns(selector)
            for column in candidates where !toExpand.contains(column) {
                guard let members = blocks[column], expandedBy[column] != nil else { continue }
                let matching = members.count(where: { glob?.matches($0) ?? ($0 == selector) })
                if keepingWholeBlocks && glob != nil && matching == members.count { continue }
                if matching > 0 { toExpand.insert(column) }
            }
        }
        guard !toExpand.isEmpty else { return }
        // One pass, left to right: each expansion's index is where the block is once the blocks
        // before it are expanded, as `Batch.expandBlock` replays them in order.
        var newNames: [String] = [], newIDs: [Int] = []
        newNames.reserveCapacity(names.count)
        newIDs.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            guard toExpand.contains(name), let members = blocks[name] else {
                newNames.append(name)
                newIDs.append(ids[index])
                continue
            }
            expansions.append(newNames.count)
            newNames += members
            for _ in members {
                madeBy[nextID] = expandedBy[name]
                memberOf[nextID] = name
                newIDs.append(nextID)
                nextID += 1
            }
            expandedBy[name] = nil
            blocks[name] = nil
        }
        names = newNames
        ids = newIDs
    }

    /// The block (not expanded) whose output names `selector` is aimed at (`<col>_…`).
    private func blockAimedAt(_ selector: String) -> (column: String, members: [String])? {
        for column in Self.aimedColumns(selector) { if let members = blocks[column] { return (column, members) } }
        return nil
    }

    /// Indexes of the columns a stage names (globs `*` and `?` allowed), in spec order.
    /// Linear in the number of columns (a dictionary of names, a set of chosen indexes): a stage
    /// on `c*` over 100,000 columns used to search the name list once per column.
    package func resolve(_ selectors: [String], path: String) throws(PreplineError) -> [Int] {
        var firstIndexOfName: [String: Int] = [:]
        firstIndexOfName.reserveCapacity(names.count)
        for (index, name) in names.enumerated() where firstIndexOfName[name] == nil { firstIndexOfName[name] = index }
        var result: [Int] = []
        var chosen: Set<Int> = []
        for (i, selector) in selectors.enumerated() {
            let itemPath = "\(path)[\(i)]"
            if let stage = expandedBy[selector] {
                throw PreplineError.spec(file: file, path: itemPath, message: "column '\(selector)' was expanded by \(stage); name it before that stage")
            }
            // An exact column name wins over a glob reading ("price[usd]" is a name).
            if Glob.isPattern(selector) && firstIndexOfName[selector] == nil {
                let glob = Glob(selector)
                let matches = names.indices.filter { index in
                    glob.matches(names[index]) && expandedBy[names[index]] == nil
                        && (memberOf[ids[index]].map { selector.hasPrefix("\($0)_") } ?? true)
                }
                // Bound ahead of its pass, a glob may match only names still to be learned.
                if matches.isEmpty && skipsNamesLearnedLater && isLearningNames { continue }
                guard !matches.isEmpty else {
                    if let block = blockAimedAt(selector) { throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' matches none of the columns made from '\(block.column)': \(Suggestion.shortList(block.members))") }
                    if let member = names.indices.first(where: { glob.matches(names[$0]) && memberOf[ids[$0]] != nil }),
                       let block = memberOf[ids[member]] {
                        throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' matches only columns made from '\(block)' by \(expandedByLabel(of: block)); a glob reaches those when it starts with '\(block)_' (e.g. \"\(block)_*\")")
                    }
                    throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' matches no column; columns: \(Suggestion.shortList(names))")
                }
                for index in matches where chosen.insert(index).inserted { result.append(index) }
            } else {
                guard let index = firstIndexOfName[selector] else {
                    if let block = blockAimedAt(selector) {
                        throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' is not one of the columns made from '\(block.column)'\(Suggestion.didYouMean(selector, in: block.members)): \(Suggestion.shortList(block.members))")
                    }
                    throw PreplineError.spec(file: file, path: itemPath, message: "unknown column '\(selector)'\(goneHint(selector))\(Suggestion.didYouMean(selector, in: names)); columns: \(Suggestion.shortList(names))")
                }
                if chosen.insert(index).inserted { result.append(index) }
            }
        }
        return result
    }

    // MARK: - Shaping (select, drop, rename)

    /// The columns `select` or `drop` names, as indexes in spec order (a glob's matches in
    /// column order). A block (one-hot, dense TF-IDF) is taken whole, unexpanded, by its
    /// column's name or by a glob matching all its output columns (`city_*`, also while they
    /// are still to be learned); naming some of them expands it.
    ///
    /// Bound ahead of its fit pass (`skipsNamesLearnedLater`), a selector that may name some
    /// of the columns still to be learned takes their whole block when `pendingTakesBlock`
    /// (select: the later stages then find what they name) and nothing otherwise (drop).
    package mutating func bindShaping(_ selectors: [String], path: String, pendingTakesBlock: Bool) throws(PreplineError) -> [Int] {
        var selectors = selectors
        var pendingBlocks: [String] = []
        if skipsNamesLearnedLater {
            selectors = selectors.filter { selector in
                guard shapingDeferral(of: [selector]) != nil else { return true }
                if pendingTakesBlock {
                    let aimed = Self.aimedColumns(selector).filter { namesLearnedLater[$0] != nil }
                    // A glob not aimed at one block may reach several: each is kept whole.
                    pendingBlocks += aimed.isEmpty && Glob.isPattern(selector) ? namesLearnedLater.keys.sorted() : aimed
                }
                return false
            }
        }
        try expandBlocks(for: selectors, keepingWholeBlocks: true)
        var firstIndexOfName: [String: Int] = [:]
        firstIndexOfName.reserveCapacity(names.count)
        for (index, name) in names.enumerated() where firstIndexOfName[name] == nil { firstIndexOfName[name] = index }
        var result: [Int] = []
        var chosen: Set<Int> = []
        for (i, selector) in selectors.enumerated() {
            let itemPath = "\(path)[\(i)]"
            if let index = firstIndexOfName[selector] {
                if chosen.insert(index).inserted { result.append(index) }
                continue
            }
            guard Glob.isPattern(selector) else {
                if let block = blockAimedAt(selector) {
                    throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' is not one of the columns made from '\(block.column)'\(Suggestion.didYouMean(selector, in: block.members)): \(Suggestion.shortList(block.members))")
                }
                throw PreplineError.spec(file: file, path: itemPath, message: "unknown column '\(selector)'\(goneHint(selector))\(Suggestion.didYouMean(selector, in: outputNames)); columns: \(Suggestion.shortList(outputNames))")
            }
            let glob = Glob(selector)
            var matched = false
            for (index, name) in names.enumerated() {
                let takes: Bool
                if let members = blocks[name], expandedBy[name] != nil {
                    takes = !members.isEmpty && members.allSatisfy { glob.matches($0) }
                } else if namesLearnedLater[name] != nil {
                    takes = Self.matchesEveryName(startingWith: "\(name)_", selector)
                } else {
                    takes = glob.matches(name)
                }
                guard takes else { continue }
                matched = true
                if chosen.insert(index).inserted { result.append(index) }
            }
            if !matched && !(skipsNamesLearnedLater && isLearningNames) {
                throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' matches no column; columns: \(Suggestion.shortList(outputNames))")
            }
        }
        for column in pendingBlocks {
            if let index = firstIndexOfName[column], chosen.insert(index).inserted { result.append(index) }
        }
        boundIDs = result.map { ids[$0] }
        return result
    }

    /// Whether the glob surely matches every name that starts with `prefix`: a literal
    /// beginning that `prefix` starts with, then `*` (`city_*`, `c*`, `*`).
    private static func matchesEveryName(startingWith prefix: String, _ selector: String) -> Bool {
        guard selector.hasSuffix("*") else { return false }
        let head = selector.dropLast()
        return !Glob.isPattern(String(head)) && prefix.hasPrefix(head)
    }

    /// Why a shaping stage naming `selectors` must wait for the next fit pass: a selector that
    /// may name some, not all, of the columns a stage of this pass learns the names of.
    package func shapingDeferral(of selectors: [String]) -> String? {
        for selector in selectors {
            if let stage = renamesLearnedLater[selector] { return "'\(selector)' is the name \(stage) gives a column known once fitted" }
        }
        guard !namesLearnedLater.isEmpty else { return nil }
        for selector in selectors {
            if !Glob.isPattern(selector) {
                for column in Self.aimedColumns(selector) {
                    if let stage = namesLearnedLater[column] {
                        return "'\(selector)' may name some of the columns that \(stage) makes from '\(column)', known once it is fitted"
                    }
                }
                continue
            }
            for (column, stage) in namesLearnedLater {
                let prefix = "\(column)_"
                if Glob.isPattern(selector) {
                    if Self.matchesEveryName(startingWith: prefix, selector) { continue }
                    // The glob's literal beginning: it can match a `<col>_…` name only if one
                    // of the two starts with the other.
                    let literal = String(selector.prefix { !"*?[".contains($0) })
                    guard literal.hasPrefix(prefix) || prefix.hasPrefix(literal) else { continue }
                } else if !selector.hasPrefix(prefix) {
                    continue
                }
                return "'\(selector)' may name some of the columns that \(stage) makes from '\(column)', known once it is fitted"
            }
        }
        return nil
    }

    /// Names that were columns before a stage renamed or dropped them, and what that stage did
    /// ("renamed to 'x' by stages[1]"), for the message of a later stage that names them.
    private var gone: [String: String] = [:]

    /// " (renamed to 'x' by stages[1])" when `name` was a column before; else "".
    private func goneHint(_ name: String) -> String { gone[name].map { " (\($0))" } ?? "" }

    /// The stage that made the (now expanded) block of `column`, for messages.
    private func expandedByLabel(of column: String) -> String {
        memberOf.first { $0.value == column }.flatMap { madeBy[$0.key] } ?? "a stage"
    }

    /// Whether some names are still to be learned in this fit pass (blocks, renames of them).
    private var isLearningNames: Bool { !namesLearnedLater.isEmpty || !renamesLearnedLater.isEmpty }

    /// Keeps exactly the columns at `indexes`, in that order (select, drop: `stage`). A table
    /// left with no column at all is a spec error: there would be nothing to write.
    package mutating func keep(_ indexes: [Int], by stage: String, path: String) throws(PreplineError) {
        guard !indexes.isEmpty else {
            throw PreplineError.spec(file: file, path: path, message: "\(stage) leaves no column to write")
        }
        let before = names
        names = indexes.map { names[$0] }
        ids = indexes.map { ids[$0] }
        forgetRemovedNames(before: before, by: stage)
    }

    /// Renames columns (`rename`), all at once, so `{"a": "b", "b": "a"}` swaps them. Returns the
    /// renamed indexes and their new names. A block's own name cannot be renamed (its output
    /// columns have names of their own: rename those); a new name that is already a column,
    /// or given twice, is an error naming both.
    package mutating func rename(_ pairs: [(old: String, new: String)], path: String) throws(PreplineError) -> [(index: Int, name: String)] {
        // Bound ahead of its fit pass: a column still to be learned is renamed in that pass.
        var pairs = pairs
        if skipsNamesLearnedLater {
            for (old, new) in pairs where shapingDeferral(of: [old]) != nil || deferral(of: [old]) != nil { renamesLearnedLater[new] = path }
            pairs = pairs.filter { renamesLearnedLater[$0.new] == nil }
        }
        try expandBlocks(for: pairs.map(\.old), keepingWholeBlocks: false)
        var firstIndexOfName: [String: Int] = [:]
        for (index, name) in names.enumerated() where firstIndexOfName[name] == nil { firstIndexOfName[name] = index }
        var renamed: [(index: Int, name: String)] = []
        var newNames = names
        for (old, new) in pairs {
            let itemPath = "\(path).\(LosslessText.display(old))"
            guard let index = firstIndexOfName[old] else {
                if let block = blockAimedAt(old) {
                    throw PreplineError.spec(file: file, path: itemPath, message: "'\(old)' is not one of the columns made from '\(block.column)'\(Suggestion.didYouMean(old, in: block.members)): \(Suggestion.shortList(block.members))")
                }
                throw PreplineError.spec(file: file, path: itemPath, message: "unknown column '\(old)'\(goneHint(old))\(Suggestion.didYouMean(old, in: outputNames)); columns: \(Suggestion.shortList(outputNames))")
            }
            if let stage = expandedBy[old], blocks[old] != nil || namesLearnedLater[old] != nil {
                throw PreplineError.spec(file: file, path: itemPath, message: "'\(old)' was expanded by \(stage) into columns of their own ('\(old)_…'); rename those, or rename '\(old)' before that stage")
            }
            guard !new.isEmpty else { throw PreplineError.spec(file: file, path: itemPath, message: "expected a new name, got \"\"") }
            newNames[index] = new
            renamed.append((index, new))
        }
        // A new name is one column's: checked here to name the map entry (checkUnique would
        // name only the stage).
        let renamedIndexes = Set(renamed.map(\.index))
        var taken: [[UInt8]: Int] = [:]
        for (index, name) in names.enumerated() where !renamedIndexes.contains(index) {
            taken[Array(name.utf8)] = index
            if let members = blocks[name], expandedBy[name] != nil { for member in members { taken[Array(member.utf8)] = index } }
        }
        for (index, new) in renamed {
            guard let other = taken[Array(new.utf8)] else { continue }
            let itemPath = "\(path).\(LosslessText.display(names[index]))"
            if let stage = expandedBy[names[other]], names[other] == new, blocks[new] != nil || namesLearnedLater[new] != nil {
                throw PreplineError.spec(file: file, path: itemPath, message: "'\(new)' still names the block \(stage) made from it (its columns '\(new)_…'); choose another name")
            }
            throw PreplineError.spec(file: file, path: itemPath, message: "column '\(LosslessText.display(new))' would be written twice, by \(origin(id: ids[other], name: names[other])) and by \(ids[index] < inputCount ? "input column \(ids[index] + 1)" : origin(id: ids[index], name: names[index])) ('\(LosslessText.display(names[index]))') renamed; choose another name")
        }
        for (index, new) in renamed where names[index] != new { gone[names[index]] = "renamed to '\(new)' by \(path.replacingOccurrences(of: ".map", with: ""))" }
        boundIDs = renamed.map { ids[$0.index] }
        // Moved along: what a tokenize left for a tfidf, and a sparse TF-IDF column's mark.
        var movedTokens: [String: (stage: Int, tokenizer: Tokenizer, column: String)] = [:]
        var movedMarks: [String: String] = [:]
        for (index, new) in renamed {
            let old = names[index]
            if let tokens = tokenized.removeValue(forKey: old) { movedTokens[new] = tokens }
            if let mark = expandedBy.removeValue(forKey: old) { movedMarks[new] = mark }
        }
        tokenized.merge(movedTokens) { $1 }
        expandedBy.merge(movedMarks) { $1 }
        names = newNames
        return renamed
    }

    /// Drops what is kept by name for columns no longer in `names` (a dropped block, a
    /// tokenized column not selected), so a later column of the same name starts afresh.
    private mutating func forgetRemovedNames(before: [String], by stage: String) {
        let present = Set(names)
        for name in before where !present.contains(name) { gone[name] = "left out by \(stage)" }
        expandedBy = expandedBy.filter { present.contains($0.key) }
        blocks = blocks.filter { present.contains($0.key) }
        namesLearnedLater = namesLearnedLater.filter { present.contains($0.key) }
        tokenized = tokenized.filter { present.contains($0.key) }
    }

    // MARK: - Output names

    /// The column names as they will be written: known blocks in their output names; a block
    /// whose names are still to be learned under its column's name.
    package var outputNames: [String] {
        var out: [String] = []
        out.reserveCapacity(names.count)
        for name in names {
            if let members = blocks[name], expandedBy[name] != nil { out += members } else { out.append(name) }
        }
        return out
    }

    /// Who made a column named `name`, for messages: "input column 3", "stages[2] fill",
    /// "input column 1 ('a') renamed".
    private func origin(id: Int, name: String) -> String {
        guard id < inputCount else { return madeBy[id] ?? "a stage" }
        return inputNames[id] == name ? "input column \(id + 1)" : "input column \(id + 1) ('\(LosslessText.display(inputNames[id]))') renamed"
    }

    /// Every output name is one column's: a name made twice — by `rename`, a produced
    /// `<col>_<category>` / `<col>_missing` / `<col>_<term>` that already exists, two blocks
    /// making the same name — is a spec error at `path` naming both (never a silent second
    /// column of the same name). Input columns that repeat a name are the reader's to refuse.
    /// Linear in the columns; called after each stage binds.
    package func checkUnique(path: String) throws(PreplineError) {
        // Keyed by bytes: Swift's String equality is canonical equivalence, but "ä" (NFC) and
        // "ä" (NFD) are two categories and two column names, as in Python.
        var owners: [[UInt8]: Int] = [:]
        owners.reserveCapacity(names.count)
        // An owner is a column's id, or -1 - (index of the block) for a block's output name.
        func describe(_ owner: Int, _ name: String) -> String {
            if owner >= 0 { return origin(id: owner, name: name) }
            let column = names[-1 - owner]
            return "\(expandedBy[column] ?? "a stage") from '\(LosslessText.display(column))'"
        }
        // Repeated names of the input header itself are the reader's to refuse.
        func isInputName(_ owner: Int, _ name: String) -> Bool { owner >= 0 && owner < inputCount && inputNames[owner] == name }
        for (index, name) in names.enumerated() {
            var made: [(String, Int)] = []
            if let members = blocks[name], expandedBy[name] != nil {
                made = members.map { ($0, -1 - index) }
            } else if namesLearnedLater[name] == nil {
                made = [(name, ids[index])]
            }
            for (output, owner) in made {
                let key = Array(output.utf8)
                guard let first = owners[key] else { owners[key] = owner; continue }
                if isInputName(first, output) && isInputName(owner, output) { continue }
                throw PreplineError.spec(file: file, path: path, message: "column '\(LosslessText.display(output))' would be written twice, by \(describe(first, output)) and by \(describe(owner, output)); rename one of them first (a rename stage)")
            }
        }
    }
}
