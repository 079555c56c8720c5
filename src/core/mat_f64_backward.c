/* mat_f64_backward.c: dIn = W^T E, float64, each sum over the receiving units in order (mat.h).
 * Shape classes as the forward pass's: few samples, 5-12 inputs with AVX-512, wide layers. */
#include "nnlab/mat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/act.h"
#include "mat_kernels.h"

/* dIn = W^T E over samples [s0, s1): four inputs k at a time (W[j][k..k+4) are adjacent)
 * and eight samples, eight independent sums in registers, each over j in order. With one
 * input at a time the two sums waited on each other's additions (a wide layer's slowest
 * kernel). */
static inline __attribute__((always_inline)) void
backward_input_range(double *restrict dIn, const double *restrict W, const double *restrict E,
                     size_t B, size_t s0, size_t s1, size_t n_in, size_t n_out)
{
    size_t k = 0;
    for (; k + 4 <= n_in; k += 4) {
        double *restrict d = dIn + k * B;
        size_t s = s0;
        for (; s + 8 <= s1; s += 8) {
            v4d z = {0, 0, 0, 0};
            v4d a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
            for (size_t j = 0; j < n_out; j++) {
                const double *e = E + j * B + s, *w = W + j * n_in + k;
                v4d e0 = v4d_load(e), e1 = v4d_load(e + 4);
                v4d c0 = v4d_splat(w[0]), c1 = v4d_splat(w[1]), c2 = v4d_splat(w[2]),
                    c3 = v4d_splat(w[3]);
                a00 += c0 * e0, a01 += c0 * e1;
                a10 += c1 * e0, a11 += c1 * e1;
                a20 += c2 * e0, a21 += c2 * e1;
                a30 += c3 * e0, a31 += c3 * e1;
            }
            double *o = d + s;
            v4d_store(o, a00), v4d_store(o + 4, a01);
            v4d_store(o + B, a10), v4d_store(o + B + 4, a11);
            v4d_store(o + 2 * B, a20), v4d_store(o + 2 * B + 4, a21);
            v4d_store(o + 3 * B, a30), v4d_store(o + 3 * B + 4, a31);
        }
        for (; s < s1; s++)
            for (size_t r = 0; r < 4; r++) {
                double acc = 0.0;
                for (size_t j = 0; j < n_out; j++)
                    acc += W[j * n_in + k + r] * E[j * B + s];
                d[r * B + s] = acc;
            }
    }
    for (; k < n_in; k++) {
        double *restrict d = dIn + k * B;
        size_t s = s0;
        for (; s + 8 <= s1; s += 8) {
            v4d a0 = {0, 0, 0, 0}, a1 = a0;
            for (size_t j = 0; j < n_out; j++) {
                const double *e = E + j * B + s;
                v4d wjk = v4d_splat(W[j * n_in + k]);
                a0 += wjk * v4d_load(e);
                a1 += wjk * v4d_load(e + 4);
            }
            v4d_store(d + s, a0);
            v4d_store(d + s + 4, a1);
        }
        for (; s < s1; s++) {
            double acc = 0.0;
            for (size_t j = 0; j < n_out; j++)
                acc += W[j * n_in + k] * E[j * B + s];
            d[s] = acc;
        }
    }
}

#ifdef NN_AVX512
/* backward_input_range, four inputs and sixteen samples at a time (eight 8-wide sums) */
NN_TARGET_512 static void backward_input_range512(double *restrict dIn, const double *restrict W,
                                                  const double *restrict E, size_t B, size_t s0,
                                                  size_t s1, size_t n_in, size_t n_out)
{
    const size_t K = n_in - n_in % 4;
    double pack[16 * PACK_MAX];          /* the block of signals packed, as forward_range512 */
    const bool packed = n_out <= PACK_MAX;
    size_t s = s0;
    for (; s + 16 <= s1; s += 16) {
        if (packed)
            for (size_t j = 0; j < n_out; j++)
                memcpy(pack + 16 * j, E + j * B + s, 16 * sizeof(double));
        for (size_t k = 0; k < K; k += 4) {
            v8d z = v8d_splat(0.0);
            v8d a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
            for (size_t j = 0; j < n_out; j++) {
                const double *e = packed ? pack + 16 * j : E + j * B + s,
                             *w = W + j * n_in + k;
                v8d e0 = v8d_load(e), e1 = v8d_load(e + 8);
                v8d c0 = v8d_splat(w[0]), c1 = v8d_splat(w[1]), c2 = v8d_splat(w[2]),
                    c3 = v8d_splat(w[3]);
                a00 += c0 * e0, a01 += c0 * e1;
                a10 += c1 * e0, a11 += c1 * e1;
                a20 += c2 * e0, a21 += c2 * e1;
                a30 += c3 * e0, a31 += c3 * e1;
            }
            double *o = dIn + k * B + s;
            v8d_store(o, a00), v8d_store(o + 8, a01);
            v8d_store(o + B, a10), v8d_store(o + B + 8, a11);
            v8d_store(o + 2 * B, a20), v8d_store(o + 2 * B + 8, a21);
            v8d_store(o + 3 * B, a30), v8d_store(o + 3 * B + 8, a31);
        }
    }
    /* inputs past the last four and samples past the last sixteen: the 4-wide code (its
     * loops over k start at 0, so it is handed W and dIn from input K on) */
    if (K < n_in && s > s0)
        for (size_t k = K; k < n_in; k++)
            for (size_t q = s0; q < s; q++) {
                double acc = 0.0;
                for (size_t j = 0; j < n_out; j++)
                    acc += W[j * n_in + k] * E[j * B + q];
                dIn[k * B + q] = acc;
            }
    if (s < s1)
        backward_input_range(dIn, W, E, B, s, s1, n_in, n_out);
}
#endif

#ifdef NN_AVX512
/* dIn = W^T E for layers of 5 to 12 inputs, the same way: every input's sums for sixteen
 * samples at once, each over j in order; dT (n_in >= 8) as forward_small512's ht. */
NN_TARGET_512 static inline __attribute__((always_inline)) void
backward_input_small512_body(double *restrict dIn, double *restrict dT,
                             const double *restrict W, const double *restrict E,
                             const double *restrict hm, size_t B, size_t n_in, size_t n_out)
{
    size_t s = 0;
    for (; s + 16 <= B; s += 16) {
        v8d a0[12], a1[12];
#pragma GCC unroll 12
        for (size_t r = 0; r < 12; r++)
            a0[r] = a1[r] = v8d_splat(0.0);
        for (size_t j = 0; j < n_out; j++) {
            const double *e = E + j * B + s, *w = W + j * n_in;
            const v8d e0 = v8d_load(e), e1 = v8d_load(e + 8);
#pragma GCC unroll 12
            for (size_t r = 0; r < 12; r++)
                if (r < n_in) {
                    const v8d c = v8d_splat(w[r]);
                    a0[r] += c * e0;
                    a1[r] += c * e1;
                }
        }
#pragma GCC unroll 12
        for (size_t r = 0; r < 12; r++)
            if (r < n_in) {
                if (hm) {                /* ReLU's derivative: h > 0 ? d : 0 d */
                    a0[r] = relu8_back(a0[r], v8d_load(hm + r * B + s));
                    a1[r] = relu8_back(a1[r], v8d_load(hm + r * B + s + 8));
                }
                v8d_store(dIn + r * B + s, a0[r]);
                v8d_store(dIn + r * B + s + 8, a1[r]);
            }
        if (dT) {
            transpose8_store(dT + s * 8, a0);
            transpose8_store(dT + (s + 8) * 8, a1);
        }
    }
    if (s < B) {
        backward_input_range(dIn, W, E, B, s, B, n_in, n_out);
        if (hm)
            for (size_t r = 0; r < n_in; r++)
                for (size_t q = s; q < B; q++)
                    dIn[r * B + q] = hm[r * B + q] > 0 ? dIn[r * B + q] : 0.0 * dIn[r * B + q];
        if (dT)
            for (size_t q = s; q < B; q++)
                for (size_t r = 0; r < 8; r++)
                    dT[q * 8 + r] = dIn[r * B + q];
    }
}

NN_TARGET_512 static void backward_input_small512(double *restrict dIn, double *restrict dT,
                                                  const double *restrict W,
                                                  const double *restrict E,
                                                  const double *restrict hm, size_t B,
                                                  size_t n_in, size_t n_out)
{
    if (n_in == 9 && n_out == 9)
        backward_input_small512_body(dIn, dT, W, E, hm, B, 9, 9);
    else if (n_in == 9 && n_out == 1)
        backward_input_small512_body(dIn, dT, W, E, hm, B, 9, 1);
    else
        backward_input_small512_body(dIn, dT, W, E, hm, B, n_in, n_out);
}
#endif

NN_CLONES void nn_dense_backward_input(double *restrict dIn, const double *restrict W,
                                       const double *restrict E, size_t B, size_t n_in,
                                       size_t n_out)
{
    if (nn_kernels_reference()) {
        nn_ref_dense_backward_input(dIn, W, E, B, n_in, n_out);
        return;
    }
    if (B < 8) {   /* few samples: vectorise across four inputs k (rows of W are contiguous) */
        for (size_t s = 0; s < B; s++) {
            size_t k = 0;
            for (; k + 4 <= n_in; k += 4) {
                v4d acc = {0, 0, 0, 0};
                for (size_t j = 0; j < n_out; j++)
                    acc += v4d_load(W + j * n_in + k) * v4d_splat(E[j * B + s]);
                double t[4];
                v4d_store(t, acc);
                for (size_t r = 0; r < 4; r++)
                    dIn[(k + r) * B + s] = t[r];
            }
            for (; k < n_in; k++) {
                double acc = 0.0;
                for (size_t j = 0; j < n_out; j++)
                    acc += W[j * n_in + k] * E[j * B + s];
                dIn[k * B + s] = acc;
            }
        }
        return;
    }
#ifdef NN_AVX512
    if (n_in > 4 && n_in <= 12 && B >= 16 && have_avx512()) {
        backward_input_small512(dIn, NULL, W, E, NULL, B, n_in, n_out);
        return;
    }
    if (n_out >= 16 && n_in >= 16 && B >= 16 && have_avx512()) {
        for (size_t s0 = 0; s0 < B; s0 += SAMPLE_CHUNK)
            backward_input_range512(dIn, W, E, B, s0, s0 + SAMPLE_CHUNK < B ? s0 + SAMPLE_CHUNK : B,
                                    n_in, n_out);
        return;
    }
#endif
    for (size_t s0 = 0; s0 < B; s0 += SAMPLE_CHUNK)
        backward_input_range(dIn, W, E, B, s0, s0 + SAMPLE_CHUNK < B ? s0 + SAMPLE_CHUNK : B, n_in,
                             n_out);
}

void nn_dense_backward_input_relu(double *restrict dIn, double *restrict dT,
                                  const double *restrict W, const double *restrict E,
                                  const double *restrict h, size_t B, size_t n_in, size_t n_out)
{
    if (nn_kernels_reference()) {
        nn_ref_dense_backward_input(dIn, W, E, B, n_in, n_out);
        nn_act_backward(NN_ACT_RELU, 0.0, dIn, NULL, h, n_in * B);
        if (dT)
            nn_ref_panel(dT, dIn, B, B);
        return;
    }
#ifdef NN_AVX512
    if (n_in > 4 && n_in <= 12 && B >= 16 && have_avx512()) {
        backward_input_small512(dIn, dT, W, E, h, B, n_in, n_out);
        return;
    }
#endif
    nn_dense_backward_input(dIn, W, E, B, n_in, n_out);
    nn_act_backward(NN_ACT_RELU, 0.0, dIn, NULL, h, n_in * B);
    if (dT)
        build_panel(dT, dIn, B, NULL, B, true);
}
