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

int nn_assign_min(const double *cost, size_t n, size_t *perm, double *total, nn_err *e)
{
    if (n == 0) {
        if (total)
            *total = 0;
        return NN_OK;
    }
    double *u = calloc(n + 1, sizeof *u), *v = calloc(n + 1, sizeof *v);
    double *minv = malloc((n + 1) * sizeof *minv);
    size_t *p = calloc(n + 1, sizeof *p), *way = calloc(n + 1, sizeof *way);
    bool *used = malloc((n + 1) * sizeof *used);
    if (!u || !v || !minv || !p || !way || !used) {
        free(u), free(v), free(minv), free(p), free(way), free(used);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for an assignment of %zu", n);
    }
    for (size_t i = 1; i <= n; i++) {
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
                double cur = row[j - 1] - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {  /* the first of equal minima: deterministic */
                    delta = minv[j];
                    j1 = j;
                }
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
        do {                           /* flip the augmenting path */
            size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    for (size_t j = 1; j <= n; j++)
        perm[p[j] - 1] = j - 1;
    if (total) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += cost[i * n + perm[i]];
        *total = s;
    }
    free(u), free(v), free(minv), free(p), free(way), free(used);
    return NN_OK;
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
