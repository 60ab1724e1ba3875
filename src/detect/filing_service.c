/* filing_service.c - the filing check's shared index, refreshed while checks run (立案辅助索引服务).
 *
 * Checks take the read side of a lock for the length of one check; a refresh builds the new
 * index with no lock held and takes the write side only to swap the pointer, so a check waits
 * at most for the swap, never for a build. A refresh first reads the store's stamp
 * (filing_index.h): when nothing was imported or linked since the index was built it is done;
 * when only cases were imported it reloads the cases and keeps the resolver (the mentions did
 * not move); after a link run it rebuilds both. One refresh runs at a time.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "detect/filing_index.h"

struct zj_filing_service {
    pthread_rwlock_t lock;    /* readers: checks; writer: the swap */
    pthread_mutex_t refresh;  /* one refresh at a time: only it replaces ix */
    zj_filing_index *ix;
    const zj_rules *rules;
    zj_filing_options opt;
    zj_link_config link;      /* a copy: opt.link points here */
};

int zj_filing_service_open(zj_store *s, const zj_rules *rules, const zj_filing_options *opt,
                           zj_filing_service **out, zj_error *err)
{
    *out = NULL;
    zj_filing_service *sv = calloc(1, sizeof *sv);
    if (!sv)
        return zj_fail(err, ZJ_EDATA, "filing service: out of memory");
    /* the swap before checks that arrive after it asks: with readers preferred (the
     * default) a steady stream of checks could hold it off indefinitely */
    pthread_rwlockattr_t at;
    bool locked = !pthread_rwlockattr_init(&at);
    if (locked) {
        pthread_rwlockattr_setkind_np(&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        locked = !pthread_rwlock_init(&sv->lock, &at);
        pthread_rwlockattr_destroy(&at);
    }
    if (!locked) {
        free(sv);
        return zj_fail(err, ZJ_EDATA, "filing service: cannot create its lock");
    }
    if (pthread_mutex_init(&sv->refresh, NULL)) {
        pthread_rwlock_destroy(&sv->lock);
        free(sv);
        return zj_fail(err, ZJ_EDATA, "filing service: cannot create its lock");
    }
    sv->rules = rules;
    if (opt)
        sv->opt = *opt;
    if (opt && opt->link) {
        sv->link = *opt->link;
        sv->opt.link = &sv->link;
    }
    int rc = zj_filing_index_build(s, rules, &sv->opt, &sv->ix, err);
    if (rc) {
        zj_filing_service_close(sv);
        return rc;
    }
    *out = sv;
    return ZJ_OK;
}

int zj_filing_service_refresh_info(zj_filing_service *sv, zj_store *s, zj_filing_refresh *info,
                                   zj_error *err)
{
    zj_filing_refresh ignored;
    if (!info)
        info = &ignored;
    memset(info, 0, sizeof *info);
    pthread_mutex_lock(&sv->refresh);
    zj_filing_index *cur = sv->ix;     /* only a refresh replaces it, and this one holds it */
    fl_stamp now;
    int rc = zj_filing_stamp_read(s, &now, err);
    if (rc || !memcmp(&now, &cur->stamp, sizeof now)) {
        pthread_mutex_unlock(&sv->refresh);
        return rc;                     /* nothing new: the index in service is current */
    }
    zj_filing_index *fresh;
    rc = zj_filing_index_build_from(s, sv->rules, &sv->opt, cur, &fresh, err);
    if (rc) {
        pthread_mutex_unlock(&sv->refresh);
        return rc;                     /* the old index stays in service */
    }
    info->rebuilt = true;
    info->resolver_kept = fresh->rref && fresh->rref == cur->rref;
    info->seconds = fresh->build_seconds;
    info->cases = fresh->ncases;
    pthread_rwlock_wrlock(&sv->lock);
    sv->ix = fresh;
    pthread_rwlock_unlock(&sv->lock);
    pthread_mutex_unlock(&sv->refresh);
    zj_filing_index_free(cur);         /* no check holds it: they hold the read lock */
    return ZJ_OK;
}

int zj_filing_service_refresh(zj_filing_service *sv, zj_store *s, zj_error *err)
{
    return zj_filing_service_refresh_info(sv, s, NULL, err);
}

int zj_filing_service_check(zj_filing_service *sv, const zj_filing_case *c,
                            zj_filing_result *out, zj_error *err)
{
    pthread_rwlock_rdlock(&sv->lock);
    int rc = zj_filing_check(sv->ix, c, out, err);
    pthread_rwlock_unlock(&sv->lock);
    return rc;
}

void zj_filing_service_close(zj_filing_service *sv)
{
    if (!sv)
        return;
    zj_filing_index_free(sv->ix);
    pthread_mutex_destroy(&sv->refresh);
    pthread_rwlock_destroy(&sv->lock);
    free(sv);
}
