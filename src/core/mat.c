/* mat.c: dense kernels and numpy-order reductions (see mat.h). */
#include "nnlab/mat.h"

#include <math.h>
#include <string.h>

void nn_dense_forward(double *restrict out, const double *restrict in,
                      const double *restrict W, const double *restrict b,
                      size_t N, size_t n_in, size_t n_out)
{
    for (size_t j = 0; j < n_out; j++) {
        double *restrict o = out + j * N;
        const double *w = W + j * n_in;
        memset(o, 0, N * sizeof *o);
        for (size_t k = 0; k < n_in; k++) {
            const double wk = w[k], *restrict x = in + k * N;
            for (size_t s = 0; s < N; s++)
                o[s] += wk * x[s];
        }
        if (b) {
            const double bj = b[j];
            for (size_t s = 0; s < N; s++)
                o[s] += bj;
        }
    }
}

void nn_dense_backward_weights(double *restrict dW, double *restrict db,
                               const double *restrict E, const double *restrict in,
                               size_t B, size_t n_in, size_t n_out)
{
    for (size_t j = 0; j < n_out; j++) {
        const double *restrict e = E + j * B;
        double *w = dW + j * n_in;
        size_t k = 0;
        /* four independent sums at a time: each still runs over s in order */
        for (; k + 4 <= n_in; k += 4) {
            const double *x0 = in + k * B, *x1 = x0 + B, *x2 = x1 + B, *x3 = x2 + B;
            double a0 = w[k], a1 = w[k + 1], a2 = w[k + 2], a3 = w[k + 3];
            double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
            for (size_t s = 0; s < B; s++) {
                const double es = e[s];
                t0 += es * x0[s];
                t1 += es * x1[s];
                t2 += es * x2[s];
                t3 += es * x3[s];
            }
            w[k] = a0 + t0, w[k + 1] = a1 + t1, w[k + 2] = a2 + t2, w[k + 3] = a3 + t3;
        }
        for (; k < n_in; k++) {
            const double *x = in + k * B;
            double t = 0;
            for (size_t s = 0; s < B; s++)
                t += e[s] * x[s];
            w[k] += t;
        }
        if (db) {
            double t = 0;
            for (size_t s = 0; s < B; s++)
                t += e[s];
            db[j] += t;
        }
    }
}

void nn_dense_backward_input(double *restrict dIn, const double *restrict W,
                             const double *restrict E, size_t B, size_t n_in, size_t n_out)
{
    for (size_t k = 0; k < n_in; k++) {
        double *restrict d = dIn + k * B;
        memset(d, 0, B * sizeof *d);
        for (size_t j = 0; j < n_out; j++) {
            const double wjk = W[j * n_in + k], *restrict e = E + j * B;
            for (size_t s = 0; s < B; s++)
                d[s] += wjk * e[s];
        }
    }
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
