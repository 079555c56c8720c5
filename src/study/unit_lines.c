/* unit_lines.c: notebook 004's picture of what first-layer units do: each unit's line
 * w.x + b = 0, in input coordinates, over the 2-D training data. Inputs pass through the
 * model's own normalisation, so the lines are drawn in the data's coordinates whatever the
 * spec's normalize. */
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


static int run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    (void)sp;
    nn_data d;
    int rc = study_load_data(c, &d, e);
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
        /* the lines over the points, the window the data's own, units equal on both axes;
         * the points in their class colours, each unit h<j> in a series colour of its own */
        nn_gp g;
        char base[200], names[2][64];
        snprintf(base, sizeof base, "unit-lines-%s", label);
        if ((rc = study_figure_begin(c, &g, base, "notebook 004's hidden-unit lines: each "
                                     "first-layer unit's line w.x + b = 0 over the data", 720,
                                     640, e)))
            break;
        snprintf(t, sizeof t, "%s: each first-layer unit's line w.x + b = 0", label);
        nn_gp_title(&g, t, NULL);
        fprintf(g.f, "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\nset size ratio -1\n",
                x0, x1, y0, y1);
        fputs("set xlabel ", g.f);
        nn_gp_str(&g, nn_data_name(&d, 0, names[0], sizeof names[0]));
        fputs("\nset ylabel ", g.f);
        nn_gp_str(&g, nn_data_name(&d, 1, names[1], sizeof names[1]));
        fprintf(g.f, "\nplot 'data.csv' skip 1 using 1:($3 < 0.5 ? $2 : NaN) with points pt 7 "
                     "ps 0.6*PS lc rgb CLASS0 title 'class 0', \\\n"
                     "     'data.csv' skip 1 using 1:($3 >= 0.5 ? $2 : NaN) with points pt 7 ps 0.6*PS "
                     "lc rgb CLASS1 title 'class 1'");
        snprintf(t, sizeof t, "unit-lines-%s.csv", label);
        nn_gp_quote(q, sizeof q, t);
        for (size_t j = 0; j < h; j++) {
            char style[80];
            nn_gp_series(style, sizeof style, (int)j + 2);   /* past the class colours */
            fprintf(g.f, ", \\\n     %s skip 1 every ::%zu::%zu using 5:6:($7-$5):($8-$6) with "
                         "vectors nohead lw 2 %s title 'h%zu'", q, j, j, style, j);
        }
        fputc('\n', g.f);
        rc = study_figure_end(c, &g, res, e);
    }
    nn_data_free(&d);
    return rc;
}


const nn_study nn_study_unit_lines = {
    .spec = {.name = "unit_lines", .summary = "each first-layer unit's line w.x + b = 0 over "
             "the 2-D training data (notebook 004)",
             .needs = NN_NEEDS_HIDDEN | NN_NEEDS_INPUT_2D,
             .input_why = "draws each unit's line in the input plane"},
    .figures = "`unit-lines-<label>.png` and .csv",
    .run = run,
};
