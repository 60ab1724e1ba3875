/* test_geo.c - coordinates and polygons (text/geo.c): GCJ-02 against published points, the
 * inverse's round trip, WKT and GeoJSON polygons, rejects, and point-in-area tests. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text/geo.h"

/* wgs lat, lon -> gcj lat, lon: the test points of the open implementations (Shanghai,
 * Shenzhen, Beijing), which all compute the same published function. */
static const double known[][4] = {
    {31.1774276, 121.5272106, 31.17530398364597, 121.531541859215},
    {22.543847, 113.912316, 22.540796131694766, 113.9171764808363},
    {39.911954, 116.377817, 39.91334545536069, 116.38404722455657},
};

static void test_gcj02_known(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        double la, lo;
        zj_gcj02_from_wgs84(known[i][0], known[i][1], &la, &lo);
        assert_true(fabs(la - known[i][2]) < 1e-9 && fabs(lo - known[i][3]) < 1e-9);
        zj_gcj02_to_wgs84(known[i][2], known[i][3], &la, &lo);
        /* the inverse lands on the WGS-84 point to well under a millimetre */
        assert_true(zj_geo_metres(la, lo, known[i][0], known[i][1]) < 1e-3);
        /* and GCJ-02 is hundreds of metres off */
        double off = zj_geo_metres(known[i][0], known[i][1], known[i][2], known[i][3]);
        assert_true(off > 100 && off < 1000);
    }
    /* outside China the two are one */
    double la, lo;
    zj_gcj02_to_wgs84(48.8566, 2.3522, &la, &lo);
    assert_true(la == 48.8566 && lo == 2.3522);
    /* round trips over Shaanxi */
    for (double a = 31.7; a < 39.6; a += 0.37)
        for (double o = 105.5; o < 111.2; o += 0.41) {
            double ga, go, wa, wo;
            zj_gcj02_from_wgs84(a, o, &ga, &go);
            zj_gcj02_to_wgs84(ga, go, &wa, &wo);
            assert_true(fabs(wa - a) < 1e-9 && fabs(wo - o) < 1e-9);
        }
}

static void test_metres(void **state)
{
    (void)state;
    /* one degree of latitude is 111.2 km on the mean sphere */
    double m = zj_geo_metres(34.0, 108.0, 35.0, 108.0);
    assert_true(fabs(m - 111195) < 5);
    assert_true(zj_geo_metres(34.2, 108.9, 34.2, 108.9) == 0);
}

static char *norm(zj_geo *g, const char *in, zj_geo_format f, bool gcj, const char **why)
{
    static zj_buf b;
    zj_buf_clear(&b);
    int rc = zj_geo_normalize(g, in, strlen(in), f, gcj, &b, why);
    return rc == 0 ? b.data : NULL;
}

static void test_normalize(void **state)
{
    (void)state;
    zj_geo *g = zj_geo_new();
    assert_non_null(g);
    const char *why;
    char *w = norm(g, "POLYGON ((108 34, 108.1 34, 108.1 34.1, 108 34.1, 108 34))", ZJ_GEO_AUTO,
                   false, &why);
    assert_non_null(w);
    assert_string_equal(w, "POLYGON ((108 34, 108.1 34, 108.1 34.1, 108 34.1, 108 34))");
    w = norm(g, " {\"type\":\"Polygon\",\"coordinates\":[[[108,34],[108.1,34],[108.1,34.1],"
                "[108,34.1],[108,34]]]}", ZJ_GEO_AUTO, false, &why);
    assert_non_null(w);
    assert_string_equal(w, "POLYGON ((108 34, 108.1 34, 108.1 34.1, 108 34.1, 108 34))");
    w = norm(g, "{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},\"geometry\":"
                "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[108,34],[108.1,34],[108.1,34.1],"
                "[108,34]]]]}}", ZJ_GEO_GEOJSON, false, &why);
    assert_non_null(w);
    assert_string_equal(w, "MULTIPOLYGON (((108 34, 108.1 34, 108.1 34.1, 108 34)))");
    /* GCJ-02 vertices come back to WGS-84 */
    double ga, go;
    zj_gcj02_from_wgs84(34.25, 108.95, &ga, &go);
    char in[256];
    snprintf(in, sizeof in, "POLYGON ((%.10f %.10f, %.10f %.10f, %.10f %.10f, %.10f %.10f))", go,
             ga, go + 0.1, ga, go + 0.1, ga + 0.1, go, ga);
    w = norm(g, in, ZJ_GEO_WKT, true, &why);
    assert_non_null(w);
    assert_true(strncmp(w, "POLYGON ((108.95 34.25, ", 24) == 0);
    /* rejects, each with its reason */
    assert_null(norm(g, "POINT (108 34)", ZJ_GEO_AUTO, false, &why));
    assert_non_null(strstr(why, "Polygon"));
    assert_null(norm(g, "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))", ZJ_GEO_AUTO, false, &why));
    assert_non_null(strstr(why, "invalid polygon"));
    assert_null(norm(g, "POLYGON ((34 108, 34.1 108, 34.1 108.1, 34 108))", ZJ_GEO_AUTO, false,
                     &why));
    assert_non_null(strstr(why, "out of range"));
    assert_null(norm(g, "POLYGON ((108 34, 108.1", ZJ_GEO_AUTO, false, &why));
    assert_non_null(why);
    assert_null(norm(g, "{\"type\":\"Polygon\"", ZJ_GEO_AUTO, false, &why));
    assert_null(norm(g, "POLYGON EMPTY", ZJ_GEO_AUTO, false, &why));
    assert_null(norm(g, "", ZJ_GEO_AUTO, false, &why));
    /* the cockpit's GeoJSON */
    zj_buf j = {0};
    const char *wkt = "POLYGON ((108 34, 108.1 34, 108.1 34.1, 108 34))";
    assert_int_equal(zj_geo_wkt_to_geojson(g, wkt, strlen(wkt), &j, &why), 0);
    assert_non_null(strstr(j.data, "\"type\":\"Polygon\""));
    zj_buf_free(&j);
    zj_geo_free(g);
}

static void test_area(void **state)
{
    (void)state;
    const char *wkt = "POLYGON ((108 34, 108.2 34, 108.2 34.2, 108 34.2, 108 34))";
    const char *why;
    zj_geo_area *a = zj_geo_area_new(wkt, strlen(wkt), &why);
    assert_non_null(a);
    double clear, m;
    assert_int_equal(zj_geo_area_locate(a, 34.1, 108.1, &clear, &m), 1);
    assert_true(fabs(clear - 0.1) < 1e-9 && m == 0);
    assert_int_equal(zj_geo_area_locate(a, 34.1, 108.3, &clear, &m), 0);
    assert_true(fabs(clear - 0.1) < 1e-9);
    assert_true(fabs(m - zj_geo_metres(34.1, 108.3, 34.1, 108.2)) < 1e-6);
    assert_int_equal(zj_geo_area_locate(a, 34.2, 108.1, &clear, &m), 1);   /* on the edge */
    zj_geo_area_free(a);
    assert_null(zj_geo_area_new("LINESTRING (0 0, 1 1)", 21, &why));
    assert_non_null(why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcj02_known),
        cmocka_unit_test(test_metres),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_area),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
