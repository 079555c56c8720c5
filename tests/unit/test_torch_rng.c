/* test_torch_rng: nnlab's PyTorch stream against values torch 1.13 drew, bit for bit.
 * Reference: tests/data/torch-rng-vectors.json, a copy of
 * ../shared/reference/torch-rng-vectors.json (torch 1.13 on x86-64 with AVX2; float32 values
 * as their IEEE bit patterns, float64 as hex). Every case in the file is checked: one this
 * test cannot read fails it. */
#include "nnlab/torch_rng.h"
#include "t.h"

#include <inttypes.h>
#include <stdlib.h>
#include "tdata.h"

static int starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* tensor t of case c: float32 values got[0..n) against its bits */
static int mismatches;
static void check_f32(const char *what, const cJSON *t, const float *got, int n)
{
    const cJSON *bits = cJSON_GetObjectItem(t, "bits");
    T_CHECK(cJSON_GetArraySize(bits) == n, "%s: %d values, want %d", what,
            cJSON_GetArraySize(bits), n);
    for (int i = 0; i < n && i < cJSON_GetArraySize(bits); i++) {
        uint32_t want = (uint32_t)cJSON_GetArrayItem(bits, i)->valuedouble;
        if (fbits(got[i]) != want && mismatches++ < 12)
            fprintf(stderr, "%s: [%d] got %08" PRIx32 " (%.9g), want %08" PRIx32 "\n", what, i,
                    fbits(got[i]), got[i], want);
        T_CHECK(fbits(got[i]) == want, "%s [%d]", what, i);
    }
}

static void check_f64(const char *what, const cJSON *t, const double *got, int n)
{
    const cJSON *bits = cJSON_GetObjectItem(t, "bits");
    T_CHECK(cJSON_GetArraySize(bits) == n, "%s: %d values", what, cJSON_GetArraySize(bits));
    for (int i = 0; i < n && i < cJSON_GetArraySize(bits); i++) {
        uint64_t want = strtoull(cJSON_GetArrayItem(bits, i)->valuestring, NULL, 16);
        T_CHECK(dbits(got[i]) == want, "%s [%d]: got %016" PRIx64 ", want %016" PRIx64, what, i,
                dbits(got[i]), want);
    }
}

int main(void)
{
    cJSON *root = tdata_load("torch-rng-vectors.json");
    cJSON *c;
    int cases = 0, read = 0;
    float f[4096], f2[4096], f3[4096];
    double d[64];
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "cases")) {
        const char *what = cJSON_GetObjectItem(c, "what")->valuestring;
        const cJSON *ts = cJSON_GetObjectItem(c, "tensors");
        unsigned long long seed;
        int a, b, cc, dd, n, m;
        double scale;
        nn_torch_rng g;
        cases++;
        if (sscanf(what, "manual_seed(%llu); empty(8,int64).random_(0,2**32)", &seed) == 1 &&
            strstr(what, "random_")) {
            /* a range of 2^32 takes a 64-bit draw: its low half, the second word */
            nn_torch_seed(&g, seed);
            const cJSON *v = cJSON_GetObjectItem(c, "int");
            for (int i = 0; i < cJSON_GetArraySize(v); i++)
                T_EQ((double)(nn_torch_u64(&g) % (UINT64_C(1) << 32)),
                     cJSON_GetArrayItem(v, i)->valuedouble);
            read++;
        } else if (sscanf(what, "manual_seed(%llu); Linear(%d,%d); Linear(%d,%d)", &seed, &a, &b,
                          &cc, &dd) == 5) {
            nn_torch_seed(&g, seed);
            nn_torch_linear_f32(&g, a, b, f, f2);
            check_f32(what, cJSON_GetArrayItem(ts, 0), f, a * b);
            check_f32(what, cJSON_GetArrayItem(ts, 1), f2, b);
            nn_torch_linear_f32(&g, cc, dd, f, f2);
            check_f32(what, cJSON_GetArrayItem(ts, 2), f, cc * dd);
            check_f32(what, cJSON_GetArrayItem(ts, 3), f2, dd);
            read++;
        } else if (sscanf(what, "manual_seed(%llu); Linear(%d,%d): weight, bias", &seed, &a, &b) == 3) {
            nn_torch_seed(&g, seed);
            nn_torch_linear_f32(&g, a, b, f, f2);
            check_f32(what, cJSON_GetArrayItem(ts, 0), f, a * b);
            check_f32(what, cJSON_GetArrayItem(ts, 1), f2, b);
            read++;
        } else if (starts(what, "manual_seed(0); randn(3); randn(3)")) {
            nn_torch_seed(&g, 0);
            nn_torch_normal_f32(&g, f, 3, 0, 1);
            nn_torch_normal_f32(&g, f2, 3, 0, 1);
            check_f32(what, cJSON_GetArrayItem(ts, 0), f, 3);
            check_f32(what, cJSON_GetArrayItem(ts, 1), f2, 3);
            read++;
        } else if (strstr(what, ") float32") &&
                   sscanf(what, "manual_seed(%llu); randn(%d)", &seed, &n) == 2) {
            nn_torch_seed(&g, seed);
            nn_torch_normal_f32(&g, f, (size_t)n, 0, 1);
            check_f32(what, cJSON_GetArrayItem(ts, 0), f, n);
            read++;
        } else if (strstr(what, "float32).normal_(mean=0.5, std=0.25)") &&
                   sscanf(what, "manual_seed(%llu); empty(%d,", &seed, &n) == 2) {
            nn_torch_seed(&g, seed);
            nn_torch_normal_f32(&g, f, (size_t)n, 0.5, 0.25);
            check_f32(what, cJSON_GetArrayItem(ts, 0), f, n);
            read++;
        } else if (strstr(what, "float64).uniform_(-1,1)") &&
                   sscanf(what, "manual_seed(%llu); empty(%d,", &seed, &n) == 2) {
            nn_torch_seed(&g, seed);
            nn_torch_uniform_f64(&g, d, (size_t)n, -1, 1);
            check_f64(what, cJSON_GetArrayItem(ts, 0), d, n);
            read++;
        } else if (strstr(what, "float64).normal_()") &&
                   sscanf(what, "manual_seed(%llu); empty(%d,", &seed, &n) == 2) {
            nn_torch_seed(&g, seed);
            nn_torch_normal_f64(&g, d, (size_t)n, 0, 1);
            check_f64(what, cJSON_GetArrayItem(ts, 0), d, n);
            read++;
        } else if (sscanf(what, "manual_seed(%llu); bernoulli(0.5*ones(1,%d))", &seed, &n) == 2) {
            nn_torch_seed(&g, seed);
            nn_torch_bernoulli_f32(&g, f, (size_t)n, 0.5);
            check_f32(what, cJSON_GetArrayItem(ts, 0), f, n);
            read++;
        } else if (sscanf(what, "notebook 003: manual_seed(%llu); Net(1, %d, 1, init_scale=%lf)",
                          &seed, &m, &scale) == 3) {
            nn_torch_seed(&g, seed);
            nn_torch_net003_f32(&g, m, scale, f, f2, f3);
            check_f32(what, cJSON_GetArrayItem(ts, 0), f, m);
            check_f32(what, cJSON_GetArrayItem(ts, 1), f2, m);
            check_f32(what, cJSON_GetArrayItem(ts, 2), f3, m);
            read++;
        } else {
            T_CHECK(0, "a case this test cannot read: %s", what);
        }
    }
    T_CHECK(cases == 29 && read == cases, "%d of %d cases read", read, cases);
    /* seeds wrap at 2^32: -1 acts as 2^32 - 1 */
    nn_torch_rng g1, g2;
    nn_torch_seed(&g1, (uint64_t)-1);
    nn_torch_seed(&g2, 4294967295u);
    T_CHECK(nn_torch_u32(&g1) == nn_torch_u32(&g2), "seed -1 is seed 2^32 - 1");
    cJSON_Delete(root);
    return T_DONE("test_torch_rng");
}
