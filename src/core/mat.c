/* mat.c: dense kernels and numpy-order reductions (see mat.h).
 *
 * The loops use GCC's vector extension: four doubles in the portable kernels, each built
 * for AVX-512, AVX2 and the x86-64 baseline (the loader picks one at start-up), and eight
 * in the *512 kernels, which run only where the CPU has AVX-512 (have_avx512). All compute
 * the same bits: only +, *, loads and moves, no fused multiply-add, and each lane holds
 * its own sum (a sample's, a unit's or a weight's) taken in the reference order, so
 * vectorising never reorders a sum. Which kernel runs depends on the shape: tiny batches
 * (B < 8), narrow layers, 5-12-unit layers, wide layers; test_mat compares each with plain
 * loops.
 */
#include "nnlab/mat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/act.h"
#include "simd.h"

/* a, b, c, d (rows of a 4x4 block) become its columns (element by element: gcc and clang
 * both make shuffles of it, and neither needs its own builtin) */
static inline __attribute__((always_inline)) void v4d_transpose(v4d *a, v4d *b, v4d *c, v4d *d)
{
    const v4d ra = *a, rb = *b, rc = *c, rd = *d;
    *a = (v4d){ra[0], rb[0], rc[0], rd[0]};
    *b = (v4d){ra[1], rb[1], rc[1], rd[1]};
    *c = (v4d){ra[2], rb[2], rc[2], rd[2]};
    *d = (v4d){ra[3], rb[3], rc[3], rd[3]};
}

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

/* AVX-512: the same register tiles with eight samples to a vector, for wide layers on
 * machines that have it. Each lane still adds the same terms in the same order with
 * separate multiplies and adds (contraction is off for every function), so the results
 * are those of the four-wide code bit for bit; only the width of the registers changes. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(NN_NO_CLONES)
#define NN_AVX512 1
typedef double v8d __attribute__((vector_size(64)));
#define NN_TARGET_512 __attribute__((target("avx512f")))
static inline v8d v8d_load(const double *p) { v8d v; memcpy(&v, p, sizeof v); return v; }
#define v8d_store(p, v) memcpy((p), &(v), sizeof(v8d))
#define v8d_splat(x) ((v8d){(x), (x), (x), (x), (x), (x), (x), (x)})
typedef long long v8i __attribute__((vector_size(64)));
typedef double v2d __attribute__((vector_size(16)));
#include <immintrin.h>        /* AVX-512 shuffles and masked operations, in NN_TARGET_512 code */
/* z > 0 ? z : +0, lane by lane (NaN gives 0, as the scalar comparison does) */
#define relu8(z) ((v8d)((v8i)(z) & (v8i)((z) > v8d_splat(0.0))))
/* h > 0 ? d : 0 * d, lane by lane (the sign of a zero and a NaN's kept, as act.c does): the
 * product 0 * d taken only in the lanes where h > 0 fails (NaN included, _CMP_NGT_UQ), a
 * compare and a masked multiply instead of gcc's five operations for the and-or form */
#define relu8_back(d, h)                                                                 \
    ((v8d)_mm512_mask_mul_pd((__m512d)(d),                                               \
                             _mm512_cmp_pd_mask((__m512d)(h), _mm512_setzero_pd(),       \
                                                _CMP_NGT_UQ),                            \
                             (__m512d)(d), _mm512_setzero_pd()))

#define PACK_MAX 1024   /* inputs (or units) a 512-wide kernel packs: 128 KB of stack */

static bool have_avx512(void)
{
    /* worked out once; threads may race to store the same value, hence the atomics */
    static int known = -1;
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (k < 0) {   /* NNLAB_NO_AVX512 set: the 4-wide code (tests compare the two) */
        k = __builtin_cpu_supports("avx512f") && !getenv("NNLAB_NO_AVX512") ? 1 : 0;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k;
}
#endif

#ifdef NN_AVX512
/* The 8x8 transpose of eight vectors in registers: v[r] holds row r at eight columns; out
 * receives, column after column, the eight rows at that column (a row of a panel). 24
 * two-source shuffles for 64 values. */
NN_TARGET_512 static inline __attribute__((always_inline)) void
transpose8_store(double *restrict out, const v8d v[8])
{
    const __m512d r0 = (__m512d)v[0], r1 = (__m512d)v[1], r2 = (__m512d)v[2],
                  r3 = (__m512d)v[3], r4 = (__m512d)v[4], r5 = (__m512d)v[5],
                  r6 = (__m512d)v[6], r7 = (__m512d)v[7];
    /* pairs of rows interleaved: t0 = r0[0] r1[0] r0[2] r1[2] r0[4] r1[4] r0[6] r1[6] */
    const __m512d t0 = _mm512_unpacklo_pd(r0, r1), t1 = _mm512_unpackhi_pd(r0, r1),
                  t2 = _mm512_unpacklo_pd(r2, r3), t3 = _mm512_unpackhi_pd(r2, r3),
                  t4 = _mm512_unpacklo_pd(r4, r5), t5 = _mm512_unpackhi_pd(r4, r5),
                  t6 = _mm512_unpacklo_pd(r6, r7), t7 = _mm512_unpackhi_pd(r6, r7);
    /* 128-bit lanes 0, 2 (0x88) or 1, 3 (0xdd) of two: u0 = rows 0-3 at columns 0 and 4 */
    const __m512d u0 = _mm512_shuffle_f64x2(t0, t2, 0x88), u1 = _mm512_shuffle_f64x2(t0, t2, 0xdd),
                  u2 = _mm512_shuffle_f64x2(t1, t3, 0x88), u3 = _mm512_shuffle_f64x2(t1, t3, 0xdd),
                  u4 = _mm512_shuffle_f64x2(t4, t6, 0x88), u5 = _mm512_shuffle_f64x2(t4, t6, 0xdd),
                  u6 = _mm512_shuffle_f64x2(t5, t7, 0x88), u7 = _mm512_shuffle_f64x2(t5, t7, 0xdd);
    _mm512_storeu_pd(out, _mm512_shuffle_f64x2(u0, u4, 0x88));          /* column 0 */
    _mm512_storeu_pd(out + 8, _mm512_shuffle_f64x2(u2, u6, 0x88));      /* 1 */
    _mm512_storeu_pd(out + 16, _mm512_shuffle_f64x2(u1, u5, 0x88));     /* 2 */
    _mm512_storeu_pd(out + 24, _mm512_shuffle_f64x2(u3, u7, 0x88));     /* 3 */
    _mm512_storeu_pd(out + 32, _mm512_shuffle_f64x2(u0, u4, 0xdd));     /* 4 */
    _mm512_storeu_pd(out + 40, _mm512_shuffle_f64x2(u2, u6, 0xdd));     /* 5 */
    _mm512_storeu_pd(out + 48, _mm512_shuffle_f64x2(u1, u5, 0xdd));     /* 6 */
    _mm512_storeu_pd(out + 56, _mm512_shuffle_f64x2(u3, u7, 0xdd));     /* 7 */
}
#endif

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

/* Samples in chunks of this many: a wide layer's chunk of inputs (n_in x 128 doubles)
 * stays in the L2 cache while every block of receiving units passes over it, instead of
 * the whole input streaming from memory once per block. Every sum is unchanged. */
#define SAMPLE_CHUNK 128

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

/* The sums over samples are reductions whose order numpy fixes (s = 0, 1, ...), so they
 * stay scalar; speed comes from register tiles of JT x KT independent sums that share
 * their loads (JT rows of E, KT rows of in). idx, when given, lists the samples to visit
 * in order (a batch taken out of the full set); ld is the row length of E and in. */
#define TILE(JT, KT)                                                                     \
    static void tile_##JT##_##KT(double *restrict dW, size_t ldw, const double *E,       \
                                 const double *in, size_t ld, const size_t *idx, size_t B) \
    {                                                                                    \
        const double *e[JT], *x[KT];                                                     \
        double t[JT][KT] = {{0}};                                                        \
        for (int a = 0; a < JT; a++)                                                     \
            e[a] = E + (size_t)a * ld;                                                   \
        for (int c = 0; c < KT; c++)                                                     \
            x[c] = in + (size_t)c * ld;                                                  \
        for (size_t i = 0; i < B; i++) {                                                 \
            const size_t s = idx ? idx[i] : i;                                           \
            double ev[JT], xv[KT];                                                       \
            for (int a = 0; a < JT; a++)                                                 \
                ev[a] = e[a][s];                                                         \
            for (int c = 0; c < KT; c++)                                                 \
                xv[c] = x[c][s];                                                         \
            for (int a = 0; a < JT; a++)                                                 \
                for (int c = 0; c < KT; c++)                                             \
                    t[a][c] += ev[a] * xv[c];                                            \
        }                                                                                \
        for (int a = 0; a < JT; a++)                                                     \
            for (int c = 0; c < KT; c++)                                                 \
                dW[(size_t)a * ldw + (size_t)c] += t[a][c];                              \
    }
TILE(1, 1) TILE(2, 1) TILE(4, 1) TILE(1, 2) TILE(2, 2) TILE(4, 2) TILE(1, 4) TILE(2, 4)
#undef TILE

typedef void (*tile_fn)(double *, size_t, const double *, const double *, size_t,
                        const size_t *, size_t);

/* d[0..4) += a */
#define add_store(d, a)                                                                  \
    do {                                                                                 \
        v4d t_ = v4d_load(d) + (a);                                                      \
        v4d_store((d), t_);                                                              \
    } while (0)

/* The same sums vectorised across the weights of a row: with the batch's inputs copied
 * sample by sample in panels of eight (XT), four rows j and eight inputs k are eight vector
 * registers of independent sums, each still adding its terms in sample order, so the
 * result is the tiles' bit for bit. For wide layers, where the tiles' scalar sums were
 * most of a step. */
#ifdef NN_AVX512
/* backward_weights_t's panels two at a time: four rows j by sixteen inputs, eight 8-wide
 * sums, each in sample order; returns the number of panels done (an even number). */
NN_TARGET_512 static size_t weights_panels512(double *restrict dW, const double *restrict E,
                                              const double *restrict XT, size_t ld,
                                              const size_t *idx, const size_t *prow, size_t B,
                                              size_t n_in, size_t n_out, size_t panels)
{
    const size_t pairs = panels / 2;
    for (size_t q = 0; q < pairs; q++) {
        const double *pa = XT + 2 * q * 8 * B, *pb = pa + 8 * B;
        const size_t k = 16 * q;
        size_t j = 0;
        for (; j + 4 <= n_out; j += 4) {
            const double *e0 = E + j * ld, *e1 = e0 + ld, *e2 = e1 + ld, *e3 = e2 + ld;
            v8d z = v8d_splat(0.0);
            v8d a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
            for (size_t i = 0; i < B; i++) {
                const size_t s = idx ? idx[i] : i;
                const size_t q8 = (prow ? prow[i] : i) * 8;
                v8d x0 = v8d_load(pa + q8), x1 = v8d_load(pb + q8);
                v8d c0 = v8d_splat(e0[s]), c1 = v8d_splat(e1[s]), c2 = v8d_splat(e2[s]),
                    c3 = v8d_splat(e3[s]);
                a00 += c0 * x0, a01 += c0 * x1;
                a10 += c1 * x0, a11 += c1 * x1;
                a20 += c2 * x0, a21 += c2 * x1;
                a30 += c3 * x0, a31 += c3 * x1;
            }
            v8d *acc[4][2] = {{&a00, &a01}, {&a10, &a11}, {&a20, &a21}, {&a30, &a31}};
            for (size_t r = 0; r < 4; r++)
                for (size_t h = 0; h < 2; h++) {
                    double *d = dW + (j + r) * n_in + k + 8 * h;
                    v8d t = v8d_load(d) + *acc[r][h];
                    v8d_store(d, t);
                }
        }
        for (; j < n_out; j++) {
            const double *e = E + j * ld;
            v8d a0 = v8d_splat(0.0), a1 = a0;
            for (size_t i = 0; i < B; i++) {
                const size_t q8 = (prow ? prow[i] : i) * 8;
                v8d c = v8d_splat(e[idx ? idx[i] : i]);
                a0 += c * v8d_load(pa + q8), a1 += c * v8d_load(pb + q8);
            }
            double *d = dW + j * n_in + k;
            v8d t0 = v8d_load(d) + a0, t1 = v8d_load(d + 8) + a1;
            v8d_store(d, t0);
            v8d_store(d + 8, t1);
        }
    }
    return 2 * pairs;
}
#endif

#ifdef NN_AVX512
/* One panel of eight inputs against every row j, up to twelve rows a pass: one 8-wide sum
 * per row, fed by one load of the panel per sample (notebook 000's 9-wide layers). */
NN_TARGET_512 static void weights_rows512(double *restrict dW, const double *restrict E,
                                          const double *restrict panel, size_t ld,
                                          const size_t *idx, const size_t *prow, size_t B,
                                          size_t n_in, size_t n_out, size_t k)
{
    for (size_t j0 = 0; j0 < n_out; j0 += 12) {
        const size_t jc = n_out - j0 < 12 ? n_out - j0 : 12;
        const double *e[12];
        for (size_t r = 0; r < 12; r++)
            e[r] = E + (j0 + (r < jc ? r : 0)) * ld;
        v8d z = v8d_splat(0.0);
        v8d a[12] = {z, z, z, z, z, z, z, z, z, z, z, z};
        for (size_t i = 0; i < B; i++) {
            const size_t s = idx ? idx[i] : i;
            const v8d x = v8d_load(panel + (prow ? prow[i] : i) * 8);
#pragma GCC unroll 12
            for (size_t r = 0; r < 12; r++)
                if (r < jc)
                    a[r] += v8d_splat(e[r][s]) * x;
        }
        for (size_t r = 0; r < jc; r++) {
            double *d = dW + (j0 + r) * n_in + k;
            v8d t = v8d_load(d) + a[r];
            v8d_store(d, t);
        }
    }
}
#endif

/* Eight rows of a feature-major array (rows ld apart from src) copied sample by sample
 * into a panel: row i of the panel holds the eight rows' values at one sample. natural: a
 * sample's row is its column (every column is in the batch), built eight (AVX-512) or four
 * columns at a time with vector transposes; otherwise the i-th sample visited, idx[i], goes
 * to row i. */
#ifdef NN_AVX512
NN_TARGET_512 static void build_panel512(double *restrict panel, const double *restrict src,
                                         size_t ld, size_t B);
#endif

static inline __attribute__((always_inline)) void
build_panel(double *restrict panel, const double *restrict src, size_t ld, const size_t *idx,
            size_t B, bool natural)
{
    size_t i = 0;
#ifdef NN_AVX512
    if (natural && have_avx512()) {
        build_panel512(panel, src, ld, B);
        return;
    }
#endif
    if (natural)
        for (; i + 4 <= B; i += 4) {
            const double *r = src + i;
            v4d a0 = v4d_load(r), a1 = v4d_load(r + ld), a2 = v4d_load(r + 2 * ld),
                a3 = v4d_load(r + 3 * ld), b0 = v4d_load(r + 4 * ld),
                b1 = v4d_load(r + 5 * ld), b2 = v4d_load(r + 6 * ld),
                b3 = v4d_load(r + 7 * ld);
            v4d_transpose(&a0, &a1, &a2, &a3);
            v4d_transpose(&b0, &b1, &b2, &b3);
            double *o = panel + i * 8;
            v4d_store(o, a0), v4d_store(o + 4, b0);
            v4d_store(o + 8, a1), v4d_store(o + 12, b1);
            v4d_store(o + 16, a2), v4d_store(o + 20, b2);
            v4d_store(o + 24, a3), v4d_store(o + 28, b3);
        }
    for (; i < B; i++) {
        const size_t s = natural ? i : idx[i];
        for (size_t c = 0; c < 8; c++)
            panel[i * 8 + c] = src[c * ld + s];
    }
}

#ifdef NN_AVX512
/* build_panel's natural order, eight columns at a time by 8x8 transposes in registers (gcc
 * makes some fifty single-lane moves, extracts and inserts of v4d_transpose's
 * element-by-element form for 32 values) */
NN_TARGET_512 static void build_panel512(double *restrict panel, const double *restrict src,
                                         size_t ld, size_t B)
{
    size_t i = 0;
    for (; i + 8 <= B; i += 8) {
        v8d v[8];
        for (size_t r = 0; r < 8; r++)
            v[r] = v8d_load(src + r * ld + i);
        transpose8_store(panel + i * 8, v);
    }
    for (; i < B; i++)
        for (size_t c = 0; c < 8; c++)
            panel[i * 8 + c] = src[c * ld + i];
}

/* A layer of 8p + 1 inputs into at most twelve rows (notebook 000's 9-wide layers): the last
 * panel of eight inputs, the leftover input and the biases in a single pass over the
 * samples (the leftover input had a pass of its own, with its signals gathered a scalar at
 * a time, and a row past the eighth a scalar chain bound by the adds' latency). Per sample:
 * each row's signal times the panel's row (one 8-wide sum a row, as weights_rows512); rows
 * 0-7's signals, a row of the panel ET of E, times the leftover input and alone (the
 * biases: E times 1 is E exactly); each row past the eighth (every row, under eight) times
 * the pair (leftover input, 1). Every lane is one weight's or bias's sum from 0 in sample
 * order, added into dW and db at the end: the tiles' bits. */
NN_TARGET_512 static inline __attribute__((always_inline)) void
weights_last512_body(double *restrict dW, double *restrict db, const double *restrict E,
                     const double *restrict in, const double *restrict XP,
                     const double *restrict ET, size_t ld, const size_t *idx,
                     const size_t *xrow, const size_t *erow, size_t B, size_t n_in,
                     size_t n_out)
{
    const size_t k = n_in - 9, kl = n_in - 1;      /* the panel's first input; the leftover */
    const size_t G = n_out >= 8 ? 8 : 0;           /* rows read from ET */
    const double *xl = in + kl * ld, *e[12];
    for (size_t r = 0; r < 12; r++)
        e[r] = E + (r >= G && r < n_out ? r : 0) * ld;
    const v8d z = v8d_splat(0.0);
    const v2d z2 = {0.0, 0.0};
    v8d a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, c = z, u = z;
    v8d a8 = z, a9 = z, a10 = z, a11 = z;
    v2d q0 = z2, q1 = z2, q2 = z2, q3 = z2, q4 = z2, q5 = z2, q6 = z2, q7 = z2;
    v2d q8 = z2, q9 = z2, q10 = z2, q11 = z2;
    v8d *const a[12] = {&a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8, &a9, &a10, &a11};
    v2d *const q[12] = {&q0, &q1, &q2, &q3, &q4, &q5, &q6, &q7, &q8, &q9, &q10, &q11};
    for (size_t i = 0; i < B; i++) {
        const size_t s = idx ? idx[i] : i;
        const v8d xv = v8d_load(XP + (xrow ? xrow[i] : i) * 8);
        const double xs = xl[s];
        const v2d xp = {xs, 1.0};
        if (G) {
            const double *et = ET + (erow ? erow[i] : i) * 8;
#pragma GCC unroll 8
            for (size_t r = 0; r < 8; r++)
                *a[r] += v8d_splat(et[r]) * xv;
            const v8d ev = v8d_load(et);
            c += ev * v8d_splat(xs);
            u += ev;
        }
#pragma GCC unroll 12
        for (size_t r = 0; r < 12; r++)
            if (r >= G && r < n_out) {
                const double er = e[r][s];
                *a[r] += v8d_splat(er) * xv;
                *q[r] += (v2d){er, er} * xp;
            }
    }
    double tc[8], tu[8];
    v8d_store(tc, c);
    v8d_store(tu, u);
#pragma GCC unroll 12
    for (size_t r = 0; r < 12; r++)
        if (r < n_out) {
            double *d = dW + r * n_in, tq[2];
            const v8d t = v8d_load(d + k) + *a[r];
            v8d_store(d + k, t);
            memcpy(tq, q[r], sizeof tq);
            d[kl] += r < G ? tc[r] : tq[0];
            if (db)
                db[r] += r < G ? tu[r] : tq[1];
        }
}

/* the row count a constant where it is 9 or 1 (notebook 000's layers): the loop over the
 * samples then has no test per row */
NN_TARGET_512 static void weights_last512(double *restrict dW, double *restrict db,
                                          const double *restrict E,
                                          const double *restrict in,
                                          const double *restrict XP,
                                          const double *restrict ET, size_t ld,
                                          const size_t *idx, const size_t *xrow,
                                          const size_t *erow, size_t B, size_t n_in,
                                          size_t n_out)
{
    if (n_out == 9)
        weights_last512_body(dW, db, E, in, XP, ET, ld, idx, xrow, erow, B, n_in, 9);
    else if (n_out == 1)
        weights_last512_body(dW, db, E, in, XP, ET, ld, idx, xrow, erow, B, n_in, 1);
    else
        weights_last512_body(dW, db, E, in, XP, ET, ld, idx, xrow, erow, B, n_in, n_out);
}
#endif

NN_CLONES static bool backward_weights_t(double *restrict dW, double *restrict db,
                                         const double *restrict E,
                                         const double *restrict in, size_t ld,
                                         const size_t *idx, size_t B, size_t n_in,
                                         size_t n_out, double *restrict XT,
                                         const double *inT, const double *ET)
{
    if (B < 8) {
        /* few samples (notebook 003's output layer: 60 inputs, 2 samples): four inputs' values
         * at each sample gathered into registers once, then every row's sums, in sample order */
        size_t k = 0;
        for (; k + 4 <= n_in; k += 4) {
            v4d xs[8];
            size_t sv[8];
            for (size_t i = 0; i < B; i++) {
                const size_t s = idx ? idx[i] : i;
                const double *x = in + k * ld + s;
                xs[i] = (v4d){x[0], x[ld], x[2 * ld], x[3 * ld]};
                sv[i] = s;
            }
            for (size_t j = 0; j < n_out; j++) {
                const double *e = E + j * ld;
                v4d acc = {0, 0, 0, 0};
                for (size_t i = 0; i < B; i++)
                    acc += v4d_splat(e[sv[i]]) * xs[i];
                add_store(dW + j * n_in + k, acc);
            }
        }
        for (; k < n_in; k++)
            for (size_t j = 0; j < n_out; j++) {
                double t = 0;
                for (size_t i = 0; i < B; i++) {
                    const size_t s = idx ? idx[i] : i;
                    t += E[j * ld + s] * in[k * ld + s];
                }
                dW[j * n_in + k] += t;
            }
        return false;
    }
    /* XT in panels of 8 inputs: panel p holds, sample after sample, in[8p..8p+8)[s], so the
     * loop over samples reads one row of a panel per sample. When every column is in the
     * batch (a full batch, or one gathered out) the rows are in column order, built eight
     * or four columns at a time with vector transposes, and read at idx[i]; otherwise (a
     * batch indexed out of a larger set) in visiting order. The caller's panel inT (written
     * by the forward pass over every column, so read at idx[i] whatever the batch) is the
     * first, and only, panel of 8-15 inputs. */
    const size_t panels = n_in / 8;
    /* panels start on a cache line (scratch has a row of B >= 8 doubles to spare): a row of
     * a panel is then one line, stored and loaded whole, not split across two */
    XT = (double *)(((uintptr_t)XT + 63) & ~(uintptr_t)63);
    const bool natural = !idx || B == ld;
    const size_t *prow = natural ? idx : NULL;   /* built panels' row of the i-th sample */
    const double *XP = XT;                       /* the panels, and their rows */
    const size_t *xrow = prow;
    if (inT && panels == 1) {
        XP = inT;
        xrow = idx;
    } else {
        for (size_t p = 0; p < panels; p++)
            build_panel(XT + p * 8 * B, in + p * 8 * ld, ld, idx, B, natural);
    }
#ifdef NN_AVX512
    /* 8p + 1 inputs into few rows (9-wide layers): the earlier panels as below, then the
     * last, the leftover input and the biases in weights_last512's one pass, with rows 0-7
     * of E in a panel (the caller's, written by backward_input, or one after the inputs') */
    if (n_in % 8 == 1 && n_out <= 12 && have_avx512()) {
        const size_t *erow = idx;
        if (n_out >= 8 && !ET) {
            double *built = XT + panels * 8 * B;
            build_panel(built, E, ld, idx, B, natural);
            ET = built;
            erow = prow;
        }
        for (size_t p = 0; p + 1 < panels; p++)
            weights_rows512(dW, E, XP + p * 8 * B, ld, idx, xrow, B, n_in, n_out, p * 8);
        weights_last512(dW, db, E, in, XP + (panels - 1) * 8 * B, ET, ld, idx, xrow, erow, B,
                        n_in, n_out);
        return db != NULL;
    }
#endif
    (void)ET;                           /* the 4-wide code gathers the leftover's signals */
    size_t p0 = 0;
#ifdef NN_AVX512
    if (n_out >= 16 && panels >= 2 && have_avx512())
        p0 = weights_panels512(dW, E, XP, ld, idx, xrow, B, n_in, n_out, panels);
#endif
#ifdef NN_AVX512
    if (n_out < 16 && have_avx512()) {
        for (size_t p = 0; p < panels; p++)
            weights_rows512(dW, E, XP + p * 8 * B, ld, idx, xrow, B, n_in, n_out, p * 8);
        p0 = panels;
    }
#endif
    for (size_t p = p0; p < panels; p++) {
        const double *panel = XP + p * 8 * B;
        const size_t k = p * 8;
        size_t j = 0;
        for (; j + 4 <= n_out; j += 4) {
            const double *e0 = E + j * ld, *e1 = e0 + ld, *e2 = e1 + ld, *e3 = e2 + ld;
            v4d z = {0, 0, 0, 0};
            v4d a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
            for (size_t i = 0; i < B; i++) {
                const size_t s = idx ? idx[i] : i;
                const double *x = panel + (xrow ? xrow[i] : i) * 8;
                v4d x0 = v4d_load(x), x1 = v4d_load(x + 4);
                v4d c0 = v4d_splat(e0[s]), c1 = v4d_splat(e1[s]), c2 = v4d_splat(e2[s]),
                    c3 = v4d_splat(e3[s]);
                a00 += c0 * x0, a01 += c0 * x1;
                a10 += c1 * x0, a11 += c1 * x1;
                a20 += c2 * x0, a21 += c2 * x1;
                a30 += c3 * x0, a31 += c3 * x1;
            }
            double *d = dW + j * n_in + k;
            add_store(d, a00);
            add_store(d + 4, a01);
            d += n_in;
            add_store(d, a10);
            add_store(d + 4, a11);
            d += n_in;
            add_store(d, a20);
            add_store(d + 4, a21);
            d += n_in;
            add_store(d, a30);
            add_store(d + 4, a31);
        }
        for (; j < n_out; j++) {
            const double *e = E + j * ld;
            v4d a0 = {0, 0, 0, 0}, a1 = a0;
            for (size_t i = 0; i < B; i++) {
                const double *x = panel + (xrow ? xrow[i] : i) * 8;
                v4d c = v4d_splat(e[idx ? idx[i] : i]);
                a0 += c * v4d_load(x), a1 += c * v4d_load(x + 4);
            }
            double *d = dW + j * n_in + k;
            add_store(d, a0);
            add_store(d + 4, a1);
        }
    }
    /* inputs past the last whole panel (notebook 000's 9-wide layers leave one): eight rows'
     * signals at a sample gathered into two vectors, eight sums side by side; the first such
     * input also takes the rows' bias sums, which then need no pass of their own */
    bool bias_done = false;
    for (size_t k = panels * 8; k < n_in; k++) {
        const double *x = in + k * ld;
        const bool bias = db && k == panels * 8;
        size_t j = 0;
        for (; j + 8 <= n_out; j += 8) {
            const double *e = E + j * ld;
            v4d z = {0, 0, 0, 0}, t0 = z, t1 = z, u0 = z, u1 = z;
            for (size_t i = 0; i < B; i++) {
                const size_t s = idx ? idx[i] : i;
                const v4d xs = v4d_splat(x[s]);
                const v4d e0 = {e[s], e[ld + s], e[2 * ld + s], e[3 * ld + s]},
                          e1 = {e[4 * ld + s], e[5 * ld + s], e[6 * ld + s], e[7 * ld + s]};
                t0 += e0 * xs, t1 += e1 * xs;
                if (bias)
                    u0 += e0, u1 += e1;
            }
            double t[8], u[8];
            v4d_store(t, t0), v4d_store(t + 4, t1);
            v4d_store(u, u0), v4d_store(u + 4, u1);
            for (size_t r = 0; r < 8; r++) {
                dW[(j + r) * n_in + k] += t[r];
                if (bias)
                    db[j + r] += u[r];
            }
        }
        for (; j < n_out; j++) {
            const double *e = E + j * ld;
            double t = 0, u = 0;
            for (size_t i = 0; i < B; i++) {
                const size_t s = idx ? idx[i] : i;
                t += e[s] * x[s];
                if (bias)
                    u += e[s];
            }
            dW[j * n_in + k] += t;
            if (bias)
                db[j] += u;
        }
        bias_done = bias_done || bias;
    }
    return bias_done;
}

#ifdef NN_AVX512
/* Few inputs (up to 7) into 8 to 12 rows (notebook 000's first layer: 2 inputs, 9 units),
 * every weight and bias in one pass over the samples, the chains side by side: rows 0-7's
 * signals, a row of the panel ET of E, times each input and alone (the biases); each row
 * past the eighth times the vector (inputs, 1). tj took a pass per four rows and input, each
 * bound by the latency of its additions, after a copy of E gathered a scalar at a time.
 * Every lane is one sum from 0 in sample order, added into dW and db at the end. */
NN_TARGET_512 static inline __attribute__((always_inline)) void
weights_cols512_body(double *restrict dW, double *restrict db, const double *restrict E,
                     const double *restrict in, const double *restrict ET, size_t ld,
                     const size_t *idx, const size_t *prow, size_t B, size_t n_in,
                     size_t n_out)
{
    const double *x[7], *e[4];
    for (size_t c = 0; c < 7; c++)
        x[c] = in + (c < n_in ? c : 0) * ld;
    for (size_t r = 0; r < 4; r++)
        e[r] = E + (8 + r < n_out ? 8 + r : 0) * ld;
    const v8d z = v8d_splat(0.0);
    v8d c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, u = z;
    v8d q0 = z, q1 = z, q2 = z, q3 = z;
    v8d *const c[7] = {&c0, &c1, &c2, &c3, &c4, &c5, &c6};
    v8d *const q[4] = {&q0, &q1, &q2, &q3};
    for (size_t i = 0; i < B; i++) {
        const size_t s = idx ? idx[i] : i;
        const v8d ev = v8d_load(ET + (prow ? prow[i] : i) * 8);
        v8d xv = z;                /* (inputs, 1, 0...) built in a register: eight scalar
                                    * stores read back as one vector stall the load */
#pragma GCC unroll 7
        for (size_t k = 0; k < 7; k++)
            if (k < n_in) {
                const double xk = x[k][s];
                *c[k] += ev * v8d_splat(xk);
                xv[k] = xk;
            }
        xv[n_in] = 1.0;
        u += ev;
        if (n_out > 8) {
#pragma GCC unroll 4
            for (size_t r = 0; r < 4; r++)
                if (8 + r < n_out)
                    *q[r] += v8d_splat(e[r][s]) * xv;
        }
    }
    double t[8];
#pragma GCC unroll 7
    for (size_t k = 0; k < 7; k++)
        if (k < n_in) {
            v8d_store(t, *c[k]);
            for (size_t r = 0; r < 8; r++)
                dW[r * n_in + k] += t[r];
        }
    if (db) {
        v8d_store(t, u);
        for (size_t r = 0; r < 8; r++)
            db[r] += t[r];
    }
#pragma GCC unroll 4
    for (size_t r = 0; r < 4; r++)
        if (8 + r < n_out) {
            v8d_store(t, *q[r]);
            for (size_t k = 0; k < n_in; k++)
                dW[(8 + r) * n_in + k] += t[k];
            if (db)
                db[8 + r] += t[n_in];
        }
}

/* the shape a constant where it is notebook 000's (2 inputs, 9 rows) */
NN_TARGET_512 static void weights_cols512(double *restrict dW, double *restrict db,
                                          const double *restrict E,
                                          const double *restrict in,
                                          const double *restrict ET, size_t ld,
                                          const size_t *idx, const size_t *prow, size_t B,
                                          size_t n_in, size_t n_out)
{
    if (n_in == 2 && n_out == 9)
        weights_cols512_body(dW, db, E, in, ET, ld, idx, prow, B, 2, 9);
    else
        weights_cols512_body(dW, db, E, in, ET, ld, idx, prow, B, n_in, n_out);
}
#endif

/* Few inputs and many units (notebook 003's first layer: 1 input, 60 units): vectorised
 * across four units j from a sample-major copy of the backward signals, each sum still in
 * sample order. The same copy gives the bias sums (db may be NULL). */
NN_CLONES static void backward_weights_tj(double *restrict dW, double *restrict db,
                                          const double *restrict E,
                                          const double *restrict in, size_t ld,
                                          const size_t *idx, size_t B, size_t n_in,
                                          size_t n_out, double *restrict ET,
                                          const double *Epanel)
{
#ifdef NN_AVX512
    if (n_in <= 7 && n_out >= 8 && n_out <= 12 && have_avx512()) {
        /* rows 0-7 of E in a panel: the caller's (every column, in column order), or one
         * built on a cache line (scratch has a row of B to spare) */
        const bool natural = !idx || B == ld;
        const double *panel = Epanel;
        const size_t *erow = idx;
        if (!panel) {
            double *built = (double *)(((uintptr_t)ET + 63) & ~(uintptr_t)63);
            build_panel(built, E, ld, idx, B, natural);
            panel = built;
            erow = natural ? idx : NULL;
        }
        weights_cols512(dW, db, E, in, panel, ld, idx, erow, B, n_in, n_out);
        return;
    }
#endif
    (void)Epanel;
    for (size_t i = 0; i < B; i++) {
        const size_t s = idx ? idx[i] : i;
        double *row = ET + i * n_out;
        size_t j = 0;
        for (; j + 4 <= n_out; j += 4) {
            const double *e = E + j * ld + s;
            v4d v = {e[0], e[ld], e[2 * ld], e[3 * ld]};
            v4d_store(row + j, v);
        }
        for (; j < n_out; j++)
            row[j] = E[j * ld + s];
    }
    const size_t J = n_out - n_out % 4;
    for (size_t k = 0; k < n_in; k++) {
        const double *x = in + k * ld;
        for (size_t j = 0; j < J; j += 4) {
            v4d acc = {0, 0, 0, 0};
            for (size_t i = 0; i < B; i++)
                acc += v4d_load(ET + i * n_out + j) * v4d_splat(x[idx ? idx[i] : i]);
            if (n_in == 1) {            /* a column of dW is contiguous */
                add_store(dW + j, acc);
            } else {
                double t[4];
                v4d_store(t, acc);
                for (size_t r = 0; r < 4; r++)
                    dW[(j + r) * n_in + k] += t[r];
            }
        }
        for (size_t j = J; j < n_out; j++) {
            double t = 0;
            for (size_t i = 0; i < B; i++)
                t += ET[i * n_out + j] * x[idx ? idx[i] : i];
            dW[j * n_in + k] += t;
        }
    }
    if (db) {
        for (size_t j = 0; j < J; j += 4) {
            v4d acc = {0, 0, 0, 0};
            for (size_t i = 0; i < B; i++)
                acc += v4d_load(ET + i * n_out + j);
            add_store(db + j, acc);
        }
        for (size_t j = J; j < n_out; j++) {
            double t = 0;
            for (size_t i = 0; i < B; i++)
                t += ET[i * n_out + j];
            db[j] += t;
        }
    }
}

/* Narrow layers (fewer than 8 inputs and 8 units: notebook 001's 2-6-3-1): four units'
 * signals at a sample gathered into a vector (rows past the last unit repeat it; those
 * lanes are dropped), and passes over the samples that each carry up to eight vector sums,
 * units by inputs, plus the biases on the first; every sum in sample order, so the tiles'
 * results bit for bit. The tiles ran one scalar chain per weight. */
NN_CLONES static void backward_weights_narrow(double *restrict dW, double *restrict db,
                                              const double *restrict E,
                                              const double *restrict in, size_t ld,
                                              const size_t *idx, size_t B, size_t n_in,
                                              size_t n_out)
{
    const size_t G = (n_out + 3) / 4, KC = G == 1 ? 8 : 4;
    const double *e[8];
    for (size_t r = 0; r < 8; r++)
        e[r] = E + (r < n_out ? r : n_out - 1) * ld;
    for (size_t k0 = 0; k0 < n_in; k0 += KC) {
        const size_t kc = n_in - k0 < KC ? n_in - k0 : KC;
        const bool bias = db && k0 == 0;
        const double *x[8];
        for (size_t c = 0; c < 8; c++)
            x[c] = in + (k0 + (c < kc ? c : 0)) * ld;
        v4d z = {0, 0, 0, 0};
        v4d a[8] = {z, z, z, z, z, z, z, z}, b0 = z, b1 = z;
        if (G == 1) {
            for (size_t i = 0; i < B; i++) {
                const size_t s = idx ? idx[i] : i;
                const v4d e0 = {e[0][s], e[1][s], e[2][s], e[3][s]};
#pragma GCC unroll 8
                for (size_t c = 0; c < 8; c++)
                    if (c < kc)
                        a[c] += e0 * v4d_splat(x[c][s]);
                if (bias)
                    b0 += e0;
            }
        } else {
            for (size_t i = 0; i < B; i++) {
                const size_t s = idx ? idx[i] : i;
                const v4d e0 = {e[0][s], e[1][s], e[2][s], e[3][s]},
                          e1 = {e[4][s], e[5][s], e[6][s], e[7][s]};
#pragma GCC unroll 4
                for (size_t c = 0; c < 4; c++)
                    if (c < kc) {
                        const v4d xv = v4d_splat(x[c][s]);
                        a[c] += e0 * xv;
                        a[4 + c] += e1 * xv;
                    }
                if (bias) {
                    b0 += e0;
                    b1 += e1;
                }
            }
        }
        for (size_t g = 0; g < G; g++)
            for (size_t c = 0; c < kc; c++) {
                double t[4];
                v4d_store(t, a[g * 4 + c]);
                for (size_t r = 0; r < 4 && 4 * g + r < n_out; r++)
                    dW[(4 * g + r) * n_in + k0 + c] += t[r];
            }
        if (bias) {
            double t[8];
            v4d_store(t, b0);
            v4d_store(t + 4, b1);
            for (size_t j = 0; j < n_out; j++)
                db[j] += t[j];
        }
    }
}

static void backward_weights(double *restrict dW, double *restrict db,
                             const double *restrict E, const double *restrict in,
                             size_t ld, const size_t *idx, size_t B, size_t n_in,
                             size_t n_out, double *XT, const double *inT, const double *ET)
{
    /* tiles[kt][jt]: KT in {1, 2, 4}, JT in {1, 2, 4} (4 x 4 is too many registers) */
    static const tile_fn tiles[3][3] = {{tile_1_1, tile_2_1, tile_4_1},
                                        {tile_1_2, tile_2_2, tile_4_2},
                                        {tile_1_4, tile_2_4, tile_2_4}};
    size_t k = 0;
    if (XT && n_in >= 8) {
        if (backward_weights_t(dW, db, E, in, ld, idx, B, n_in, n_out, XT, inT, ET))
            return;                     /* the biases were summed with a leftover input */
        k = n_in;                       /* the weights are done; the biases below */
    } else if (XT && n_out >= 8) {
        backward_weights_tj(dW, db, E, in, ld, idx, B, n_in, n_out, XT, ET);
        return;
    } else if (B >= 8 && n_in < 8 && n_out < 8) {
        backward_weights_narrow(dW, db, E, in, ld, idx, B, n_in, n_out);
        return;
    }
    while (k < n_in) {
        int kq = n_in - k >= 4 ? 2 : n_in - k >= 2 ? 1 : 0;
        size_t kt = (size_t)1 << kq, j = 0;
        while (j < n_out) {
            int jq = n_out - j >= 4 && kq < 2 ? 2 : n_out - j >= 2 ? 1 : 0;
            size_t jt = (size_t)1 << jq;
            tiles[kq][jq](dW + j * n_in + k, n_in, E + j * ld, in + k * ld, ld, idx, B);
            j += jt;
        }
        k += kt;
    }
    if (db) {
        /* the bias sums: a constant input of one, E times 1 is E */
        size_t j = 0;
        for (; j + 4 <= n_out; j += 4) {
            const double *e0 = E + j * ld, *e1 = e0 + ld, *e2 = e1 + ld, *e3 = e2 + ld;
            double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
            for (size_t i = 0; i < B; i++) {
                size_t s = idx ? idx[i] : i;
                t0 += e0[s], t1 += e1[s], t2 += e2[s], t3 += e3[s];
            }
            db[j] += t0, db[j + 1] += t1, db[j + 2] += t2, db[j + 3] += t3;
        }
        for (; j < n_out; j++) {
            const double *e = E + j * ld;
            double t = 0;
            for (size_t i = 0; i < B; i++)
                t += e[idx ? idx[i] : i];
            db[j] += t;
        }
    }
}

void nn_dense_backward_weights(double *restrict dW, double *restrict db,
                               const double *restrict E, const double *restrict in,
                               size_t B, size_t n_in, size_t n_out, double *scratch,
                               const double *inT, const double *ET)
{
    backward_weights(dW, db, E, in, B, NULL, B, n_in, n_out, scratch, inT, ET);
}

void nn_dense_backward_weights_idx(double *restrict dW, double *restrict db,
                                   const double *restrict E, const double *restrict in,
                                   size_t N, const size_t *idx, size_t B, size_t n_in,
                                   size_t n_out, double *scratch, const double *inT,
                                   const double *ET)
{
    backward_weights(dW, db, E, in, N, idx, B, n_in, n_out, scratch, inT, ET);
}

void nn_dense_forward_relu(double *z, double *h, double *restrict hT,
                           const double *restrict in, const double *restrict W,
                           const double *restrict b, size_t N, size_t n_in, size_t n_out)
{
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

void nn_dense_backward_input_relu(double *restrict dIn, double *restrict dT,
                                  const double *restrict W, const double *restrict E,
                                  const double *restrict h, size_t B, size_t n_in, size_t n_out)
{
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

NN_CLONES void nn_div_scalar(double *restrict x, size_t n, double d)
{
    int e;
    if (frexp(d, &e) == 0.5 && e > -1020 && e < 1020) {
        const double r = 1.0 / d;       /* exact: d is a power of two */
        for (size_t i = 0; i < n; i++)
            x[i] = x[i] * r;
        return;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] / d;
}

/* numpy's pairwise_sum for one block of at most 8192 elements */
static double pairwise(const double *a, size_t n)
{
    if (n < 8) {
        double r = 0.0;
        for (size_t i = 0; i < n; i++)
            r += a[i];
        return r;
    }
    if (n <= 128) {
        double r[8];
        size_t i;
        for (int q = 0; q < 8; q++)
            r[q] = a[q];
        for (i = 8; i < n - n % 8; i += 8)
            for (int q = 0; q < 8; q++)
                r[q] += a[i + q];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, n2) + pairwise(a + n2, n - n2);
}

double nn_sum_numpy(const double *a, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i += 8192)
        s += pairwise(a + i, n - i < 8192 ? n - i : 8192);
    return s;
}

double nn_mean_numpy(const double *a, size_t n)
{
    return nn_sum_numpy(a, n) / (double)n;
}

double nn_std_numpy(const double *a, size_t n)
{
    /* numpy's _var: x = a - mean; x = x * x; sum; / n; sqrt. Summed in blocks so no
     * scratch array is needed: pairwise sums only ever look inside one 8192 block. */
    double m = nn_mean_numpy(a, n), s = 0.0, buf[8192];
    for (size_t i = 0; i < n; i += 8192) {
        size_t len = n - i < 8192 ? n - i : 8192;
        for (size_t q = 0; q < len; q++) {
            double d = a[i + q] - m;
            buf[q] = d * d;
        }
        s += pairwise(buf, len);
    }
    return sqrt(s / (double)n);
}
