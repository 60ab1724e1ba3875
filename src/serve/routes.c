/* routes.c - the route table of API v1: every endpoint the server answers, in one place.
 * docs/openapi.yaml documents each of them; tests/unit/test_serve.c checks the two agree. */
#include "serve/handlers.h"
#include "serve/router.h"

static const zj_route routes[] = {
    {"GET", "/api/v1/health", zj_h_health, ZJ_ROUTE_PUBLIC},
    {"GET", "/api/v1/version", zj_h_version, ZJ_ROUTE_PUBLIC},
    {"POST", "/api/v1/session", zj_h_login, ZJ_ROUTE_PUBLIC | ZJ_ROUTE_LOGIN | ZJ_ROUTE_WRITE},
    {"GET", "/api/v1/session", zj_h_whoami, 0},
    {"DELETE", "/api/v1/session", zj_h_logout, ZJ_ROUTE_WRITE},
    {"GET", "/api/v1/leads", zj_h_leads, ZJ_ROUTE_CACHE},
    {"GET", "/api/v1/leads/{id}", zj_h_lead, 0},
    {"GET", "/api/v1/leads/{id}/history", zj_h_lead_history, 0},
    {"POST", "/api/v1/leads/{id}/actions", zj_h_lead_action, ZJ_ROUTE_WRITE},
    {"POST", "/api/v1/leads/{id}/attachments", zj_h_lead_attach, ZJ_ROUTE_UPLOAD | ZJ_ROUTE_WRITE},
    {"GET", "/api/v1/lead-queue", zj_h_lead_queue, 0},
    {"POST", "/api/v1/records", zj_h_record_file, ZJ_ROUTE_WRITE},
    {"GET", "/api/v1/records", zj_h_records, 0},
    {"POST", "/api/v1/sentence-changes/{no}/steps", zj_h_sc_step, ZJ_ROUTE_WRITE},
    {"GET", "/api/v1/sentence-changes/{no}", zj_h_sc_case, 0},
    {"GET", "/api/v1/compliance", zj_h_compliance, ZJ_ROUTE_CACHE},
    {"GET", "/api/v1/statistics", zj_h_statistics, ZJ_ROUTE_CACHE},
    {"GET", "/api/v1/statistics/caseflow", zj_h_caseflow_stats, ZJ_ROUTE_CACHE},
    {"GET", "/api/v1/statistics/leads", zj_h_lead_summary, ZJ_ROUTE_CACHE},
    {"GET", "/api/v1/regions", zj_h_regions, 0},
    {"GET", "/api/v1/regions/{code}", zj_h_region, 0},
    {"GET", "/api/v1/entities/{id}", zj_h_entity, 0},
    {"POST", "/api/v1/filing-checks", zj_h_filing_check, 0},
    {"GET", "/api/v1/audit/status", zj_h_audit_status, 0},
    {"GET", "/api/v1/exports/{list}", zj_h_export, 0},
    {"POST", "/api/v1/imports", zj_h_import, ZJ_ROUTE_UPLOAD | ZJ_ROUTE_WRITE},
    {"GET", "/api/v1/imports/{id}/rejects", zj_h_import_rejects, 0},
};

const zj_route *zj_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
