/* rowq.c - the import's chunked row queue (see rowq.h): a ring of chunk buffers guarded by one
 * mutex and two condition variables.
 *
 * Item layout in a chunk (native byte order; the bytes never leave the process):
 *   'R' key_hash:i64 repeat_of:i64 line:i64 key_len:u32 key content_hash:i64 then per value:
 *       null:u8, and
 *       if not null an i64 (integer, bool), a double (real) or len:u32 + bytes (text, date,
 *       timestamp)
 *   'X' line:i64 field_len:u32 field reason_len:u32 reason raw_len:u32 raw
 *       (field_len 0xFFFFFFFF = no field)
 */
#include "ingest/rowq.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SPARES 8

struct zj_rowq {
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    zj_rowq_chunk *ring;
    int depth, head, count;
    bool closed, cancelled;
    /* Buffers of chunks read, for the producer's next chunks: a chunk is most of a MiB, and
     * a fresh one each time was fresh memory, page faults and the kernel zeroing pages on
     * both threads (the consumer freeing, the producer touching). */
    zj_buf spare[SPARES];
    int nspare;
};

zj_rowq *zj_rowq_new(int depth)
{
    zj_rowq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->ring = calloc((size_t)depth, sizeof *q->ring);
    if (!q->ring) {
        free(q);
        return NULL;
    }
    q->depth = depth;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    return q;
}

void zj_rowq_free(zj_rowq *q)
{
    if (!q)
        return;
    for (int i = 0; i < q->count; i++)
        zj_buf_free(&q->ring[(q->head + i) % q->depth].data);
    free(q->ring);
    for (int i = 0; i < q->nspare; i++)
        zj_buf_free(&q->spare[i]);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    free(q);
}

static int put_u32(zj_buf *b, uint32_t v) { return zj_buf_append(b, &v, sizeof v); }
static int put_i64(zj_buf *b, int64_t v) { return zj_buf_append(b, &v, sizeof v); }

static int put_str(zj_buf *b, const char *p, size_t n)
{
    return put_u32(b, (uint32_t)n) || zj_buf_append(b, p, n);
}

int zj_rowq_add_record(zj_rowq_chunk *c, int64_t line, const char *key, size_t key_len,
                       int64_t key_hash, int64_t content_hash, const zj_value *values,
                       const zj_type *types, size_t nvalues)
{
    /* One reservation and plain copies: this runs for every row of every import, and a
     * zj_buf_append per field cost more than the rest of the queue together. */
    size_t need = 1 + 8 + 8 + 8 + 4 + key_len + 8 + nvalues;
    for (size_t i = 0; i < nvalues; i++)
        if (!values[i].is_null)
            need += types[i] == ZJ_TYPE_INTEGER || types[i] == ZJ_TYPE_BOOL ||
                    types[i] == ZJ_TYPE_REAL ? 8 : 4 + values[i].len;
    zj_buf *b = &c->data;
    if (zj_buf_reserve(b, need))
        return -1;
    char *p = b->data + b->len;
    uint32_t n32 = (uint32_t)key_len;
    *p++ = ZJ_ITEM_RECORD;
    memcpy(p, &key_hash, 8), p += 8;
    memset(p, 0, 8), p += 8;       /* repeat_of: zj_rowq_set_repeat */
    memcpy(p, &line, 8), p += 8;
    memcpy(p, &n32, 4), p += 4;
    if (key_len)                   /* (memcpy from NULL is undefined even for 0 bytes) */
        memcpy(p, key, key_len), p += key_len;
    memcpy(p, &content_hash, 8), p += 8;
    for (size_t i = 0; i < nvalues; i++) {
        const zj_value *v = &values[i];
        *p++ = v->is_null ? 1 : 0;
        if (v->is_null)
            continue;
        switch (types[i]) {
        case ZJ_TYPE_INTEGER:
        case ZJ_TYPE_BOOL: memcpy(p, &v->i, 8), p += 8; break;
        case ZJ_TYPE_REAL: memcpy(p, &v->r, 8), p += 8; break;
        default:
            n32 = (uint32_t)v->len;
            memcpy(p, &n32, 4), p += 4;
            if (v->len)
                memcpy(p, v->text, v->len), p += v->len;
            break;
        }
    }
    assert((size_t)(p - (b->data + b->len)) == need);
    b->len += need;
    b->data[b->len] = '\0';        /* zj_buf's invariant; reserve left room for it */
    c->items++;
    return 0;
}

int zj_rowq_add_target(zj_rowq_chunk *c, size_t target)
{
    zj_buf *b = &c->data;
    if (zj_buf_putc(b, ZJ_ITEM_TARGET) || put_i64(b, (int64_t)target))
        return -1;
    c->items++;
    return 0;
}

int zj_rowq_add_reject(zj_rowq_chunk *c, int64_t line, const char *field, const char *reason,
                       const char *raw, size_t raw_len)
{
    zj_buf *b = &c->data;
    if (zj_buf_putc(b, ZJ_ITEM_REJECT) || put_i64(b, line))
        return -1;
    if (field ? put_str(b, field, strlen(field) + 1) : put_u32(b, 0xFFFFFFFFu))
        return -1;
    if (put_str(b, reason, strlen(reason) + 1) || put_str(b, raw ? raw : "", raw ? raw_len : 0))
        return -1;
    c->items++;
    return 0;
}

bool zj_rowq_push(zj_rowq *q, zj_rowq_chunk *c)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == q->depth && !q->cancelled)
        pthread_cond_wait(&q->not_full, &q->mu);
    bool ok = !q->cancelled;
    if (ok) {
        q->ring[(q->head + q->count) % q->depth] = *c;
        q->count++;
        pthread_cond_signal(&q->not_empty);
    } else
        zj_buf_free(&c->data);
    pthread_mutex_unlock(&q->mu);
    memset(c, 0, sizeof *c);
    return ok;
}

void zj_rowq_take_spare(zj_rowq *q, zj_rowq_chunk *c)
{
    if (c->data.data)
        return;
    pthread_mutex_lock(&q->mu);
    if (q->nspare > 0) {
        c->data = q->spare[--q->nspare];
        zj_buf_clear(&c->data);
        c->items = 0;
    }
    pthread_mutex_unlock(&q->mu);
}

void zj_rowq_give_back(zj_rowq *q, zj_buf *b)
{
    if (!b->data)
        return;
    pthread_mutex_lock(&q->mu);
    bool kept = q->nspare < SPARES;
    if (kept)
        q->spare[q->nspare++] = *b;
    pthread_mutex_unlock(&q->mu);
    if (!kept)
        zj_buf_free(b);
    memset(b, 0, sizeof *b);
}

void zj_rowq_close(zj_rowq *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = true;
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

bool zj_rowq_pop(zj_rowq *q, zj_rowq_chunk *out)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == 0 && !q->closed && !q->cancelled)
        pthread_cond_wait(&q->not_empty, &q->mu);
    bool ok = q->count > 0 && !q->cancelled;
    if (ok) {
        *out = q->ring[q->head];
        memset(&q->ring[q->head], 0, sizeof q->ring[q->head]);
        q->head = (q->head + 1) % q->depth;
        q->count--;
        pthread_cond_signal(&q->not_full);
    }
    pthread_mutex_unlock(&q->mu);
    return ok;
}

void zj_rowq_cancel(zj_rowq *q)
{
    pthread_mutex_lock(&q->mu);
    q->cancelled = true;
    pthread_cond_broadcast(&q->not_full);
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

bool zj_rowq_cancelled(zj_rowq *q)
{
    pthread_mutex_lock(&q->mu);
    bool c = q->cancelled;
    pthread_mutex_unlock(&q->mu);
    return c;
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int64_t get_i64(const char *p)
{
    int64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

bool zj_rowq_next_item(const zj_rowq_chunk *c, size_t *pos, const zj_type *types,
                       size_t nvalues, zj_rowq_item *it)
{
    if (*pos >= c->data.len)
        return false;
    const char *p = c->data.data + *pos;
    it->kind = (zj_item_kind)*p++;
    it->key_hash = it->repeat_of = 0;
    if (it->kind == ZJ_ITEM_RECORD) {
        it->key_hash = get_i64(p);
        it->repeat_of = get_i64(p + 8);
        p += 16;
    }
    it->line = get_i64(p);
    p += 8;
    if (it->kind == ZJ_ITEM_TARGET) {
        it->target = (size_t)it->line;
        it->line = 0;
    } else if (it->kind == ZJ_ITEM_RECORD) {
        it->key_len = get_u32(p);
        it->key = p + 4;
        p += 4 + it->key_len;
        it->content_hash = get_i64(p);
        p += 8;
        for (size_t i = 0; i < nvalues; i++) {
            zj_value *v = &it->values[i];
            memset(v, 0, sizeof *v);
            v->is_null = *p++ != 0;
            if (v->is_null)
                continue;
            switch (types[i]) {
            case ZJ_TYPE_INTEGER:
            case ZJ_TYPE_BOOL: v->i = get_i64(p); p += 8; break;
            case ZJ_TYPE_REAL: memcpy(&v->r, p, sizeof v->r); p += 8; break;
            default:
                v->len = get_u32(p);
                v->text = p + 4;
                p += 4 + v->len;
                break;
            }
        }
    } else {
        uint32_t fl = get_u32(p);
        p += 4;
        it->field = fl == 0xFFFFFFFFu ? NULL : p;
        if (fl != 0xFFFFFFFFu)
            p += fl;
        uint32_t rl = get_u32(p);
        it->reason = p + 4;
        p += 4 + rl;
        it->raw_len = get_u32(p);
        it->raw = p + 4;
        p += 4 + it->raw_len;
    }
    *pos = (size_t)(p - c->data.data);
    return true;
}

void zj_rowq_set_repeat(zj_rowq_chunk *c, size_t pos, int64_t repeat_of)
{
    assert(pos + 17 <= c->data.len && c->data.data[pos] == ZJ_ITEM_RECORD);
    memcpy(c->data.data + pos + 9, &repeat_of, 8);
}

const char *zj_rowq_key_at(const zj_rowq_chunk *c, size_t pos, size_t *key_len)
{
    assert(pos + 29 <= c->data.len && c->data.data[pos] == ZJ_ITEM_RECORD);
    *key_len = get_u32(c->data.data + pos + 25);
    return c->data.data + pos + 29;
}

int64_t zj_rowq_peek_key_hash(const zj_rowq_chunk *c, size_t pos)
{
    if (pos + 9 > c->data.len || c->data.data[pos] != ZJ_ITEM_RECORD)
        return 0;
    return get_i64(c->data.data + pos + 1);
}
