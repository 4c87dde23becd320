#ifndef CZLIB_H
#define CZLIB_H
#include <zlib.h>

/// zlib's init functions are macros (they pass the library version and struct size), which Swift
/// cannot import; these inline wrappers expose them as functions.
static inline int prepline_inflate_init_gzip(z_streamp stream) {
    /* 15 window bits + 32: detect a gzip or zlib header automatically. */
    return inflateInit2(stream, 15 + 32);
}

static inline int prepline_deflate_init_gzip(z_streamp stream, int level) {
    /* 15 window bits + 16: write a gzip header and trailer. */
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
