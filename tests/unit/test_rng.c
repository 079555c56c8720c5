/* test_rng: nnlab's stream against numpy 1.24's legacy RandomState.
 * Reference: tests/data/numpy-legacy-rng-vectors.json, a copy of
 * ../shared/reference/numpy-legacy-rng-vectors.json (values printed by numpy 1.24). */
#include "nnlab/rng.h"
#include "t.h"

#include <stdlib.h>
#include "tdata.h"

#include <stdint.h>

static int starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

int main(void)
{
    cJSON *root = tdata_load("numpy-legacy-rng-vectors.json");
    cJSON *cases = cJSON_GetObjectItem(root, "cases"), *c;
    int seen = 0;
    cJSON_ArrayForEach(c, cases) {
        uint32_t seed = (uint32_t)cJSON_GetObjectItem(c, "seed")->valuedouble;
        const char *call = cJSON_GetObjectItem(c, "call")->valuestring;
        cJSON *v = cJSON_GetObjectItem(c, "values");
        int n = cJSON_GetArraySize(v);
        nn_rng r;
        nn_rng_seed(&r, seed);
        seen++;
        if (starts(call, "genrand_int32")) {
            for (int i = 0; i < n; i++)
                T_EQ((double)nn_rng_u32(&r), tdata_num(v, i));
        } else if (starts(call, "random_sample") || starts(call, "random()")) {
            for (int i = 0; i < n; i++)
                T_EQ(nn_rng_random(&r), tdata_num(v, i));
        } else if (starts(call, "normal(0, 0.75")) {
            for (int i = 0; i < n; i++)
                T_EQ(nn_rng_normal(&r, 0, 0.75), tdata_num(v, i));
        } else if (starts(call, "normal(0, 1, size=3) then")) {
            /* two calls of three: the cached polar value carries across calls */
            for (int i = 0; i < n; i++)
                T_EQ(nn_rng_normal(&r, 0, 1), tdata_num(v, i));
        } else if (starts(call, "uniform(-5, 5")) {
            for (int i = 0; i < n; i++)
                T_EQ(nn_rng_uniform(&r, -5, 5), tdata_num(v, i));
        } else if (starts(call, "randn")) {
            for (int i = 0; i < n; i++)
                T_EQ(nn_rng_gauss(&r), tdata_num(v, i));
        } else if (starts(call, "x = arange(10)")) {
            size_t x[10];
            nn_rng_permutation(&r, x, 10);
            for (int i = 0; i < n; i++)
                T_EQ((double)x[i], tdata_num(v, i));
        } else if (starts(call, "x = arange(1000)")) {
            size_t x[1000];
            nn_rng_permutation(&r, x, 1000);
            for (int i = 0; i < n; i++)
                T_EQ((double)x[i], tdata_num(v, i));
        } else if (starts(call, "normal(0, 1, size=1); seed(7) again")) {
            (void)nn_rng_normal(&r, 0, 1);  /* leaves a cached value behind */
            nn_rng_seed(&r, seed);          /* ...which re-seeding must clear */
            T_EQ(nn_rng_normal(&r, 0, 1), tdata_num(v, 0));
        } else {
            T_CHECK(0, "reference case not understood: %s", call);
        }
    }
    T_CHECK(seen == 12, "expected 12 reference cases, saw %d", seen);

    /* interval: never above max, every value reachable, and max == 0 draws nothing */
    nn_rng r;
    nn_rng_seed(&r, 1);
    int hit[6] = {0};
    for (int i = 0; i < 600; i++) {
        uint32_t k = nn_rng_interval(&r, 5);
        T_CHECK(k <= 5, "interval(5) gave %u", k);
        if (k <= 5)
            hit[k]++;
    }
    for (int k = 0; k < 6; k++)
        T_CHECK(hit[k] > 50, "value %d drawn %d times in 600", k, hit[k]);
    nn_rng s;
    nn_rng_seed(&s, 1);
    nn_rng_seed(&r, 1);
    T_CHECK(nn_rng_interval(&r, 0) == 0, "interval(0)");
    T_CHECK(nn_rng_u32(&r) == nn_rng_u32(&s), "interval(0) must not consume the stream");
    /* the two-pass shuffle equals the textbook loop (numpy's: j = interval(i) for i = n-1
     * down to 1, swap) for sizes across its 1024-position blocks and the 624-word refills,
     * and leaves the stream where the loop leaves it */
    size_t bad = 0, *a = malloc(5000 * sizeof *a), *b = malloc(5000 * sizeof *b);
    const size_t sizes[] = {0, 1, 2, 3, 7, 64, 179, 393, 623, 624, 625, 1023, 1024, 1025, 1026,
                            2049, 3000, 4999};
    nn_rng_seed(&r, 12345);
    nn_rng_seed(&s, 12345);
    for (int rep = 0; rep < 3; rep++)
        for (size_t q = 0; q < sizeof sizes / sizeof sizes[0]; q++) {
            size_t n = sizes[q];
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] = i * 3 + 1;
            nn_rng_shuffle(&r, a, n);
            for (size_t i = n; i-- > 1;) {
                size_t j = nn_rng_interval(&s, (uint32_t)i), t = b[i];
                b[i] = b[j];
                b[j] = t;
            }
            for (size_t i = 0; i < n; i++)
                bad += a[i] != b[i];
            bad += nn_rng_u32(&r) != nn_rng_u32(&s);   /* the streams stay together */
        }
    T_CHECK(bad == 0, "shuffle differs from the textbook loop in %zu places", bad);
    free(a), free(b);
    cJSON_Delete(root);
    return T_DONE("test_rng");
}
