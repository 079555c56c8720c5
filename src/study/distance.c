/* distance.c: notebook 000's "Distance between neural nets": how far apart two nets are,
 * up to reorderings of their hidden units, at initialisation and after training, for every
 * pair of models; and whether each net's hidden order survives its own training (the
 * notebook asks it of its first net). Net A is the earlier model in the spec and B is
 * aligned to it (pairs.h). The distances themselves are the library's (distance.h); this
 * study writes the table, no figure. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "pairs.h"

typedef struct distance_opts {
    int method;            /* 0 notebook, 1 weight-matching */
    int metric;            /* nn_metric */
    long match_seed;       /* weight matching's visiting order */
} distance_opts;

static void csv_pairdist(FILE *f, const char *la, const char *lb, const char *stage,
                         const pairdist *d)
{
    fprintf(f, "%s,%s,%s,", la, lb, stage);
    nn_csv_num(f, d->unaligned);
    fputc(',', f);
    nn_csv_num(f, d->aligned);
    fprintf(f, ",%d\n", d->reorder);
}

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const distance_opts *sp = plan->options;
    int n = c->n_models, rc = NN_OK;
    nn_model **init = calloc((size_t)(n ? n : 1), sizeof *init);
    nn_model **fin = calloc((size_t)(n ? n : 1), sizeof *fin);
    char path[4200];
    nn_file w = {0};
    if (!init || !fin) {
        free(init), free(fin);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    for (int i = 0; i < n && !rc; i++) {
        init[i] = study_load_model(c, c->models[i]->label, true, e);
        fin[i] = init[i] ? study_load_model(c, c->models[i]->label, false, e) : NULL;
        if (!init[i] || !fin[i])
            rc = e->code;
    }
    nn_align method = (nn_align)(sp->method + 1);   /* none, notebook, weight-matching */
    nn_metric metric = (nn_metric)sp->metric;
    uint32_t seed = (uint32_t)sp->match_seed;
    cJSON_AddStringToObject(out, "method", nn_align_names[method]);
    cJSON_AddStringToObject(out, "metric", nn_metric_names[metric]);
    study_path(c, path, sizeof path, "distance.csv");
    if (!rc)
        rc = nn_file_open(&w, path, e);
    if (!rc)
        fputs("a,b,stage,unaligned,aligned,reorder_needed\n", w.f);
    cJSON *pairs = cJSON_AddArrayToObject(out, "pairs");
    int capped = 0;
    for (int i = 0; i < n && !rc; i++)
        for (int j = i + 1; j < n && !rc; j++) {
            pairdist d0, d1;
            const char *la = c->models[i]->label, *lb = c->models[j]->label;
            if ((rc = pair_measure(init[i], init[j], method, metric, seed, &d0, e)) ||
                (rc = pair_measure(fin[i], fin[j], method, metric, seed, &d1, e))) {
                nn_err_where(e, "%s and %s", la, lb);
                break;
            }
            capped += d0.capped + d1.capped;
            csv_pairdist(w.f, la, lb, "initial", &d0);
            csv_pairdist(w.f, la, lb, "final", &d1);
            cJSON *pj = cJSON_CreateObject();
            cJSON_AddStringToObject(pj, "a", la);
            cJSON_AddStringToObject(pj, "b", lb);
            pair_json_num(pj, "initial", d0.aligned);
            pair_json_num(pj, "final", d1.aligned);
            pair_json_num(pj, "unaligned_initial", d0.unaligned);
            pair_json_num(pj, "unaligned_final", d1.unaligned);
            cJSON_AddBoolToObject(pj, "reorder_needed_initial", d0.reorder);
            cJSON_AddBoolToObject(pj, "reorder_needed_final", d1.reorder);
            cJSON_AddItemToArray(pairs, pj);
            if (i == 0 && j == 1) {     /* the first pair's figures, where scripts look */
                pair_json_num(out, "initial", d0.aligned);
                pair_json_num(out, "final", d1.aligned);
                pair_json_num(out, "unaligned_initial", d0.unaligned);
                pair_json_num(out, "unaligned_final", d1.unaligned);
            }
        }
    /* has each net's hidden order survived training? (notebook 000 asks it of its first) */
    cJSON *per = cJSON_AddObjectToObject(out, "models");
    for (int i = 0; i < n && !rc; i++) {
        pairdist d;
        if ((rc = pair_measure(init[i], fin[i], method, metric, seed, &d, e))) {
            nn_err_where(e, "%s, initial and final", c->models[i]->label);
            break;
        }
        capped += d.capped;
        csv_pairdist(w.f, c->models[i]->label, c->models[i]->label, "initial_vs_final", &d);
        cJSON *mj = cJSON_AddObjectToObject(per, c->models[i]->label);
        pair_json_num(mj, "initial_vs_final", d.aligned);
        cJSON_AddBoolToObject(mj, "reorder_needed_initial_vs_final", d.reorder);
        if (i == 0)
            cJSON_AddBoolToObject(out, "reorder_needed_initial_vs_final", d.reorder);
    }
    if (method == NN_ALIGN_WEIGHT_MATCHING)
        cJSON_AddNumberToObject(out, "weight_matching_capped", capped);
    if (!rc)
        rc = nn_file_commit(&w, e);
    else
        nn_file_abort(&w);
    for (int i = 0; i < n; i++) {
        nn_model_free(init[i]);
        nn_model_free(fin[i]);
    }
    free(init), free(fin);
    return rc;
}

static const char *const methods[] = {"notebook", "weight-matching"};

static const nn_option options[] = {
    {.key = "method", .kind = NN_OPTION_ENUM, .offset = offsetof(distance_opts, method),
     .names = methods, .n_names = 2, .def_name = "notebook", .what = "alignment method",
     .doc = "how B's hidden units are aligned to A's: notebook 000's search, layer by layer, "
            "or weight matching (Ainsworth et al. 2023)"},
    {.key = "metric", .kind = NN_OPTION_ENUM, .offset = offsetof(distance_opts, metric),
     .names = nn_metric_names, .n_names = NN_METRIC_COUNT, .def_name = "mean-abs",
     .what = "distance metric", .doc = "notebook 000's mean |a - b| or the Euclidean distance"},
    {.key = "match_seed", .kind = NN_OPTION_INT, .offset = offsetof(distance_opts, match_seed),
     .def = 0, .lo = 0, .hi = 4294967295.0, .doc = "the seed of weight matching's visiting order"},
};

const nn_study nn_study_distance = {
    .spec = {.name = "distance", .summary = "distances between nets at initialisation and "
             "after training, hidden units aligned (notebook 000)",
             .needs = NN_NEEDS_SAME_SHAPE, .options = options,
             .n_options = sizeof options / sizeof *options,
             .options_size = sizeof(distance_opts), .check_data = pair_check_widths},
    .figures = "`distance.csv` (every pair, and each net from its own initialisation)",
    .run = run,
};
