/* stats.c: the statistics studies share (see study.h).
 *
 * Kruskal-Wallis follows scipy.stats.mstats.kruskalwallis step for step: average ranks
 * of the pooled sample, rank sums per group, H = 12 / (N (N + 1)) sum R_g^2 / n_g
 * - 3 (N + 1), divided by the tie correction 1 - sum (t^3 - t) / (N^3 - N), and p from the
 * chi-square upper tail with k - 1 degrees of freedom (Kruskal & Wallis 1952). The tail
 * is the regularised upper incomplete gamma function Q(df/2, x/2): erfc and exp for one
 * and two degrees of freedom, otherwise its power series or its continued fraction.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/mat.h"
#include "nnlab/study.h"

typedef struct ranked {
    double v;
    int group;
} ranked;

static int by_value(const void *a, const void *b)
{
    double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
    return x < y ? -1 : x > y;
}

/* Q(a, x), the regularised upper incomplete gamma function, for a > 0, x >= 0. */
static double gamma_q(double a, double x)
{
    if (x <= 0)
        return 1.0;
    if (a == 0.5)
        return erfc(sqrt(x));
    if (a == 1.0)
        return exp(-x);
    double lpre = a * log(x) - x - lgamma(a);
    if (x < a + 1) {                       /* P by its series, Q = 1 - P */
        double term = 1.0 / a, sum = term;
        for (int n = 1; n < 100000; n++) {
            term *= x / (a + n);
            sum += term;
            if (fabs(term) < fabs(sum) * 1e-17)
                break;
        }
        return 1.0 - sum * exp(lpre);
    }
    /* Q by its continued fraction, evaluated with the modified Lentz method */
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-17)
            break;
    }
    return exp(lpre) * h;
}

double nn_chi2_sf(double x, double df)
{
    return gamma_q(df / 2, x / 2);
}

int nn_kruskal_wallis(const double *const *groups, const size_t *n, int k, double *H, double *p,
                      nn_err *e)
{
    size_t N = 0;
    for (int g = 0; g < k; g++)
        N += n[g];
    if (k < 2 || N < 2)
        return nn_err_set(e, NN_ERUN, "", "Kruskal-Wallis needs at least two groups and two values");
    ranked *all = malloc(N * sizeof *all);
    double *rank = malloc(N * sizeof *rank), *sum = calloc((size_t)k, sizeof *sum);
    if (!all || !rank || !sum) {
        free(all), free(rank), free(sum);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    size_t q = 0;
    for (int g = 0; g < k; g++)
        for (size_t i = 0; i < n[g]; i++)
            all[q++] = (ranked){groups[g][i], g};
    /* sort by value; ties share the mean of the ranks they span */
    qsort(all, N, sizeof *all, by_value);
    double ties = 0.0;   /* sum of t^3 - t over runs of equal values, in exact integers */
    for (size_t i = 0; i < N;) {
        size_t j = i + 1;
        while (j < N && all[j].v == all[i].v)
            j++;
        double avg = ((double)(i + 1) + (double)j) / 2.0;
        for (size_t t = i; t < j; t++)
            rank[t] = avg;
        double t = (double)(j - i);
        ties += t * t * t - t;
        i = j;
    }
    /* rank sums per group: half-integers far below 2^52, so every order gives the same */
    for (size_t i = 0; i < N; i++)
        sum[all[i].group] += rank[i];
    double terms[64], s = 0.0;
    for (int g = 0; g < k; g++) {
        double v = sum[g] * sum[g] / (double)n[g];
        if (k <= 64)
            terms[g] = v;
        else
            s += v;
    }
    if (k <= 64)
        s = nn_sum_numpy(terms, (size_t)k);
    double Nd = (double)N;
    double h = 12.0 / (Nd * (Nd + 1)) * s - 3 * (Nd + 1);
    double T = 1.0 - ties / (Nd * Nd * Nd - Nd);
    free(all), free(rank), free(sum);
    if (T == 0)
        return nn_err_set(e, NN_ERUN, "", "Kruskal-Wallis: all values are equal");
    *H = h / T;
    *p = nn_chi2_sf(*H, k - 1);
    return NN_OK;
}

double nn_kde_scott(const double *x, size_t n, const double *xs, size_t m, double *dens)
{
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    double bw = pow((double)n, -0.2) * sd;
    if (!(bw > 0))
        bw = 1e-3 * (fabs(mean) > 0 ? fabs(mean) : 1);
    double norm = 1.0 / ((double)n * bw * sqrt(2 * M_PI));
    for (size_t j = 0; j < m; j++) {
        double acc = 0;
        for (size_t i = 0; i < n; i++) {
            double u = (xs[j] - x[i]) / bw;
            acc += exp(-0.5 * u * u);
        }
        dens[j] = acc * norm;
    }
    return bw;
}
