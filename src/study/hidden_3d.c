/* hidden_3d.c: notebook 004's view of the first hidden layer: every training point's
 * activations, and a 3-D scatter of each triple of units (units counted from 0, triples in
 * the order of the notebook's itertools.combinations). */
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


typedef struct hidden_3d_opts {
    long max_triples;      /* at most this many 3-D scatter plots per model */
} hidden_3d_opts;

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const hidden_3d_opts *sp = plan->options;
    nn_data d;
    int rc = study_load_data(c, &d, e);
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
        double *a = study_first_layer(m, &d, e);
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
        char path[4200], t[300];
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
                    char base[300];
                    snprintf(base, sizeof base, "hidden-3d-%s-%zu-%zu-%zu", label, x, y, z);
                    nn_gp g;
                    if ((rc = study_figure_begin(c, &g, base, "first-layer activations of three "
                                                 "units (notebook 004)", 720, 640, e)))
                        break;
                    snprintf(t, sizeof t, "%s: hidden units h%zu, h%zu, h%zu", label, x, y, z);
                    nn_gp_title(&g, t, NULL);
                    fprintf(g.f, "set view 60,35\nset ticslevel 0\nset border 4095 lw 0.5 lc rgb MUTED\n"
                                 "set xlabel 'h%zu'\nset ylabel 'h%zu'\nset zlabel 'h%zu' rotate parallel\n"
                                 "splot 'hidden-3d-%s.csv' skip 1 using %zu:%zu:($%zu < 0.5 ? $%zu : NaN) "
                                 "with points pt 7 ps 0.6*PS lc rgb CLASS0 title 'class 0', \\\n"
                                 "      'hidden-3d-%s.csv' skip 1 using %zu:%zu:($%zu >= 0.5 ? $%zu : NaN) "
                                 "with points pt 7 ps 0.6*PS lc rgb CLASS1 title 'class 1'\n",
                            x, y, z, label, x + 1, y + 1, h + 1, z + 1, label, x + 1, y + 1, h + 1,
                            z + 1);
                    cJSON *tmp = cJSON_CreateObject();
                    rc = study_figure_end(c, &g, tmp, e);
                    const cJSON *fg = cJSON_GetObjectItemCaseSensitive(tmp, "figure");
                    if (!rc && cJSON_IsString(fg))
                        cJSON_AddItemToArray(figs, cJSON_CreateString(fg->valuestring));
                    cJSON_Delete(tmp);
                }
        cJSON_AddNumberToObject(res, "triples", drawn);
    }
    nn_data_free(&d);
    return rc;
}


/* each model's table of activations (a unit per column), and a figure per triple */
static double output_bytes(const void *options, const nn_plan *p, const nn_data *d)
{
    (void)options;
    double units = 0;
    for (int i = 0; i < p->n_models; i++)
        units += p->models[i].arch.n_hidden ? (double)p->models[i].arch.hidden[0] + 1 : 1;
    return (double)d->n * units * 22.0;
}

static double figure_count(const void *options, const nn_plan *p)
{
    const hidden_3d_opts *o = options;
    return (double)p->n_models * (double)o->max_triples;
}

static const nn_option options[] = {
    {.key = "max_triples", .kind = NN_OPTION_INT, .offset = offsetof(hidden_3d_opts, max_triples),
     .def = 20, .lo = 1, .hi = 1000, .doc = "at most this many triples per model, in itertools.combinations order"},
};

const nn_study nn_study_hidden_3d = {
    .spec = {.name = "hidden_3d", .summary = "the first hidden layer's activations of the "
             "training points, as 3-D scatters of each triple of units (notebook 004)",
             .needs = NN_NEEDS_HIDDEN, .options = options, .n_options = 1,
             .options_size = sizeof(hidden_3d_opts), .output_bytes = output_bytes,
             .figure_count = figure_count, .output_hint = "lower its max_triples"},
    .figures = "`hidden-3d-<label>-<i>-<j>-<k>.png`; `hidden-3d-<label>.csv`",
    .run = run,
};
