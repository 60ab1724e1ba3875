/* handlers.h - the API's handlers, one file per resource (h_*.c), listed in routes.c. */
#ifndef ZJ_SERVE_HANDLERS_H
#define ZJ_SERVE_HANDLERS_H

#include "serve/api.h"

/* h_system.c */
void zj_h_health(zj_api_ctx *c);
void zj_h_version(zj_api_ctx *c);
/* h_session.c */
void zj_h_login(zj_api_ctx *c);
void zj_h_logout(zj_api_ctx *c);
void zj_h_whoami(zj_api_ctx *c);
/* h_leads.c */
void zj_h_leads(zj_api_ctx *c);
void zj_h_lead(zj_api_ctx *c);
void zj_h_lead_history(zj_api_ctx *c);
void zj_h_lead_action(zj_api_ctx *c);
void zj_h_lead_queue(zj_api_ctx *c);
void zj_h_lead_attach(zj_api_ctx *c);
/* The lead list's query fields (filters and paging) and the query they make; shared with
 * exports. */
struct zj_lead_query;
const zj_field *zj_lead_filters(size_t *n);
void zj_lead_query_from(const zj_value_in *v, struct zj_lead_query *q, int64_t default_limit);
/* The list's items as the API shows them, appended to `items` (a JSON array). */
int zj_leads_items(zj_api_ctx *c, const struct zj_lead_query *q, cJSON *items, int64_t *total,
                   zj_error *err);

/* h_records.c */
void zj_h_record_file(zj_api_ctx *c);
void zj_h_records(zj_api_ctx *c);
void zj_h_sc_step(zj_api_ctx *c);
void zj_h_sc_case(zj_api_ctx *c);
struct zj_filed_filter;
struct zj_filed_row;
const zj_field *zj_record_filters(size_t *n);
void zj_record_filter_from(const zj_value_in *v, struct zj_filed_filter *f, int64_t *limit,
                           int64_t *offset, int64_t default_limit);
cJSON *zj_filed_json(const struct zj_filed_row *r);
int zj_records_items(zj_api_ctx *c, const struct zj_filed_filter *f, int64_t offset,
                     cJSON *items, zj_error *err);
/* True when a work-layer error is the store busy with another writer (worth a retry). */
bool zj_api_busy(const zj_error *err);
/* For a failed write that wrote nothing: when err is the store being busy and fewer than 20
 * attempts were made, wait a little longer each time (10, 30, 50 ... ms), count the attempt
 * and return true (try again); else false. */
bool zj_api_retry_busy(const zj_error *err, int *attempt);
/* h_stats.c */
void zj_h_statistics(zj_api_ctx *c);
void zj_h_compliance(zj_api_ctx *c);
void zj_h_caseflow_stats(zj_api_ctx *c);
void zj_h_lead_summary(zj_api_ctx *c);
const zj_field *zj_stats_filters(size_t *n);
struct zj_stats_query;
int zj_stats_items(zj_api_ctx *c, const struct zj_stats_query *q, cJSON *items, zj_error *err);
/* h_regions.c */
void zj_h_regions(zj_api_ctx *c);
void zj_h_region(zj_api_ctx *c);
/* h_imports.c */
void zj_h_import(zj_api_ctx *c);
void zj_h_import_rejects(zj_api_ctx *c);
/* h_export.c */
void zj_h_export(zj_api_ctx *c);
/* h_misc.c */
void zj_h_entity(zj_api_ctx *c);
void zj_h_audit_status(zj_api_ctx *c);
void zj_h_filing_check(zj_api_ctx *c);

#endif
