/* geo.h - coordinates and areas: GCJ-02 and WGS-84, polygons read from WKT or GeoJSON, and
 * point-in-area tests for location tracks (GEOS C API, reentrant functions).
 *
 * WGS-84 (longitude, latitude in degrees) is zhijian's canonical coordinate system. Chinese map
 * services publish GCJ-02 (国测局坐标, "Mars coordinates"), WGS-84 shifted by a published
 * non-linear function by some hundreds of metres inside China; a mapping that declares
 * `crs: gcj02` has its points and polygons converted back on import with the standard
 * iterative inverse (zj_gcj02_to_wgs84, below 1e-6 m from the exact inverse).
 *
 * Polygons are stored as WKT in WGS-84 with 7 decimals (about 1 cm). zj_geo_normalize reads a
 * column's text (WKT, or a GeoJSON geometry, Feature or single-feature FeatureCollection),
 * checks that it is a valid Polygon or MultiPolygon within longitude and latitude bounds, and
 * writes that canonical WKT. A geo context (zj_geo) is one GEOS handle with its readers and
 * writers: one per thread, never shared.
 */
#ifndef ZJ_GEO_H
#define ZJ_GEO_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* ---- coordinates ------------------------------------------------------------------------- */

/* True when (lat, lon) lies in the rectangle where GCJ-02 applies (outside it the two systems
 * are the same point). */
bool zj_gcj02_in_china(double lat, double lon);
/* WGS-84 -> GCJ-02 (the published forward function). */
void zj_gcj02_from_wgs84(double lat, double lon, double *glat, double *glon);
/* GCJ-02 -> WGS-84: fixed-point iteration of the forward function until the round trip is
 * within 1e-11 degrees (at most 30 steps; it converges in 3-5). */
void zj_gcj02_to_wgs84(double glat, double glon, double *lat, double *lon);
/* Great-circle distance in metres (haversine, mean Earth radius 6371008.8 m). */
double zj_geo_metres(double lat1, double lon1, double lat2, double lon2);

/* ---- geometry text ----------------------------------------------------------------------- */

typedef struct zj_geo zj_geo;

typedef enum zj_geo_format {
    ZJ_GEO_AUTO = 0,         /* GeoJSON when the text starts with '{', else WKT */
    ZJ_GEO_WKT,
    ZJ_GEO_GEOJSON,
} zj_geo_format;

/* A new context, or NULL when out of memory. */
zj_geo *zj_geo_new(void);
void zj_geo_free(zj_geo *g);                       /* NULL is allowed */

/* Read n bytes of geometry text in format `fmt`; when `gcj02`, convert every vertex from
 * GCJ-02. On success appends the canonical WKT to `out` and returns 0. Returns -1 with *why
 * (a static or context-owned message, valid until the next call) for text that is not a
 * valid polygon: unreadable, another geometry type, empty, coordinates out of range, or
 * invalid (self-intersection ...); returns -2 when out of memory. */
int zj_geo_normalize(zj_geo *g, const char *text, size_t n, zj_geo_format fmt, bool gcj02,
                     zj_buf *out, const char **why);

/* The canonical WKT `wkt` (n bytes) as a GeoJSON geometry object appended to `out`: 0, -1 with
 * *why for text that is not readable WKT, -2 when out of memory. */
int zj_geo_wkt_to_geojson(zj_geo *g, const char *wkt, size_t n, zj_buf *out, const char **why);

/* ---- areas ------------------------------------------------------------------------------- */

/* A polygon prepared for many point tests. */
typedef struct zj_geo_area zj_geo_area;

/* Prepare the canonical WKT `wkt` (n bytes). NULL with *why when it is not a polygon. The area
 * keeps its own GEOS handle, so areas may be used from different threads. */
zj_geo_area *zj_geo_area_new(const char *wkt, size_t n, const char **why);
void zj_geo_area_free(zj_geo_area *a);             /* NULL is allowed */

/* Where (lat, lon) lies: returns 1 inside (or on the boundary), 0 outside, -1 on a GEOS error.
 * *clear is the planar distance in degrees from the point to the boundary, so every point
 * closer than *clear to this one (in lon/lat degrees) lies on the same side: callers cache
 * one answer per track and test again only when the track moves that far. *metres is, for a
 * point outside, the great-circle distance to the nearest point of the boundary (nearest in
 * the lon/lat plane), and 0 inside. */
int zj_geo_area_locate(zj_geo_area *a, double lat, double lon, double *clear, double *metres);

/* The bounding box: min and max longitude and latitude. */
void zj_geo_area_bounds(const zj_geo_area *a, double *lon0, double *lat0, double *lon1,
                        double *lat1);

#endif
