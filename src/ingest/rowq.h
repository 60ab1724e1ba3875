/* rowq.h - a bounded queue of mapped rows between the import's two threads (行队列).
 *
 * The import reads and maps rows on one thread and writes them to the store on another, so
 * on a machine with two cores parsing and SQLite overlap instead of taking turns. Rows travel
 * in chunks (a few thousand rows serialized into one buffer), so the threads meet once per
 * chunk, not once per row. A chunk holds accepted records and rejected rows in file order.
 *
 * The producer fills a chunk with zj_rowq_add_* and hands it over with zj_rowq_push (which
 * waits while the queue is full); the consumer takes chunks with zj_rowq_pop and reads the
 * items with zj_rowq_next_item. Either side may cancel; then both stop at their next call.
 */
#ifndef ZJ_ROWQ_H
#define ZJ_ROWQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/store.h"

typedef struct zj_rowq_chunk {
    zj_buf data;
    size_t items;
} zj_rowq_chunk;

/* ZJ_ITEM_TARGET switches the table the records after it go to (mapping v2 `rows:`): 0 is the
 * main record's, t + 1 the mapping's rows[t]. A v1 mapping never sends one. */
typedef enum {
    ZJ_ITEM_RECORD = 'R', ZJ_ITEM_REJECT = 'X', ZJ_ITEM_TARGET = 'T'
} zj_item_kind;

/* One item read back from a chunk. Pointers point into the chunk. */
typedef struct zj_rowq_item {
    zj_item_kind kind;
    int64_t line;
    /* records */
    int64_t key_hash;          /* as given to zj_rowq_add_record (0: none) */
    int64_t repeat_of;         /* as set by zj_rowq_set_repeat (0: none) */
    const char *key;
    size_t key_len;
    int64_t content_hash;
    zj_value *values;          /* nvalues, in the writer's column order (caller's array) */
    size_t target;             /* ZJ_ITEM_TARGET */
    /* rejects */
    const char *field;         /* NULL when the whole row was bad */
    const char *reason;
    const char *raw;
    size_t raw_len;
} zj_rowq_item;

typedef struct zj_rowq zj_rowq;

/* A queue holding at most `depth` full chunks. NULL when out of memory. */
zj_rowq *zj_rowq_new(int depth);
void zj_rowq_free(zj_rowq *q);

/* Producer side. Returns 0, or -1 when out of memory. */
int zj_rowq_add_record(zj_rowq_chunk *c, int64_t line, const char *key, size_t key_len,
                       int64_t key_hash, int64_t content_hash, const zj_value *values,
                       const zj_type *types, size_t nvalues);
/* Set the repeat_of of the record that starts at byte `pos` of the chunk (its data.len
 * before zj_rowq_add_record added it): zj_writer_ahead's answer, known once the row is
 * kept whole. */
void zj_rowq_set_repeat(zj_rowq_chunk *c, size_t pos, int64_t repeat_of);
/* The key of the record that starts at byte `pos` of the chunk. */
const char *zj_rowq_key_at(const zj_rowq_chunk *c, size_t pos, size_t *key_len);
int zj_rowq_add_target(zj_rowq_chunk *c, size_t target);
int zj_rowq_add_reject(zj_rowq_chunk *c, int64_t line, const char *field, const char *reason,
                       const char *raw, size_t raw_len);
/* Hand a chunk over (the queue takes its buffer; *c is empty afterwards). Waits while the
 * queue is full. Returns false when the consumer cancelled: stop producing. */
bool zj_rowq_push(zj_rowq *q, zj_rowq_chunk *c);
/* Start an empty chunk *c (holding no buffer) in the buffer of a chunk the consumer gave
 * back, if there is one: reused memory instead of fresh. */
void zj_rowq_take_spare(zj_rowq *q, zj_rowq_chunk *c);
/* No more chunks will come. */
void zj_rowq_close(zj_rowq *q);

/* Consumer side: the next chunk (caller frees its buffer with zj_buf_free), false at the end
 * or after a cancel. */
bool zj_rowq_pop(zj_rowq *q, zj_rowq_chunk *out);
/* Give a chunk's buffer back when done with it (instead of zj_buf_free): the producer's next
 * chunks reuse it. *b is empty afterwards. */
void zj_rowq_give_back(zj_rowq *q, zj_buf *b);
/* Read the item at *pos in chunk c into *it (values decoded into it->values, which has room
 * for nvalues with the given types); advances *pos. Returns false at the end of the chunk. */
bool zj_rowq_next_item(const zj_rowq_chunk *c, size_t *pos, const zj_type *types,
                       size_t nvalues, zj_rowq_item *it);

/* The key hash of the item at *pos if it is a record, else 0 (a look ahead, cheap: it sits
 * at a fixed place in the item). */
int64_t zj_rowq_peek_key_hash(const zj_rowq_chunk *c, size_t pos);

/* Either side: stop everything (the other side sees it at its next push or pop). */
void zj_rowq_cancel(zj_rowq *q);
bool zj_rowq_cancelled(zj_rowq *q);

#endif
