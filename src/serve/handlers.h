/* handlers.h - the API's handlers, one file per resource (h_*.c), listed in routes.c. */
#ifndef ZJ_SERVE_HANDLERS_H
#define ZJ_SERVE_HANDLERS_H

#include "serve/api.h"

/* h_system.c */
void zj_h_health(zj_api_ctx *c);
void zj_h_version(zj_api_ctx *c);

#endif
