/* rank.c: notebook 000's "neuron importance": ranking hidden neurons by their incoming
 * working weights, and the neuron_rank study.
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
 * The study reads weights.csv epoch by epoch and writes each method's ranks and the grid of
 * rank changes (green: rank rose, red: fell), output side on top.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nnlab/mat.h"
#include "nnlab/record.h"

typedef struct rowkey {
    double k1, k2;
    size_t row;
} rowkey;

static int by_keys(const void *a, const void *b)
{
    const rowkey *x = a, *y = b;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
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

/* ---- the study ----------------------------------------------------------------------------- */

typedef struct changes {
    int n;              /* hidden neurons */
    long S;             /* steps between recorded epochs */
    signed char *d;     /* (S, n), step-major so it grows by appending: +1 rose, -1 fell */
} changes;

static const nn_rgb WHITE = {255, 255, 255}, GREEN = {34, 139, 64}, RED = {200, 40, 40};

static nn_rgb change_color(void *ctx, int r0, int r1, long c0, long c1)
{
    const changes *ch = ctx;
    long up = 0, down = 0, cells = (long)(r1 - r0) * (c1 - c0);
    for (int r = r0; r < r1; r++)
        for (long c = c0; c < c1; c++) {
            int v = ch->d[(size_t)c * (size_t)ch->n + (size_t)r];
            up += v > 0;
            down += v < 0;
        }
    if (!up && !down)
        return WHITE;
    nn_rgb col = up >= down ? GREEN : RED;
    if (cells == 1)
        return col;
    double f = 0.4 + 0.6 * (double)(up > down ? up : down) / (double)cells;
    return (nn_rgb){(uint8_t)(255 + (col.r - 255) * f), (uint8_t)(255 + (col.g - 255) * f),
                    (uint8_t)(255 + (col.b - 255) * f)};
}

static int one_model(nn_study_ctx *c, const nn_study_plan *sp, const char *label, cJSON *out,
                     nn_err *e)
{
    nn_model *m = study_load_model(c, label, false, e);
    if (!m)
        return e->code;
    int H = m->L - 1, n = 0, counts[NN_MAX_HIDDEN + 1];
    for (int l = 0; l < H; l++)
        n += counts[l] = m->width[l + 1];
    cJSON *mo = cJSON_AddObjectToObject(out, label);
    if (H == 0) {
        nn_model_free(m);
        cJSON_AddStringToObject(mo, "note", "no hidden layer to rank");
        return NN_OK;
    }
    double *row = malloc(m->n_params * sizeof *row);
    int *rank = malloc(NN_RANK_COUNT * (size_t)n * sizeof *rank);
    int *prev = malloc(NN_RANK_COUNT * (size_t)n * sizeof *prev);
    long *epochs = NULL, cap = 0, T = 0, ep;
    changes ch[NN_RANK_COUNT];
    memset(ch, 0, sizeof ch);
    nn_file w[NN_RANK_COUNT];
    memset(w, 0, sizeof w);
    traj t = {0};
    char path[4200];
    int rc = NN_OK, got;
    if (!row || !rank || !prev) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
        goto done;
    }
    for (int k = 0; k < 3; k++) {
        if (!sp->methods[k])
            continue;
        study_path(c, path, sizeof path, "neuron-rank-%s-%s.csv", label, nn_rank_names[k]);
        if ((rc = nn_file_open(&w[k], path, e)))
            goto done;
        fputs("epoch", w[k].f);
        for (int l = 0; l < H; l++)
            for (int i = 0; i < counts[l]; i++)
                fprintf(w[k].f, ",h%d_%d", l + 1, i);
        fputc('\n', w[k].f);
        ch[k].n = n;
    }
    if ((rc = traj_open(&t, c, label, false, m, e)))
        goto done;
    long stopped = -1;                 /* a diverged run's blow-up row ends the study's data */
    while ((got = traj_next(&t, &ep, row, e)) > 0) {
        bool finite = true;
        for (size_t i = 0; i < m->n_params && finite; i++)
            finite = isfinite(row[i]);
        if (!finite) {
            stopped = ep;
            got = 0;
            break;
        }
        if ((double)n * (double)(T + 1) > 5e8) {
            rc = nn_err_set(e, NN_ERUN, label, "%d neurons x %ld epochs is too large for the "
                            "neuron_rank study", n, T + 1);
            goto done;
        }
        if (T == cap) {
            cap = cap ? 2 * cap : 1024;
            long *ne = realloc(epochs, (size_t)cap * sizeof *ne);
            bool ok = ne != NULL;
            if (ne)
                epochs = ne;
            for (int k = 0; k < 3 && ok; k++)
                if (sp->methods[k]) {
                    signed char *nd = realloc(ch[k].d, (size_t)n * (size_t)cap);
                    ok = nd != NULL;
                    if (nd)
                        ch[k].d = nd;
                }
            if (!ok) {
                rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
                goto done;
            }
        }
        epochs[T] = ep;
        for (int k = 0; k < 3; k++) {
            if (!sp->methods[k])
                continue;
            int *rk = rank + (size_t)k * (size_t)n, *pk = prev + (size_t)k * (size_t)n, off = 0;
            for (int l = 0; l < H; l++) {
                if ((rc = nn_rank_rows(row + m->w_off[l], (size_t)m->width[l + 1],
                                       (size_t)m->width[l], (nn_rank_method)k, rk + off, e)))
                    goto done;
                off += counts[l];
            }
            fprintf(w[k].f, "%ld", ep);
            for (int i = 0; i < n; i++)
                fprintf(w[k].f, ",%d", rk[i]);
            fputc('\n', w[k].f);
            if (T > 0)           /* column T - 1: from the previous recorded epoch to this */
                for (int i = 0; i < n; i++) {
                    int d = rk[i] - pk[i];
                    ch[k].d[(size_t)(T - 1) * (size_t)n + (size_t)i] = (signed char)((d > 0) - (d < 0));
                }
            memcpy(pk, rk, (size_t)n * sizeof *rk);
        }
        T++;
    }
    if (got < 0) {
        rc = e->code;
        goto done;
    }
    if (stopped >= 0)
        cJSON_AddNumberToObject(mo, "stopped_before_nonfinite_epoch", (double)stopped);
    for (int k = 0; k < 3; k++) {
        if (!sp->methods[k])
            continue;
        if ((rc = nn_file_commit(&w[k], e)))
            goto done;
        long S = T > 1 ? T - 1 : 0;
        ch[k].S = S;
        cJSON *ko = cJSON_AddObjectToObject(mo, nn_rank_names[k]);
        cJSON *lf = cJSON_AddArrayToObject(ko, "layer_change_fraction");
        long all = 0;
        int base = 0;
        for (int l = 0; l < H; l++) {
            long cnt = 0;
            for (int i = base; i < base + counts[l]; i++)
                for (long s = 0; s < S; s++)
                    cnt += ch[k].d[(size_t)s * (size_t)n + (size_t)i] != 0;
            cJSON_AddItemToArray(lf, cJSON_CreateNumber(S ? (double)cnt / ((double)counts[l] * (double)S) : 0));
            all += cnt;
            base += counts[l];
        }
        cJSON_AddNumberToObject(ko, "change_fraction", S ? (double)all / ((double)n * (double)S) : 0);
        if (c->draw && S > 0) {
            char title[300], sub[300];
            snprintf(title, sizeof title, "%s: changes in neuron rank by layer (%s)", label,
                     k == 0 ? "mean |weight|" : k == 1 ? "mean percentile of |weight|" : "max |weight|");
            snprintf(sub, sizeof sub, "%d hidden neurons, %ld epochs; ties go to the lower index",
                     n, S);
            cellgrid g = {.rows = n, .cols = S, .n_groups = H, .group_rows = counts,
                          .col_epoch = epochs + 1, .color = change_color, .ctx = &ch[k],
                          .title = title, .subtitle = sub, .n_legend = 3};
            g.legend[0] = "rank rose", g.legend_col[0] = GREEN;
            g.legend[1] = "rank fell", g.legend_col[1] = RED;
            g.legend[2] = "unchanged", g.legend_col[2] = WHITE;
            study_path(c, path, sizeof path, "neuron-rank-%s-%s.png", label, nn_rank_names[k]);
            if ((rc = draw_cellgrid(path, &g, e)))
                goto done;
        }
    }
done:
    traj_close(&t);
    for (int k = 0; k < 3; k++) {
        nn_file_abort(&w[k]);
        free(ch[k].d);
    }
    free(row), free(rank), free(prev), free(epochs);
    nn_model_free(m);
    return rc;
}

int nn_study_neuron_rank(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    for (int i = 0; i < c->n_models; i++) {
        int rc = one_model(c, sp, c->models[i]->label, out, e);
        if (rc)
            return rc;
    }
    return NN_OK;
}
