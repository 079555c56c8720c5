/* geometry.c: notebook 004's pictures of what hidden units do (see study.h).
 *
 *   unit_lines  each first-layer unit's line w.x + b = 0, in input coordinates, over the
 *               2-D training data (unit-lines-<label>.csv and .png);
 *   hidden_3d   the first layer's activations of every training point, and a 3-D
 *               scatter of each triple of units (hidden-3d-<label>.csv, one
 *               hidden-3d-<label>-<i>-<j>-<k>.png per triple, units counted from 0 as
 *               the notebook's itertools.combinations does);
 *   fit         for a regression net with one hidden layer and one input: the data, the
 *               prediction and the "binary activation" prediction, the output layer
 *               applied to the hidden units thresholded (1 above threshold, else 0), with
 *               R^2 over the whole set and over each half of the inputs (fit-<label>.csv
 *               and .png).
 * Inputs are transformed with the model's own normalisation, so the lines are drawn in the
 * data's coordinates whatever the spec's normalize.
 */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/act.h"
#include "nnlab/data.h"
#include "nnlab/figure.h"
#include "nnlab/record.h"
#include "nnlab/study.h"
#include "common.h"

static int load_data(nn_study_ctx *c, nn_data *d, nn_err *e)
{
    char path[4200];
    study_path(c, path, sizeof path, "data.csv");
    return nn_data_load_csv(path, "y", d, e);
}

/* The first hidden layer's activations for every point: (n, width[1]) row-major. */
static double *first_layer(const nn_model *m, const nn_data *d, nn_err *e)
{
    size_t h = (size_t)m->width[1], n_in = (size_t)m->width[0];
    double *z = malloc(d->n * h * sizeof *z), *a = malloc(d->n * h * sizeof *a);
    if (!z || !a) {
        free(z);
        free(a);
        nn_err_set(e, NN_ENOMEM, "", "out of memory");
        return NULL;
    }
    const double *W = nn_model_W(m, 0), *b = nn_model_b(m, 0);
    for (size_t s = 0; s < d->n; s++)
        for (size_t j = 0; j < h; j++) {
            double acc = 0.0;
            for (size_t k = 0; k < n_in; k++) {
                double x = d->x[s * n_in + k];
                if (m->normalized)
                    x = (x - m->norm_mean[k]) / m->norm_std[k];
                acc += W[j * n_in + k] * x;
            }
            z[s * h + j] = b ? acc + b[j] : acc;
        }
    nn_act_forward(m->L > 1 ? m->arch.act : m->arch.out_act, m->arch.slope, a, z, d->n * h);
    free(z);
    return a;
}

/* ---- unit lines ------------------------------------------------------------------------- */

int nn_study_unit_lines(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    (void)sp;
    nn_data d;
    int rc = load_data(c, &d, e);
    if (rc)
        return rc;
    if (d.d != 2) {
        nn_data_free(&d);
        return nn_err_set(e, NN_ERUN, "data.csv", "the unit_lines study draws the input plane "
                          "and needs 2 features, the data has %d", d.d);
    }
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t s = 0; s < d.n; s++) {
        x0 = fmin(x0, d.x[2 * s]), x1 = fmax(x1, d.x[2 * s]);
        y0 = fmin(y0, d.x[2 * s + 1]), y1 = fmax(y1, d.x[2 * s + 1]);
    }
    if (!(x1 > x0))
        x0 -= 1, x1 += 1;
    if (!(y1 > y0))
        y0 -= 1, y1 += 1;
    for (int i = 0; i < c->n_models && !rc; i++) {
        const char *label = c->models[i]->label;
        nn_model *m = study_load_model(c, label, false, e);
        if (!m) {
            rc = e->code;
            break;
        }
        size_t h = (size_t)m->width[1];
        const double *W = nn_model_W(m, 0), *b = nn_model_b(m, 0);
        char path[4200], q[300], t[300];
        nn_file w;
        study_path(c, path, sizeof path, "unit-lines-%s.csv", label);
        if ((rc = nn_file_open(&w, path, e))) {
            nn_model_free(m);
            break;
        }
        fputs("unit,w1,w2,b,x_start,y_start,x_end,y_end\n", w.f);
        cJSON *res = cJSON_AddObjectToObject(out, label), *units = cJSON_AddArrayToObject(res, "units");
        for (size_t j = 0; j < h; j++) {
            /* w.((x - mean) / std) + b = 0 is a.x + c = 0 in the data's coordinates */
            double a[2], cc = b ? b[j] : 0.0;
            for (int k = 0; k < 2; k++) {
                double wk = W[j * 2 + (size_t)k];
                a[k] = m->normalized ? wk / m->norm_std[k] : wk;
                if (m->normalized)
                    cc -= wk * m->norm_mean[k] / m->norm_std[k];
            }
            double xs, ys, xe, ye;
            if (fabs(a[1]) > 1e-12 * fabs(a[0])) {   /* as the notebook: from x_min to x_max */
                xs = x0, xe = x1;
                ys = (-cc - a[0] * x0) / a[1];
                ye = (-cc - a[0] * x1) / a[1];
            } else {                                   /* vertical */
                xs = xe = -cc / a[0];
                ys = y0, ye = y1;
            }
            fprintf(w.f, "%zu", j);
            double v[7] = {a[0], a[1], cc, xs, ys, xe, ye};
            for (int k = 0; k < 7; k++) {
                fputc(',', w.f);
                nn_csv_num(w.f, v[k]);
            }
            fputc('\n', w.f);
            cJSON *u = cJSON_CreateArray();
            for (int k = 0; k < 3; k++)
                cJSON_AddItemToArray(u, isfinite(v[k]) ? cJSON_CreateNumber(v[k]) : cJSON_CreateNull());
            cJSON_AddItemToArray(units, u);
        }
        nn_model_free(m);
        if ((rc = nn_file_commit(&w, e)))
            break;
        study_path(c, path, sizeof path, "unit-lines-%s.gp", label);
        if ((rc = nn_file_open(&w, path, e)))
            break;
        snprintf(t, sizeof t, "%s: each hidden unit's line w.x + b = 0", label);
        nn_gp_quote(q, sizeof q, t);
        fprintf(w.f, "# nnlab: notebook 004's hidden-unit lines for %s.\n"
                     "# Redraw from this folder with: gnuplot unit-lines-%s.gp\n"
                     "if (!exists(\"outfile\")) outfile = 'unit-lines-%s.png'\n"
                     "set terminal pngcairo size 700,700 noenhanced font 'sans,10'\n"
                     "set output outfile\nset datafile separator ','\n"
                     "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\nset size ratio -1\n"
                     "set xlabel 'x1'\nset ylabel 'x2'\nset key outside right\nset title %s\n"
                     "plot 'data.csv' skip 1 using 1:($3 < 0.5 ? $2 : NaN) with points pt 5 ps 0.5 "
                     "lc rgb '#d62728' title '0', \\\n"
                     "     'data.csv' skip 1 using 1:($3 >= 0.5 ? $2 : NaN) with points pt 5 ps 0.5 "
                     "lc rgb '#2ca02c' title '1', \\\n"
                     "     'unit-lines-%s.csv' skip 1 using 5:6:($7-$5):($8-$6):($1+3) with vectors "
                     "nohead lw 2 lc variable title 'units'\n",
                label, label, label, x0, x1, y0, y1, q, label);
        if ((rc = nn_file_commit(&w, e)))
            break;
        char script[300], png[300];
        snprintf(script, sizeof script, "unit-lines-%s.gp", label);
        snprintf(png, sizeof png, "unit-lines-%s.png", label);
        rc = study_gnuplot(c, script, png, res, e);
    }
    nn_data_free(&d);
    return rc;
}

/* ---- hidden activations in 3-D ------------------------------------------------------------ */

int nn_study_hidden_3d(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    nn_data d;
    int rc = load_data(c, &d, e);
    if (rc)
        return rc;
    for (int i = 0; i < c->n_models && !rc; i++) {
        const char *label = c->models[i]->label;
        nn_model *m = study_load_model(c, label, false, e);
        if (!m) {
            rc = e->code;
            break;
        }
        size_t h = (size_t)m->width[1];
        cJSON *res = cJSON_AddObjectToObject(out, label);
        double *a = first_layer(m, &d, e);
        nn_model_free(m);
        if (!a) {
            rc = e->code;
            break;
        }
        /* points whose every activation is within 0.05 of 0 or 1: the cube's corners */
        bool squash = c->models[i]->arch.act == NN_ACT_SIGMOID || c->models[i]->arch.act == NN_ACT_TANH;
        if (squash) {
            size_t corner = 0;
            for (size_t s = 0; s < d.n; s++) {
                bool all = true;
                for (size_t j = 0; j < h && all; j++) {
                    double v = a[s * h + j];
                    double lo = c->models[i]->arch.act == NN_ACT_TANH ? -1 : 0;
                    all = fabs(v - lo) < 0.05 || fabs(v - 1) < 0.05;
                }
                corner += all;
            }
            cJSON_AddNumberToObject(res, "corner_fraction", (double)corner / (double)d.n);
        }
        char path[4200], q[300], t[300];
        nn_file w;
        study_path(c, path, sizeof path, "hidden-3d-%s.csv", label);
        if ((rc = nn_file_open(&w, path, e))) {
            free(a);
            break;
        }
        for (size_t j = 0; j < h; j++)
            fprintf(w.f, "h%zu,", j);
        fputs("y\n", w.f);
        for (size_t s = 0; s < d.n; s++) {
            for (size_t j = 0; j < h; j++) {
                nn_csv_num(w.f, a[s * h + j]);
                fputc(',', w.f);
            }
            nn_csv_num(w.f, d.y[s]);
            fputc('\n', w.f);
        }
        free(a);
        if ((rc = nn_file_commit(&w, e)))
            break;
        if (h < 3) {
            cJSON_AddStringToObject(res, "skipped", "fewer than 3 units in the first hidden layer");
            continue;
        }
        cJSON *figs = cJSON_AddArrayToObject(res, "figures");
        int drawn = 0;
        for (size_t x = 0; x < h && !rc && drawn < sp->max_triples; x++)
            for (size_t y = x + 1; y < h && !rc && drawn < sp->max_triples; y++)
                for (size_t z = y + 1; z < h && !rc && drawn < sp->max_triples; z++, drawn++) {
                    char script[300], png[300];
                    snprintf(script, sizeof script, "hidden-3d-%s-%zu-%zu-%zu.gp", label, x, y, z);
                    snprintf(png, sizeof png, "hidden-3d-%s-%zu-%zu-%zu.png", label, x, y, z);
                    study_path(c, path, sizeof path, "%s", script);
                    if ((rc = nn_file_open(&w, path, e)))
                        break;
                    snprintf(t, sizeof t, "%s: hidden units (%zu, %zu, %zu)", label, x, y, z);
                    nn_gp_quote(q, sizeof q, t);
                    fprintf(w.f, "# nnlab: first-layer activations of units %zu, %zu, %zu "
                                 "(notebook 004).\n# Redraw from this folder with: gnuplot %s\n"
                                 "if (!exists(\"outfile\")) outfile = '%s'\n"
                                 "set terminal pngcairo size 700,640 noenhanced font 'sans,10'\n"
                                 "set output outfile\nset datafile separator ','\n"
                                 "set view 60,35\nset ticslevel 0\nset title %s\n"
                                 "set xlabel 'h%zu'\nset ylabel 'h%zu'\nset zlabel 'h%zu' rotate parallel\n"
                                 "splot 'hidden-3d-%s.csv' skip 1 using %zu:%zu:($%zu < 0.5 ? $%zu : NaN) "
                                 "with points pt 5 ps 0.5 lc rgb '#d62728' title '0', \\\n"
                                 "      'hidden-3d-%s.csv' skip 1 using %zu:%zu:($%zu >= 0.5 ? $%zu : NaN) "
                                 "with points pt 5 ps 0.5 lc rgb '#2ca02c' title '1'\n",
                            x, y, z, script, png, q, x, y, z, label, x + 1, y + 1, h + 1, z + 1,
                            label, x + 1, y + 1, h + 1, z + 1);
                    if ((rc = nn_file_commit(&w, e)))
                        break;
                    cJSON *tmp = cJSON_CreateObject();
                    rc = study_gnuplot(c, script, png, tmp, e);
                    if (!rc && cJSON_GetObjectItemCaseSensitive(tmp, "figure"))
                        cJSON_AddItemToArray(figs, cJSON_CreateString(png));
                    cJSON_Delete(tmp);
                }
        cJSON_AddNumberToObject(res, "triples", drawn);
    }
    nn_data_free(&d);
    return rc;
}

/* ---- regression fit and binary activations ------------------------------------------------ */

static int cmp_x(const void *a, const void *b, void *ctx)
{
    const double *x = ctx;
    double u = x[*(const size_t *)a], v = x[*(const size_t *)b];
    return (u > v) - (u < v);
}

/* R^2 of pred against y over the points idx[0..n). */
static double r_squared(const double *y, const double *pred, const size_t *idx, size_t n)
{
    double mean = 0.0, res = 0.0, tot = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += y[idx[i]];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double r = y[idx[i]] - pred[idx[i]], t = y[idx[i]] - mean;
        res += r * r;
        tot += t * t;
    }
    return tot > 0 ? 1.0 - res / tot : NAN;
}

static cJSON *num(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

int nn_study_fit(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    nn_data d;
    int rc = load_data(c, &d, e);
    if (rc)
        return rc;
    if (d.d != 1 || d.classify || d.n < 4) {
        nn_data_free(&d);
        return nn_err_set(e, NN_ERUN, "data.csv", "the fit study needs regression data with one "
                          "input and at least 4 points");
    }
    double *pred = malloc(d.n * sizeof *pred), *bin = malloc(d.n * sizeof *bin);
    size_t *idx = malloc(d.n * sizeof *idx);
    if (!pred || !bin || !idx)
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory");
    for (size_t s = 0; s < d.n && !rc; s++)
        idx[s] = s;
    if (!rc)   /* sorted by x (stable: ties keep data order) */
        for (size_t s = 1; s < d.n; s++)
            for (size_t k = s; k > 0 && cmp_x(&idx[k - 1], &idx[k], d.x) > 0; k--) {
                size_t tmp = idx[k];
                idx[k] = idx[k - 1];
                idx[k - 1] = tmp;
            }
    for (int i = 0; i < c->n_models && !rc; i++) {
        const char *label = c->models[i]->label;
        nn_model *m = study_load_model(c, label, false, e);
        if (!m) {
            rc = e->code;
            break;
        }
        double *a = NULL;
        if ((rc = nn_model_predict(m, pred, d.x, d.n, e)) || !(a = first_layer(m, &d, e))) {
            rc = rc ? rc : e->code;
            nn_model_free(m);
            break;
        }
        size_t h = (size_t)m->width[1];
        const double *V = nn_model_W(m, 1), *cb = nn_model_b(m, 1);
        for (size_t s = 0; s < d.n; s++) {
            double acc = 0.0;
            for (size_t j = 0; j < h; j++)
                acc += V[j] * (a[s * h + j] > sp->threshold ? 1.0 : 0.0);
            bin[s] = cb ? acc + cb[0] : acc;
        }
        nn_act_forward(m->arch.out_act, 0.0, bin, bin, d.n);
        free(a);
        nn_model_free(m);
        double mse = 0.0;
        for (size_t s = 0; s < d.n; s++)
            mse += (pred[s] - d.y[s]) * (pred[s] - d.y[s]);
        mse /= (double)d.n;
        size_t half = d.n / 2;
        double r2 = r_squared(d.y, pred, idx, d.n), r2l = r_squared(d.y, pred, idx, half),
               r2r = r_squared(d.y, pred, idx + half, d.n - half);
        cJSON *res = cJSON_AddObjectToObject(out, label);
        cJSON_AddItemToObject(res, "mse", num(mse));
        cJSON_AddItemToObject(res, "r2", num(r2));
        cJSON_AddItemToObject(res, "r2_left", num(r2l));
        cJSON_AddItemToObject(res, "r2_right", num(r2r));
        cJSON_AddItemToObject(res, "split_x", num(d.x[idx[half]]));
        cJSON_AddStringToObject(res, "better_half", r2l > r2r ? "left" : r2r > r2l ? "right" : "neither");
        char path[4200], q[300], t[300];
        nn_file w;
        study_path(c, path, sizeof path, "fit-%s.csv", label);
        if ((rc = nn_file_open(&w, path, e)))
            break;
        fputs("x,y,prediction,binary\n", w.f);
        for (size_t k = 0; k < d.n; k++) {
            size_t s = idx[k];
            double v[4] = {d.x[s], d.y[s], pred[s], bin[s]};
            for (int q2 = 0; q2 < 4; q2++) {
                if (q2)
                    fputc(',', w.f);
                nn_csv_num(w.f, v[q2]);
            }
            fputc('\n', w.f);
        }
        if ((rc = nn_file_commit(&w, e)))
            break;
        study_path(c, path, sizeof path, "fit-%s.gp", label);
        if ((rc = nn_file_open(&w, path, e)))
            break;
        double sx = d.x[idx[half]], span = fabs(d.x[idx[0]]) + fabs(d.x[idx[d.n - 1]]);
        if (fabs(sx) < 1e-9 * span)   /* np.arange's 0 is -3.6e-14 */
            sx = 0;
        snprintf(t, sizeof t, "%s: mse %.3g; R^2 %.3f left of x = %.4g, %.3f right", label, mse,
                 r2l, sx, r2r);
        nn_gp_quote(q, sizeof q, t);
        fprintf(w.f, "# nnlab: notebook 004's regression fit and binary activations for %s.\n"
                     "# Redraw from this folder with: gnuplot fit-%s.gp\n"
                     "if (!exists(\"outfile\")) outfile = 'fit-%s.png'\n"
                     "set terminal pngcairo size 800,640 noenhanced font 'sans,10'\n"
                     "set output outfile\nset datafile separator ','\nset grid\nset key bottom center opaque\n"
                     "set xlabel 'x'\nset ylabel 'y'\nset title %s\n"
                     "plot 'fit-%s.csv' skip 1 using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'data', \\\n"
                     "     '' skip 1 using 1:4 with lines lw 2 lc rgb '#ff7f0e' title 'binary (units > %g)', \\\n"
                     "     '' skip 1 using 1:3 with lines lw 2 lc rgb '#d62728' title 'prediction'\n",
                label, label, label, q, label, sp->threshold);
        if ((rc = nn_file_commit(&w, e)))
            break;
        char script[300], png[300];
        snprintf(script, sizeof script, "fit-%s.gp", label);
        snprintf(png, sizeof png, "fit-%s.png", label);
        rc = study_gnuplot(c, script, png, res, e);
    }
    free(pred);
    free(bin);
    free(idx);
    nn_data_free(&d);
    return rc;
}
