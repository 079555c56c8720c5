/* fit.c: notebook 004's regression: for a net with one hidden layer and one input, the data,
 * the prediction, and the "binary activation" prediction (the output layer applied to the
 * hidden units thresholded: 1 above threshold, else 0), with R^2 over the whole set and over
 * each half of the inputs. */
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


typedef struct fit_opts {
    double threshold;      /* the binary activation is 1 above this */
} fit_opts;

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

static int check_points(nn_spec_v *v, const void *options, const nn_plan *p, const nn_data *d)
{
    (void)options, (void)p;
    if (d->n < 4)
        return nn_spec_fail(v, "the fit study needs at least 4 points, the data has %zu", d->n);
    return NN_OK;
}

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const fit_opts *sp = plan->options;
    nn_data d;
    int rc = study_load_data(c, &d, e);
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
        if ((rc = nn_model_predict(m, pred, d.x, d.n, e)) || !(a = study_first_layer(m, &d, e))) {
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
        double sx = d.x[idx[half]], span = fabs(d.x[idx[0]]) + fabs(d.x[idx[d.n - 1]]);
        if (fabs(sx) < 1e-9 * span)   /* np.arange's 0 is -3.6e-14 */
            sx = 0;
        /* the window: the data and the prediction, with a margin; the binary-activation
         * prediction's spikes go past it rather than squash the rest into a band */
        double ylo = INFINITY, yhi = -INFINITY;
        for (size_t k = 0; k < d.n; k++) {
            ylo = fmin(ylo, fmin(d.y[k], isfinite(pred[k]) ? pred[k] : d.y[k]));
            yhi = fmax(yhi, fmax(d.y[k], isfinite(pred[k]) ? pred[k] : d.y[k]));
        }
        double pad = (yhi - ylo) * 0.12 + 1e-12;
        ylo -= pad, yhi += pad;
        size_t out_of = 0;
        for (size_t k = 0; k < d.n; k++)
            out_of += bin[k] < ylo || bin[k] > yhi;
        nn_gp g;
        char base[200], names[2][64], xname[64], yname[64];
        snprintf(xname, sizeof xname, "%s", nn_data_name(&d, 0, names[0], sizeof names[0]));
        snprintf(yname, sizeof yname, "%s", nn_data_name(&d, 1, names[1], sizeof names[1]));
        snprintf(base, sizeof base, "fit-%s", label);
        if ((rc = study_figure_begin(c, &g, base, "notebook 004's regression fit and binary "
                                     "activations", 820, 560, e)))
            break;
        snprintf(t, sizeof t, "%s: mse %.3g; R² %.3f left of x = %.4g, %.3f right", label, mse,
                 r2l, sx, r2r);
        nn_gp_title(&g, t, NULL);
        fprintf(g.f, "set yrange [%.17g:%.17g]\nset bmargin 7\n"
                     "set key at screen 0.5, screen 0.02 center bottom horizontal\n", ylo, yhi);
        fputs("set xlabel ", g.f);
        nn_gp_str(&g, xname);
        fputs("\nset ylabel ", g.f);
        nn_gp_str(&g, yname);
        snprintf(t, sizeof t, "binary: hidden units 1 above %g%s", sp->threshold,
                 out_of ? " (beyond the window in places)" : "");
        nn_gp_quote(q, sizeof q, t);
        fprintf(g.f, "\nplot 'fit-%s.csv' skip 1 using 1:2 with lines lt 1 title 'data', \\\n"
                     "     '' skip 1 using 1:4 with lines lt 2 title %s, \\\n"
                     "     '' skip 1 using 1:3 with lines lt 4 title 'prediction'\n", label, q);
        if (out_of)
            cJSON_AddNumberToObject(res, "binary_points_outside_figure", (double)out_of);
        if ((rc = study_figure_end(c, &g, res, e)))
            break;
        /* the prediction alone, as notebook 004 first draws it: plt.plot(x, y); plt.plot(x, pred) */
        snprintf(base, sizeof base, "fit-%s-prediction", label);
        if ((rc = study_figure_begin(c, &g, base, "notebook 004's regression: the data and the "
                                     "prediction", 820, 520, e)))
            break;
        snprintf(t, sizeof t, "%s: the prediction; mse %.3g, R² %.3f", label, mse, r2);
        nn_gp_title(&g, t, NULL);
        fputs("set xlabel ", g.f);
        nn_gp_str(&g, xname);
        fputs("\nset ylabel ", g.f);
        nn_gp_str(&g, yname);
        fprintf(g.f, "\nplot 'fit-%s.csv' skip 1 using 1:2 with lines lt 1 title 'data', \\\n"
                     "     '' skip 1 using 1:3 with lines lt 4 title 'prediction'\n", label);
        cJSON *tmp = cJSON_CreateObject();
        rc = study_figure_end(c, &g, tmp, e);
        const cJSON *fg = cJSON_GetObjectItemCaseSensitive(tmp, "figure");
        if (!rc && cJSON_IsString(fg))
            cJSON_AddStringToObject(res, "figure_prediction", fg->valuestring);
        cJSON_Delete(tmp);
    }
    free(pred);
    free(bin);
    free(idx);
    nn_data_free(&d);
    return rc;
}

static const nn_option options[] = {
    {.key = "threshold", .kind = NN_OPTION_NUM, .offset = offsetof(fit_opts, threshold),
     .def = 0.5, .lo = -1e6, .hi = 1e6, .doc = "a hidden unit's binary activation is 1 above it, else 0"},
};

const nn_study nn_study_fit = {
    .spec = {.name = "fit", .summary = "a regression net's fit: the data, its prediction and "
             "the binary-activation prediction, with R^2 over each half (notebook 004)",
             .needs = NN_NEEDS_ONE_HIDDEN | NN_NEEDS_INPUT_1D | NN_NEEDS_REGRESSION,
             .input_why = "draws a regression fit", .options = options, .n_options = 1,
             .options_size = sizeof(fit_opts), .check_data = check_points},
    .figures = "`fit-<label>.png` (with the binary prediction), `fit-<label>-prediction.png` "
               "(the prediction alone) and `fit-<label>.csv`",
    .run = run,
};
