/* bench_audit.c - the audit trail's appends and its full verification, on a fresh store.
 *
 *   build/bench/bench_audit DIR [APPENDS [VERIFY]]   (defaults 1000000 and 10000000)
 *
 * Rows (Markdown):
 *   appends, hash chain only       the same entries, leaf-hashed and chained, inserted into a
 *                                  table of the same shape and index: no tree, no signing
 *                                  (what a chain-only log would cost)
 *   appends, chain + Merkle tree   zj_audit_append: chain, tree nodes, a signed head per
 *                                  transaction (Ed25519) and a checkpoint every 10,000
 *   ... each batched 1,000 per transaction; and zj_audit_append one entry per transaction
 *   verify                         zj_audit_verify over VERIFY entries (written first, batched
 *                                  10,000 per transaction): wall and CPU seconds, entries/s
 * Entries look like an inspector's: action, object, an after-hash, a small JSON detail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "work/audit.h"
#include "work/audit_internal.h"

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const zj_error *err)
{
    fprintf(stderr, "bench_audit: %s\n", err->msg);
    exit(3);
}

static const zj_actor who = {.user_id = 42, .username = "inspector0042",
                             .role = ZJ_ROLE_INSPECTOR, .unit_code = "330102", .session_id = 9};

/* The i-th entry's event (strings in the caller's buffers). */
static void event(int64_t i, char after[65], char detail[64], zj_audit_event *e)
{
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < 64; k++, x = x * 6364136223846793005ull + 1442695040888963407ull)
        after[k] = "0123456789abcdef"[x >> 60];
    after[64] = 0;
    snprintf(detail, 64, "{\"reason\":\"verified on site\",\"n\":%lld}", (long long)i);
    *e = (zj_audit_event){.action = i % 3 ? "lead.decide" : "lead.unmask", .object_table = "lead",
                          .object_id = i % 100000 + 1, .after_hash = after, .detail = detail};
}

static zj_store *fresh(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    const char *const suffix[] = {"", "-wal", "-shm", ".audit-key"};
    for (size_t i = 0; i < 4; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open(path, &s, &err))
        die(&err);
    return s;
}

static void cleanup(const char *path)
{
    const char *const suffix[] = {"", "-wal", "-shm", ".audit-key"};
    for (size_t i = 0; i < 4; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

/* Chain-only: leaf hash with the previous hash, into a table shaped like audit_entry. */
static double last_cpu;   /* CPU seconds of the last timed part */

static double chain_only(const char *dir, int64_t n, int per_tx)
{
    char path[4096];
    zj_store *s = fresh(dir, "chain.db", path, sizeof path);
    zj_error err = {0};
    if (zj_store_exec(s, "CREATE TABLE chain_entry (id INTEGER PRIMARY KEY, at TIMESTAMP,"
                         " user_id INTEGER, username TEXT, role TEXT, unit_code TEXT,"
                         " session_id INTEGER, action TEXT, object_table TEXT,"
                         " object_id INTEGER, before_hash TEXT, after_hash TEXT, detail TEXT,"
                         " prev_hash TEXT, hash TEXT);"
                         "CREATE INDEX chain_entry_object ON chain_entry(object_table, object_id)",
                         &err))
        die(&err);
    zj_stmt *ins;
    if (zj_stmt_prepare(s, "INSERT INTO chain_entry VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                           " $10, $11, $12, $13, $14, $15)", &ins, &err))
        die(&err);
    zj_hasher *h = zj_hasher_new();
    zj_hash prev = {0}, leaf;
    double t0 = wall(), c0 = cpu();
    for (int64_t i = 0; i < n;) {
        if (zj_store_begin(s, &err))
            die(&err);
        for (int j = 0; j < per_tx && i < n; j++, i++) {
            char after[65], detail[64], at[20], ph[65], lh[65];
            zj_audit_event ev;
            event(i, after, detail, &ev);
            time_t t = time(NULL);
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S", &tm);
            zj_audit_entry e = {.at = at, .user_id = who.user_id, .username = who.username,
                                .role = "inspector", .unit_code = who.unit_code,
                                .session_id = who.session_id, .action = ev.action,
                                .object_table = ev.object_table, .object_id = ev.object_id,
                                .after_hash = ev.after_hash, .detail = ev.detail};
            audit_leaf_hash(h, prev, &e, leaf);
            zj_hash_hex(prev, ph);
            zj_hash_hex(leaf, lh);
            memcpy(prev, leaf, sizeof prev);
            zj_stmt_reset(ins);
            zj_stmt_bind_int(ins, 1, i + 1);
            zj_stmt_bind_text(ins, 2, at, strlen(at));
            zj_stmt_bind_int(ins, 3, e.user_id);
            zj_stmt_bind_text(ins, 4, e.username, strlen(e.username));
            zj_stmt_bind_text(ins, 5, e.role, strlen(e.role));
            zj_stmt_bind_text(ins, 6, e.unit_code, strlen(e.unit_code));
            zj_stmt_bind_int(ins, 7, e.session_id);
            zj_stmt_bind_text(ins, 8, e.action, strlen(e.action));
            zj_stmt_bind_text(ins, 9, e.object_table, strlen(e.object_table));
            zj_stmt_bind_int(ins, 10, e.object_id);
            zj_stmt_bind_null(ins, 11);
            zj_stmt_bind_text(ins, 12, after, 64);
            zj_stmt_bind_text(ins, 13, detail, strlen(detail));
            zj_stmt_bind_text(ins, 14, ph, 64);
            zj_stmt_bind_text(ins, 15, lh, 64);
            if (zj_stmt_next(ins, &err) < 0)
                die(&err);
        }
        if (zj_store_commit(s, &err))
            die(&err);
    }
    double secs = wall() - t0;
    last_cpu = cpu() - c0;
    zj_stmt_finalize(ins);
    zj_hasher_free(h);
    zj_store_close(s);
    cleanup(path);
    return secs;
}

static void append_all(zj_store *s, int64_t n, int per_tx)
{
    zj_error err = {0};
    for (int64_t i = 0; i < n;) {
        if (per_tx > 1 && zj_store_begin(s, &err))
            die(&err);
        for (int j = 0; j < per_tx && i < n; j++, i++) {
            char after[65], detail[64];
            zj_audit_event ev;
            event(i, after, detail, &ev);
            if (zj_audit_append(s, &who, &ev, NULL, &err))
                die(&err);
        }
        if (per_tx > 1 && zj_store_commit(s, &err))
            die(&err);
    }
}

static double with_tree(const char *dir, int64_t n, int per_tx)
{
    char path[4096];
    zj_store *s = fresh(dir, "tree.db", path, sizeof path);
    double t0 = wall(), c0 = cpu();
    append_all(s, n, per_tx);
    double secs = wall() - t0;
    last_cpu = cpu() - c0;
    zj_store_close(s);
    cleanup(path);
    return secs;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: bench_audit DIR [APPENDS [VERIFY]]\n", stderr);
        return 2;
    }
    const char *dir = argv[1];
    int64_t n = argc > 2 ? atoll(argv[2]) : 1000000;
    int64_t nv = argc > 3 ? atoll(argv[3]) : 10000000;
    int64_t single = n / 100 > 1000 ? n / 100 : 1000;

    printf("### Audit trail (%ld cores)\n\n", sysconf(_SC_NPROCESSORS_ONLN));
    printf("| what | entries | seconds | CPU seconds | entries/s | entries per CPU second |\n"
           "|---|---:|---:|---:|---:|---:|\n");
    double a = chain_only(dir, n, 1000);
    printf("| appends, hash chain only, 1,000 per transaction | %lld | %.2f | %.2f | %.0f | %.0f |\n",
           (long long)n, a, last_cpu, (double)n / a, (double)n / last_cpu);
    fflush(stdout);
    double b = with_tree(dir, n, 1000);
    printf("| appends, chain + Merkle tree + signed head, 1,000 per transaction | %lld | %.2f | %.2f | %.0f | %.0f |\n",
           (long long)n, b, last_cpu, (double)n / b, (double)n / last_cpu);
    fflush(stdout);
    double c = with_tree(dir, single, 1);
    printf("| appends, chain + Merkle tree + signed head, one per transaction | %lld | %.2f | %.2f | %.0f | %.0f |\n",
           (long long)single, c, last_cpu, (double)single / c, (double)single / last_cpu);
    fflush(stdout);

    char path[4096];
    zj_store *s = fresh(dir, "verify.db", path, sizeof path);
    double t0 = wall();
    append_all(s, nv, 10000);
    double build = wall() - t0;
    struct stat sb;
    long long mib = stat(path, &sb) == 0 ? (long long)(sb.st_size >> 20) : -1;
    zj_audit_report rep;
    zj_error err = {0};
    double w0 = wall(), c0 = cpu();
    if (zj_audit_verify(s, NULL, &rep, &err))
        die(&err);
    double vw = wall() - w0, vc = cpu() - c0;
    printf("| verify the whole log (%s, %lld signed roots, 2 threads) | %lld | %.2f | %.2f | %.0f | %.0f |\n",
           rep.ok ? "intact" : "FAILED", (long long)rep.checkpoints, (long long)rep.entries, vw,
           vc, (double)rep.entries / vw, (double)rep.entries / vc);
    printf("\nThe verified log: %lld entries written in %.1f s (10,000 per transaction), store "
           "%lld MiB.\n", (long long)nv, build, mib);
    zj_store_close(s);
    if (!getenv("BENCH_AUDIT_KEEP"))   /* keep the verified log for profiling */
        cleanup(path);
    return rep.ok ? 0 : 1;
}
