/* cmd_link.c - `zhijian link`: entity resolution and its tools (实体识别).
 *
 *   zhijian link [--incremental]              resolve persons and enterprises
 *   zhijian link blocks                       pairs each blocking rule would make
 *   zhijian link explain MENTION MENTION      the match weight, field by field
 *   zhijian link review MENTION MENTION confirm|reject|unsure --by NAME [--note TEXT]
 *   zhijian link show ENTITY [--as USER]      an entity's mentions (IDs masked unless --unmask,
 *                                             which needs the unmask permission; audited)
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "link/link.h"
#include "work/audit.h"
#include "work/read.h"

static const char usage_text[] =
    "usage: zhijian link [--incremental] [--reextract] [--rules FILE] [--db PATH] [--json]\n"
    "                    [--quiet] [--verbose]\n"
    "   or: zhijian link blocks [--rules FILE] [--json]\n"
    "   or: zhijian link explain MENTION MENTION [--json]\n"
    "   or: zhijian link review MENTION MENTION confirm|reject|unsure --by NAME [--note TEXT]\n"
    "   or: zhijian link show ENTITY [--unmask] [--json] [--as USER]\n\n"
    "Resolve the persons and enterprises mentioned across all imported records into entities\n"
    "(实体识别): same valid resident ID or credit code first, then a Fellegi-Sunter model over\n"
    "the candidate pairs that the blocking rules propose, then constrained clustering.\n"
    "Reviewers' decisions win over the model and survive re-runs. See docs/linking.md.\n\n"
    "  --unmask        (show) names and IDs in full: only for users allowed to unmask; audited\n"
    "  --as USER       (show) act as USER (default: $ZHIJIAN_USER, else the store's owner)\n"
    "  --incremental   link only mentions that have no entity yet; entity ids stay stable\n"
    "  --verbose       print each stage and how long it took\n"
    "  --reextract     rebuild every mention from its record (normally only records of\n"
    "                  batches imported since the last run are read)\n"
    "  --rules FILE    linking rules (default: linking.yaml in $ZHIJIAN_RULES if set, else\n"
    "                  in ./rules; the built-in defaults when it is absent)\n";

typedef struct opts {
    const char *db, *rules, *by, *note, *as;
    bool incremental, json, quiet, unmask, verbose, reextract;
    int argc;
    char **argv;    /* positional arguments */
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"db", required_argument, NULL, 'd'},      {"rules", required_argument, NULL, 'r'},
        {"by", required_argument, NULL, 'b'},      {"note", required_argument, NULL, 'n'},
        {"incremental", no_argument, NULL, 'i'},   {"json", no_argument, NULL, 'j'},
        {"reextract", no_argument, NULL, 'R'},
        {"quiet", no_argument, NULL, 'q'},         {"unmask", no_argument, NULL, 'u'},
        {"verbose", no_argument, NULL, 'v'},      {"as", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},          {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'r': o->rules = optarg; break;
        case 'b': o->by = optarg; break;
        case 'n': o->note = optarg; break;
        case 'a': o->as = optarg; break;
        case 'i': o->incremental = true; break;
        case 'R': o->reextract = true; break;
        case 'j': o->json = true; break;
        case 'q': o->quiet = true; break;
        case 'u': o->unmask = true; break;
        case 'v': o->verbose = true; break;
        case 'h': fputs(usage_text, stdout); return -1;
        default: return ZJ_EUSAGE;
        }
    }
    o->argc = argc - optind;
    o->argv = argv + optind;
    return 0;
}

static int load_rules(const opts *o, zj_link_config *c)
{
    zj_link_config_defaults(c);
    char buf[4096];
    const char *path = cli_rules_path(o->rules, "linking.yaml", buf, sizeof buf);
    if (!path)
        return 0;
    zj_error err = {0};
    return zj_link_config_load(path, c, &err) ? cli_report(&err) : 0;
}

static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || end == s || v <= 0)
        return false;
    *out = v;
    return true;
}

static void progress(const char *what, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r\033[Kzhijian link: %s ...", what);
    fflush(stderr);
}

/* --verbose: one line per stage with the time the previous stage took. */
static void progress_verbose(const char *what, void *ctx)
{
    double *last = ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    if (*last > 0)
        fprintf(stderr, "  (%.2f s)\n", t - *last);
    *last = t;
    fprintf(stderr, "zhijian link: %s", what);
    if (!strcmp(what, "done"))
        fputc('\n', stderr);
    fflush(stderr);
}

static void kind_json(cJSON *o, const char *name, const zj_link_kind_stats *k)
{
    cJSON *j = cJSON_AddObjectToObject(o, name);
    cJSON_AddNumberToObject(j, "mentions", (double)k->mentions);
    cJSON_AddNumberToObject(j, "new_mentions", (double)k->new_mentions);
    cJSON_AddNumberToObject(j, "with_trusted_id", (double)k->with_id);
    cJSON_AddNumberToObject(j, "id_conflicts", (double)k->conflicts);
    cJSON_AddNumberToObject(j, "pairs_compared", (double)k->pairs_compared);
    cJSON_AddNumberToObject(j, "pairs_accepted", (double)k->pairs_accepted);
    cJSON_AddNumberToObject(j, "blocks_skipped", (double)k->blocks_skipped);
    cJSON_AddNumberToObject(j, "entities", (double)k->entities);
    cJSON_AddNumberToObject(j, "entities_new", (double)k->entities_new);
    cJSON_AddNumberToObject(j, "em_iterations", k->em_iterations);
    cJSON_AddNumberToObject(j, "match_proportion", k->match_proportion);
    cJSON_AddNumberToObject(j, "seconds", k->seconds);
}

static void kind_text(const char *label, const zj_link_kind_stats *k)
{
    printf("%s: %lld mentions (%lld new, %lld with a trusted ID, %lld ID conflicts) -> %lld "
           "entities (%lld new)\n  %lld candidate pairs scored, %lld accepted, %lld oversized "
           "blocks skipped; EM %d iterations, match share %.4f; %.2f s\n",
           label, (long long)k->mentions, (long long)k->new_mentions, (long long)k->with_id,
           (long long)k->conflicts, (long long)k->entities, (long long)k->entities_new,
           (long long)k->pairs_compared, (long long)k->pairs_accepted,
           (long long)k->blocks_skipped, k->em_iterations, k->match_proportion, k->seconds);
}

int cli_link_store(zj_store *s, zj_link_options *lo, zj_link_stats *st, zj_error *err)
{
    zj_namer *nm = zj_namer_new(err);
    if (!nm)
        return err->code ? err->code : ZJ_EDATA;
    /* A link run is one big transaction, checkpointed once at its end (readers keep reading
     * the store meanwhile). Its cache holds what it writes and indexes: up to 2 GiB, an
     * eighth of this machine's memory at most (the cache grows only as pages are used). */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    int64_t eighth_mib = pages > 0 && page > 0 ? (int64_t)pages * page / 8 / 1048576 : 256;
    int rc = zj_store_bulk_load(s, true, err);
    if (!rc)
        rc = zj_store_cache_mib(s, (int)(eighth_mib < 2048 ? eighth_mib : 2048), err);
    if (!rc)
        rc = zj_link_run(s, nm, lo, st, err);
    if ((zj_store_bulk_load(s, false, rc ? NULL : err) ||
         zj_store_cache_mib(s, 0, rc ? NULL : err)) && !rc)
        rc = ZJ_EDATA;
    zj_namer_free(nm);
    return rc;
}

static int do_run(zj_store *s, const opts *o, const zj_link_config *cfg)
{
    zj_error err = {0};
    zj_link_options lo = {.incremental = o->incremental, .reextract = o->reextract, .config = cfg};
    bool tty = !o->quiet && !o->json && !o->verbose && isatty(2);
    double last = 0;
    if (tty)
        lo.progress = progress;
    if (o->verbose) {
        lo.progress = progress_verbose;
        lo.progress_ctx = &last;
    }
    zj_link_stats st;
    zj_actor actor;
    cli_actor(&actor);
    int rc = zj_audit_track(s, &actor, "link.run", "entity",
                            o->incremental ? "{\"incremental\":true}"
                            : o->reextract ? "{\"reextract\":true}" : NULL, &err);
    if (!rc)
        rc = cli_link_store(s, &lo, &st, &err);
    if (tty)
        fputs("\r\033[K", stderr);
    if (rc)
        return cli_report(&err);
    if (o->json) {
        cJSON *root = cJSON_CreateObject();
        kind_json(root, "person", &st.person);
        kind_json(root, "enterprise", &st.enterprise);
        cJSON_AddNumberToObject(root, "relations", (double)st.relations);
        cJSON_AddNumberToObject(root, "seconds", st.seconds);
        char *t = cJSON_Print(root);
        puts(t);
        free(t);
        cJSON_Delete(root);
    } else if (!o->quiet) {
        kind_text("persons 人员", &st.person);
        kind_text("enterprises 企业", &st.enterprise);
        printf("relations graph 关系: %lld relations; total %.2f s\n", (long long)st.relations,
               st.seconds);
    }
    return 0;
}

static int block_row(const zj_block_report *b, void *ctx)
{
    cJSON *list = ctx;
    if (list) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", b->kind);
        cJSON_AddStringToObject(o, "rule", b->rule);
        cJSON_AddNumberToObject(o, "mentions_keyed", (double)b->mentions_keyed);
        cJSON_AddNumberToObject(o, "blocks", (double)b->blocks);
        cJSON_AddNumberToObject(o, "pairs", (double)b->pairs);
        cJSON_AddNumberToObject(o, "new_pairs", (double)b->new_pairs);
        cJSON_AddNumberToObject(o, "largest_block", (double)b->largest_block);
        cJSON_AddNumberToObject(o, "skipped_blocks", (double)b->skipped_blocks);
        cJSON_AddNumberToObject(o, "skipped_pairs", (double)b->skipped_pairs);
        cJSON_AddItemToArray(list, o);
    } else
        printf("%-10s %-16s %10lld %9lld %12lld %12lld %8lld %8lld %12lld\n", b->kind, b->rule,
               (long long)b->mentions_keyed, (long long)b->blocks, (long long)b->pairs,
               (long long)b->new_pairs, (long long)b->largest_block, (long long)b->skipped_blocks,
               (long long)b->skipped_pairs);
    return 0;
}

static int do_blocks(zj_store *s, const opts *o, const zj_link_config *cfg)
{
    zj_error err = {0};
    cJSON *list = o->json ? cJSON_CreateArray() : NULL;
    if (!o->json)
        printf("%-10s %-16s %10s %9s %12s %12s %8s %8s %12s\n", "kind", "rule", "keyed", "blocks",
               "pairs", "new pairs", "largest", "skipped", "skip pairs");
    int rc = zj_link_blocks(s, cfg, block_row, list, &err);
    if (!rc && list) {
        char *t = cJSON_Print(list);
        puts(t);
        free(t);
    }
    cJSON_Delete(list);
    return rc ? cli_report(&err) : 0;
}

static int do_explain(zj_store *s, const opts *o, const zj_link_config *cfg)
{
    int64_t a, b;
    if (o->argc != 3 || !parse_id(o->argv[1], &a) || !parse_id(o->argv[2], &b))
        return cli_error(ZJ_EUSAGE, "usage: zhijian link explain MENTION MENTION (mention ids)");
    zj_error err = {0};
    zj_link_explanation ex;
    if (zj_link_explain(s, NULL, cfg, a, b, &ex, &err))
        return cli_report(&err);
    if (o->json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "kind", ex.kind);
        cJSON_AddNumberToObject(root, "prior_weight", ex.prior_weight);
        cJSON *steps = cJSON_AddArrayToObject(root, "steps");
        for (int i = 0; i < ex.nsteps; i++) {
            cJSON *st = cJSON_CreateObject();
            cJSON_AddStringToObject(st, "field", ex.steps[i].field);
            cJSON_AddStringToObject(st, "level", ex.steps[i].level);
            if (!ex.steps[i].missing) {
                cJSON_AddNumberToObject(st, "m", ex.steps[i].m);
                cJSON_AddNumberToObject(st, "u", ex.steps[i].u);
                cJSON_AddNumberToObject(st, "weight", ex.steps[i].weight);
                cJSON_AddBoolToObject(st, "tf_adjusted", ex.steps[i].tf_adjusted);
            }
            cJSON_AddItemToArray(steps, st);
        }
        cJSON_AddNumberToObject(root, "total_weight", ex.total_weight);
        cJSON_AddNumberToObject(root, "probability", ex.probability);
        cJSON_AddNumberToObject(root, "threshold", ex.threshold);
        if (ex.deterministic[0])
            cJSON_AddStringToObject(root, "deterministic", ex.deterministic);
        cJSON_AddNumberToObject(root, "entity_a", (double)ex.entity_a);
        cJSON_AddNumberToObject(root, "entity_b", (double)ex.entity_b);
        char *t = cJSON_Print(root);
        puts(t);
        free(t);
        cJSON_Delete(root);
        return 0;
    }
    printf("mentions %lld and %lld (%s), entities %lld and %lld\n", (long long)a, (long long)b,
           ex.kind, (long long)ex.entity_a, (long long)ex.entity_b);
    if (ex.deterministic[0])
        printf("decided by identifiers: %s\n", ex.deterministic);
    printf("  %-11s %-14s %9s %9s %8s %8s\n", "field", "level", "m", "u", "weight", "running");
    double run = ex.prior_weight;
    printf("  %-11s %-14s %9s %9s %+8.2f %+8.2f\n", "prior", "", "", "", ex.prior_weight, run);
    for (int i = 0; i < ex.nsteps; i++) {
        const zj_link_step *st = &ex.steps[i];
        if (st->missing) {
            printf("  %-11s %-14s %9s %9s %8s %+8.2f\n", st->field, "missing", "", "", "0", run);
            continue;
        }
        run += st->weight;
        printf("  %-11s %-14s %9.5f %9.6f %+8.2f %+8.2f%s\n", st->field, st->level, st->m, st->u,
               st->weight, run, !st->tf_adjusted ? ""
               : !strcmp(st->field, "unit") ? "  (u = this unit's share)" : "  (u = this name's frequency)");
    }
    printf("match probability %.6f (threshold %.2f): %s\n", ex.probability, ex.threshold,
           ex.deterministic[0] ? "decided by identifiers"
           : ex.probability >= ex.threshold ? "linked if no constraint forbids it"
           : ex.closed ? "not linked on this pair's weight alone" : "not linked");
    if (ex.closed)
        printf("closed world: the record names an officer of the unit; among the unit's people "
               "with a compatible name this one holds %.6f of the weight: linked\n",
               ex.closed_share);
    return 0;
}

static int do_review(zj_store *s, const opts *o)
{
    int64_t a, b;
    if (o->argc != 4 || !parse_id(o->argv[1], &a) || !parse_id(o->argv[2], &b))
        return cli_error(ZJ_EUSAGE, "usage: zhijian link review MENTION MENTION "
                         "confirm|reject|unsure --by NAME [--note TEXT]");
    zj_error err = {0};
    /* the decision and its audit entry commit together */
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "mention_b", (double)b);
    cJSON_AddStringToObject(d, "decision", o->argv[3]);
    if (o->by)
        cJSON_AddStringToObject(d, "by", o->by);
    if (o->note)
        cJSON_AddStringToObject(d, "note", o->note);
    char *detail = cJSON_PrintUnformatted(d);
    cJSON_Delete(d);
    zj_actor_owned who;
    int rc = cli_user_actor(s, o->as, &who);
    if (rc) {
        free(detail);
        return rc;
    }
    zj_audit_event ev = {.action = "link.review", .object_table = "mention", .object_id = a,
                         .detail = detail};
    rc = zj_store_begin(s, &err);
    if (!rc)
        rc = zj_link_decide(s, a, b, o->argv[3], o->by, o->note, &err);
    if (!rc)
        rc = zj_audit_append(s, &who.actor, &ev, NULL, &err);
    if (!rc)
        rc = zj_store_commit(s, &err);
    free(detail);
    zj_actor_owned_free(&who);
    if (rc) {
        zj_store_rollback(s, NULL);
        return cli_report(&err);
    }
    if (!o->quiet)
        printf("recorded: %s %lld %lld by %s; it applies from the next 'zhijian link'\n",
               o->argv[3], (long long)a, (long long)b, o->by);
    return 0;
}

typedef struct show_ctx {
    int64_t entity;
    cJSON *list;
    int n;
} show_ctx;

static int show_mention(const zj_mention_view *m, void *ctx)
{
    show_ctx *c = ctx;
    if (!c->n++ && !c->list)
        printf("entity %lld (%s)\n", (long long)c->entity, m->kind);
    if (c->list) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "mention", (double)m->mention_id);
        cJSON_AddStringToObject(j, "table", m->table);
        cJSON_AddNumberToObject(j, "record", (double)m->record_id);
        cJSON_AddStringToObject(j, "role", m->role);
        cJSON_AddStringToObject(j, "name", m->name ? m->name : "");
        cJSON_AddStringToObject(j, "id_no", m->id_no ? m->id_no : "");
        if (m->id_status)
            cJSON_AddStringToObject(j, "id_status", m->id_status);
        cJSON_AddItemToArray(c->list, j);
    } else
        printf("  mention %-8lld %-20s #%-8lld %-12s %-12s %-20s %s\n", (long long)m->mention_id,
               m->table, (long long)m->record_id, m->role, m->name ? m->name : "",
               m->id_no ? m->id_no : "", m->id_status ? m->id_status : "");
    return 0;
}

/* Parsing and printing only: the read, its permission and masking are the read layer's. */
static int do_show(zj_store *s, const opts *o)
{
    int64_t e;
    if (o->argc != 2 || !parse_id(o->argv[1], &e))
        return cli_error(ZJ_EUSAGE, "usage: zhijian link show ENTITY");
    zj_actor_owned who;
    int rc = cli_user_actor(s, o->as, &who);
    if (rc)
        return rc;
    zj_error err = {0};
    show_ctx c = {e, o->json ? cJSON_CreateArray() : NULL, 0};
    rc = zj_read_entity(s, &who.actor, e, o->unmask ? ZJ_READ_UNMASK : 0, show_mention, &c,
                        &err);
    zj_actor_owned_free(&who);
    if (!rc && c.list) {
        char *t = cJSON_Print(c.list);
        puts(t);
        free(t);
    }
    cJSON_Delete(c.list);
    return rc ? cli_report(&err) : 0;
}

int cmd_link(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = o.argc ? o.argv[0] : NULL;
    if (sub && strcmp(sub, "blocks") && strcmp(sub, "explain") && strcmp(sub, "review") &&
        strcmp(sub, "show"))
        return cli_error(ZJ_EUSAGE, "unknown 'link' subcommand '%s'; see 'zhijian link --help'",
                         sub);
    zj_link_config cfg;
    if ((rc = load_rules(&o, &cfg)))
        return rc;
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err))
        return cli_report(&err);
    if (!sub)
        rc = do_run(s, &o, &cfg);
    else if (!strcmp(sub, "blocks"))
        rc = do_blocks(s, &o, &cfg);
    else if (!strcmp(sub, "explain"))
        rc = do_explain(s, &o, &cfg);
    else if (!strcmp(sub, "review"))
        rc = do_review(s, &o);
    else
        rc = do_show(s, &o);
    zj_store_close(s);
    return rc;
}
