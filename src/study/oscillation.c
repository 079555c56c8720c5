/* oscillation.c: notebook 000's "coefficient directions".
 *
 * For every working weight (no biases), the sign of each epoch-to-epoch change (1, -1, or
 * 0 as a sign of its own, as the notebook computes it) and the epochs at which it flips:
 * the weight moved one way into that epoch and another way out of it. Outputs per model:
 * the event matrix (coefficient x epoch, input side first), the notebook's grid (green
 * where the direction changed), the grid its author asked for (flips shaded by the size of
 * the step relative to that coefficient's mean absolute step), and the fraction of each
 * layer's weights flipping at each epoch (raw and as a moving average) with its plot.
 * Reads weights.csv twice, streaming; holds one byte per coefficient and epoch.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nnlab/record.h"

static int sign3(double x) { return (x > 0) - (x < 0); }

void nn_direction_flips(const double *rows, size_t T, size_t n, unsigned char *flips)
{
    if (T < 3)
        return;
    for (size_t i = 0; i < n; i++) {
        int prev = sign3(rows[n + i] - rows[i]);
        for (size_t t = 2; t < T; t++) {
            int s = sign3(rows[t * n + i] - rows[(t - 1) * n + i]);
            flips[i * (T - 2) + (t - 2)] = s != prev;
            prev = s;
        }
    }
}

#define MAX_CELLS 500000000L   /* one byte each */

typedef struct osc {
    size_t n;                  /* working weights */
    long S;                    /* steps with a possible flip: recorded epochs - 2 */
    unsigned char *m;          /* (n, S): 0 no flip, 1..255 flip, by relative step size */
    int layer_of[NN_MAX_HIDDEN + 1];
} osc;

typedef struct oscillation_opts {
    long window;           /* epochs in the moving average of the layer figure */
} oscillation_opts;

static const nn_rgb WHITE = {255, 255, 255};

/* a flip: the sequential map's dark end, paler where a bin of cells holds few flips */
static nn_rgb flip_color(void *ctx, int r0, int r1, long c0, long c1)
{
    const osc *o = ctx;
    long hits = 0, cells = (long)(r1 - r0) * (c1 - c0);
    for (int r = r0; r < r1; r++)
        for (long c = c0; c < c1; c++)
            hits += o->m[(size_t)r * (size_t)o->S + (size_t)c] != 0;
    if (!hits)
        return WHITE;
    double f = cells > 1 ? 0.35 + 0.65 * (double)hits / (double)cells : 1.0;
    return nn_cmap_color(NN_CMAP_SEQUENTIAL, f);
}

/* a flip shaded by its step relative to the weight's mean absolute step: the largest in
 * the cells, on the sequential map over 1/16 .. 16 (log2) */
static nn_rgb size_color(void *ctx, int r0, int r1, long c0, long c1)
{
    const osc *o = ctx;
    int top = 0;
    for (int r = r0; r < r1; r++)
        for (long c = c0; c < c1; c++) {
            int v = o->m[(size_t)r * (size_t)o->S + (size_t)c];
            top = v > top ? v : top;
        }
    /* the map's first fifth is too pale to see on white: flips start above it */
    return top ? nn_cmap_color(NN_CMAP_SEQUENTIAL, 0.2 + 0.8 * (top - 1) / 254.0) : WHITE;
}

static int one_model(nn_study_ctx *c, const oscillation_opts *sp, const char *label, cJSON *out,
                     nn_err *e)
{
    nn_model *m = study_load_model(c, label, false, e);
    if (!m)
        return e->code;
    size_t *idx = malloc(m->n_params * sizeof *idx);
    double *prev = malloc(m->n_params * sizeof *prev), *row = malloc(m->n_params * sizeof *row);
    double *meanabs = calloc(m->n_params, sizeof *meanabs);
    signed char *sgn = malloc(m->n_params);
    long *epochs = NULL, cap = 0, T = 0, ep;
    osc o = {0};
    traj t = {0};
    int rc = NN_OK, got;
    char path[4200];
    if (!idx || !prev || !row || !meanabs || !sgn) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
        goto done;
    }
    o.n = study_working_weights(m, idx);
    int counts[NN_MAX_HIDDEN + 1];
    for (int l = 0; l < m->L; l++)
        counts[l] = m->width[l + 1] * m->width[l];
    /* pass 1: the epochs, and each weight's mean absolute step */
    if ((rc = traj_open(&t, c, label, false, m, e)))
        goto done;
    long stopped = -1;                 /* a diverged run's blow-up row ends the study's data */
    while ((got = traj_next(&t, &ep, row, e)) > 0) {
        bool finite = true;
        for (size_t i = 0; i < o.n && finite; i++)
            finite = isfinite(row[idx[i]]);
        if (!finite) {
            stopped = ep;
            break;
        }
        if (ep != T) {
            rc = nn_err_set(e, NN_ERUN, t.path, "the oscillation study needs every epoch "
                            "recorded (epoch %ld follows %ld; record.every must be 1)", ep, T - 1);
            goto done;
        }
        if (T == cap) {
            cap = cap ? 2 * cap : 1024;
            long *ne = realloc(epochs, (size_t)cap * sizeof *ne);
            if (!ne) {
                rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
                goto done;
            }
            epochs = ne;
        }
        epochs[T] = ep;
        if (T > 0)
            for (size_t i = 0; i < o.n; i++)
                meanabs[i] += fabs(row[idx[i]] - prev[idx[i]]);
        memcpy(prev, row, m->n_params * sizeof *row);
        T++;
    }
    traj_close(&t);
    if (got < 0) {
        rc = e->code;
        goto done;
    }
    o.S = T >= 3 ? T - 2 : 0;
    if ((double)o.n * (double)o.S > MAX_CELLS) {
        rc = nn_err_set(e, NN_ERUN, label, "%zu weights x %ld epochs is too large for the "
                        "oscillation study (at most %ld cells)", o.n, o.S, MAX_CELLS);
        goto done;
    }
    for (size_t i = 0; i < o.n; i++)
        meanabs[i] /= (double)(T > 1 ? T - 1 : 1);
    o.m = calloc((size_t)o.n * (size_t)(o.S ? o.S : 1), 1);
    if (!o.m) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
        goto done;
    }
    /* pass 2: flips, each with the size of the step out of the turning epoch */
    if ((rc = traj_open(&t, c, label, false, m, e)))
        goto done;
    for (long r = 0; r < T && (got = traj_next(&t, &ep, row, e)) > 0; r++) {
        for (size_t i = 0; r > 0 && i < o.n; i++) {
            double d = row[idx[i]] - prev[idx[i]];
            int s = sign3(d);
            if (r >= 2 && s != sgn[i]) {
                double rel = meanabs[i] > 0 ? fabs(d) / meanabs[i] : 1.0;
                double lg = rel > 0 ? log2(rel) : -4;
                lg = lg < -4 ? -4 : lg > 4 ? 4 : lg;
                o.m[i * (size_t)o.S + (size_t)(r - 2)] = (unsigned char)(1 + lround((lg + 4) / 8 * 254));
            }
            sgn[i] = (signed char)s;
        }
        memcpy(prev, row, m->n_params * sizeof *row);
    }
    traj_close(&t);
    if (got < 0) {
        rc = e->code;
        goto done;
    }
    /* the event matrix: one row per weight, one column per turning epoch */
    nn_file w;
    study_path(c, path, sizeof path, "oscillation-%s-events.csv", label);
    if ((rc = nn_file_open(&w, path, e)))
        goto done;
    fputs("coefficient", w.f);
    for (long j = 0; j < o.S; j++)
        fprintf(w.f, ",%ld", epochs[j + 1]);
    fputc('\n', w.f);
    char name[64];
    for (size_t i = 0; i < o.n; i++) {
        nn_model_param_name(m, idx[i], name, sizeof name);
        fputs(name, w.f);
        for (long j = 0; j < o.S; j++) {
            fputc(',', w.f);
            fputc(o.m[i * (size_t)o.S + (size_t)j] ? '1' : '0', w.f);
        }
        fputc('\n', w.f);
    }
    if ((rc = nn_file_commit(&w, e)))
        goto done;
    /* per layer: the fraction of its weights flipping at each epoch, and a moving average */
    int L = m->L;
    double total[NN_MAX_HIDDEN + 1] = {0}, half[2][NN_MAX_HIDDEN + 1] = {{0}};
    double *frac = calloc((size_t)(o.S ? o.S : 1) * (size_t)L, sizeof *frac);
    if (!frac) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
        goto done;
    }
    size_t row0 = 0;
    for (int l = 0; l < L; l++) {
        for (int k = 0; k < counts[l]; k++)
            for (long j = 0; j < o.S; j++)
                frac[(size_t)j * (size_t)L + (size_t)l] += o.m[(row0 + (size_t)k) * (size_t)o.S + (size_t)j] != 0;
        for (long j = 0; j < o.S; j++) {
            double f = frac[(size_t)j * (size_t)L + (size_t)l] / counts[l];
            frac[(size_t)j * (size_t)L + (size_t)l] = f;
            total[l] += f;
            half[j >= o.S / 2][l] += f;
        }
        row0 += (size_t)counts[l];
    }
    study_path(c, path, sizeof path, "oscillation-%s-layers.csv", label);
    if ((rc = nn_file_open(&w, path, e))) {
        free(frac);
        goto done;
    }
    fputs("epoch", w.f);
    for (int l = 0; l < L; l++)
        fprintf(w.f, ",layer%d", l + 1);
    for (int l = 0; l < L; l++)
        fprintf(w.f, ",layer%d_avg", l + 1);
    fputc('\n', w.f);
    int win = (int)sp->window;
    for (long j = 0; j < o.S; j++) {
        fprintf(w.f, "%ld", epochs[j + 1]);
        for (int l = 0; l < L; l++)
            fprintf(w.f, ",%.17g", frac[(size_t)j * (size_t)L + (size_t)l]);
        long a = j - win / 2 < 0 ? 0 : j - win / 2, b = a + win > o.S ? o.S : a + win;
        for (int l = 0; l < L; l++) {
            double acc = 0;
            for (long q = a; q < b; q++)
                acc += frac[(size_t)q * (size_t)L + (size_t)l];
            fprintf(w.f, ",%.17g", acc / (double)(b - a));
        }
        fputc('\n', w.f);
    }
    free(frac);
    if ((rc = nn_file_commit(&w, e)))
        goto done;
    /* summary: overall and per layer, and whether flips grow towards the output */
    cJSON *mo = cJSON_AddObjectToObject(out, label);
    double all = 0;
    bool rising = true;
    cJSON *lf = cJSON_AddArrayToObject(mo, "layer_flip_fraction");
    cJSON *h1 = cJSON_CreateArray(), *h2 = cJSON_CreateArray();
    for (int l = 0; l < L; l++) {
        double f = o.S ? total[l] / (double)o.S : 0;
        all += total[l] * counts[l];
        cJSON_AddItemToArray(lf, cJSON_CreateNumber(f));
        long n1 = o.S / 2, n2 = o.S - o.S / 2;
        cJSON_AddItemToArray(h1, cJSON_CreateNumber(n1 ? half[0][l] / (double)n1 : 0));
        cJSON_AddItemToArray(h2, cJSON_CreateNumber(n2 ? half[1][l] / (double)n2 : 0));
        if (l > 0 && !(total[l] > total[l - 1]))
            rising = false;
    }
    cJSON_AddItemToObject(mo, "layer_flip_fraction_first_half", h1);
    cJSON_AddItemToObject(mo, "layer_flip_fraction_second_half", h2);
    cJSON_AddNumberToObject(mo, "weights", (double)o.n);
    cJSON_AddNumberToObject(mo, "steps", (double)o.S);
    cJSON_AddNumberToObject(mo, "flip_fraction", o.S ? all / ((double)o.n * (double)o.S) : 0);
    cJSON_AddBoolToObject(mo, "more_flips_towards_output", rising && L > 1);
    if (stopped >= 0)
        cJSON_AddNumberToObject(mo, "stopped_before_nonfinite_epoch", (double)stopped);
    if (o.S == 0)                      /* fewer than three recorded epochs: nothing to draw */
        goto done;
    /* the plot of the layers' fractions */
    nn_gp gp;
    char q[300], file[200], title[300], base[200], what[300];
    snprintf(base, sizeof base, "oscillation-%s-layers", label);
    snprintf(what, sizeof what, "the fraction of each layer's working weights that change "
             "direction, by epoch (moving average over %d epochs)", win);
    if ((rc = study_figure_begin(c, &gp, base, what, 900, 460, e)))
        goto done;
    fputs("set xlabel 'epoch'\nset autoscale xfix\nset ylabel 'fraction of the layer’s weights changing direction'\n"
          "set yrange [0:*]\n", gp.f);
    snprintf(title, sizeof title, "%s: direction changes by layer (moving average over %d epochs)",
             label, win);
    nn_gp_title(&gp, title, NULL);
    snprintf(file, sizeof file, "oscillation-%s-layers.csv", label);
    nn_gp_quote(q, sizeof q, file);
    fputs("plot ", gp.f);
    for (int l = 0; l < L; l++)
        fprintf(gp.f, "%s%s using 1:%d skip 1 with lines lw 2 lt %d title 'layer %d%s'",
                l ? ", \\\n     " : "", q, 2 + L + l, l + 1, l + 1,
                l + 1 == L ? " (output)" : l == 0 ? " (input)" : "");
    fputc('\n', gp.f);
    if ((rc = study_figure_end(c, &gp, NULL, e)))
        goto done;
    if (o.S > 0) {
        char sub[300];
        cellgrid g = {.rows = (int)o.n, .cols = o.S, .n_groups = L, .group_rows = counts,
                      .col_epoch = epochs + 1, .color = flip_color, .ctx = &o,
                      .row_word = "working weights, by layer", .group_word = "layer",
                      .bin_note = "paler where fewer of them changed"};
        g.what = "where each working weight changed direction (notebook 000's coefficient "
                 "directions)";
        snprintf(title, sizeof title, "%s: where each weight changed direction", label);
        snprintf(sub, sizeof sub, "%zu working weights, %ld epochs of training (a change at epoch t "
                 "takes a step in and one out: epochs 1 to %ld); %.1f%% of cells", o.n,
                 epochs[o.S + 1], o.S, 100 * (o.S ? all / ((double)o.n * (double)o.S) : 0));
        g.title = title, g.subtitle = sub;
        g.n_legend = 2;
        g.legend[0] = "direction changed", g.legend_col[0] = nn_cmap_color(NN_CMAP_SEQUENTIAL, 1);
        g.legend[1] = "same direction", g.legend_col[1] = WHITE;
        snprintf(base, sizeof base, "oscillation-%s", label);
        if ((rc = draw_cellgrid(c, base, &g, NULL, e)))
            goto done;
        g.color = size_color;
        g.bin_note = "coloured by its largest step";
        g.what = "direction changes shaded by the size of the step";
        snprintf(title, sizeof title, "%s: direction changes by the size of the step", label);
        snprintf(sub, sizeof sub, "the step's size relative to the weight's mean absolute step");
        g.n_legend = 1;
        g.legend[0] = "no change", g.legend_col[0] = WHITE;
        g.colorbar = true;
        g.bar_map = NN_CMAP_SEQUENTIAL;
        g.bar_t0 = 0.2;
        g.bar_lo = 1.0 / 16, g.bar_hi = 16, g.bar_log = true;
        g.bar_label = "step / mean step";
        snprintf(base, sizeof base, "oscillation-%s-magnitude", label);
        if ((rc = draw_cellgrid(c, base, &g, NULL, e)))
            goto done;
    }
done:
    traj_close(&t);
    free(idx), free(prev), free(row), free(meanabs), free(sgn), free(epochs), free(o.m);
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

/* Its cells, working weights x (epochs - 1), over up to max_epochs epochs. */
static int check_size(nn_spec_v *v, const void *options, const nn_plan *p, const nn_data *d)
{
    (void)options;
    for (int i = 0; i < p->n_models; i++) {
        const nn_arch *a = &p->models[i].arch;
        double w = 0, prev = d->d;
        for (int l = 0; l < a->n_hidden; l++) {
            w += prev * a->hidden[l];
            prev = a->hidden[l];
        }
        w += prev * a->n_out;
        if (w * ((double)p->train.max_epochs - 1) > (double)MAX_CELLS)
            return nn_spec_fail(v, "model \"%s\" has %.0f working weights: over up to %ld epochs "
                                "the oscillation study would hold more than %ld cells (lower "
                                "train.max_epochs)", p->models[i].label, w, p->train.max_epochs,
                                MAX_CELLS);
    }
    return NN_OK;
}

/* oscillation-<label>-events.csv: a 0/1 cell per working weight and epoch (two bytes each). */
static double output_bytes(const void *options, const nn_plan *p, const nn_data *d)
{
    (void)options;
    double total = 0;
    for (int i = 0; i < p->n_models; i++) {
        const nn_arch *a = &p->models[i].arch;
        double w = 0, prev = d->d;
        for (int l = 0; l < a->n_hidden; l++) {
            w += prev * a->hidden[l];
            prev = a->hidden[l];
        }
        w += prev * a->n_out;
        total += w * (2.0 * (double)p->train.max_epochs + 16) + 1e6;
    }
    return total;
}

static const nn_option options[] = {
    {.key = "window", .kind = NN_OPTION_INT, .offset = offsetof(oscillation_opts, window),
     .def = 25, .lo = 1, .hi = 1e6, .doc = "epochs in the moving average of the per-layer figure"},
};

const nn_study nn_study_oscillation = {
    .spec = {.name = "oscillation", .summary = "where each working weight changes direction "
             "from epoch to epoch, and how often per layer (notebook 000)",
             .needs = NN_NEEDS_WEIGHTS_EVERY, .options = options, .n_options = 1,
             .options_size = sizeof(oscillation_opts), .output_bytes = output_bytes,
             .output_hint = "lower train.max_epochs", .check_data = check_size},
    .figures = "`oscillation-<label>.png` (weights by epoch), `oscillation-<label>-layers.png`; "
               "their CSVs",
    .run = run,
};
