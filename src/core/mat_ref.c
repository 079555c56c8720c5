/* mat_ref.c: the reference loops. Every float64 kernel (mat_f64_*.c) computes exactly these
 * sums, in this order, with these roundings: plain C, one multiply and one add at a time, no
 * vectors, no tiles. test_mat compares every kernel and shape class with them bit for bit,
 * and NNLAB_KERNELS=reference makes a run use them (a slow run with the same bits: the
 * fallback that needs nothing of the machine, and a way to tell a kernel's bug from a
 * model's). As llm.c keeps its naive matmul beside the fast one. */
#include "nnlab/mat.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/act.h"

bool nn_kernels_reference(void)
{
    static int known = -1;   /* worked out once; threads may race to store the same value */
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (k < 0) {
        const char *v = getenv("NNLAB_KERNELS");
        k = v && !strcmp(v, "reference");
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k;
}

void nn_ref_dense_forward(double *out, const double *in, const double *W, const double *b,
                          size_t N, size_t n_in, size_t n_out)
{
    for (size_t j = 0; j < n_out; j++)
        for (size_t s = 0; s < N; s++) {
            double acc = 0.0;
            for (size_t k = 0; k < n_in; k++)
                acc += W[j * n_in + k] * in[k * N + s];
            out[j * N + s] = b ? acc + b[j] : acc;
        }
}

void nn_ref_dense_backward_input(double *dIn, const double *W, const double *E, size_t B,
                                 size_t n_in, size_t n_out)
{
    for (size_t k = 0; k < n_in; k++)
        for (size_t s = 0; s < B; s++) {
            double acc = 0.0;
            for (size_t j = 0; j < n_out; j++)
                acc += W[j * n_in + k] * E[j * B + s];
            dIn[k * B + s] = acc;
        }
}

void nn_ref_dense_backward_weights(double *dW, double *db, const double *E, const double *in,
                                   size_t N, const size_t *idx, size_t B, size_t n_in,
                                   size_t n_out)
{
    for (size_t j = 0; j < n_out; j++) {
        for (size_t k = 0; k < n_in; k++) {
            double acc = 0.0;   /* a sum from 0 over the samples in order, then added in */
            for (size_t i = 0; i < B; i++) {
                size_t s = idx ? idx[i] : i;
                acc += E[j * N + s] * in[k * N + s];
            }
            dW[j * n_in + k] += acc;
        }
        if (db) {
            double acc = 0.0;
            for (size_t i = 0; i < B; i++)
                acc += E[j * N + (idx ? idx[i] : i)];
            db[j] += acc;
        }
    }
}

void nn_ref_panel(double *panel, const double *src, size_t ld, size_t B)
{
    for (size_t s = 0; s < B; s++)
        for (size_t r = 0; r < 8; r++)
            panel[s * 8 + r] = src[r * ld + s];
}
