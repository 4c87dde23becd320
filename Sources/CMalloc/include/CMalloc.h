#ifndef CMALLOC_H
#define CMALLOC_H

/// Asks glibc's malloc to hand large blocks straight back to the system.
///
/// By default glibc raises its mmap threshold (up to 32 MB) each time a large block is freed,
/// so megabyte buffers that come and go (a profile's per-chunk tables) end up in the heap, and
/// the heap keeps what is freed: at 4M rows `profile` peaked at 102 MB, 27 MB of it memory
/// already freed. Fixing the threshold at `mmap_threshold` bytes serves blocks of that size and
/// more with mmap (returned at free), and `trim_threshold` bounds what the heap keeps on top.
/// Does nothing where malloc is not glibc's.
void prepline_malloc_release_large_blocks(int mmap_threshold, int trim_threshold);

/// Gives the heap's free pages back to the system (glibc's `malloc_trim(0)`); nothing elsewhere.
void prepline_malloc_trim(void);

/// Bytes malloc holds from the system, in use or free (glibc's `mallinfo2`: heap arenas and
/// mmapped blocks); -1 where that is not known.
long long prepline_malloc_heap_bytes(void);

/// Starts loading the cache line at `address` (a hint, never a fault): the profile's merge asks
/// for a hash table's slot a few values ahead, so the probes of large tables (a cache miss each)
/// overlap instead of following one another.
static inline void prepline_prefetch(const void *address) { __builtin_prefetch(address); }

#endif
