/* fuzz_geo.c - libFuzzer target for polygon columns (text/geo.c): WKT and GeoJSON read through
 * GEOS, GCJ-02 conversion, and the GeoJSON the read layer hands out.
 * The first byte picks the format (auto, WKT, GeoJSON) and whether the text is GCJ-02.
 * Invariants: a refusal has a reason; an accepted polygon's canonical WKT is accepted again
 * as WKT (in WGS-84), unchanged, prepares as an area, and converts to GeoJSON. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static zj_geo *g;
    if (!g && !(g = zj_geo_new()))
        return 0;
    if (size < 1)
        return 0;
    zj_geo_format fmt = (zj_geo_format)(data[0] % 3);
    bool gcj = data[0] & 4;
    zj_buf a = {0}, b = {0}, j = {0};
    const char *why = NULL;
    int rc = zj_geo_normalize(g, (const char *)data + 1, size - 1, fmt, gcj, &a, &why);
    if (rc == -1 && !why)
        __builtin_trap();
    if (rc == 0) {
        if (zj_geo_normalize(g, a.data, a.len, ZJ_GEO_WKT, false, &b, &why) != 0 ||
            strcmp(a.data, b.data) != 0)
            __builtin_trap();
        zj_geo_area *ar = zj_geo_area_new(a.data, a.len, &why);
        if (!ar)
            __builtin_trap();
        double clear, m;
        if (zj_geo_area_locate(ar, 34.0, 108.0, &clear, &m) < 0)
            __builtin_trap();
        zj_geo_area_free(ar);
        if (zj_geo_wkt_to_geojson(g, a.data, a.len, &j, &why) != 0)
            __builtin_trap();
    }
    zj_buf_free(&a);
    zj_buf_free(&b);
    zj_buf_free(&j);
    return 0;
}
