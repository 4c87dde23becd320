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
            for (column, stage) in namesLearnedLater where selector.hasPrefix("\(column)_") {
                return "'\(selector)' names columns that \(stage) makes from '\(column)', known once it is fitted"
            }
        }
        return nil
    }

    /// Expands, in place, the blocks a selector is aimed at (`<col>_…`) that hold a member it
    /// names or matches, so `resolve` finds their output columns.
    /// A produced name that is already a column is an error naming both: a stage naming it would
    /// bind one in `run` and the other in `apply`.
    /// `keepingWholeBlocks` (select, drop): a glob that matches every output column of a block
    /// takes the block whole, unexpanded (the cheap form to write).
    private mutating func expandBlocks(for selectors: [String], keepingWholeBlocks: Bool) throws(PreplineError) {
        guard !blocks.isEmpty else { return }
        for selector in selectors {
            for (column, members) in blocks where selector.hasPrefix("\(column)_") || (keepingWholeBlocks && Glob.isPattern(selector)) {
                let glob = Glob.isPattern(selector) ? Glob(selector) : nil
                let matching = members.count(where: { glob?.matches($0) ?? ($0 == selector) })
                if keepingWholeBlocks && glob != nil && matching == members.count { continue }
                guard matching > 0,
                      let index = names.firstIndex(where: { $0 == column && expandedBy[$0] != nil }) else { continue }
                let existing = Set(names)
                if let clash = members.first(where: { existing.contains($0) }) {
                    throw PreplineError.spec(file: file, path: "stages",
                                             message: "column '\(clash)' that \(expandedBy[column] ?? "a stage") makes from '\(column)' is also a column of its own; rename one of them")
                }
                names.replaceSubrange(index...index, with: members)
                let memberIDs = nextID..<(nextID + members.count)
                for id in memberIDs { madeBy[id] = expandedBy[column] }
                nextID += members.count
                ids.replaceSubrange(index...index, with: memberIDs)
                expandedBy[column] = nil
                blocks[column] = nil
                expansions.append(index)
            }
        }
    }

    /// The block (not expanded) whose output names `selector` is aimed at (`<col>_…`).
    private func blockAimedAt(_ selector: String) -> (column: String, members: [String])? {
        blocks.first { selector.hasPrefix("\($0.key)_") }.map { ($0.key, $0.value) }
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
                let matches = names.indices.filter { glob.matches(names[$0]) && expandedBy[names[$0]] == nil }
                guard !matches.isEmpty else {
                    if let block = blockAimedAt(selector) { throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' matches none of the columns made from '\(block.column)': \(Suggestion.shortList(block.members))") }
                    throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' matches no column; columns: \(Suggestion.shortList(names))")
                }
                for index in matches where chosen.insert(index).inserted { result.append(index) }
            } else {
                guard let index = firstIndexOfName[selector] else {
                    if let block = blockAimedAt(selector) {
                        throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' is not one of the columns made from '\(block.column)'\(Suggestion.didYouMean(selector, in: block.members)): \(Suggestion.shortList(block.members))")
                    }
                    throw PreplineError.spec(file: file, path: itemPath, message: "unknown column '\(selector)'\(Suggestion.didYouMean(selector, in: names)); columns: \(Suggestion.shortList(names))")
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
                if pendingTakesBlock, let column = namesLearnedLater.keys.sorted().first(where: { selector.hasPrefix("\($0)_") || Glob.isPattern(selector) }) {
                    pendingBlocks.append(column)
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
                throw PreplineError.spec(file: file, path: itemPath, message: "unknown column '\(selector)'\(Suggestion.didYouMean(selector, in: outputNames)); columns: \(Suggestion.shortList(outputNames))")
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
            if !matched {
                throw PreplineError.spec(file: file, path: itemPath, message: "'\(selector)' matches no column; columns: \(Suggestion.shortList(outputNames))")
            }
        }
        for column in pendingBlocks {
            if let index = names.firstIndex(of: column), chosen.insert(index).inserted { result.append(index) }
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

    /// Keeps exactly the columns at `indexes`, in that order (`select`).
    package mutating func keep(_ indexes: [Int]) {
        names = indexes.map { names[$0] }
        ids = indexes.map { ids[$0] }
        forgetRemovedNames()
    }

    /// Removes the columns at `indexes` (`drop`).
    package mutating func remove(_ indexes: [Int]) {
        let removed = Set(indexes)
        keep(names.indices.filter { !removed.contains($0) })
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
                throw PreplineError.spec(file: file, path: itemPath, message: "unknown column '\(old)'\(Suggestion.didYouMean(old, in: outputNames)); columns: \(Suggestion.shortList(outputNames))")
            }
            if let stage = expandedBy[old], blocks[old] != nil || namesLearnedLater[old] != nil {
                throw PreplineError.spec(file: file, path: itemPath, message: "'\(old)' was expanded by \(stage) into columns of their own ('\(old)_…'); rename those, or rename '\(old)' before that stage")
            }
            guard !new.isEmpty else { throw PreplineError.spec(file: file, path: itemPath, message: "expected a new name, got \"\"") }
            newNames[index] = new
            renamed.append((index, new))
        }
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
    private mutating func forgetRemovedNames() {
        let present = Set(names)
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
        var owners: [String: Int] = [:]
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
                guard let first = owners[output] else { owners[output] = owner; continue }
                if isInputName(first, output) && isInputName(owner, output) { continue }
                throw PreplineError.spec(file: file, path: path, message: "column '\(LosslessText.display(output))' would be written twice, by \(describe(first, output)) and by \(describe(owner, output)); rename one of them first (a rename stage)")
            }
        }
    }
}
