#ifndef SCANLOG_CZLIB_SHIM_H
#define SCANLOG_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro in zlib.h, which Swift cannot call: wrap it.
static inline int scanlog_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
