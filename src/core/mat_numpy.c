/* mat_numpy.c: numpy's summation order (np.sum, np.mean, np.std) and the exact division by a
 * scalar (mat.h). */
#include "nnlab/mat.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/act.h"
#include "mat_kernels.h"

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

