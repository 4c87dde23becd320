import CMalloc

/// How the process asks malloc to give memory back (`CMalloc`).
package enum MallocTuning {
    /// Blocks of 128 KB and more come from mmap and go back to the system when freed, and the
    /// heap keeps at most 128 KB free at its top. glibc's default threshold rises to the size of
    /// any large block freed, so a profile's megabyte per-chunk tables were recycled through the
    /// heap, which kept what the merge had freed: 4M rows peaked at 102 MB, 75 MB with this.
    package static func releaseLargeBlocksPromptly() {
        prepline_malloc_release_large_blocks(128 * 1024, 128 * 1024)
    }
}

/// Cache hints for the hash tables' probe loops (`CMalloc`).
package enum MemoryHints {
    /// Starts loading the cache line at `address`; results never depend on it.
    @inline(__always)
    package static func prefetch(_ address: UnsafeRawPointer) { prepline_prefetch(address) }
}
