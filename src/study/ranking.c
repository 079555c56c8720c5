/* ranking.c: notebook 000's "neuron importance": ranking hidden neurons by their incoming
 * working weights (used by the neuron_rank and prune studies).
 *
 * A hidden layer's incoming weights form a matrix with one row per neuron. The notebook's
 * three rankings sort the rows by keys, least important first:
 *   mean          (mean |w|, max |w|)
 *   mean-percent  (mean percentile, max percentile), the percentile of |w| being 100 i / n
 *                 for its position i in the sorted |w| of the whole matrix; equal values
 *                 share the percentile of the last of them (the notebook builds a dict)
 *   max           (max |w|)
 * The notebook breaks remaining ties with random numbers; nnlab gives the lower rank to the
 * lower neuron index, so ranks are reproducible. Means are numpy's (pairwise sums).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/study.h"
#include "nnlab/mat.h"

const char *const nn_rank_names[NN_RANK_COUNT] = {"mean", "mean-percent", "max", "random",
                                                  "ablation"};

typedef struct rowkey {
    double k1, k2;
    size_t row;
} rowkey;

/* nan after every number (a consistent order for qsort whatever the weights hold) */
static int cmp_nan_last(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return a < b ? -1 : a > b;
}

static int by_keys(const void *a, const void *b)
{
    const rowkey *x = a, *y = b;
    int c = cmp_nan_last(x->k1, y->k1);
    if (!c)
        c = cmp_nan_last(x->k2, y->k2);
    return c ? c : x->row < y->row ? -1 : x->row > y->row;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int nn_rank_rows(const double *W, size_t rows, size_t cols, nn_rank_method m, int *rank,
                 nn_err *e)
{
    size_t n = rows * cols;
    double *a = malloc(n * sizeof *a), *sorted = malloc(n * sizeof *sorted);
    rowkey *keys = malloc(rows * sizeof *keys);
    if (!a || !sorted || !keys) {
        free(a), free(sorted), free(keys);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory ranking neurons");
    }
    for (size_t i = 0; i < n; i++)
        a[i] = fabs(W[i]);
    if (m == NN_RANK_MEAN_PERCENT) {
        memcpy(sorted, a, n * sizeof *a);
        qsort(sorted, n, sizeof *sorted, by_double);
        for (size_t i = 0; i < n; i++) {
            size_t lo = 0, hi = n;             /* one past the last sorted value <= a[i] */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (sorted[mid] <= a[i])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            a[i] = 100.0 * (double)(lo - 1) / (double)n;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        const double *row = a + r * cols;
        double mx = row[0];
        for (size_t c = 1; c < cols; c++)
            mx = row[c] > mx ? row[c] : mx;
        keys[r].row = r;
        if (m == NN_RANK_MAX) {
            keys[r].k1 = mx;
            keys[r].k2 = 0;
        } else {
            keys[r].k1 = nn_mean_numpy(row, cols);
            keys[r].k2 = mx;
        }
    }
    qsort(keys, rows, sizeof *keys, by_keys);
    for (size_t i = 0; i < rows; i++)
        rank[keys[i].row] = (int)i;
    free(a), free(sorted), free(keys);
    return NN_OK;
}
