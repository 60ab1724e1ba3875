/* serve.h - the HTTP server behind `zhijian serve`: start, run, drain and stop.
 *
 * Built on libmicrohttpd: a pool of worker threads (four per core unless told otherwise), each
 * with its own store connection opened on its first request; every request is answered by
 * zj_api_dispatch (dispatch.c) and logged as one JSON line (accesslog.c).
 * Limits: bodies over max_body (max_upload for upload routes) are refused with 413 before they
 * are read; headers over 32 KiB are refused by the library; idle connections close after 30 s.
 *
 * Stopping (zj_server_stop): the listening socket closes first, requests in flight run to
 * their end (each handler's writes are one store transaction, so nothing is half-written),
 * then the workers stop and their store connections close.
 */
#ifndef ZJ_SERVE_H
#define ZJ_SERVE_H

#include "base/error.h"
#include "serve/api.h"

typedef struct zj_server zj_server;

/* Start serving with `cfg` (borrowed until zj_server_stop). Opens the store once first, so
 * migrations are applied before any worker starts. Returns ZJ_OK and *out, or ZJ_EUSAGE (bad
 * address) / ZJ_EDATA (store, port in use) with err set. */
int zj_server_start(const zj_serve_config *cfg, zj_server **out, zj_error *err);

/* The port the server listens on (the one chosen when cfg->port was 0). */
int zj_server_port(const zj_server *srv);

/* Stop as described above, waiting at most `drain_seconds` for requests in flight. Returns the
 * number of requests still running when the wait ended (0 for a clean stop). NULL allowed. */
int zj_server_stop(zj_server *srv, double drain_seconds);

#endif
