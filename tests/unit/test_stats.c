/* test_stats: Kruskal-Wallis, the chi-square tail and the Scott KDE against scipy.
 *
 * Reference: tests/data/numpy-reference.json "stats", made by tests/data/make_reference.py
 * with scipy 1.10 (scipy.stats.mstats.kruskalwallis, scipy.stats.chi2.sf,
 * scipy.stats.gaussian_kde). The first two Kruskal-Wallis cases are also scipy's
 * documented examples: H = 0.2727272727272734, p = 0.6015081344405895, and (with ties)
 * H = 7.0, p = 0.0301973834223185. */
#include "nnlab/study.h"
#include "t.h"
#include "tdata.h"

#include <stdlib.h>

static void arr(double *a, int n, int k, double scale)
{
    for (int i = 0; i < n; i++)
        a[i] = (double)((((long)i * 7919 + (long)k * 104729) % 1000) - 500) * (1 + i % 3) / 37.0 / scale;
}

int main(void)
{
    cJSON *root = tdata_load("numpy-reference.json");
    cJSON *st = cJSON_GetObjectItem(root, "stats"), *c;
    int n_kw = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(st, "kw")) {
        cJSON *gs = cJSON_GetObjectItem(c, "groups"), *g;
        const double *groups[8];
        size_t ns[8];
        double store[8][64];
        int k = 0;
        cJSON_ArrayForEach(g, gs) {
            ns[k] = 0;
            cJSON *v;
            cJSON_ArrayForEach(v, g) store[k][ns[k]++] = v->valuedouble;
            groups[k] = store[k];
            k++;
        }
        double H, p;
        nn_err e;
        T_CHECK(nn_kruskal_wallis(groups, ns, k, &H, &p, &e) == NN_OK, "%s", e.msg);
        double wantH = cJSON_GetObjectItem(c, "H")->valuedouble, wantp = cJSON_GetObjectItem(c, "p")->valuedouble;
        T_CHECK(fabs(H - wantH) <= 1e-13 * fmax(1, fabs(wantH)), "case %d: H %.17g, scipy %.17g", n_kw, H, wantH);
        T_CHECK(fabs(p - wantp) <= 1e-14, "case %d: p %.17g, scipy %.17g", n_kw, p, wantp);
        n_kw++;
    }
    T_CHECK(n_kw == 4, "kw cases: %d", n_kw);
    /* scipy's documented examples, exactly */
    const double a[] = {1, 3, 5, 7, 9}, b[] = {2, 4, 6, 8, 10};
    const double *ab[] = {a, b};
    size_t n5[] = {5, 5};
    double H, p;
    nn_err e;
    nn_kruskal_wallis(ab, n5, 2, &H, &p, &e);
    T_EQ(H, 0.2727272727272734);
    T_NEAR(p, 0.6015081344405895, 1e-15);
    const double t1[] = {1, 1, 1}, t2[] = {2, 2, 2}, t3[] = {2, 2};
    const double *tg[] = {t1, t2, t3};
    size_t tn[] = {3, 3, 2};
    nn_kruskal_wallis(tg, tn, 3, &H, &p, &e);
    T_EQ(H, 7.0);
    T_NEAR(p, 0.0301973834223185, 1e-16);
    const double same[] = {4, 4, 4};
    const double *sg[] = {same, same};
    size_t sn[] = {3, 3};
    T_CHECK(nn_kruskal_wallis(sg, sn, 2, &H, &p, &e) != NN_OK, "all-equal values have no test");

    cJSON_ArrayForEach(c, cJSON_GetObjectItem(st, "chi2")) {
        double x = cJSON_GetObjectItem(c, "x")->valuedouble, df = cJSON_GetObjectItem(c, "df")->valuedouble;
        double want = cJSON_GetObjectItem(c, "sf")->valuedouble, got = nn_chi2_sf(x, df);
        T_CHECK(fabs(got - want) <= 1e-14 * fmax(1e-300, want) + 1e-300,
                "chi2.sf(%g, %g) = %.17g, scipy %.17g", x, df, got, want);
    }
    cJSON *kde = cJSON_GetObjectItem(st, "kde");
    double data[300];
    arr(data, 300, 3, 20);
    cJSON *xs = cJSON_GetObjectItem(kde, "x"), *dens = cJSON_GetObjectItem(kde, "density");
    int m = cJSON_GetArraySize(xs);
    for (int j = 0; j < m; j++) {
        double x = tdata_num(xs, j), d;
        nn_kde_scott(data, 300, &x, 1, &d);
        T_CHECK(fabs(d - tdata_num(dens, j)) <= 1e-13 * fmax(1e-3, tdata_num(dens, j)),
                "kde(%g) = %.17g, scipy %.17g", x, d, tdata_num(dens, j));
    }
    cJSON_Delete(root);
    return T_DONE("test_stats");
}
