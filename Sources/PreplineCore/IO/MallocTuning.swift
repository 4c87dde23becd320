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

    /// Freed blocks stay in the heap for later ones (blocks up to 32 MB; the heap keeps up to
    /// 256 MB free on top): a fresh page costs a fault and the kernel's zeroing, 5-10 µs each on
    /// this machine, and a profile's tables grow by doubling, freeing half of what they take. A
    /// 200k-row profile faulted 21k pages with blocks from mmap, 17k like this. Meant while the
    /// heap is small (the profile switches to `releaseLargeBlocksPromptly` and `trim` past a size).
    package static func keepFreedMemory() {
        prepline_malloc_release_large_blocks(32 << 20, 256 << 20)
    }

    /// Gives the heap's free pages back to the system.
    package static func trim() { prepline_malloc_trim() }

    /// Bytes malloc holds from the system (used or free); nil where malloc cannot tell.
    package static var heapBytes: Int? {
        let bytes = prepline_malloc_heap_bytes()
        return bytes < 0 ? nil : Int(bytes)
    }
}

/// Cache hints for the hash tables' probe loops (`CMalloc`).
package enum MemoryHints {
    /// Starts loading the cache line at `address`; results never depend on it.
    @inline(__always)
    package static func prefetch(_ address: UnsafeRawPointer) { prepline_prefetch(address) }
}
