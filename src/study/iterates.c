/* iterates.c: notebook 000's raw against averaged iterates ("Where do neural nets
 * converge?"). Averaged SGD steps a raw iterate and the model is the running average of it;
 * per model, epoch by epoch, how far the raw weights are from the initial weights and from
 * the previous epoch's raw weights (each aligned to the other first when `reorder`, as the
 * notebook does for its [8, 8, 4] net and not for its larger one), and the cosine
 * similarity of the initial weights with the averaged weights (the model) and with the raw
 * ones. The notebook reconstructs the raw iterate from consecutive averages; nnlab reads it
 * from raw_weights.csv, as asgd kept it.
 *
 * Two figures per model, as the notebook draws them: the two distances side by side, each
 * on its own scale (the steps are a hundredth of the distance travelled), and the two
 * cosines. The raw weights are the theme's first series colour in both.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairs.h"

typedef struct iterates_opts {
    int metric;            /* nn_metric */
    bool reorder;          /* align each raw iterate to the one it is compared with */
} iterates_opts;

static bool finite_params(const nn_model *m)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (!isfinite(m->params[i]))
            return false;
    return true;
}

/* A line in a figure a few hundred pixels wide needs no more points than this (as curves). */
#define MAX_POINTS 5000

/* The x axis: epochs, and what an epoch is when the batch is not the whole set (curves.c). */
static void epoch_label(const nn_study_ctx *c, nn_gp *g)
{
    char xlabel[200];
    size_t B = c->plan->train.batch;
    if (B == 0)
        snprintf(xlabel, sizeof xlabel, "epoch (one full-batch step each)");
    else
        snprintf(xlabel, sizeof xlabel, "epoch (steps of %zu samples)", B);
    fputs("set xlabel ", g->f);
    nn_gp_str(g, xlabel);
    fputs("\nset xrange [0:*]\nset autoscale xfixmax\n", g->f);
}

/* The lines, their not_plotted names as before the figures were redrawn. The raw weights
 * are lt 1 in both figures, the averaged weights lt 2. */
static const pair_line from_l[] = {{2, 1, "distance from the original", "raw weights"}},
                       cons_l[] = {{3, 1, "distance from the previous", "raw weights"}},
                       cos_l[] = {{5, 1, "raw", "raw weights (asgd's iterate)"},
                                  {4, 2, "averaged (the model)", "averaged weights (the model)"}};
static const pair_panel dist_p[] = {{"distance between raw weights and original weights", from_l, 1},
                                    {"distance between consecutive raw weights", cons_l, 1}},
                        cos_p = {"cosine similarity from the original position", cos_l, 2};

/* The notebook's first figure: the two distances, side by side, each on its own scale. */
static int distance_figure(nn_study_ctx *c, const iterates_opts *sp, const char *label,
                           const char *file, long stride, const bool *has, cJSON *mo, nn_err *e)
{
    bool draw[2];
    int k = pair_drawable(dist_p, 2, has, draw, mo);
    if (k == 0)
        return NN_OK;
    enum { P = 470, TOP = 76, BOTTOM = 62, H = 480 };
    static const char *const heads[2] = {"from the initial weights",
                                         "from the previous epoch's raw weights"};
    char base[200], text[300];
    snprintf(base, sizeof base, "iterates-%s", label);
    nn_gp g;
    int rc = study_figure_begin(c, &g, base, "asgd's raw iterates: distances from the initial "
                                "weights and between consecutive epochs (notebook 000, 'Where do "
                                "neural nets converge?')", k * (86 + P + 22), H, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    if (stride > 1)
        fprintf(f, "# every %ld: one row in %ld is drawn (at most %d points a line); the table "
                "holds every epoch\n", stride, stride, MAX_POINTS);
    epoch_label(c, &g);
    snprintf(text, sizeof text, "distance (%s)",
             sp->metric == NN_METRIC_L2 ? "Euclidean" : "mean |a − b|");
    fputs("set ylabel ", f);
    nn_gp_str(&g, text);
    fputs("\nset yrange [0:*]\n", f);
    snprintf(text, sizeof text, "%s: how far averaged SGD's raw weights move (%s)", label,
             sp->reorder ? "hidden units aligned before each distance"
                         : "hidden units not reordered");
    nn_gp_multiplot(&g, text);
    for (int i = 0, col = 0; i < 2; i++) {
        if (!draw[i])
            continue;
        nn_gp_panel(&g, 0, col++, 1, k, TOP, 0, BOTTOM);
        nn_gp_title(&g, heads[i], NULL);
        pair_plot_lines(&g, file, stride, &dist_p[i], has, "lines lw 2", NULL, NULL);
    }
    fputs("unset multiplot\n", f);
    return study_figure_end(c, &g, mo, e);
}

/* The notebook's second figure: the cosine similarity of the initial weights with the
 * raw and with the averaged weights; its y axis from 0 to 1.1, as the notebook's. */
static int cosine_figure(nn_study_ctx *c, const char *label, const char *file, long stride,
                         const bool *has, cJSON *notes, cJSON *figs, nn_err *e)
{
    bool draw;
    if (pair_drawable(&cos_p, 1, has, &draw, notes) == 0)
        return NN_OK;
    enum { P = 560, KEY = 290, TOP = 50, BOTTOM = 62, H = 460 };
    char base[200], text[300];
    snprintf(base, sizeof base, "iterates-%s-cosine", label);
    nn_gp g;
    int rc = study_figure_begin(c, &g, base, "asgd's raw iterates: cosine similarity of the "
                                "initial weights with the raw and the averaged weights (notebook "
                                "000, 'Where do neural nets converge?')", 86 + P + 22 + KEY, H, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    if (stride > 1)
        fprintf(f, "# every %ld: one row in %ld is drawn (at most %d points a line); the table "
                "holds every epoch\n", stride, stride, MAX_POINTS);
    nn_gp_panel(&g, 0, 0, 1, 1, TOP, KEY, BOTTOM);
    nn_gp_key_right(&g, KEY, TOP);
    snprintf(text, sizeof text, "%s: cosine similarity with the initial weights", label);
    nn_gp_title(&g, text, NULL);
    epoch_label(c, &g);
    fputs("set ylabel 'cosine similarity'\nset yrange [0:1.1]\nset ytics 0, 0.2, 1\n", f);
    bool shown[2] = {has[cos_l[0].col], has[cos_l[1].col]};
    pair_plot_lines(&g, file, stride, &cos_p, has, "lines lw 2", &cos_p, shown);
    return study_figure_end(c, &g, figs, e);
}

static int one_model(nn_study_ctx *c, const iterates_opts *sp, const char *label, cJSON *out,
                     nn_err *e)
{
    nn_model *m = study_load_model(c, label, false, e);
    if (!m)
        return e->code;
    nn_model *r0 = nn_model_clone(m), *rp = nn_model_clone(m), *raw = nn_model_clone(m),
             *avg = nn_model_clone(m);
    traj ta = {0}, tr = {0};
    char path[4200];
    nn_file w = {0};
    int rc = NN_OK, ga = 0, gr = 0;
    long ea, er, rows = 0;
    double last_from = NAN, last_cons = NAN, last_cos = NAN, last_cos_raw = NAN;
    bool has[6] = {false};
    if (!r0 || !rp || !raw || !avg) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
        goto done;
    }
    if ((rc = traj_open(&ta, c, label, false, m, e)) || (rc = traj_open(&tr, c, label, true, m, e)))
        goto done;
    study_path(c, path, sizeof path, "iterates-%s.csv", label);
    if ((rc = nn_file_open(&w, path, e)))
        goto done;
    fputs("epoch,distance_from_initial,distance_consecutive,cosine_averaged,cosine_raw\n", w.f);
    nn_align how = sp->reorder ? NN_ALIGN_NOTEBOOK : NN_ALIGN_NONE;
    nn_metric metric = (nn_metric)sp->metric;
    while ((ga = traj_next(&ta, &ea, avg->params, e)) > 0 &&
           (gr = traj_next(&tr, &er, raw->params, e)) > 0) {
        if (ea != er || ea != rows) {
            rc = nn_err_set(e, NN_ERUN, tr.path, "the iterates study needs both trajectories at "
                            "every epoch (row for epoch %ld where %ld was expected)", er, rows);
            goto done;
        }
        if (rows == 0) {
            memcpy(r0->params, raw->params, m->n_params * sizeof(double));
        } else {
            /* a diverged run's last row may hold nan or inf: no alignment, no distance */
            pairdist from = {NAN, NAN, false, false}, cons = {NAN, NAN, false, false};
            if (finite_params(raw) && finite_params(r0) && finite_params(rp) &&
                ((rc = pair_measure(r0, raw, how, metric, 0, &from, e)) ||
                 (rc = pair_measure(rp, raw, how, metric, 0, &cons, e)))) {
                nn_err_where(e, "%s (epoch %ld)", tr.path, ea);
                goto done;
            }
            last_from = from.aligned, last_cons = cons.aligned;
            last_cos = nn_model_cosine(r0, avg), last_cos_raw = nn_model_cosine(r0, raw);
            fprintf(w.f, "%ld", ea);
            pair_csv_field(w.f, has, 2, last_from);
            pair_csv_field(w.f, has, 3, last_cons);
            pair_csv_field(w.f, has, 4, last_cos);
            pair_csv_field(w.f, has, 5, last_cos_raw);
            fputc('\n', w.f);
        }
        memcpy(rp->params, raw->params, m->n_params * sizeof(double));
        rows++;
    }
    if (ga < 0 || gr < 0) {
        rc = e->code;
        goto done;
    }
    /* both files must end together: one longer than the other is a damaged record */
    if (ga == 0 && (gr = traj_next(&tr, &er, raw->params, e)) != 0) {
        rc = gr < 0 ? e->code
                    : nn_err_set(e, NN_ERUN, ta.path, "ends after %ld rows, but %s goes on (epoch "
                                 "%ld): the two trajectories must have the same rows", rows,
                                 tr.path, er);
        goto done;
    }
    if (ga > 0 && gr == 0) {
        rc = nn_err_set(e, NN_ERUN, tr.path, "ends after %ld rows, but %s goes on (epoch %ld): "
                        "the two trajectories must have the same rows", rows, ta.path, ea);
        goto done;
    }
    if ((rc = nn_file_commit(&w, e)))
        goto done;
    cJSON *mo = cJSON_AddObjectToObject(out, label);
    cJSON_AddNumberToObject(mo, "epochs", (double)(rows > 0 ? rows - 1 : 0));
    pair_json_num(mo, "final_distance_from_initial", last_from);
    pair_json_num(mo, "final_distance_consecutive", last_cons);
    pair_json_num(mo, "final_cosine_averaged", last_cos);
    pair_json_num(mo, "final_cosine_raw", last_cos_raw);
    char file[200];
    snprintf(file, sizeof file, "iterates-%s.csv", label);
    long stride = (rows + MAX_POINTS - 1) / MAX_POINTS;
    if ((rc = distance_figure(c, sp, label, file, stride, has, mo, e)))
        goto done;
    /* the cosine figure's names under figure_cosine (script and figure are the first's) */
    cJSON *figs = cJSON_CreateObject();
    if (!figs) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
        goto done;
    }
    rc = cosine_figure(c, label, file, stride, has, mo, figs, e);
    if (!rc && cJSON_GetObjectItem(figs, "figure")) {
        char png[260];
        snprintf(png, sizeof png, "iterates-%s-cosine.png", label);
        cJSON_AddStringToObject(mo, "figure_cosine", png);
    }
    cJSON_Delete(figs);
done:
    traj_close(&ta);
    traj_close(&tr);
    nn_file_abort(&w);
    nn_model_free(m), nn_model_free(r0), nn_model_free(rp), nn_model_free(raw), nn_model_free(avg);
    return rc;
}

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const iterates_opts *sp = plan->options;
    for (int i = 0; i < c->n_models; i++) {
        int rc = one_model(c, sp, c->models[i]->label, out, e);
        if (rc)
            return rc;
    }
    return NN_OK;
}

static int check(nn_spec_v *v, const void *options, const nn_plan *p)
{
    (void)options;
    if (p->train.opt.kind != NN_OPT_ASGD)
        return nn_spec_fail(v, "the iterates study compares asgd's raw and averaged iterates; "
                            "the optimizer is \"%s\"", nn_opt_names[p->train.opt.kind]);
    return NN_OK;
}

static int check_widths(nn_spec_v *v, const void *options, const nn_plan *p, const nn_data *d)
{
    const iterates_opts *o = options;
    return o->reorder ? pair_check_widths(v, options, p, d) : NN_OK;
}

static const nn_option options[] = {
    {.key = "metric", .kind = NN_OPTION_ENUM, .offset = offsetof(iterates_opts, metric),
     .names = nn_metric_names, .n_names = NN_METRIC_COUNT, .def_name = "mean-abs",
     .what = "distance metric", .doc = "notebook 000's mean |a - b| or the Euclidean distance"},
    {.key = "reorder", .kind = NN_OPTION_BOOL, .offset = offsetof(iterates_opts, reorder),
     .def = 1, .doc = "align each raw iterate to the one it is compared with (the notebook does "
                      "for its [8, 8, 4] net, not for its larger one)"},
};

const nn_study nn_study_iterates = {
    .spec = {.name = "iterates", .summary = "asgd's raw iterate against its average, epoch by "
             "epoch: distances from the start and between consecutive iterates (notebook 000)",
             .needs = NN_NEEDS_WEIGHTS_EVERY | NN_NEEDS_RAW, .options = options,
             .n_options = sizeof options / sizeof *options,
             .options_size = sizeof(iterates_opts), .check = check,
             .check_data = check_widths},
    .figures = "`iterates-<label>.png`; `iterates-<label>.csv`",
    .run = run,
};
