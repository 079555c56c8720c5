/* neuron_rank.c: notebook 000's "neuron importance" over training: each hidden neuron's
 * rank by each of the notebook's methods (ranking.c), epoch by epoch from weights.csv, and
 * the grid of rank changes (green: rank rose, red: fell), output side on top.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nnlab/record.h"

#define MAX_RANKS 5e8   /* neurons x epochs held (an int each) */


typedef struct changes {
    int n;              /* hidden neurons */
    long S;             /* steps between recorded epochs */
    signed char *d;     /* (S, n), step-major so it grows by appending: +1 rose, -1 fell */
} changes;

/* rose: the signed map's positive green; fell: its negative purple (as everywhere) */
static const nn_rgb WHITE = {255, 255, 255}, GREEN = {0x1b, 0x78, 0x37}, RED = {0x76, 0x2a, 0x83};

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

typedef struct rank_opts {
    bool methods[NN_RANK_COUNT];   /* the first three: notebook 000's */
} rank_opts;

static int one_model(nn_study_ctx *c, const rank_opts *sp, const char *label, cJSON *out,
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
        if ((double)n * (double)(T + 1) > MAX_RANKS) {
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
        if (S > 0) {
            char title[300], sub[300], fig[200];
            snprintf(title, sizeof title, "%s: changes in neuron rank by layer (%s)", label,
                     k == 0 ? "mean |weight|" : k == 1 ? "mean percentile of |weight|" : "max |weight|");
            snprintf(sub, sizeof sub, "%d hidden neurons over %ld epochs of training; each epoch's "
                     "rank against the one before; ties go to the lower index", n, S);
            cellgrid g = {.rows = n, .cols = S, .n_groups = H, .group_rows = counts,
                          .col_epoch = epochs + 1, .color = change_color, .ctx = &ch[k],
                          .title = title, .subtitle = sub, .n_legend = 3,
                          .row_word = "hidden neurons, by layer", .group_word = "hidden layer",
                          .bin_note = "the more frequent change, paler where fewer changed",
                          .what = "where each hidden neuron's rank rose or fell (notebook 000's "
                                  "neuron importance)"};
            g.legend[0] = "rank rose", g.legend_col[0] = GREEN;
            g.legend[1] = "rank fell", g.legend_col[1] = RED;
            g.legend[2] = "unchanged", g.legend_col[2] = WHITE;
            snprintf(fig, sizeof fig, "neuron-rank-%s-%s", label, nn_rank_names[k]);
            if ((rc = draw_cellgrid(c, fig, &g, NULL, e)))
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

static int run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    for (int i = 0; i < c->n_models; i++) {
        int rc = one_model(c, sp->options, c->models[i]->label, out, e);
        if (rc)
            return rc;
    }
    return NN_OK;
}

/* The ranks it holds, hidden neurons x recorded epochs, at most max_epochs + 1 of them. */
static int check_size(nn_spec_v *v, const void *options, const nn_plan *p, const nn_data *d)
{
    (void)options, (void)d;
    for (int i = 0; i < p->n_models; i++) {
        double n = 0;
        for (int l = 0; l < p->models[i].arch.n_hidden; l++)
            n += p->models[i].arch.hidden[l];
        if (n * ((double)p->train.max_epochs + 1) > MAX_RANKS)
            return nn_spec_fail(v, "model \"%s\" has %.0f hidden neurons: over up to %ld epochs "
                                "the neuron_rank study would hold more than %.0f ranks (lower "
                                "train.max_epochs)", p->models[i].label, n, p->train.max_epochs,
                                MAX_RANKS);
    }
    return NN_OK;
}

static const nn_option options[] = {
    {.key = "methods", .kind = NN_OPTION_NAMES, .offset = offsetof(rank_opts, methods),
     .names = nn_rank_names, .n_names = 3, .what = "ranking method",
     .doc = "the rankings drawn: mean (mean |w|), mean-percent (mean percentile of |w|), max "
            "(largest |w|) of each neuron's incoming weights"},
};

const nn_study nn_study_neuron_rank = {
    .spec = {.name = "neuron_rank", .summary = "each hidden neuron's rank by its incoming "
             "weights, epoch by epoch, and where ranks change (notebook 000)",
             .needs = NN_NEEDS_WEIGHTS_EVERY, .options = options, .n_options = 1,
             .options_size = sizeof(rank_opts), .check_data = check_size},
    .figures = "`neuron-rank-<label>-<method>.png` and .csv",
    .run = run,
};
