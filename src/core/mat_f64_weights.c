/* mat_f64_weights.c: dW += E in^T and db += sum E, float64, every sum over the samples in order
 * (mat.h): register tiles of JT x KT sums, and with AVX-512 the panel kernels for layers of
 * 8 to 12 units, the last panel of 8p + 1 inputs, and wide layers by columns. */
#include "nnlab/mat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/act.h"
#include "mat_kernels.h"

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

#ifdef NN_AVX512

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
    if (nn_kernels_reference())
        nn_ref_dense_backward_weights(dW, db, E, in, B, NULL, B, n_in, n_out);
    else
        backward_weights(dW, db, E, in, B, NULL, B, n_in, n_out, scratch, inT, ET);
}

void nn_dense_backward_weights_idx(double *restrict dW, double *restrict db,
                                   const double *restrict E, const double *restrict in,
                                   size_t N, const size_t *idx, size_t B, size_t n_in,
                                   size_t n_out, double *scratch, const double *inT,
                                   const double *ET)
{
    if (nn_kernels_reference())
        nn_ref_dense_backward_weights(dW, db, E, in, N, idx, B, n_in, n_out);
    else
        backward_weights(dW, db, E, in, N, idx, B, n_in, n_out, scratch, inT, ET);
}

