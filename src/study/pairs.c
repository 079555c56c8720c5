/* pairs.c: what the studies comparing nets share (see pairs.h). */
#include "pairs.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"
#include "nnlab/figure.h"
#include "nnlab/record.h"

/* ---- distances ------------------------------------------------------------------------- */

int pair_measure(const nn_model *a, const nn_model *b, nn_align method, nn_metric metric,
                 uint32_t seed, pairdist *pd, nn_err *e)
{
    nn_alignment al;
    int rc = nn_align_models(a, b, method, metric, seed, &al, e);
    if (rc)
        return rc;
    pd->unaligned = nn_model_distance(a, b, metric);
    pd->aligned = nn_model_distance(a, al.aligned, metric);
    pd->reorder = al.reorder_needed;
    pd->capped = al.capped;
    nn_model_free(al.aligned);
    return NN_OK;
}

/* ---- the segment between two nets ------------------------------------------------------ */

int pair_evalset_open(const nn_study_ctx *c, const nn_model *m, pair_evalset *s, nn_err *e)
{
    char path[4200];
    memset(s, 0, sizeof *s);
    nn_path_join(path, sizeof path, c->dir, "data.csv");
    int rc = nn_data_load_csv(path, nn_plan_target(c->plan), &s->raw, e);
    if (rc)
        return rc;
    s->X = nn_data_feature_major(&s->raw, m->normalized ? m->norm_mean : NULL,
                                 m->normalized ? m->norm_std : NULL);
    if (!s->X) {
        nn_data_free(&s->raw);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    s->ts = (nn_trainset){s->raw.n, s->raw.d, s->X, s->raw.y, s->raw.classify, NULL};
    s->loss = c->plan->train.loss;
    return NN_OK;
}

void pair_evalset_close(pair_evalset *s)
{
    free(s->X);
    nn_data_free(&s->raw);
}

/* max over k of v[k] - ((1 - t) v0 + t v1) (chord) or of v[k] - (v0 + v1) / 2; NaN when any
 * v[k] is not finite (a barrier over an overflowing loss is not a number). */
static double barrier_of(const double *v, int points, bool chord)
{
    double v0 = v[0], v1 = v[points - 1], b = -INFINITY;
    for (int k = 0; k < points; k++) {
        double t = (double)k / (points - 1);
        if (!isfinite(v[k]))
            return NAN;
        b = fmax(b, v[k] - (chord ? (1 - t) * v0 + t * v1 : (v0 + v1) / 2));
    }
    return b;
}

int pair_segment(const pair_evalset *s, const nn_model *a, const nn_model *b, int points,
                 pair_path *pr, nn_err *e)
{
    nn_model *m = nn_model_clone(a);
    if (!m)
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    int rc = NN_OK;
    for (int k = 0; k < points && !rc; k++) {
        double t = (double)k / (points - 1);
        for (size_t i = 0; i < a->n_params; i++)
            m->params[i] = (1 - t) * a->params[i] + t * b->params[i];
        nn_epoch_stats st;
        if (!(rc = nn_evaluate(m, s->loss, &s->ts, &st, e))) {
            pr->loss[k] = st.loss;
            pr->error[k] = st.error;
        }
    }
    nn_model_free(m);
    if (rc)
        return rc;
    pr->barrier = barrier_of(pr->loss, points, false);
    pr->barrier_chord = barrier_of(pr->loss, points, true);
    pr->error_barrier = s->ts.classify ? barrier_of(pr->error, points, true) : NAN;
    return NN_OK;
}

/* ---- values that may not be finite ---------------------------------------------------- */

void pair_json_num(cJSON *o, const char *key, double v)
{
    cJSON_AddItemToObject(o, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

void pair_csv_field(FILE *f, bool *has, int col, double v)
{
    fputc(',', f);
    nn_csv_num(f, v);
    if (isfinite(v))
        has[col] = true;
}

void pair_not_plotted(cJSON *o, const char *fmt, const char *a, const char *b)
{
    char text[300];
    if (!o)
        return;
    snprintf(text, sizeof text, fmt, a, b);
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "not_plotted");
    if (!arr)
        arr = cJSON_AddArrayToObject(o, "not_plotted");
    cJSON_AddItemToArray(arr, cJSON_CreateString(text));
}

/* ---- line figures ---------------------------------------------------------------------- */

int pair_drawable(const pair_panel *p, int np, const bool *has, bool *draw, cJSON *o)
{
    int k = 0;
    for (int i = 0; i < np; i++) {
        int lines = 0;
        for (int j = 0; j < p[i].n; j++)
            lines += has[p[i].lines[j].col];
        draw[i] = lines > 0;
        if (!lines) {
            pair_not_plotted(o, "%s%s: no finite value, panel not drawn", p[i].name, "");
            continue;
        }
        k++;
        for (int j = 0; j < p[i].n; j++)
            if (!has[p[i].lines[j].col])
                pair_not_plotted(o, "%s: %s: no finite value, line not drawn", p[i].name,
                                 p[i].lines[j].name);
    }
    return k;
}

void pair_plot_lines(nn_gp *g, const char *file, long stride, const pair_panel *p,
                     const bool *has, const char *with, const pair_panel *keyp,
                     const bool *shown)
{
    FILE *f = g->f;
    bool first = true;
    fputs("plot ", f);
    for (int j = 0; j < p->n; j++) {
        const pair_line *l = &p->lines[j];
        if (!has[l->col])
            continue;
        fputs(first ? "" : ", \\\n     ", f);
        nn_gp_str(g, file);
        if (stride > 1)
            fprintf(f, " every %ld", stride);
        fprintf(f, " using 1:%d skip 1 with %s lt %d notitle", l->col, with, l->lt);
        first = false;
    }
    for (int j = 0; keyp && j < keyp->n; j++) {
        if (!shown[j])
            continue;
        fprintf(f, ", \\\n     keyentry with %s lt %d title ", with, keyp->lines[j].lt);
        nn_gp_str(g, keyp->lines[j].key);
    }
    fputc('\n', f);
}

int pair_check_widths(nn_spec_v *v, const void *options, const nn_plan *p, const nn_data *d)
{
    (void)options, (void)d;
    for (int i = 0; i < p->n_models; i++)
        for (int l = 0; l < p->models[i].arch.n_hidden; l++)
            if (p->models[i].arch.hidden[l] > NN_ALIGN_MAX_UNITS)
                return nn_spec_fail(v, "this study aligns hidden units, which takes O(n^3) time "
                                    "and is limited to %d units per layer; model \"%s\" has %d "
                                    "in hidden layer %d", NN_ALIGN_MAX_UNITS, p->models[i].label,
                                    p->models[i].arch.hidden[l], l + 1);
    return NN_OK;
}
