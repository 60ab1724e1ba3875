/* gzip.h - API answers compressed for the wire (Content-Encoding: gzip), with zlib.
 *
 * JSON compresses five to ten times; the cockpit's answers (statistics, region boundaries)
 * are the page's weight. Answers smaller than ZJ_GZIP_MIN_BODY go as they are (the header
 * costs more than it saves), and so does anything the client does not accept gzip for.
 */
#ifndef ZJ_SERVE_GZIP_H
#define ZJ_SERVE_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

#define ZJ_GZIP_MIN_BODY 1024

/* Replace body with its gzip stream (zlib level 1: a fraction of a millisecond for a 100 KiB
 * answer). Returns 0, or -1 (body unchanged) when out of memory. */
int zj_gzip_buf(zj_buf *body);

#endif
