/* input.h - read a file as a stream of UTF-8 bytes, whatever its encoding (输入解码).
 *
 * Agencies export UTF-8 (with or without a BOM) or GB18030/GBK. An input opened with
 * ZJ_ENC_AUTO sniffs the first 64 KiB: a UTF-8 BOM or valid UTF-8 means UTF-8, anything else
 * means GB18030 (a superset of GBK and GB2312). A byte order mark is always stripped: EF BB BF
 * in UTF-8 (declared or detected) and its GB18030 form 84 31 95 33 in GB18030.
 *
 * Invalid byte sequences are never dropped silently: in GB18030 mode each undecodable byte
 * becomes the byte 0xFF in the output (never part of valid UTF-8) and `invalid_sequences` is
 * incremented; in UTF-8 mode bytes pass through unchanged. Either way the output is valid
 * UTF-8 exactly where the source was valid in its encoding, so a caller validating each field
 * (zj_utf8_valid in utf8.h) rejects a row for its encoding only where the decoder could not
 * decode it, while a U+FFFD the file itself holds (text converted with losses before it
 * reached us) is ordinary text.
 *
 * Conversion is streamed through a 1 MiB source buffer: memory use does not depend on the
 * file's size. In UTF-8 mode large reads go straight from the file into the caller's buffer.
 */
#ifndef ZJ_INPUT_H
#define ZJ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

typedef enum zj_encoding {
    ZJ_ENC_AUTO = 0,
    ZJ_ENC_UTF8,
    ZJ_ENC_GB18030,
} zj_encoding;

typedef struct zj_input zj_input;

/* Parse an encoding name: "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312" (case-insensitive).
 * Returns 0 and sets *out, or -1 for an unknown name. */
int zj_encoding_parse(const char *name, zj_encoding *out);
const char *zj_encoding_name(zj_encoding enc);   /* "utf-8" or "gb18030" ("auto" for AUTO) */

/* Open `path` ("-" for standard input, which is not closed by zj_input_close). With
 * ZJ_ENC_AUTO the first 64 KiB are read here to detect the encoding. Returns 0, or ZJ_EDATA
 * when the file cannot be opened or read, is a directory, or memory runs out, with a message
 * naming the file; *out is then NULL. */
int zj_input_open(const char *path, zj_encoding enc, zj_input **out, zj_error *err);

/* Same over the n bytes at p, which are borrowed and must outlive the input. For tests, fuzz
 * targets and callers that already hold the data. Fails (ZJ_EDATA) only when out of memory. */
int zj_input_open_memory(const void *p, size_t n, zj_encoding enc, zj_input **out,
                         zj_error *err);

/* Testing hook: take at most `max` source bytes per underlying read (0: no limit, the
 * default), so that tests and fuzz targets can split characters and records across reads at
 * every position. Memory inputs read nothing at open, so the limit applies from the first
 * byte; for files, what zj_input_open read (up to 64 KiB with ZJ_ENC_AUTO) is buffered. */
void zj_input_set_read_limit(zj_input *in, size_t max);

/* Read up to `cap` (> 0) bytes of UTF-8 into `buf`. Returns the byte count, 0 at end of
 * file (and on every later call), or -1 on an I/O error (err set). A character cut by the
 * boundary between two reads of the *source* is put back together: with `cap` >= 4 a read
 * always ends on a character boundary (in UTF-8 mode, an incomplete sequence at the very end
 * of the input is passed through as it is). Only a `cap` below 4 may split a character. */
ssize_t zj_input_read(zj_input *in, char *buf, size_t cap, zj_error *err);

/* Is the whole file at `path` valid in `enc` (ZJ_ENC_UTF8 or ZJ_ENC_GB18030)? Reads it all;
 * for telling a user which encoding a file that failed to decode is really in. Returns ZJ_OK
 * with *valid set, or ZJ_EDATA when the file cannot be read. */
int zj_input_file_valid(const char *path, zj_encoding enc, bool *valid, zj_error *err);

zj_encoding zj_input_encoding(const zj_input *in);   /* the detected or declared encoding */
int64_t zj_input_bytes_consumed(const zj_input *in); /* source bytes read so far (progress) */
int64_t zj_input_size(const zj_input *in);           /* source size in bytes, -1 if unknown */
int64_t zj_input_invalid_sequences(const zj_input *in);
/* The digest of every source byte (before decoding), as 32 hex digits: XXH3-128, the same as
 * the import's file digest (zj_file_digest). Returns 0 once the source has been read to its
 * end, -1 before. Computed as the bytes are read, so an import needs no second pass. */
int zj_input_digest(const zj_input *in, char hex[33]);
void zj_input_close(zj_input *in);                   /* NULL is allowed */

#endif
