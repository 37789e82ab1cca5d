#ifndef SESSIONGUARD_CZLIB_SHIM_H
#define SESSIONGUARD_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro. */
static inline int sg_inflate_init2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
