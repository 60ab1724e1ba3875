/* gzip.c - compress an answer's body into a gzip stream (zlib's deflate, gzip wrapper). */
#include "serve/gzip.h"

#include <string.h>
#include <zlib.h>

int zj_gzip_buf(zj_buf *body)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a 32 KiB window with the gzip header and trailer; memLevel 8 is zlib's default */
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong cap = deflateBound(&z, (uLong)body->len);
    zj_buf out = {0};
    if (zj_buf_reserve(&out, (size_t)cap)) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (unsigned char *)body->data;
    z.avail_in = (uInt)body->len;
    z.next_out = (unsigned char *)out.data;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);   /* deflateBound: one call always finishes */
    out.len = (size_t)z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        zj_buf_free(&out);
        return -1;
    }
    out.data[out.len] = '\0';        /* reserve kept room for the terminator */
    zj_buf_free(body);
    *body = out;
    return 0;
}
