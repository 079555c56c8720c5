/* mat_kernels.h (private to src/core): what the float64 kernel files share: the 4x4 and 8x8
 * register transposes, the AVX-512 types and the check for it, the sample chunk, and the
 * panels (eight rows of an array copied sample by sample) that the relu kernels write and
 * the weight gradients read. See mat.h for the kernels and mat.c for their layout. */
#ifndef NNLAB_MAT_KERNELS_H
#define NNLAB_MAT_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

static inline bool have_avx512(void)
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

/* Samples in chunks of this many: a wide layer's chunk of inputs (n_in x 128 doubles)
 * stays in the L2 cache while every block of receiving units passes over it, instead of
 * the whole input streaming from memory once per block. Every sum is unchanged. */
#define SAMPLE_CHUNK 128

/* Eight rows of a feature-major array (rows ld apart from src) copied sample by sample
 * into a panel: row i of the panel holds the eight rows' values at one sample. natural: a
 * sample's row is its column (every column is in the batch), built eight (AVX-512) or four
 * columns at a time with vector transposes; otherwise the i-th sample visited, idx[i], goes
 * to row i. */
#ifdef NN_AVX512
/* build_panel's natural order, eight columns at a time by 8x8 transposes in registers (gcc
 * makes some fifty single-lane moves, extracts and inserts of v4d_transpose's
 * element-by-element form for 32 values) */
NN_TARGET_512 static inline void build_panel512(double *restrict panel, const double *restrict src,
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

#endif
