/* mat_f64_forward.c: out = W in + b, float64, in numpy's order (mat.h). Shape classes: fewer than
 * 8 samples (across four units, from W's rows), 1-7 receiving units (narrow), 5-12 units with
 * AVX-512 (every unit's sums for sixteen samples in registers), and wide layers (four units
 * by eight or sixteen samples, in chunks of samples that stay in cache). mat_ref.c holds the
 * plain loops every one of them equals. */
#include "nnlab/mat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/act.h"
#include "mat_kernels.h"

/* Four receiving units at a time share each load of the inputs (a wide layer's inputs do
 * not stay in cache across rows); within a unit the terms still go in k order, bias last. */
static inline __attribute__((always_inline)) void
forward_range(double *restrict out, const double *restrict in, const double *restrict W,
              const double *restrict b, size_t N, size_t s0, size_t s1, size_t n_in,
              size_t n_out)
{
    size_t j = 0;
    for (; j + 4 <= n_out; j += 4) {
        const double *w0 = W + j * n_in, *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
        size_t s = s0;
        for (; s + 8 <= s1; s += 8) {
            v4d z = {0, 0, 0, 0};
            v4d a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
            for (size_t k = 0; k < n_in; k++) {
                const double *x = in + k * N + s;
                v4d x0 = v4d_load(x), x1 = v4d_load(x + 4);
                v4d c0 = v4d_splat(w0[k]), c1 = v4d_splat(w1[k]), c2 = v4d_splat(w2[k]),
                    c3 = v4d_splat(w3[k]);
                a00 += c0 * x0, a01 += c0 * x1;
                a10 += c1 * x0, a11 += c1 * x1;
                a20 += c2 * x0, a21 += c2 * x1;
                a30 += c3 * x0, a31 += c3 * x1;
            }
            if (b) {
                v4d b0 = v4d_splat(b[j]), b1 = v4d_splat(b[j + 1]), b2 = v4d_splat(b[j + 2]),
                    b3 = v4d_splat(b[j + 3]);
                a00 += b0, a01 += b0, a10 += b1, a11 += b1;
                a20 += b2, a21 += b2, a30 += b3, a31 += b3;
            }
            double *o = out + j * N + s;
            v4d_store(o, a00), v4d_store(o + 4, a01);
            v4d_store(o + N, a10), v4d_store(o + N + 4, a11);
            v4d_store(o + 2 * N, a20), v4d_store(o + 2 * N + 4, a21);
            v4d_store(o + 3 * N, a30), v4d_store(o + 3 * N + 4, a31);
        }
        for (; s < s1; s++)
            for (size_t r = 0; r < 4; r++) {
                const double *w = W + (j + r) * n_in;
                double acc = 0.0;
                for (size_t k = 0; k < n_in; k++)
                    acc += w[k] * in[k * N + s];
                out[(j + r) * N + s] = b ? acc + b[j + r] : acc;
            }
    }
    for (; j < n_out; j++) {
        double *restrict o = out + j * N;
        const double *w = W + j * n_in;
        const double bj = b ? b[j] : 0.0;
        size_t s = s0;
        for (; s + 8 <= s1; s += 8) {
            v4d a0 = {0, 0, 0, 0}, a1 = a0;
            for (size_t k = 0; k < n_in; k++) {
                const double *x = in + k * N + s;
                v4d wk = v4d_splat(w[k]);
                a0 += wk * v4d_load(x);
                a1 += wk * v4d_load(x + 4);
            }
            if (b) {
                v4d bv = v4d_splat(bj);
                a0 += bv;
                a1 += bv;
            }
            v4d_store(o + s, a0);
            v4d_store(o + s + 4, a1);
        }
        for (; s < s1; s++) {
            double acc = 0.0;
            for (size_t k = 0; k < n_in; k++)
                acc += w[k] * in[k * N + s];
            o[s] = b ? acc + bj : acc;
        }
    }
}

#ifdef NN_AVX512
/* forward_range, sixteen samples and four units at a time (eight 8-wide sums) */
NN_TARGET_512 static void forward_range512(double *restrict out, const double *restrict in,
                                           const double *restrict W, const double *restrict b,
                                           size_t N, size_t s0, size_t s1, size_t n_in,
                                           size_t n_out)
{
    const size_t J = n_out - n_out % 4;
    /* the block of inputs packed (k after k, sixteen samples each): rows N apart at a
     * power-of-two N fall into the same few L1 sets and were fetched again for every
     * four units */
    double pack[16 * PACK_MAX];
    const bool packed = n_in <= PACK_MAX;
    size_t s = s0;
    for (; s + 16 <= s1; s += 16) {
        if (packed)
            for (size_t k = 0; k < n_in; k++)
                memcpy(pack + 16 * k, in + k * N + s, 16 * sizeof(double));
        for (size_t j = 0; j < J; j += 4) {
            const double *w0 = W + j * n_in, *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;
            v8d z = v8d_splat(0.0);
            v8d a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
            for (size_t k = 0; k < n_in; k++) {
                const double *x = packed ? pack + 16 * k : in + k * N + s;
                v8d x0 = v8d_load(x), x1 = v8d_load(x + 8);
                v8d c0 = v8d_splat(w0[k]), c1 = v8d_splat(w1[k]), c2 = v8d_splat(w2[k]),
                    c3 = v8d_splat(w3[k]);
                a00 += c0 * x0, a01 += c0 * x1;
                a10 += c1 * x0, a11 += c1 * x1;
                a20 += c2 * x0, a21 += c2 * x1;
                a30 += c3 * x0, a31 += c3 * x1;
            }
            if (b) {
                v8d b0 = v8d_splat(b[j]), b1 = v8d_splat(b[j + 1]), b2 = v8d_splat(b[j + 2]),
                    b3 = v8d_splat(b[j + 3]);
                a00 += b0, a01 += b0, a10 += b1, a11 += b1;
                a20 += b2, a21 += b2, a30 += b3, a31 += b3;
            }
            double *o = out + j * N + s;
            v8d_store(o, a00), v8d_store(o + 8, a01);
            v8d_store(o + N, a10), v8d_store(o + N + 8, a11);
            v8d_store(o + 2 * N, a20), v8d_store(o + 2 * N + 8, a21);
            v8d_store(o + 3 * N, a30), v8d_store(o + 3 * N + 8, a31);
        }
    }
    /* the units past the last four, and samples past the last sixteen: the 4-wide code */
    if (J < n_out && s > s0)
        forward_range(out + J * N, in, W + J * n_in, b ? b + J : NULL, N, s0, s, n_in,
                      n_out - J);
    if (s < s1)
        forward_range(out, in, W, b, N, s, s1, n_in, n_out);
}
#endif


/* Fewer than 8 samples (notebook 003's two points): vectorise across four receiving units
 * instead, from a transposed copy of W; each unit's sum is still over k in order, then
 * the bias. */
static inline __attribute__((always_inline)) void
forward_few(double *restrict out, const double *restrict in, const double *restrict W,
            const double *restrict b, size_t N, size_t n_in, size_t n_out, double *restrict WT)
{
    if (n_in == 1)
        WT = (double *)W;               /* a column is its own transpose */
    else
        for (size_t j = 0; j < n_out; j++)
            for (size_t k = 0; k < n_in; k++)
                WT[k * n_out + j] = W[j * n_in + k];
    for (size_t s = 0; s < N; s++) {
        size_t j = 0;
        for (; j + 4 <= n_out; j += 4) {
            v4d acc = {0, 0, 0, 0};
            for (size_t k = 0; k < n_in; k++)
                acc += v4d_load(WT + k * n_out + j) * v4d_splat(in[k * N + s]);
            if (b)
                acc += v4d_load(b + j);
            double t[4];
            v4d_store(t, acc);
            for (size_t r = 0; r < 4; r++)
                out[(j + r) * N + s] = t[r];
        }
        for (; j < n_out; j++) {
            const double *w = W + j * n_in;
            double acc = 0.0;
            for (size_t k = 0; k < n_in; k++)
                acc += w[k] * in[k * N + s];
            out[j * N + s] = b ? acc + b[j] : acc;
        }
    }
}

/* Fewer than 8 samples into fewer than 4 units (notebook 003's output unit): the samples'
 * sums side by side in registers (NS a constant, so t[] is registers, not memory), their
 * chains of additions overlapping instead of following each other. */
#define FORWARD_NARROW(NS)                                                               \
    static inline __attribute__((always_inline)) void forward_narrow_##NS(               \
        double *restrict out, const double *restrict in, const double *restrict W,       \
        const double *restrict b, size_t n_in, size_t n_out)                             \
    {                                                                                    \
        for (size_t j = 0; j < n_out; j++) {                                             \
            const double *w = W + j * n_in;                                              \
            double t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0;               \
            for (size_t k = 0; k < n_in; k++) {                                          \
                const double wk = w[k], *x = in + k * NS;                                \
                t0 += wk * x[0];                                                         \
                if (NS > 1) t1 += wk * x[NS > 1 ? 1 : 0];                                \
                if (NS > 2) t2 += wk * x[NS > 2 ? 2 : 0];                                \
                if (NS > 3) t3 += wk * x[NS > 3 ? 3 : 0];                                \
                if (NS > 4) t4 += wk * x[NS > 4 ? 4 : 0];                                \
                if (NS > 5) t5 += wk * x[NS > 5 ? 5 : 0];                                \
                if (NS > 6) t6 += wk * x[NS > 6 ? 6 : 0];                                \
            }                                                                            \
            const double t[7] = {t0, t1, t2, t3, t4, t5, t6};                            \
            for (int s = 0; s < NS; s++)                                                 \
                out[j * NS + (size_t)s] = b ? t[s] + b[j] : t[s];                        \
        }                                                                                \
    }
FORWARD_NARROW(1) FORWARD_NARROW(2) FORWARD_NARROW(3) FORWARD_NARROW(4)
FORWARD_NARROW(5) FORWARD_NARROW(6) FORWARD_NARROW(7)
#undef FORWARD_NARROW

#ifdef NN_AVX512
NN_TARGET_512 static void forward_small512(double *restrict out, double *restrict h,
                                           double *restrict ht, const double *restrict in,
                                           const double *restrict W, const double *restrict b,
                                           size_t N, size_t n_in, size_t n_out);
#endif

NN_CLONES void nn_dense_forward(double *restrict out, const double *restrict in,
                                const double *restrict W, const double *restrict b,
                                size_t N, size_t n_in, size_t n_out)
{
    if (nn_kernels_reference()) {
        nn_ref_dense_forward(out, in, W, b, N, n_in, n_out);
        return;
    }
    if (N < 8 && n_out >= 4 && n_in * n_out <= 4096) {
        double WT[4096];
        forward_few(out, in, W, b, N, n_in, n_out, WT);
        return;
    }
    switch (n_out < 4 ? N : 0) {
    case 1: forward_narrow_1(out, in, W, b, n_in, n_out); return;
    case 2: forward_narrow_2(out, in, W, b, n_in, n_out); return;
    case 3: forward_narrow_3(out, in, W, b, n_in, n_out); return;
    case 4: forward_narrow_4(out, in, W, b, n_in, n_out); return;
    case 5: forward_narrow_5(out, in, W, b, n_in, n_out); return;
    case 6: forward_narrow_6(out, in, W, b, n_in, n_out); return;
    case 7: forward_narrow_7(out, in, W, b, n_in, n_out); return;
    default: break;
    }
#ifdef NN_AVX512
    if (n_out > 4 && n_out <= 12 && N >= 16 && have_avx512()) {
        forward_small512(out, NULL, NULL, in, W, b, N, n_in, n_out);
        return;
    }
    if (n_out >= 16 && n_in >= 16 && N >= 16 && have_avx512()) {
        for (size_t s0 = 0; s0 < N; s0 += SAMPLE_CHUNK)
            forward_range512(out, in, W, b, N, s0, s0 + SAMPLE_CHUNK < N ? s0 + SAMPLE_CHUNK : N,
                             n_in, n_out);
        return;
    }
#endif
    for (size_t s0 = 0; s0 < N; s0 += SAMPLE_CHUNK)
        forward_range(out, in, W, b, N, s0, s0 + SAMPLE_CHUNK < N ? s0 + SAMPLE_CHUNK : N, n_in,
                      n_out);
}

#ifdef NN_AVX512
/* Layers of 5 to 12 units (notebook 000's 9-wide layers), AVX-512: every unit's sums for
 * sixteen samples in registers at once (up to 24 8-wide sums), so one pass over the inputs
 * serves the whole layer and no unit is left to a latency-bound tail. out may be NULL
 * when h is not. ht (with h, and n_out >= 8): h's rows 0-7 also sample by sample,
 * transposed from the registers (the panel the weight gradients read; building it
 * afterwards read h back from memory). */
NN_TARGET_512 static inline __attribute__((always_inline)) void
forward_small512_body(double *restrict out, double *restrict h, double *restrict ht,
                      const double *restrict in, const double *restrict W,
                      const double *restrict b, size_t N, size_t n_in, size_t n_out)
{
    const double *w[12];
    for (size_t r = 0; r < 12; r++)
        w[r] = W + (r < n_out ? r : 0) * n_in;
    size_t s = 0;
    for (; s + 16 <= N; s += 16) {
        v8d a0[12], a1[12];
#pragma GCC unroll 12
        for (size_t r = 0; r < 12; r++)
            a0[r] = a1[r] = v8d_splat(0.0);
        for (size_t k = 0; k < n_in; k++) {
            const double *x = in + k * N + s;
            const v8d x0 = v8d_load(x), x1 = v8d_load(x + 8);
#pragma GCC unroll 12
            for (size_t r = 0; r < 12; r++)
                if (r < n_out) {
                    const v8d c = v8d_splat(w[r][k]);
                    a0[r] += c * x0;
                    a1[r] += c * x1;
                }
        }
#pragma GCC unroll 12
        for (size_t r = 0; r < 12; r++)
            if (r < n_out) {
                if (b) {
                    const v8d bv = v8d_splat(b[r]);
                    a0[r] += bv;
                    a1[r] += bv;
                }
                if (out) {
                    v8d_store(out + r * N + s, a0[r]);
                    v8d_store(out + r * N + s + 8, a1[r]);
                }
                if (h) {                 /* ReLU on the way out: z > 0 ? z : 0 */
                    a0[r] = relu8(a0[r]);
                    a1[r] = relu8(a1[r]);
                    v8d_store(h + r * N + s, a0[r]);
                    v8d_store(h + r * N + s + 8, a1[r]);
                }
            }
        if (ht) {
            transpose8_store(ht + s * 8, a0);
            transpose8_store(ht + (s + 8) * 8, a1);
        }
    }
    if (s < N) {
        double *zt = out ? out : h;      /* without out, z goes through h */
        forward_range(zt, in, W, b, N, s, N, n_in, n_out);
        if (h)
            for (size_t r = 0; r < n_out; r++)
                for (size_t q = s; q < N; q++)
                    h[r * N + q] = zt[r * N + q] > 0 ? zt[r * N + q] : 0.0;
        if (ht)
            for (size_t q = s; q < N; q++)
                for (size_t r = 0; r < 8; r++)
                    ht[q * 8 + r] = h[r * N + q];
    }
}

/* notebook 000's shapes with the sizes constants: its loops then test no row against n_out */
NN_TARGET_512 static void forward_small512(double *restrict out, double *restrict h,
                                           double *restrict ht, const double *restrict in,
                                           const double *restrict W, const double *restrict b,
                                           size_t N, size_t n_in, size_t n_out)
{
    if (n_in == 9 && n_out == 9)
        forward_small512_body(out, h, ht, in, W, b, N, 9, 9);
    else if (n_in == 2 && n_out == 9)
        forward_small512_body(out, h, ht, in, W, b, N, 2, 9);
    else
        forward_small512_body(out, h, ht, in, W, b, N, n_in, n_out);
}
#endif

void nn_dense_forward_relu(double *z, double *h, double *restrict hT,
                           const double *restrict in, const double *restrict W,
                           const double *restrict b, size_t N, size_t n_in, size_t n_out)
{
    if (nn_kernels_reference()) {   /* the two calls, and the panel, in plain loops */
        double *zz = z ? z : h;
        nn_ref_dense_forward(zz, in, W, b, N, n_in, n_out);
        nn_act_forward(NN_ACT_RELU, 0.0, h, zz, n_out * N);
        if (hT)
            nn_ref_panel(hT, h, N, N);
        return;
    }
#ifdef NN_AVX512
    if (n_out > 4 && n_out <= 12 && N >= 16 && have_avx512()) {
        forward_small512(z, h, hT, in, W, b, N, n_in, n_out);
        return;
    }
#endif
    if (!z)
        z = h;                          /* ReLU in place (nn_act_forward allows it) */
    nn_dense_forward(z, in, W, b, N, n_in, n_out);
    nn_act_forward(NN_ACT_RELU, 0.0, h, z, n_out * N);
    if (hT)
        build_panel(hT, h, N, NULL, N, true);
}
