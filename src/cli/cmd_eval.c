/* cmd_eval.c - `zhijian eval`: score leads and entity resolution against a generated truth.
 *
 *   zhijian eval --truth DIR [--json] [--db PATH]
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "eval/eval.h"

static const char usage_text[] =
    "usage: zhijian eval --truth DIR [--json] [--db PATH]\n\n"
    "Compare the store's leads and resolved entities with the ground truth of a directory\n"
    "written by 'zhijian gen' (truth.jsonl, identity.jsonl): precision, recall and F1 per\n"
    "detector code, and pairwise precision, recall and F1 of person and enterprise linking\n"
    "(with recall per kind of noise). Leads matching only a planted near miss are false\n"
    "positives and are counted as near-miss hits. See docs/truth.md.\n\n"
    "options:\n"
    "      --truth DIR   the generated directory\n"
    "      --json        one JSON object on standard output\n"
    "      --db PATH     store (default $ZHIJIAN_DB or ./zhijian.db)\n";

static cJSON *score_json(const zj_eval_score *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "precision", s->precision);
    cJSON_AddNumberToObject(o, "recall", s->recall);
    cJSON_AddNumberToObject(o, "f1", s->f1);
    cJSON_AddNumberToObject(o, "truth", (double)s->truth);
    cJSON_AddNumberToObject(o, "found", (double)s->found);
    cJSON_AddNumberToObject(o, "true_positives", (double)s->true_positives);
    cJSON_AddNumberToObject(o, "near_misses", (double)s->near_misses);
    cJSON_AddNumberToObject(o, "near_miss_hits", (double)s->near_miss_hits);
    return o;
}

static cJSON *link_json(const zj_eval_link *l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "precision", l->precision);
    cJSON_AddNumberToObject(o, "recall", l->recall);
    cJSON_AddNumberToObject(o, "f1", l->f1);
    cJSON_AddNumberToObject(o, "truth", (double)l->true_pairs);
    cJSON_AddNumberToObject(o, "found", (double)l->predicted_pairs);
    cJSON_AddNumberToObject(o, "correct", (double)l->correct_pairs);
    cJSON_AddNumberToObject(o, "mentions", (double)l->mentions);
    cJSON_AddNumberToObject(o, "truth_mentions", (double)l->truth_mentions);
    cJSON_AddNumberToObject(o, "store_mentions", (double)l->store_mentions);
    cJSON_AddNumberToObject(o, "unlinked", (double)l->unlinked);
    cJSON *nz = cJSON_AddObjectToObject(o, "recall_by_noise");
    for (int t = 0; t < ZJ_EVAL_NOISE; t++) {
        cJSON *x = cJSON_AddObjectToObject(nz, zj_eval_noise_names[t]);
        cJSON_AddNumberToObject(x, "recall", l->noise_recall[t]);
        cJSON_AddNumberToObject(x, "pairs", (double)l->noise_true_pairs[t]);
        cJSON_AddNumberToObject(x, "mentions", (double)l->noise_mentions[t]);
    }
    return o;
}

static void print_link(const char *what, const zj_eval_link *l)
{
    printf("  %-10s %6.3f %6.3f %6.3f  pairs %lld true, %lld found, %lld correct; %lld of "
           "%lld truth mentions in the store, %lld unlinked\n", what, l->precision, l->recall,
           l->f1, (long long)l->true_pairs, (long long)l->predicted_pairs,
           (long long)l->correct_pairs, (long long)l->mentions, (long long)l->truth_mentions,
           (long long)l->unlinked);
    printf("             recall by noise:");
    for (int t = 0; t < ZJ_EVAL_NOISE; t++)
        if (l->noise_true_pairs[t])
            printf(" %s %.3f", zj_eval_noise_names[t], l->noise_recall[t]);
    printf("\n");
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"truth", required_argument, NULL, 't'},
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *truth = NULL, *db = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': truth = optarg; break;
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return ZJ_EUSAGE;
        }
    }
    if (optind < argc)
        return cli_error(ZJ_EUSAGE, "unexpected argument '%s'; see 'zhijian eval --help'",
                         argv[optind]);
    if (!truth)
        return cli_error(ZJ_EUSAGE, "--truth DIR is required; see 'zhijian eval --help'");
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(db), &s, &err))
        return cli_report(&err);
    zj_eval_result *r = malloc(sizeof *r);
    if (!r) {
        zj_store_close(s);
        return cli_error(ZJ_EDATA, "out of memory");
    }
    int rc = zj_eval_run(s, truth, r, &err);
    zj_store_close(s);
    if (rc) {
        free(r);
        return cli_report(&err);
    }
    if (json) {
        cJSON *root = cJSON_CreateObject(), *det = cJSON_AddObjectToObject(root, "detectors");
        cJSON *unbuilt = cJSON_CreateArray();
        for (int i = 0; i < r->ncodes; i++) {
            if (r->codes[i].built)
                cJSON_AddItemToObject(det, r->codes[i].code, score_json(&r->codes[i].s));
            else
                cJSON_AddItemToArray(unbuilt, cJSON_CreateString(r->codes[i].code));
        }
        cJSON_AddItemToObject(root, "not_built", unbuilt);
        cJSON *lk = cJSON_AddObjectToObject(root, "linking");
        cJSON_AddItemToObject(lk, "person", link_json(&r->person));
        cJSON_AddItemToObject(lk, "enterprise", link_json(&r->enterprise));
        cJSON_AddNumberToObject(root, "orphan_leads", (double)r->orphan_leads);
        char *text = cJSON_PrintUnformatted(root);
        puts(text);
        free(text);
        cJSON_Delete(root);
    } else {
        printf("detectors (truth: %s)\n  code   precision recall  f1     truth found  near-miss "
               "hits\n", truth);
        int unbuilt = 0;
        for (int i = 0; i < r->ncodes; i++) {
            const zj_eval_score *sc = &r->codes[i].s;
            if (!r->codes[i].built) {
                unbuilt++;
                continue;
            }
            printf("  %-6s %6.3f    %6.3f  %6.3f %5lld %5lld  %lld of %lld\n", r->codes[i].code,
                   sc->precision, sc->recall, sc->f1, (long long)sc->truth, (long long)sc->found,
                   (long long)sc->near_miss_hits, (long long)sc->near_misses);
        }
        if (unbuilt) {
            printf("  not built (未实现), no score:");
            for (int i = 0; i < r->ncodes; i++)
                if (!r->codes[i].built)
                    printf(" %s", r->codes[i].code);
            printf("\n");
        }
        if (r->orphan_leads)
            printf("  (%lld leads point at records that are not in the store)\n",
                   (long long)r->orphan_leads);
        printf("\nlinking (pairwise)  precision recall f1\n");
        print_link("person", &r->person);
        print_link("enterprise", &r->enterprise);
    }
    free(r);
    return 0;
}
