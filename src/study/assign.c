/* assign.c: the linear assignment problem (see assign.h).
 *
 * Rows are added one at a time; for each, a Dijkstra-like search over columns with reduced
 * costs cost[i][j] - u[i] - v[j] >= 0 finds the cheapest augmenting path, and the
 * potentials are updated so that reduced costs stay non-negative and are zero along the
 * matching. Indices 1..n for rows and columns, 0 for the virtual start column.
 */
#include "nnlab/assign.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Every cost finite? Sets *scale to a power of two that brings the largest magnitude to at
 * most 1 when it is large enough for sums and potentials to come near overflow (1 otherwise,
 * so ordinary costs are used exactly as given; a power of two scales without rounding). */
static int check_costs(const double *cost, size_t n, double *scale, nn_err *e)
{
    double big = 0;
    for (size_t i = 0; i < n * n; i++) {
        if (!isfinite(cost[i]))
            return nn_err_set(e, NN_ERUN, "", "cost [%zu][%zu] of the assignment is %s: costs "
                              "must be finite", i / n, i % n, isnan(cost[i]) ? "nan" : "infinite");
        big = fmax(big, fabs(cost[i]));
    }
    *scale = 1;
    if (big > 0x1p500) {
        int ex;
        frexp(big, &ex);
        *scale = ldexp(1.0, -ex);
    }
    return NN_OK;
}

int nn_assign_min(const double *cost, size_t n, size_t *perm, double *total, nn_err *e)
{
    if (n == 0) {
        if (total)
            *total = 0;
        return NN_OK;
    }
    double scale;
    int rc = check_costs(cost, n, &scale, e);
    if (rc)
        return rc;
    double *u = calloc(n + 1, sizeof *u), *v = calloc(n + 1, sizeof *v);
    double *minv = malloc((n + 1) * sizeof *minv);
    size_t *p = calloc(n + 1, sizeof *p), *way = calloc(n + 1, sizeof *way);
    bool *used = malloc((n + 1) * sizeof *used);
    if (!u || !v || !minv || !p || !way || !used) {
        free(u), free(v), free(minv), free(p), free(way), free(used);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for an assignment of %zu", n);
    }
    for (size_t i = 1; i <= n && !rc; i++) {
        p[0] = i;                      /* row i starts at the virtual column 0 */
        size_t j0 = 0;
        for (size_t j = 0; j <= n; j++) {
            minv[j] = INFINITY;
            used[j] = false;
        }
        do {
            used[j0] = true;
            size_t i0 = p[j0], j1 = 0;
            double delta = INFINITY;
            const double *row = cost + (i0 - 1) * n;
            for (size_t j = 1; j <= n; j++) {
                if (used[j])
                    continue;
                double cur = row[j - 1] * scale - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {  /* the first of equal minima: deterministic */
                    delta = minv[j];
                    j1 = j;
                }
            }
            if (j1 == 0 || !isfinite(delta)) {  /* finite costs never get here */
                rc = nn_err_set(e, NN_ERUN, "", "the assignment found no augmenting path "
                                "(reduced costs not finite)");
                break;
            }
            for (size_t j = 0; j <= n; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        if (rc)
            break;
        do {                           /* flip the augmenting path */
            size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    if (!rc) {
        for (size_t j = 1; j <= n; j++)
            perm[p[j] - 1] = j - 1;
        if (total) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += cost[i * n + perm[i]];
            *total = s;
        }
    }
    free(u), free(v), free(minv), free(p), free(way), free(used);
    return rc;
}

int nn_assign_max(const double *gain, size_t n, size_t *perm, double *total, nn_err *e)
{
    if (n == 0)
        return nn_assign_min(gain, 0, perm, total, e);
    double *neg = malloc(n * n * sizeof *neg);
    if (!neg)
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for an assignment of %zu", n);
    for (size_t i = 0; i < n * n; i++)
        neg[i] = -gain[i];
    int rc = nn_assign_min(neg, n, perm, NULL, e);
    free(neg);
    if (!rc && total) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += gain[i * n + perm[i]];
        *total = s;
    }
    return rc;
}

/* ---- near-optimal assignments in notebook 000's order -------------------------------- */

/* Notebook 000 numbers the orderings of n units j = 0 .. n! - 1 with
 *     x = [0 .. n-1]; for each position k: p[k] = x.pop(j % len(x)); j //= len(x)
 * so position k takes the d_k-th smallest of the units still free, and
 * j = d_0 + n (d_1 + (n - 1) (d_2 + ...)): the last positions' digits weigh most, and
 * ascending j is ascending (d_{n-2}, ..., d_0) read as a word. Given the set R of units
 * the positions k .. n-1 take, their digits d_k .. d_{n-1} fix which goes where, so a
 * depth-first search fixing digits from d_{n-2} down, each ascending, meets the
 * near-optimal orderings in the notebook's order, when it enters only digits that still
 * admit a near-optimal completion: the least cost f[U] of giving the first |U| positions
 * the units U (a DP over subsets), plus the fixed suffix's cost t[R], at most the limit. */

typedef struct near_search {
    const double *c;           /* (n, n), scaled */
    size_t n;
    unsigned full;
    const double *f;           /* f[U], by subset */
    double *t;                 /* t[R]: the suffix taking R with the digits fixed so far */
    const unsigned *bysize;    /* subsets ordered by size; those of size m start at start[m] */
    const unsigned *start;
    double limit;
    size_t d[NN_ASSIGN_FIRST_MAX];
    size_t *out, cap, count;
} near_search;

/* The a-th smallest unit in the set R (a bit mask). */
static size_t nth_unit(unsigned R, size_t a)
{
    for (size_t i = 0; i < a; i++)
        R &= R - 1;
    return (size_t)__builtin_ctz(R);
}

/* The least total of an ordering with digit a at position k and the digits after k fixed. */
static double near_low(const near_search *x, size_t k, size_t a)
{
    size_t m = x->n - k;
    double low = INFINITY;
    for (unsigned i = x->start[m]; i < x->start[m + 1]; i++) {
        unsigned R = x->bysize[i];
        size_t v = nth_unit(R, a);
        low = fmin(low, x->f[x->full & ~R] + (x->c[k * x->n + v] + x->t[R & ~(1u << v)]));
    }
    return low;
}

static void near_dfs(near_search *x, size_t k /* the position to fix; SIZE_MAX: done */)
{
    size_t n = x->n;
    if (k == (size_t)-1) {
        if (x->count < x->cap) {
            unsigned R = x->full;
            size_t *p = x->out + x->count * n;
            for (size_t i = 0; i < n; i++) {
                p[i] = nth_unit(R, x->d[i]);
                R &= ~(1u << p[i]);
            }
        }
        x->count++;
        return;
    }
    size_t m = n - k;
    for (size_t a = 0; a < m && x->count <= x->cap; a++) {
        if (near_low(x, k, a) > x->limit)
            continue;
        x->d[k] = a;
        for (unsigned i = x->start[m]; i < x->start[m + 1]; i++) {   /* t for sets of size m */
            unsigned R = x->bysize[i];
            size_t v = nth_unit(R, a);
            x->t[R] = x->c[k * n + v] + x->t[R & ~(1u << v)];
        }
        near_dfs(x, k - 1);
    }
}

int nn_assign_near(const double *cost, size_t n, double rel, size_t cap, size_t *perms,
                   size_t *count, nn_err *e)
{
    *count = 0;
    if (n > NN_ASSIGN_FIRST_MAX)
        return nn_err_set(e, NN_ERUN, "", "near-optimal assignments are enumerated for at most "
                          "%d units, not %zu", NN_ASSIGN_FIRST_MAX, n);
    if (n == 0 || cap == 0)
        return NN_OK;
    double scale, c[NN_ASSIGN_FIRST_MAX * NN_ASSIGN_FIRST_MAX];
    int rc = check_costs(cost, n, &scale, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < n * n; i++)
        c[i] = cost[i] * scale;
    unsigned full = (1u << n) - 1, N = full + 1;
    /* f[U] and fa[U], the sum of the magnitudes along f's choice (the tolerance's scale) */
    double *f = malloc((size_t)N * 3 * sizeof *f), *fa = f ? f + N : NULL, *t = f ? f + 2 * N : NULL;
    unsigned *bysize = malloc((size_t)N * sizeof *bysize), start[NN_ASSIGN_FIRST_MAX + 2] = {0};
    if (!f || !bysize) {
        free(f), free(bysize);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for an assignment of %zu", n);
    }
    for (unsigned U = 0; U < N; U++)
        start[__builtin_popcount(U) + 1]++;
    for (size_t m = 1; m <= n + 1; m++)
        start[m] += start[m - 1];
    unsigned fill[NN_ASSIGN_FIRST_MAX + 1];
    memcpy(fill, start, sizeof fill);
    for (unsigned U = 0; U < N; U++)
        bysize[fill[__builtin_popcount(U)]++] = U;
    f[0] = fa[0] = 0;
    for (unsigned i = 1; i < N; i++) {
        unsigned U = bysize[i];
        size_t k = (size_t)__builtin_popcount(U) - 1;
        f[U] = INFINITY;
        for (unsigned V = U; V; V &= V - 1) {
            size_t v = (size_t)__builtin_ctz(V);
            double y = f[U & ~(1u << v)] + c[k * n + v];
            if (y < f[U]) {
                f[U] = y;
                fa[U] = fa[U & ~(1u << v)] + fabs(c[k * n + v]);
            }
        }
    }
    near_search x = {c, n, full, f, t, bysize, start, f[full] + rel * fa[full], {0}, perms, cap, 0};
    for (unsigned i = start[1]; i < start[2]; i++)      /* the last position: digit 0 */
        t[bysize[i]] = c[(n - 1) * n + (size_t)__builtin_ctz(bysize[i])];
    near_dfs(&x, n - 2);
    *count = x.count;
    free(f), free(bysize);
    return NN_OK;
}

int nn_assign_min_first(const double *cost, size_t n, double rel, size_t *perm, nn_err *e)
{
    if (n > NN_ASSIGN_FIRST_MAX)
        return nn_assign_min(cost, n, perm, NULL, e);
    size_t count;
    int rc = nn_assign_near(cost, n, rel, 1, perm, &count, e);
    if (!rc && count == 0 && n > 0)    /* rounding left none within the limit (not seen) */
        rc = nn_assign_min(cost, n, perm, NULL, e);
    return rc;
}
