/* geography.c - synthetic but valid county boundaries, and the region export (行政区划边界).
 *
 * The county centres lie on a jittered lattice (province.c); a county's boundary is the
 * Voronoi cell of its centre (GEOS), clipped to the province's box and rounded to 7 decimals,
 * so the counties tile the province without gaps or overlaps, every boundary is a valid
 * polygon, and each centre lies at least ~0.18 degrees inside its own. The default layout
 * writes them as WKT in WGS-84; the foreign layout as GeoJSON in GCJ-02 (as a map service
 * would hand them out), which its mapping declares (`crs: gcj02`, `geometry: geojson`).
 */
#include <geos_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/exports.h"
#include "gen/internal.h"
#include "gen/layout.h"
#include "text/geo.h"

int zg_geography_build(zg *g, zj_error *err)
{
    GEOSContextHandle_t h = GEOS_init_r();
    if (!h)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int rc = ZJ_OK;
    GEOSGeometry **pts = calloc((size_t)g->ncounties + 1, sizeof *pts);
    GEOSGeometry *mp = NULL, *env = NULL, *cells = NULL;
    GEOSWKTWriter *wr = GEOSWKTWriter_create_r(h);
    if (!pts || !wr) {
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
        goto done;
    }
    GEOSWKTWriter_setRoundingPrecision_r(h, wr, 7);
    GEOSWKTWriter_setTrim_r(h, wr, 1);
    for (int i = 0; i < g->ncounties; i++)
        pts[i] = GEOSGeom_createPointFromXY_r(h, g->counties[i].lon, g->counties[i].lat);
    mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts, (unsigned)g->ncounties);
    env = GEOSGeom_createRectangle_r(h, 105.3, 31.6, 111.5, 40.0);
    if (!mp || !env) {
        rc = zj_fail(err, ZJ_EDATA, "cannot build the county points");
        goto done;
    }
    cells = GEOSVoronoiDiagram_r(h, mp, env, 0.0, 0);
    int n = cells ? GEOSGetNumGeometries_r(h, cells) : 0;
    for (int k = 0; k < n && !rc; k++) {
        const GEOSGeometry *cell = GEOSGetGeometryN_r(h, cells, k);
        GEOSGeometry *clip = GEOSIntersection_r(h, cell, env);
        for (int i = 0; clip && i < g->ncounties; i++) {
            GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, g->counties[i].lon,
                                                           g->counties[i].lat);
            bool in = p && GEOSContains_r(h, clip, p) == 1;
            GEOSGeom_destroy_r(h, p);
            if (!in || g->county_wkt[i])
                continue;
            char *w = GEOSWKTWriter_write_r(h, wr, clip);
            g->county_wkt[i] = w ? strdup(w) : NULL;
            GEOSFree_r(h, w);
            break;
        }
        GEOSGeom_destroy_r(h, clip);
    }
    for (int i = 0; !rc && i < g->ncounties; i++)
        if (!g->county_wkt[i])
            rc = zj_fail(err, ZJ_EDATA, "county %d has no boundary", g->counties[i].code);
done:
    if (cells)
        GEOSGeom_destroy_r(h, cells);
    if (env)
        GEOSGeom_destroy_r(h, env);
    if (mp)
        GEOSGeom_destroy_r(h, mp);           /* owns the points */
    else if (pts)
        for (int i = 0; i < g->ncounties; i++)
            if (pts[i])
                GEOSGeom_destroy_r(h, pts[i]);
    free(pts);
    if (wr)
        GEOSWKTWriter_destroy_r(h, wr);
    GEOS_finish_r(h);
    return rc;
}

void zg_geography_free(zg *g)
{
    for (int i = 0; i < (int)(sizeof g->county_wkt / sizeof g->county_wkt[0]); i++) {
        free(g->county_wkt[i]);
        g->county_wkt[i] = NULL;
    }
}

/* ---- the export ---------------------------------------------------------------------------- */

static const zg_col region_cols[] = {
    {"region_code", "区划代码", 0, NULL},
    {"name", "区划名称", 0, NULL},
    {"level", "级别", 0, "codes: {县级: county}"},
    {"parent_code", "上级区划代码", 0, NULL},
    {"boundary", "边界WKT", 0, "geometry: wkt"},
};
const zg_export zg_x_regions = {
    "行政区划边界.csv", "regions.mapping.yaml", "mnr_boundary", "region",
    "county boundaries (行政区划界线), WKT in WGS-84", ZG_CSV, ZG_UTF8, ',', "[region_code]",
    region_cols, 5, NULL};

static const zg_col f_region_cols[] = {
    {"region_code", "adcode", 0, NULL},
    {"name", "name", 0, NULL},
    {"parent_code", "parent", 0, NULL},
    {"boundary", "geometry", 0, NULL},
};
const zg_export zg_f_regions = {
    "区划边界.jsonl", "regions.mapping.yaml", "mnr_boundary", "region",
    "county boundaries, foreign layout: a map service's GeoJSON in GCJ-02", ZG_JSONL, ZG_UTF8,
    ',', "[region_code]", f_region_cols, 4, NULL};

/* The WKT polygon (one ring, as geography builds them) as a GeoJSON geometry in GCJ-02. */
static int to_geojson_gcj(const char *wkt, zj_buf *out)
{
    const char *p = strstr(wkt, "((");
    if (!p)
        return -1;
    p += 2;
    zj_buf_puts(out, "{\"type\":\"Polygon\",\"coordinates\":[[");
    bool first = true;
    while (*p && *p != ')') {
        char *end;
        double lon = strtod(p, &end);
        double lat = strtod(end, &end);
        if (end == p)
            return -1;
        double glat, glon;
        zj_gcj02_from_wgs84(lat, lon, &glat, &glon);
        zj_buf_printf(out, "%s[%.7f,%.7f]", first ? "" : ",", glon, glat);
        first = false;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return zj_buf_puts(out, "]]}") ? -1 : 0;
}

int zg_emit_regions(zg *g, zg_writer *w)
{
    bool foreign = w->fx && w->fx->direct;
    zj_buf b = {0};
    for (int i = 0; i < g->ncounties; i++) {
        const zg_county *co = &g->counties[i];
        char code[8], parent[8];
        zg_fmt_int(code, co->code, 6);
        zg_fmt_int(parent, g->cities[co->city].code, 6);
        zg_row_begin(w);
        zg_s(w, code);
        zg_s(w, co->name);
        if (foreign) {
            zj_buf_clear(&b);
            zg_s(w, parent);
            if (to_geojson_gcj(g->county_wkt[i], &b)) {
                zj_buf_free(&b);
                return ZJ_EDATA;
            }
            zg_s(w, b.data);
        } else {
            zg_s(w, "县级");
            zg_s(w, parent);
            zg_s(w, g->county_wkt[i]);
        }
        if (zg_row_end(w)) {
            zj_buf_free(&b);
            return ZJ_EDATA;
        }
    }
    zj_buf_free(&b);
    return ZJ_OK;
}
