/* geo.c - GCJ-02 and WGS-84, polygons from WKT or GeoJSON, point-in-area tests (GEOS).
 *
 * The GCJ-02 forward function is the one published with the 2002 obfuscation (Krasovsky 1940
 * ellipsoid, a = 6378245 m, e^2 = 0.00669342162296594323, and the trigonometric series in
 * `series` below); every open implementation agrees on it to the last bit. There is no closed
 * inverse: zj_gcj02_to_wgs84 iterates w <- w + (g - f(w)), which converges because f is the
 * identity plus a shift whose derivative is below 1e-4.
 *
 * GEOS is used through its reentrant C API only (geos_c.h, *_r functions): every zj_geo and
 * every zj_geo_area owns one handle, and GEOS reports errors to a handler that copies the
 * message into that owner, so nothing is shared between threads.
 */
#include "text/geo.h"

#include <cJSON.h>
#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- coordinates ------------------------------------------------------------------------- */

static const double KRASOVSKY_A = 6378245.0;
static const double KRASOVSKY_EE = 0.00669342162296594323;

bool zj_gcj02_in_china(double lat, double lon)
{
    return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

/* The published series: offsets in metres-like units for x = lon - 105, y = lat - 35. */
static void series(double x, double y, double *dlat, double *dlon)
{
    double xp = x * M_PI, yp = y * M_PI;
    double common = (20.0 * sin(6.0 * xp) + 20.0 * sin(2.0 * xp)) * 2.0 / 3.0;
    double rx = sqrt(fabs(x));
    *dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * rx + common +
            (20.0 * sin(yp) + 40.0 * sin(yp / 3.0)) * 2.0 / 3.0 +
            (160.0 * sin(yp / 12.0) + 320.0 * sin(yp / 30.0)) * 2.0 / 3.0;
    *dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * rx + common +
            (20.0 * sin(xp) + 40.0 * sin(xp / 3.0)) * 2.0 / 3.0 +
            (150.0 * sin(xp / 12.0) + 300.0 * sin(xp / 30.0)) * 2.0 / 3.0;
}

void zj_gcj02_from_wgs84(double lat, double lon, double *glat, double *glon)
{
    if (!zj_gcj02_in_china(lat, lon)) {
        *glat = lat;
        *glon = lon;
        return;
    }
    double dlat, dlon;
    series(lon - 105.0, lat - 35.0, &dlat, &dlon);
    double rad = lat / 180.0 * M_PI;
    double magic = sin(rad);
    magic = 1.0 - KRASOVSKY_EE * magic * magic;
    double sq = sqrt(magic);
    dlat = dlat * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sq) * M_PI);
    dlon = dlon * 180.0 / (KRASOVSKY_A / sq * cos(rad) * M_PI);
    *glat = lat + dlat;
    *glon = lon + dlon;
}

void zj_gcj02_to_wgs84(double glat, double glon, double *lat, double *lon)
{
    double la = glat, lo = glon;
    for (int i = 0; i < 30; i++) {
        double fa, fo;
        zj_gcj02_from_wgs84(la, lo, &fa, &fo);
        double ea = glat - fa, eo = glon - fo;
        la += ea;
        lo += eo;
        if (fabs(ea) < 1e-11 && fabs(eo) < 1e-11)
            break;
    }
    *lat = la;
    *lon = lo;
}

double zj_geo_metres(double lat1, double lon1, double lat2, double lon2)
{
    const double R = 6371008.8, k = M_PI / 180.0;
    double dlat = (lat2 - lat1) * k, dlon = (lon2 - lon1) * k;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * k) * cos(lat2 * k) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1)
        a = 1;
    return 2.0 * R * asin(sqrt(a));
}

/* ---- GEOS contexts ----------------------------------------------------------------------- */

struct zj_geo {
    GEOSContextHandle_t h;
    GEOSWKTReader *wkt_in;
    GEOSGeoJSONReader *json_in;
    GEOSWKTWriter *wkt_out;
    GEOSGeoJSONWriter *json_out;
    char msg[256];                 /* GEOS's last error, or our own reason */
};

static void on_geos_error(const char *message, void *userdata)
{
    char *msg = userdata;
    snprintf(msg, 256, "%s", message ? message : "geometry error");
}

zj_geo *zj_geo_new(void)
{
    zj_geo *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->h = GEOS_init_r();
    if (!g->h) {
        free(g);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(g->h, on_geos_error, g->msg);
    g->wkt_in = GEOSWKTReader_create_r(g->h);
    g->json_in = GEOSGeoJSONReader_create_r(g->h);
    g->wkt_out = GEOSWKTWriter_create_r(g->h);
    g->json_out = GEOSGeoJSONWriter_create_r(g->h);
    if (!g->wkt_in || !g->json_in || !g->wkt_out || !g->json_out) {
        zj_geo_free(g);
        return NULL;
    }
    GEOSWKTWriter_setRoundingPrecision_r(g->h, g->wkt_out, 7);
    GEOSWKTWriter_setTrim_r(g->h, g->wkt_out, 1);
    GEOSWKTWriter_setOutputDimension_r(g->h, g->wkt_out, 2);
    return g;
}

void zj_geo_free(zj_geo *g)
{
    if (!g)
        return;
    if (g->wkt_in)
        GEOSWKTReader_destroy_r(g->h, g->wkt_in);
    if (g->json_in)
        GEOSGeoJSONReader_destroy_r(g->h, g->json_in);
    if (g->wkt_out)
        GEOSWKTWriter_destroy_r(g->h, g->wkt_out);
    if (g->json_out)
        GEOSGeoJSONWriter_destroy_r(g->h, g->json_out);
    GEOS_finish_r(g->h);
    free(g);
}

static int to_wgs84(double *x, double *y, void *userdata)
{
    (void)userdata;
    double lat, lon;
    zj_gcj02_to_wgs84(*y, *x, &lat, &lon);
    *x = lon;
    *y = lat;
    return 1;
}

/* GEOS 3.11's GeoJSON reader reads a position's first two numbers without looking at its
 * length, so `[]` or `[1]` as a position crashes it. Positions are checked here first: every
 * geometry's "coordinates", at the depth its type gives, must be arrays of two or more numbers.
 * True when the document is safe to hand to GEOS (other faults are left to GEOS to report). */
static bool positions_ok(const cJSON *c, int depth)
{
    if (!cJSON_IsArray(c))
        return false;
    if (depth == 0) {
        int n = 0;
        for (const cJSON *x = c->child; x; x = x->next, n++)
            if (!cJSON_IsNumber(x))
                return false;
        return n >= 2;
    }
    for (const cJSON *x = c->child; x; x = x->next)
        if (!positions_ok(x, depth - 1))
            return false;
    return true;
}

static bool geojson_ok(const cJSON *node, int level)
{
    if (!node || level > 64)
        return node == NULL;
    if (cJSON_IsObject(node)) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(node, "type");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(node, "coordinates");
        if (cJSON_IsString(t) && c) {
            static const struct { const char *type; int depth; } d[] = {
                {"Point", 0}, {"LineString", 1}, {"MultiPoint", 1}, {"Polygon", 2},
                {"MultiLineString", 2}, {"MultiPolygon", 3},
            };
            for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
                if (!strcmp(t->valuestring, d[i].type) && !positions_ok(c, d[i].depth))
                    return false;
        }
    }
    if (cJSON_IsObject(node) || cJSON_IsArray(node))
        for (const cJSON *x = node->child; x; x = x->next)
            if (!geojson_ok(x, level + 1))
                return false;
    return true;
}

/* Read the text into a geometry (caller destroys), NULL with g->msg set. */
static GEOSGeometry *read_geometry(zj_geo *g, const char *text, size_t n, zj_geo_format fmt)
{
    char *z = malloc(n + 1);
    if (!z) {
        snprintf(g->msg, sizeof g->msg, "out of memory");
        return NULL;
    }
    memcpy(z, text, n);
    z[n] = 0;
    if (strlen(z) != n) {
        free(z);
        snprintf(g->msg, sizeof g->msg, "geometry text holds a NUL byte");
        return NULL;
    }
    size_t i = 0;
    while (z[i] == ' ' || z[i] == '\t' || z[i] == '\r' || z[i] == '\n')
        i++;
    if (fmt == ZJ_GEO_AUTO)
        fmt = z[i] == '{' ? ZJ_GEO_GEOJSON : ZJ_GEO_WKT;
    g->msg[0] = 0;
    if (fmt == ZJ_GEO_GEOJSON) {
        cJSON *doc = cJSON_Parse(z + i);
        bool parsed = doc != NULL, ok = parsed && geojson_ok(doc, 0);
        cJSON_Delete(doc);
        if (!ok) {
            free(z);
            snprintf(g->msg, sizeof g->msg, "not readable GeoJSON: %s",
                     parsed ? "a position needs two or more numbers" : "not JSON");
            return NULL;
        }
    }
    GEOSGeometry *geom = fmt == ZJ_GEO_GEOJSON
                             ? GEOSGeoJSONReader_readGeometry_r(g->h, g->json_in, z + i)
                             : GEOSWKTReader_read_r(g->h, g->wkt_in, z + i);
    free(z);
    if (!geom && !g->msg[0])
        snprintf(g->msg, sizeof g->msg, "not readable %s", fmt == ZJ_GEO_GEOJSON ? "GeoJSON"
                                                                                  : "WKT");
    /* a Feature collection of one polygon is that polygon */
    if (geom && GEOSGeomTypeId_r(g->h, geom) == GEOS_GEOMETRYCOLLECTION &&
        GEOSGetNumGeometries_r(g->h, geom) == 1) {
        GEOSGeometry *one = GEOSGeom_clone_r(g->h, GEOSGetGeometryN_r(g->h, geom, 0));
        GEOSGeom_destroy_r(g->h, geom);
        geom = one;
    }
    return geom;
}

/* Check a read geometry is a usable polygon; 0, or -1 with g->msg set. */
static int check_polygon(zj_geo *g, const GEOSGeometry *geom)
{
    int t = GEOSGeomTypeId_r(g->h, geom);
    if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) {
        char *type = GEOSGeomType_r(g->h, geom);
        snprintf(g->msg, sizeof g->msg, "expected a Polygon or MultiPolygon, found %s",
                 type ? type : "another geometry");
        GEOSFree_r(g->h, type);
        return -1;
    }
    if (GEOSisEmpty_r(g->h, geom) != 0) {
        snprintf(g->msg, sizeof g->msg, "the polygon is empty");
        return -1;
    }
    double x0, y0, x1, y1;
    if (!GEOSGeom_getExtent_r(g->h, geom, &x0, &y0, &x1, &y1) || !isfinite(x0) ||
        !isfinite(x1) || !isfinite(y0) || !isfinite(y1) || x0 < -180 || x1 > 180 ||
        y0 < -90 || y1 > 90) {
        snprintf(g->msg, sizeof g->msg, "coordinates out of range (longitude -180..180, "
                 "latitude -90..90, in that order)");
        return -1;
    }
    char valid = GEOSisValid_r(g->h, geom);
    if (valid != 1) {
        char *reason = valid == 0 ? GEOSisValidReason_r(g->h, geom) : NULL;
        snprintf(g->msg, sizeof g->msg, "invalid polygon: %s", reason ? reason : "not valid");
        GEOSFree_r(g->h, reason);
        return -1;
    }
    return 0;
}

int zj_geo_normalize(zj_geo *g, const char *text, size_t n, zj_geo_format fmt, bool gcj02,
                     zj_buf *out, const char **why)
{
    *why = NULL;
    GEOSGeometry *geom = read_geometry(g, text, n, fmt);
    if (!geom) {
        *why = g->msg;
        return -1;
    }
    int rc = 0;
    if (check_polygon(g, geom)) {
        rc = -1;
        goto done;
    }
    if (gcj02) {
        GEOSGeometry *w = GEOSGeom_transformXY_r(g->h, geom, to_wgs84, NULL);
        if (!w) {
            rc = -1;
            goto done;
        }
        GEOSGeom_destroy_r(g->h, geom);
        geom = w;
        if (check_polygon(g, geom)) {  /* the shift may fold a degenerate ring */
            rc = -1;
            goto done;
        }
    }
    char *wkt = GEOSWKTWriter_write_r(g->h, g->wkt_out, geom);
    if (!wkt) {
        rc = -1;
        goto done;
    }
    /* rounding to 7 decimals can fold a sliver: the stored text must read back valid */
    GEOSGeometry *back = GEOSWKTReader_read_r(g->h, g->wkt_in, wkt);
    if (!back || check_polygon(g, back))
        rc = -1;
    else if (zj_buf_puts(out, wkt))
        rc = -2;
    if (back)
        GEOSGeom_destroy_r(g->h, back);
    GEOSFree_r(g->h, wkt);
done:
    GEOSGeom_destroy_r(g->h, geom);
    if (rc == -1)
        *why = g->msg[0] ? g->msg : "not a polygon";
    return rc;
}

int zj_geo_wkt_to_geojson(zj_geo *g, const char *wkt, size_t n, zj_buf *out, const char **why)
{
    *why = NULL;
    GEOSGeometry *geom = read_geometry(g, wkt, n, ZJ_GEO_WKT);
    if (!geom) {
        *why = g->msg;
        return -1;
    }
    char *json = GEOSGeoJSONWriter_writeGeometry_r(g->h, g->json_out, geom, -1);
    GEOSGeom_destroy_r(g->h, geom);
    if (!json) {
        *why = g->msg[0] ? g->msg : "cannot write GeoJSON";
        return -1;
    }
    int rc = zj_buf_puts(out, json) ? -2 : 0;
    GEOSFree_r(g->h, json);
    return rc;
}

/* ---- areas ------------------------------------------------------------------------------- */

struct zj_geo_area {
    zj_geo *g;                           /* its own handle and messages */
    GEOSGeometry *geom, *edge;           /* the polygon and its boundary */
    const GEOSPreparedGeometry *pgeom, *pedge;
    double x0, y0, x1, y1;
};

zj_geo_area *zj_geo_area_new(const char *wkt, size_t n, const char **why)
{
    *why = "out of memory";
    zj_geo_area *a = calloc(1, sizeof *a);
    if (!a || !(a->g = zj_geo_new())) {
        free(a);
        return NULL;
    }
    GEOSContextHandle_t h = a->g->h;
    a->geom = read_geometry(a->g, wkt, n, ZJ_GEO_WKT);
    if (!a->geom || check_polygon(a->g, a->geom)) {
        *why = "not a valid polygon";
        zj_geo_area_free(a);
        return NULL;
    }
    a->edge = GEOSBoundary_r(h, a->geom);
    a->pgeom = GEOSPrepare_r(h, a->geom);
    a->pedge = a->edge ? GEOSPrepare_r(h, a->edge) : NULL;
    if (!a->edge || !a->pgeom || !a->pedge ||
        !GEOSGeom_getExtent_r(h, a->geom, &a->x0, &a->y0, &a->x1, &a->y1)) {
        *why = "cannot prepare the polygon";
        zj_geo_area_free(a);
        return NULL;
    }
    *why = NULL;
    return a;
}

void zj_geo_area_free(zj_geo_area *a)
{
    if (!a)
        return;
    if (a->g) {
        GEOSContextHandle_t h = a->g->h;
        if (a->pgeom)
            GEOSPreparedGeom_destroy_r(h, a->pgeom);
        if (a->pedge)
            GEOSPreparedGeom_destroy_r(h, a->pedge);
        if (a->edge)
            GEOSGeom_destroy_r(h, a->edge);
        if (a->geom)
            GEOSGeom_destroy_r(h, a->geom);
        zj_geo_free(a->g);
    }
    free(a);
}

int zj_geo_area_locate(zj_geo_area *a, double lat, double lon, double *clear, double *metres)
{
    GEOSContextHandle_t h = a->g->h;
    *clear = 0;
    *metres = 0;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, lon, lat);
    if (!pt)
        return -1;
    int rc = -1;
    char in = GEOSPreparedIntersects_r(h, a->pgeom, pt);
    double d;
    if (in == 2 || !GEOSPreparedDistance_r(h, a->pedge, pt, &d))
        goto done;
    *clear = d;
    rc = in == 1;
    if (!rc) {
        GEOSCoordSequence *cs = GEOSPreparedNearestPoints_r(h, a->pedge, pt);
        double nx, ny;
        if (!cs || !GEOSCoordSeq_getXY_r(h, cs, 0, &nx, &ny)) {
            if (cs)
                GEOSCoordSeq_destroy_r(h, cs);
            rc = -1;
            goto done;
        }
        GEOSCoordSeq_destroy_r(h, cs);
        *metres = zj_geo_metres(lat, lon, ny, nx);
    }
done:
    GEOSGeom_destroy_r(h, pt);
    return rc;
}

void zj_geo_area_bounds(const zj_geo_area *a, double *lon0, double *lat0, double *lon1,
                        double *lat1)
{
    *lon0 = a->x0;
    *lat0 = a->y0;
    *lon1 = a->x1;
    *lat1 = a->y1;
}
