extension Batch {
    /// Expands the block at column `c` into one column per output name, in place: a one-hot
    /// block into 0/1 flags, a dense weight block into numbers. Only when a later stage names
    /// one of its columns (`scale` on `city_*`): the block itself is the cheap form to write.
    package mutating func expandBlock(at c: Int) {
        switch columns[c] {
        case .oneHot(let blockNames, let hot):
            var expanded: [ColumnValues] = []
            expanded.reserveCapacity(blockNames.count)
            for j in blockNames.indices {
                let column = Int32(j)
                expanded.append(.flags(hot.map { $0 == column ? 1 : 0 }))
            }
            columns.replaceSubrange(c...c, with: expanded)
            names.replaceSubrange(c...c, with: blockNames)
        case .weights(let blockNames, let values):
            let width = blockNames.count
            let rows = width == 0 ? 0 : values.count / width
            var expanded: [ColumnValues] = []
            expanded.reserveCapacity(width)
            for j in 0..<width { expanded.append(.numbers((0..<rows).map { values[$0 * width + j] })) }
            columns.replaceSubrange(c...c, with: expanded)
            names.replaceSubrange(c...c, with: blockNames)
        default:
            break
        }
    }
}
