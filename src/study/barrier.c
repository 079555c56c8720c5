/* barrier.c: linear mode connectivity, beyond notebook 000. Between the first model A and
 * each other model B, the loss and error on the training data of the nets (1 - t) A + t B
 * on the straight line between them, with B as trained, with B's hidden units aligned to
 * A's by the notebook's method, and by weight matching (Ainsworth, Hayase & Srinivasa
 * 2023); the loss barrier along each (pairs.h). Aligning B leaves its function unchanged,
 * so the three lines meet at t = 1. One table and one figure per pair.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "pairs.h"

typedef struct barrier_opts {
    long points;           /* values of t along each segment */
    long match_seed;       /* weight matching's visiting order */
} barrier_opts;

/* The columns of barrier-<a>-<b>.csv after t: loss and error for each alignment, in
 * nn_align order; each alignment one series colour in both panels. The names are the
 * not_plotted notes'. */
static const pair_line loss_l[] = {
    {2, 1, "as trained", "B as trained"},
    {4, 2, "notebook alignment", "B aligned (notebook 000)"},
    {6, 3, "weight matching", "B aligned (weight matching)"}};
static const pair_line err_l[] = {
    {3, 1, "as trained", "B as trained"},
    {5, 2, "notebook alignment", "B aligned (notebook 000)"},
    {7, 3, "weight matching", "B aligned (weight matching)"}};
static const pair_panel panels[] = {{"training loss", loss_l, 3}, {"train error", err_l, 3}};

static const char *loss_words(nn_loss l)
{
    switch (l) {
    case NN_LOSS_L2: return "loss (l2: half the mse)";
    case NN_LOSS_MSE: return "loss (mse)";
    case NN_LOSS_BCE: return "loss (binary cross-entropy)";
    default: return "loss (cross-entropy of the logit)";
    }
}

/* The pair's figure: loss and, for classes, error against t; one key on the right. */
static int figure(nn_study_ctx *c, const char *name, const char *la, const char *lb,
                  bool classify, const bool *has, cJSON *pj, nn_err *e)
{
    int np = classify ? 2 : 1;
    bool draw[2];
    int k = pair_drawable(panels, np, has, draw, pj);
    if (k == 0)
        return NN_OK;
    enum { P = 400, KEY = 300, TOP = 76, BOTTOM = 62, H = 480 };
    nn_gp g;
    int rc = study_figure_begin(c, &g, name, "loss and error along (1 - t) A + t B, with B as "
                                "trained and with its hidden units aligned to A",
                                k * (86 + P + 22) + KEY, H, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    char text[400], file[300];
    snprintf(file, sizeof file, "%s.csv", name);
    snprintf(text, sizeof text, "%s of the nets (1 − t) A + t B on the straight line from A = %s "
             "to B = %s", classify ? "loss and error" : "loss", la, lb);
    nn_gp_multiplot(&g, text);
    snprintf(text, sizeof text, "t (0: %s, 1: %s)", la, lb);
    fputs("set xlabel ", f);
    nn_gp_str(&g, text);
    fputs("\nset xrange [0:1]\nset xtics 0, 0.2, 1\nset yrange [0:*]\n", f);
    bool shown[3];
    for (int j = 0; j < 3; j++)
        shown[j] = (draw[0] && has[loss_l[j].col]) || (np > 1 && draw[1] && has[err_l[j].col]);
    static const char *const heads[2] = {"training loss", "train error"};
    static const char *const ylabels[2] = {NULL, "misclassification rate"};
    for (int i = 0, col = 0; i < np; i++) {
        if (!draw[i])
            continue;
        nn_gp_panel(&g, 0, col, 1, k, TOP, KEY, BOTTOM);
        if (col == 0)
            nn_gp_key_right(&g, KEY, TOP);
        nn_gp_title(&g, heads[i], NULL);
        fputs("set ylabel ", f);
        nn_gp_str(&g, ylabels[i] ? ylabels[i] : loss_words(c->plan->train.loss));
        fputc('\n', f);
        pair_plot_lines(&g, file, 1, &panels[i], has, "linespoints lw 2 pt 7 ps 0.5",
                        col == 0 ? &panels[i] : NULL, shown);
        if (col++ == 0)
            fputs("unset key\n", f);
    }
    fputs("unset multiplot\n", f);
    return study_figure_end(c, &g, pj, e);
}

static int one_pair(nn_study_ctx *c, const barrier_opts *sp, const pair_evalset *s, int i,
                    int j, cJSON *out, int *capped, nn_err *e)
{
    const char *la = c->models[i]->label, *lb = c->models[j]->label;
    nn_model *a = study_load_model(c, la, false, e);
    nn_model *b = a ? study_load_model(c, lb, false, e) : NULL;
    pair_path *pr = calloc(NN_ALIGN_COUNT, sizeof *pr);
    int rc = NN_OK, points = (int)sp->points;
    if (!a || !b || !pr) {
        rc = a && b ? nn_err_set(e, NN_ENOMEM, "", "out of memory") : e->code;
        goto done;
    }
    for (int how = 0; how < NN_ALIGN_COUNT && !rc; how++) {
        nn_alignment al;
        if ((rc = nn_align_models(a, b, (nn_align)how, NN_METRIC_MEAN_ABS,
                                  (uint32_t)sp->match_seed, &al, e))) {
            nn_err_where(e, "%s and %s", la, lb);
            break;
        }
        *capped += al.capped;
        rc = pair_segment(s, a, al.aligned, points, &pr[how], e);
        nn_model_free(al.aligned);
    }
    char path[4200], name[200];
    nn_file w = {0};
    bool has[8] = {false};
    snprintf(name, sizeof name, "barrier-%s-%s", la, lb);
    study_path(c, path, sizeof path, "%s.csv", name);
    if (!rc)
        rc = nn_file_open(&w, path, e);
    if (!rc) {
        fputs("t,loss_none,error_none,loss_notebook,error_notebook,loss_weight_matching,"
              "error_weight_matching\n", w.f);
        for (int k = 0; k < points; k++) {
            fprintf(w.f, "%.17g", (double)k / (points - 1));
            for (int how = 0; how < NN_ALIGN_COUNT; how++) {
                pair_csv_field(w.f, has, 2 + 2 * how, pr[how].loss[k]);
                pair_csv_field(w.f, has, 3 + 2 * how, pr[how].error[k]);
            }
            fputc('\n', w.f);
        }
        rc = nn_file_commit(&w, e);
    }
    if (!rc) {
        cJSON *pj = cJSON_CreateObject();
        cJSON_AddStringToObject(pj, "a", la);
        cJSON_AddStringToObject(pj, "b", lb);
        for (int how = 0; how < NN_ALIGN_COUNT; how++) {
            cJSON *h = cJSON_AddObjectToObject(pj, nn_align_names[how]);
            pair_json_num(h, "barrier", pr[how].barrier);
            pair_json_num(h, "barrier_chord", pr[how].barrier_chord);
            if (s->ts.classify)
                pair_json_num(h, "error_barrier_chord", pr[how].error_barrier);
        }
        cJSON_AddItemToArray(out, pj);
        rc = figure(c, name, la, lb, s->ts.classify, has, pj, e);
    }
done:
    free(pr);
    nn_model_free(a);
    nn_model_free(b);
    return rc;
}

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const barrier_opts *sp = plan->options;
    if (c->n_models < 2)
        return NN_OK;
    nn_model *m = study_load_model(c, c->models[0]->label, false, e);
    if (!m)
        return e->code;
    pair_evalset s;
    int rc = pair_evalset_open(c, m, &s, e), capped = 0;
    nn_model_free(m);
    if (rc)
        return rc;
    cJSON *pairs = cJSON_AddArrayToObject(out, "pairs");
    /* the first model against each of the others */
    for (int j = 1; j < c->n_models && !rc; j++)
        rc = one_pair(c, sp, &s, 0, j, pairs, &capped, e);
    cJSON *first = cJSON_GetArrayItem(pairs, 0);
    if (!rc && first) {       /* the first pair's figures at the top */
        cJSON *none = cJSON_GetObjectItemCaseSensitive(first, "none");
        cJSON *wm = cJSON_GetObjectItemCaseSensitive(first, "weight-matching");
        cJSON_AddItemToObject(out, "barrier",
                              cJSON_Duplicate(cJSON_GetObjectItem(none, "barrier"), 0));
        cJSON_AddItemToObject(out, "barrier_weight_matching",
                              cJSON_Duplicate(cJSON_GetObjectItem(wm, "barrier"), 0));
        cJSON_AddNumberToObject(out, "weight_matching_capped", capped);
    }
    pair_evalset_close(&s);
    return rc;
}

static const nn_option options[] = {
    {.key = "points", .kind = NN_OPTION_INT, .offset = offsetof(barrier_opts, points),
     .def = 25, .lo = 3, .hi = PAIR_MAX_POINTS,
     .doc = "values of t in [0, 1] along the segment between two nets"},
    {.key = "match_seed", .kind = NN_OPTION_INT, .offset = offsetof(barrier_opts, match_seed),
     .def = 0, .lo = 0, .hi = 4294967295.0, .doc = "the seed of weight matching's visiting order"},
};

const nn_study nn_study_barrier = {
    .spec = {.name = "barrier", .summary = "linear mode connectivity: loss and error along the "
             "segment between two nets, as trained and with hidden units aligned",
             .needs = NN_NEEDS_SAME_SHAPE | NN_NEEDS_PAIRS, .options = options,
             .n_options = sizeof options / sizeof *options,
             .options_size = sizeof(barrier_opts), .check_data = pair_check_widths},
    .figures = "`barrier-<a>-<b>.png` and .csv for the first pair",
    .run = run,
};
