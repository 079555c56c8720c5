/* test_mat: numpy's summation order, and every dense kernel and shape class against the
 * reference loops of src/core/mat_ref.c (nn_ref_*), bit for bit.
 * Sums: tests/data/numpy-reference.json "sums", computed by numpy 1.24 (np.sum,
 * np.mean, np.std) on arrays rebuilt here exactly (see tests/data/make_reference.py). */
#include "nnlab/mat.h"
#include "t.h"
#include "tdata.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void arr(double *a, int n, int k)
{
    for (int i = 0; i < n; i++)
        a[i] = (double)((((long)i * 7919 + (long)k * 104729) % 1000) - 500) * (1 + i % 3) / 37.0;
}

static double lcg(unsigned long *s)
{
    *s = *s * 6364136223846793005ul + 1442695040888963407ul;
    return ((double)(*s >> 11) / 9007199254740992.0) * 2 - 1;
}

/* The panel of a (rows, N) array (rows 0..7 sample by sample, mat.h), or NULL when it has
 * fewer than 8 rows: what the kernels may be handed. */
/* rows 0-7 of a (rows >= 8) sample by sample, by the reference loop; NULL under 8 rows */
static double *panel_of(const double *a, size_t rows, size_t N)
{
    if (rows < 8)
        return NULL;
    double *p = malloc(8 * N * sizeof *p);
    nn_ref_panel(p, a, N, N);
    return p;
}

int main(void)
{
    cJSON *root = tdata_load("numpy-reference.json"), *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "sums")) {
        int n = cJSON_GetObjectItem(c, "n")->valueint, k = cJSON_GetObjectItem(c, "k")->valueint;
        double *a = malloc((size_t)n * sizeof *a);
        arr(a, n, k);
        T_EQ(nn_sum_numpy(a, (size_t)n), cJSON_GetObjectItem(c, "sum")->valuedouble);
        T_EQ(nn_mean_numpy(a, (size_t)n), cJSON_GetObjectItem(c, "mean")->valuedouble);
        T_EQ(nn_std_numpy(a, (size_t)n), cJSON_GetObjectItem(c, "std")->valuedouble);
        free(a);
    }
    /* the kernels add their terms in a fixed order; compare with plain loops bit for bit,
     * over sizes that exercise the vector body and the scalar tails */
    unsigned long s = 42;
    size_t shapes[][3] = {{1, 1, 1}, {7, 2, 6}, {179, 2, 6}, {179, 6, 3}, {16, 3, 1},
                          {301, 10, 10}, {33, 5, 9}, {1030, 37, 21}, {300, 256, 17},
                          {260, 9, 130}, {129, 8, 4}, {64, 16, 5}, {2, 1, 60}, {2, 60, 1},
                          {5, 7, 13}, {3, 64, 64}, {7, 9, 3}, {179, 2, 9}, {40, 3, 8},
                          {5, 1, 9}, {3, 13, 2}, {7, 2, 1}, {6, 12, 3}, {1, 9, 11}, {4, 1, 8}, {64, 16, 16}, {50, 19, 33}, {200, 40, 23}, {20, 7, 5}, {9, 7, 7}, {30, 4, 4},
                          {20, 1030, 16}, {33, 16, 1030},
                          /* the 9-wide layers' kernels (notebook 000) and their edges */
                          {393, 9, 9}, {393, 9, 1}, {393, 2, 9}, {40, 17, 9}, {40, 9, 12},
                          {40, 9, 8}, {33, 9, 5}, {20, 7, 12}, {20, 1, 8}, {100, 9, 10},
                          {31, 8, 9}, {12, 9, 9}, {17, 25, 3}, {24, 12, 12}};
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t N = shapes[t][0], ni = shapes[t][1], no = shapes[t][2];
        double *in = malloc(ni * N * sizeof *in), *W = malloc(no * ni * sizeof *W);
        double *b = malloc(no * sizeof *b), *out = malloc(no * N * sizeof *out);
        double *E = malloc(no * N * sizeof *E), *dIn = malloc(ni * N * sizeof *dIn);
        double *dW = calloc(no * ni, sizeof *dW), *db = calloc(no, sizeof *db);
        double *dW2 = calloc(no * ni, sizeof *dW2), *db2 = calloc(no, sizeof *db2);
        double *dW3 = calloc(no * ni, sizeof *dW3), *db3 = calloc(no, sizeof *db3);
        size_t *idx = malloc(N * sizeof *idx);
        for (size_t i = 0; i < ni * N; i++) in[i] = lcg(&s);
        for (size_t i = 0; i < no * ni; i++) W[i] = lcg(&s);
        for (size_t i = 0; i < no; i++) b[i] = lcg(&s);
        for (size_t i = 0; i < no * N; i++) E[i] = lcg(&s);
        for (size_t i = 0; i < N; i++) idx[i] = (i * 7 + 3) % N;
        /* against the reference loops of src/core/mat_ref.c, bit for bit */
        size_t most = (ni > no ? ni : no) * N;
        double *ref = malloc(most * sizeof *ref);
        nn_dense_forward(out, in, W, b, N, ni, no);
        nn_ref_dense_forward(ref, in, W, b, N, ni, no);
        size_t bad = 0;
        for (size_t i = 0; i < no * N; i++)
            bad += memcmp(&out[i], &ref[i], 8) != 0;
        T_CHECK(bad == 0, "forward %zux%zux%zu: %zu values differ", N, ni, no, bad);
        nn_dense_backward_input(dIn, W, E, N, ni, no);
        nn_ref_dense_backward_input(ref, W, E, N, ni, no);
        bad = 0;
        for (size_t i = 0; i < ni * N; i++)
            bad += memcmp(&dIn[i], &ref[i], 8) != 0;
        T_CHECK(bad == 0, "backward_input %zux%zux%zu: %zu values differ", N, ni, no, bad);
        free(ref);
        /* the ReLU-fused forms give the two calls' bits, signed zeros and NaNs included */
        {
            double *z2 = malloc(no * N * sizeof *z2), *h2 = malloc(no * N * sizeof *h2);
            double *hin = malloc(ni * N * sizeof *hin), *d2 = malloc(ni * N * sizeof *d2);
            /* and the panels, where asked for: h's and dIn's rows 0-7 sample by sample */
            double *hT = no >= 8 ? malloc(8 * N * sizeof *hT) : NULL;
            double *dT = ni >= 8 ? malloc(8 * N * sizeof *dT) : NULL;
            nn_dense_forward_relu(z2, h2, hT, in, W, b, N, ni, no);
            size_t bz = 0;
            for (size_t i = 0; i < no * N; i++) {
                double hr = out[i] > 0 ? out[i] : 0.0;
                bz += memcmp(&z2[i], &out[i], 8) != 0 || memcmp(&h2[i], &hr, 8) != 0;
            }
            for (size_t q = 0; hT && q < N; q++)
                for (size_t r = 0; r < 8; r++)
                    bz += memcmp(&hT[q * 8 + r], &h2[r * N + q], 8) != 0;
            /* without z: the same h and panel */
            double *h3 = malloc(no * N * sizeof *h3), *hT3 = hT ? malloc(8 * N * sizeof *hT3) : NULL;
            nn_dense_forward_relu(NULL, h3, hT3, in, W, b, N, ni, no);
            bz += memcmp(h3, h2, no * N * sizeof *h3) != 0;
            bz += hT && memcmp(hT3, hT, 8 * N * sizeof *hT3) != 0;
            free(h3), free(hT3);
            for (size_t i = 0; i < ni * N; i++)
                hin[i] = i % 5 == 0 ? 0.0 : i % 11 == 0 ? NAN : i % 7 == 0 ? -0.0 : in[i];
            nn_dense_backward_input_relu(d2, dT, W, E, hin, N, ni, no);
            for (size_t i = 0; i < ni * N; i++) {
                double dr = hin[i] > 0 ? dIn[i] : 0.0 * dIn[i];
                bz += memcmp(&d2[i], &dr, 8) != 0;
            }
            for (size_t q = 0; dT && q < N; q++)
                for (size_t r = 0; r < 8; r++)
                    bz += memcmp(&dT[q * 8 + r], &d2[r * N + q], 8) != 0;
            T_CHECK(bz == 0, "ReLU-fused %zux%zux%zu: %zu values differ", N, ni, no, bz);
            free(z2), free(h2), free(hin), free(d2), free(hT), free(dT);
        }
        /* weights: accumulate onto existing values, in sample order; the indexed form
         * equals the plain form on the gathered batch */
        for (size_t i = 0; i < no * ni; i++) dW[i] = dW2[i] = dW3[i] = 0.5;
        /* the vectorised path (with scratch) on the indexed form, without and with the
         * panels of in and E; the tiles on the plain form */
        size_t sw = ni > no ? ni : no;
        double *scratch = malloc(((sw < 8 ? 8 : sw) + 9) * N * sizeof *scratch);
        double *inT = panel_of(in, ni, N), *ET = panel_of(E, no, N);
        nn_dense_backward_weights_idx(dW, db, E, in, N, idx, N, ni, no, scratch, NULL, NULL);
        nn_dense_backward_weights_idx(dW3, db3, E, in, N, idx, N, ni, no, scratch, inT, ET);
        free(scratch), free(inT), free(ET);
        double *Eg = malloc(no * N * sizeof *Eg), *ing = malloc(ni * N * sizeof *ing);
        for (size_t q = 0; q < N; q++) {
            for (size_t j = 0; j < no; j++) Eg[j * N + q] = E[j * N + idx[q]];
            for (size_t k = 0; k < ni; k++) ing[k * N + q] = in[k * N + idx[q]];
        }
        nn_dense_backward_weights(dW2, db2, Eg, ing, N, ni, no, NULL, NULL, NULL);
        /* the reference loops, on the indexed form and on the gathered batch */
        double *dWr = malloc(no * ni * sizeof *dWr), *dbr = calloc(no, sizeof *dbr);
        double *dWg = malloc(no * ni * sizeof *dWg), *dbg = calloc(no, sizeof *dbg);
        for (size_t i = 0; i < no * ni; i++) dWr[i] = dWg[i] = 0.5;
        nn_ref_dense_backward_weights(dWr, dbr, E, in, N, idx, N, ni, no);
        nn_ref_dense_backward_weights(dWg, dbg, Eg, ing, N, NULL, N, ni, no);
        bad = 0;
        for (size_t j = 0; j < no; j++) {
            bad += db[j] != dbr[j] || db2[j] != dbr[j] || db3[j] != dbr[j] || dbg[j] != dbr[j];
            for (size_t k = 0; k < ni; k++) {
                double r = dWr[j * ni + k];
                bad += dW[j * ni + k] != r || dW2[j * ni + k] != r || dW3[j * ni + k] != r ||
                       dWg[j * ni + k] != r;
            }
        }
        free(dWr), free(dbr), free(dWg), free(dbg);
        T_CHECK(bad == 0, "backward_weights %zux%zux%zu: %zu values differ", N, ni, no, bad);
        free(in), free(W), free(b), free(out), free(E), free(dIn), free(dW), free(db);
        free(dW2), free(db2), free(dW3), free(db3), free(idx), free(Eg), free(ing);
    }
    /* a batch indexed out of a larger set (B < N): the indexed kernels against the plain
     * ones on the gathered batch */
    {
        const size_t cases[][3] = {{300, 20, 9}, {100, 9, 9}, {64, 3, 12}, {90, 16, 40}, {40, 5, 5},
                                   {393, 2, 9}, {200, 9, 1}, {60, 17, 10}, {60, 12, 3}};
        for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
            size_t N = cases[t][0], ni = cases[t][1], no = cases[t][2], B = N / 2 + 3;
            double *in = malloc(ni * N * sizeof *in), *E = malloc(no * N * sizeof *E);
            double *Eg = malloc(no * B * sizeof *Eg), *ing = malloc(ni * B * sizeof *ing);
            double *dW = calloc(no * ni, sizeof *dW), *dW2 = calloc(no * ni, sizeof *dW2);
            double *db = calloc(no, sizeof *db), *db2 = calloc(no, sizeof *db2);
            size_t sw = ni > no ? ni : no;
            double *scratch = malloc(((sw < 8 ? 8 : sw) + 9) * B * sizeof *scratch);
            size_t *idx = malloc(B * sizeof *idx);
            for (size_t i = 0; i < ni * N; i++) in[i] = lcg(&s);
            for (size_t i = 0; i < no * N; i++) E[i] = lcg(&s);
            for (size_t i = 0; i < B; i++) idx[i] = (i * 37 + 11) % N;
            for (size_t q = 0; q < B; q++) {
                for (size_t j = 0; j < no; j++) Eg[j * B + q] = E[j * N + idx[q]];
                for (size_t k = 0; k < ni; k++) ing[k * B + q] = in[k * N + idx[q]];
            }
            nn_dense_backward_weights_idx(dW, db, E, in, N, idx, B, ni, no, scratch, NULL, NULL);
            nn_dense_backward_weights(dW2, db2, Eg, ing, B, ni, no, NULL, NULL, NULL);
            size_t bad = 0;
            for (size_t i = 0; i < no * ni; i++) bad += dW[i] != dW2[i];
            for (size_t j = 0; j < no; j++) bad += db[j] != db2[j];
            /* the full set's panels, read at each visited sample's row */
            double *inT = panel_of(in, ni, N), *ET = panel_of(E, no, N);
            memset(dW, 0, no * ni * sizeof *dW), memset(db, 0, no * sizeof *db);
            nn_dense_backward_weights_idx(dW, db, E, in, N, idx, B, ni, no, scratch, inT, ET);
            for (size_t i = 0; i < no * ni; i++) bad += dW[i] != dW2[i];
            for (size_t j = 0; j < no; j++) bad += db[j] != db2[j];
            /* the plain form with the gathered batch's panels */
            free(inT), free(ET);
            inT = panel_of(ing, ni, B), ET = panel_of(Eg, no, B);
            memset(dW, 0, no * ni * sizeof *dW), memset(db, 0, no * sizeof *db);
            nn_dense_backward_weights(dW, db, Eg, ing, B, ni, no, scratch, inT, ET);
            for (size_t i = 0; i < no * ni; i++) bad += dW[i] != dW2[i];
            for (size_t j = 0; j < no; j++) bad += db[j] != db2[j];
            free(inT), free(ET);
            T_CHECK(bad == 0, "indexed batch %zu of %zu, %zux%zu: %zu values differ", B, N, ni, no, bad);
            free(in), free(E), free(Eg), free(ing), free(dW), free(dW2), free(db), free(db2);
            free(scratch), free(idx);
        }
    }
    /* x / d by nn_div_scalar is the division, bit for bit, whether d is a power of two (a
     * multiply) or not, subnormal results included */
    {
        const double ds[] = {1, 2, 3, 4, 7, 8, 50, 64, 1024, 1000, 0.5, 0x1p-900};
        double x[37], y[37];
        size_t bad = 0;
        for (size_t q = 0; q < sizeof ds / sizeof ds[0]; q++) {
            for (size_t i = 0; i < 37; i++)
                x[i] = y[i] = lcg(&s) * (i % 3 == 0 ? 0x1p-1060 : i % 3 == 1 ? 1.0 : 0x1p+1000);
            nn_div_scalar(x, 37, ds[q]);
            for (size_t i = 0; i < 37; i++)
                bad += x[i] != y[i] / ds[q];
        }
        T_CHECK(bad == 0, "nn_div_scalar: %zu values differ from the division", bad);
    }
    cJSON_Delete(root);
    return T_DONE("test_mat");
}
