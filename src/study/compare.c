/* compare.c: studies that compare nets: notebook 000's distance between nets and its raw
 * against averaged iterates, and, beyond the notebook, linear mode connectivity (barrier)
 * and every pair of replicates (seed_pairs).
 *
 * Net A is the reference and B is aligned to it (B's hidden units reordered), as notebook
 * 000's approx_neural_net_dist(nn_1, nn_2) reorders nn_2. Along the segment between two
 * nets, (1 - t) A + t B for evenly spaced t in [0, 1], the loss barrier is reported twice:
 * max_t L(t) - (L(0) + L(1)) / 2, and against the chord, max_t L(t) - ((1 - t) L(0) + t L(1)).
 *
 * Non-finite values (a loss that overflows, a distance between huge weights) are written
 * as nan/inf in the tables and null in summary.json; a figure leaves out the lines with no
 * finite value (gnuplot refuses to plot them) and says so in the study's "not_plotted".
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nnlab/data.h"
#include "nnlab/distance.h"
#include "nnlab/record.h"
#include "nnlab/train.h"

/* ---- what the studies here share ---------------------------------------------------------- */

/* The options of all four (each study lists only its own). */
typedef struct pair_opts {
    int method;            /* distance: 0 notebook, 1 weight-matching */
    int metric;            /* nn_metric */
    long points;           /* barrier, seed_pairs: points along each segment */
    long match_seed;       /* weight matching's visiting order */
    bool reorder;          /* iterates: align each raw iterate to the initial weights */
} pair_opts;

/* A number, or null when it is not finite. */
static void json_num(cJSON *o, const char *key, double v)
{
    cJSON_AddItemToObject(o, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

/* A CSV field (",v", nn_csv_num), noting in has[col] that column col got a finite value. */
static void csv_field(FILE *f, bool *has, int col, double v)
{
    fputc(',', f);
    nn_csv_num(f, v);
    if (isfinite(v))
        has[col] = true;
}

/* Say in o's "not_plotted" (made on first use) what a figure leaves out. */
static void not_plotted(cJSON *o, const char *fmt, const char *a, const char *b)
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

/* A figure's panels, each a plot of CSV columns against column 1. */
typedef struct gp_line {
    int col;                  /* 1-based column of the CSV */
    const char *style, *title;
} gp_line;

typedef struct gp_panel {
    const char *title;        /* plain text */
    const char *set;          /* gnuplot settings before its plot ("" for none) */
    const gp_line *lines;
    int n;
} gp_panel;

/* How many panels have a line to draw (a line needs a finite value in its column, has[col]);
 * what is left out is noted in o. */
static int gp_drawable(const gp_panel *p, int np, const bool *has, cJSON *o)
{
    int k = 0;
    for (int i = 0; i < np; i++) {
        int lines = 0;
        for (int j = 0; j < p[i].n; j++)
            lines += has[p[i].lines[j].col];
        if (!lines) {
            not_plotted(o, "%s%s: no finite value, panel not drawn", p[i].title, "");
            continue;
        }
        k++;
        for (int j = 0; j < p[i].n; j++)
            if (!has[p[i].lines[j].col])
                not_plotted(o, "%s: %s: no finite value, line not drawn", p[i].title,
                            p[i].lines[j].title);
    }
    return k;
}

/* The panels that have something to draw, as a multiplot of one row titled title (already
 * quoted) when title is not NULL; file is the CSV's name, quoted. */
static void gp_body(FILE *f, const char *file, const char *title, const gp_panel *p, int np,
                    const bool *has)
{
    char q[300];
    if (title)
        fprintf(f, "set multiplot layout 1,%d title %s\n", gp_drawable(p, np, has, NULL), title);
    for (int i = 0; i < np; i++) {
        bool first = true;
        for (int j = 0; j < p[i].n; j++) {
            const gp_line *l = &p[i].lines[j];
            if (!has[l->col])
                continue;
            if (first) {
                nn_gp_quote(q, sizeof q, p[i].title);
                fprintf(f, "set title %s\n%splot ", q, p[i].set);
            } else {
                fputs(", \\\n     ", f);
            }
            nn_gp_quote(q, sizeof q, l->title);
            fprintf(f, "%s using 1:%d skip 1 with %s title %s", file, l->col, l->style, q);
            first = false;
        }
        if (!first)
            fputc('\n', f);
    }
    if (title)
        fputs("unset multiplot\n", f);
}

/* ---- distance ------------------------------------------------------------------------------ */

typedef struct pairdist {
    double unaligned, aligned;
    bool reorder, capped;
} pairdist;

static int measure_pair(const nn_model *a, const nn_model *b, nn_align method, nn_metric metric,
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

static void csv_pairdist(FILE *f, const char *la, const char *lb, const char *stage, const pairdist *d)
{
    fprintf(f, "%s,%s,%s,", la, lb, stage);
    nn_csv_num(f, d->unaligned);
    fputc(',', f);
    nn_csv_num(f, d->aligned);
    fprintf(f, ",%d\n", d->reorder);
}

static int run_distance(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const pair_opts *sp = plan->options;
    int n = c->n_models, rc = NN_OK;
    nn_model **init = calloc((size_t)(n ? n : 1), sizeof *init), **fin = calloc((size_t)(n ? n : 1), sizeof *fin);
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
            if ((rc = measure_pair(init[i], init[j], method, metric, (uint32_t)sp->match_seed, &d0, e)) ||
                (rc = measure_pair(fin[i], fin[j], method, metric, (uint32_t)sp->match_seed, &d1, e))) {
                nn_err_where(e, "%s and %s", la, lb);
                break;
            }
            capped += d0.capped + d1.capped;
            csv_pairdist(w.f, la, lb, "initial", &d0);
            csv_pairdist(w.f, la, lb, "final", &d1);
            cJSON *pj = cJSON_CreateObject();
            cJSON_AddStringToObject(pj, "a", la);
            cJSON_AddStringToObject(pj, "b", lb);
            json_num(pj, "initial", d0.aligned);
            json_num(pj, "final", d1.aligned);
            json_num(pj, "unaligned_initial", d0.unaligned);
            json_num(pj, "unaligned_final", d1.unaligned);
            cJSON_AddBoolToObject(pj, "reorder_needed_initial", d0.reorder);
            cJSON_AddBoolToObject(pj, "reorder_needed_final", d1.reorder);
            cJSON_AddItemToArray(pairs, pj);
            if (i == 0 && j == 1) {     /* the first pair's figures, where scripts look */
                json_num(out, "initial", d0.aligned);
                json_num(out, "final", d1.aligned);
                json_num(out, "unaligned_initial", d0.unaligned);
                json_num(out, "unaligned_final", d1.unaligned);
            }
        }
    /* has each net's hidden order survived training? (notebook 000 asks it of its first) */
    cJSON *per = cJSON_AddObjectToObject(out, "models");
    for (int i = 0; i < n && !rc; i++) {
        pairdist d;
        if ((rc = measure_pair(init[i], fin[i], method, metric, (uint32_t)sp->match_seed, &d, e))) {
            nn_err_where(e, "%s, initial and final", c->models[i]->label);
            break;
        }
        capped += d.capped;
        csv_pairdist(w.f, c->models[i]->label, c->models[i]->label, "initial_vs_final", &d);
        cJSON *mj = cJSON_AddObjectToObject(per, c->models[i]->label);
        json_num(mj, "initial_vs_final", d.aligned);
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

/* ---- raw against averaged iterates ------------------------------------------------------- */

static bool finite_params(const nn_model *m)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (!isfinite(m->params[i]))
            return false;
    return true;
}

static int iterates_model(nn_study_ctx *c, const pair_opts *sp, const char *label,
                          cJSON *out, nn_err *e)
{
    nn_model *m = study_load_model(c, label, false, e);
    if (!m)
        return e->code;
    nn_model *r0 = nn_model_clone(m), *rp = nn_model_clone(m), *rc_ = nn_model_clone(m),
             *avg = nn_model_clone(m);
    traj ta = {0}, tr = {0};
    char path[4200];
    nn_file w = {0};
    int rc = NN_OK, ga = 0, gr = 0;
    long ea, er, rows = 0;
    double last_from = NAN, last_cons = NAN, last_cos = NAN, last_cos_raw = NAN;
    bool has[6] = {false};
    if (!r0 || !rp || !rc_ || !avg) {
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
    while ((ga = traj_next(&ta, &ea, avg->params, e)) > 0 &&
           (gr = traj_next(&tr, &er, rc_->params, e)) > 0) {
        if (ea != er || ea != rows) {
            rc = nn_err_set(e, NN_ERUN, tr.path, "the iterates study needs both trajectories at "
                            "every epoch (row for epoch %ld where %ld was expected)", er, rows);
            goto done;
        }
        if (rows == 0) {
            memcpy(r0->params, rc_->params, m->n_params * sizeof(double));
        } else {
            /* a diverged run's last row may hold nan or inf: no alignment, no distance */
            pairdist from = {NAN, NAN, false, false}, cons = {NAN, NAN, false, false};
            if (finite_params(rc_) && finite_params(r0) && finite_params(rp) &&
                ((rc = measure_pair(r0, rc_, how, (nn_metric)sp->metric, 0, &from, e)) ||
                 (rc = measure_pair(rp, rc_, how, (nn_metric)sp->metric, 0, &cons, e)))) {
                nn_err_where(e, "%s (epoch %ld)", tr.path, ea);
                goto done;
            }
            last_from = from.aligned, last_cons = cons.aligned;
            last_cos = nn_model_cosine(r0, avg), last_cos_raw = nn_model_cosine(r0, rc_);
            fprintf(w.f, "%ld", ea);
            csv_field(w.f, has, 2, last_from);
            csv_field(w.f, has, 3, last_cons);
            csv_field(w.f, has, 4, last_cos);
            csv_field(w.f, has, 5, last_cos_raw);
            fputc('\n', w.f);
        }
        memcpy(rp->params, rc_->params, m->n_params * sizeof(double));
        rows++;
    }
    if (ga < 0 || gr < 0) {
        rc = e->code;
        goto done;
    }
    /* both files must end together: one longer than the other is a damaged record */
    if (ga == 0 && (gr = traj_next(&tr, &er, rc_->params, e)) != 0) {
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
    json_num(mo, "final_distance_from_initial", last_from);
    json_num(mo, "final_distance_consecutive", last_cons);
    json_num(mo, "final_cosine_averaged", last_cos);
    json_num(mo, "final_cosine_raw", last_cos_raw);
    /* the notebook's two figures, one script each */
    static const gp_line from_l[] = {{2, "lines lw 2", "distance from the original"}},
                         cons_l[] = {{3, "lines lw 2", "distance from the previous"}},
                         cos_l[] = {{4, "lines lw 2", "averaged (the model)"}, {5, "lines lw 2", "raw"}};
    static const gp_panel dist_p[] = {{"distance between raw weights and original weights", "", from_l, 1},
                                      {"distance between consecutive raw weights", "", cons_l, 1}},
                          cos_p[] = {{"cosine similarity from the original position", "", cos_l, 2}};
    char q[300], title[300], file[200], png[260];
    snprintf(file, sizeof file, "iterates-%s.csv", label);
    nn_gp_quote(q, sizeof q, file);
    for (int fig = 0; fig < 2 && !rc; fig++) {
        const gp_panel *panels = fig ? cos_p : dist_p;
        int np = fig ? 1 : 2, k = gp_drawable(panels, np, has, mo);
        if (k == 0)
            continue;
        char base[200];
        snprintf(base, sizeof base, "iterates-%s%s", label, fig ? "-cosine" : "");
        snprintf(png, sizeof png, "%s.png", base);
        nn_gp g;
        if ((rc = study_figure_begin(c, &g, base, "asgd's raw iterates (notebook 000, 'Where do "
                                     "neural nets converge?')", fig ? 800 : 550 * k, 460, e)))
            goto done;
        fputs("set xlabel 'epoch'\n", g.f);
        if (fig == 0) {
            snprintf(title, sizeof title, "%s: distances between the raw iterates (%s%s)", label,
                     nn_metric_names[sp->metric], sp->reorder ? ", hidden units aligned" : "");
            nn_gp_quote(file, sizeof file, title);
            fputs("set ylabel 'distance'\nunset key\n", g.f);
            gp_body(g.f, q, file, dist_p, 2, has);
        } else {
            snprintf(title, sizeof title, "%s: cosine similarity from the original position", label);
            gp_panel one = cos_p[0];
            one.title = title;
            fputs("set yrange [0:1.1]\nset ylabel 'cosine similarity'\n", g.f);
            gp_body(g.f, q, NULL, &one, 1, has);
        }
        cJSON *figs = fig ? cJSON_CreateObject() : mo;
        rc = study_figure_end(c, &g, figs, e);
        if (fig) {
            if (cJSON_GetObjectItem(figs, "figure"))
                cJSON_AddStringToObject(mo, "figure_cosine", png);
            cJSON_Delete(figs);
        }
    }
done:
    traj_close(&ta);
    traj_close(&tr);
    nn_file_abort(&w);
    nn_model_free(m), nn_model_free(r0), nn_model_free(rp), nn_model_free(rc_), nn_model_free(avg);
    return rc;
}

static int run_iterates(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const pair_opts *sp = plan->options;
    for (int i = 0; i < c->n_models; i++) {
        int rc = iterates_model(c, sp, c->models[i]->label, out, e);
        if (rc)
            return rc;
    }
    return NN_OK;
}

/* ---- linear mode connectivity ------------------------------------------------------------- */

typedef struct evalset {
    nn_data raw;
    double *X;
    nn_trainset ts;
    nn_loss loss;
} evalset;

static int evalset_open(const nn_study_ctx *c, const nn_model *m, evalset *s, nn_err *e)
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

static void evalset_close(evalset *s)
{
    free(s->X);
    nn_data_free(&s->raw);
}

typedef struct path_result {
    double loss[1001], error[1001];
    double barrier, barrier_chord, error_barrier;
} path_result;

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

/* Loss and error along (1 - t) a + t b at points evenly spaced t. */
static int segment(const evalset *s, const nn_model *a, const nn_model *b, int points,
                   path_result *pr, nn_err *e)
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

static int barrier_pair(nn_study_ctx *c, const pair_opts *sp, const evalset *s, int i, int j,
                        cJSON *out, int *capped, nn_err *e)
{
    const char *la = c->models[i]->label, *lb = c->models[j]->label;
    nn_model *a = study_load_model(c, la, false, e);
    nn_model *b = a ? study_load_model(c, lb, false, e) : NULL;
    if (!a || !b) {
        nn_model_free(a);
        return e->code;
    }
    static path_result pr[NN_ALIGN_COUNT];
    int rc = NN_OK;
    for (int how = 0; how < NN_ALIGN_COUNT && !rc; how++) {
        nn_alignment al;
        if ((rc = nn_align_models(a, b, (nn_align)how, NN_METRIC_MEAN_ABS, (uint32_t)sp->match_seed, &al, e))) {
            nn_err_where(e, "%s and %s", la, lb);
            break;
        }
        *capped += al.capped;
        rc = segment(s, a, al.aligned, (int)sp->points, &pr[how], e);
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
        for (int k = 0; k < (int)sp->points; k++) {
            fprintf(w.f, "%.17g", (double)k / ((int)sp->points - 1));
            for (int how = 0; how < NN_ALIGN_COUNT; how++) {
                csv_field(w.f, has, 2 + 2 * how, pr[how].loss[k]);
                csv_field(w.f, has, 3 + 2 * how, pr[how].error[k]);
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
            json_num(h, "barrier", pr[how].barrier);
            json_num(h, "barrier_chord", pr[how].barrier_chord);
            if (s->ts.classify)
                json_num(h, "error_barrier_chord", pr[how].error_barrier);
        }
        cJSON_AddItemToArray(out, pj);
        /* the figure: the loss, and the error when the data are classes (regression has none) */
        static const char *const LP = "linespoints lw 2 pt 7 ps 0.5";
        const gp_line loss_l[] = {{2, LP, "as trained"}, {4, LP, "notebook alignment"},
                                  {6, LP, "weight matching"}},
                      err_l[] = {{3, LP, "as trained"}, {5, LP, "notebook alignment"},
                                 {7, LP, "weight matching"}};
        const gp_panel panels[] = {{"training loss", "set ylabel 'loss'\n", loss_l, 3},
                                   {"train error", "set ylabel 'error'\n", err_l, 3}};
        int np = s->ts.classify ? 2 : 1, k = gp_drawable(panels, np, has, pj);
        char q[300], title[300], file[300];
        nn_gp g;
        if (k > 0 && !(rc = study_figure_begin(c, &g, name, "loss and error along (1 - t) A + t B, "
                                               "with B as trained and with its hidden units aligned "
                                               "to A", 550 * k, 460, e))) {
            fputs("set xlabel 't'\n", g.f);
            snprintf(title, sizeof title, "from %s (t = 0) to %s (t = 1)", la, lb);
            nn_gp_quote(q, sizeof q, title);
            snprintf(title, sizeof title, "%s.csv", name);
            nn_gp_quote(file, sizeof file, title);
            gp_body(g.f, file, q, panels, np, has);
            rc = study_figure_end(c, &g, pj, e);
        }
    }
    nn_model_free(a);
    nn_model_free(b);
    return rc;
}

static int run_barrier(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const pair_opts *sp = plan->options;
    if (c->n_models < 2)
        return NN_OK;
    nn_model *m = study_load_model(c, c->models[0]->label, false, e);
    if (!m)
        return e->code;
    evalset s;
    int rc = evalset_open(c, m, &s, e), capped = 0;
    nn_model_free(m);
    if (rc)
        return rc;
    cJSON *pairs = cJSON_AddArrayToObject(out, "pairs");
    /* the first model against each of the others */
    for (int j = 1; j < c->n_models && !rc; j++)
        rc = barrier_pair(c, sp, &s, 0, j, pairs, &capped, e);
    cJSON *first = cJSON_GetArrayItem(pairs, 0);
    if (!rc && first) {       /* the first pair's figures at the top */
        cJSON *none = cJSON_GetObjectItemCaseSensitive(first, "none");
        cJSON *wm = cJSON_GetObjectItemCaseSensitive(first, "weight-matching");
        cJSON_AddItemToObject(out, "barrier", cJSON_Duplicate(cJSON_GetObjectItem(none, "barrier"), 0));
        cJSON_AddItemToObject(out, "barrier_weight_matching",
                              cJSON_Duplicate(cJSON_GetObjectItem(wm, "barrier"), 0));
        cJSON_AddNumberToObject(out, "weight_matching_capped", capped);
    }
    evalset_close(&s);
    return rc;
}

/* ---- every pair of replicates ----------------------------------------------------------- */

static int run_seed_pairs(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const pair_opts *sp = plan->options;
    int n = c->n_models, rc = NN_OK;
    if (n < 2)
        return NN_OK;
    nn_model **init = calloc((size_t)n, sizeof *init), **fin = calloc((size_t)n, sizeof *fin);
    evalset s = {0};
    bool have_set = false;
    nn_file w = {0};
    char path[4200];
    if (!init || !fin) {
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory");
        goto done;
    }
    for (int i = 0; i < n && !rc; i++) {
        init[i] = study_load_model(c, c->models[i]->label, true, e);
        fin[i] = init[i] ? study_load_model(c, c->models[i]->label, false, e) : NULL;
        if (!init[i] || !fin[i])
            rc = e->code;
    }
    if (rc || (rc = evalset_open(c, fin[0], &s, e)))
        goto done;
    have_set = true;
    study_path(c, path, sizeof path, "seed-pairs.csv");
    if ((rc = nn_file_open(&w, path, e)))
        goto done;
    fputs("pair,a,b,initial_unaligned,initial_notebook,initial_weight_matching,final_unaligned,"
          "final_notebook,final_weight_matching,barrier_none,barrier_weight_matching\n", w.f);
    double sums[8] = {0};
    int np = 0, finite[8] = {0}, capped = 0;
    bool has[12] = {false};
    nn_metric metric = (nn_metric)sp->metric;
    static path_result pr0, pr1;
    for (int i = 0; i < n && !rc; i++)
        for (int j = i + 1; j < n && !rc; j++) {
            pairdist a0, a1, b0, b1;
            nn_alignment al;
            if ((rc = measure_pair(init[i], init[j], NN_ALIGN_NOTEBOOK, metric, 0, &a0, e)) ||
                (rc = measure_pair(init[i], init[j], NN_ALIGN_WEIGHT_MATCHING, metric, (uint32_t)sp->match_seed, &a1, e)) ||
                (rc = measure_pair(fin[i], fin[j], NN_ALIGN_NOTEBOOK, metric, 0, &b0, e)) ||
                (rc = measure_pair(fin[i], fin[j], NN_ALIGN_WEIGHT_MATCHING, metric, (uint32_t)sp->match_seed, &b1, e)) ||
                (rc = segment(&s, fin[i], fin[j], (int)sp->points, &pr0, e)) ||
                (rc = nn_align_models(fin[i], fin[j], NN_ALIGN_WEIGHT_MATCHING, metric, (uint32_t)sp->match_seed, &al, e))) {
                nn_err_where(e, "%s and %s", c->models[i]->label, c->models[j]->label);
                break;
            }
            capped += a1.capped + b1.capped;
            rc = segment(&s, fin[i], al.aligned, (int)sp->points, &pr1, e);
            nn_model_free(al.aligned);
            if (rc)
                break;
            double row[8] = {a0.unaligned, a0.aligned, a1.aligned, b0.unaligned, b0.aligned,
                             b1.aligned, pr0.barrier, pr1.barrier};
            fprintf(w.f, "%d,%s,%s", np + 1, c->models[i]->label, c->models[j]->label);
            for (int k = 0; k < 8; k++) {
                csv_field(w.f, has, 4 + k, row[k]);
                if (isfinite(row[k])) {
                    sums[k] += row[k];
                    finite[k]++;
                }
            }
            fputc('\n', w.f);
            np++;
        }
    if (rc || (rc = nn_file_commit(&w, e)))
        goto done;
    static const char *const keys[8] = {"initial_unaligned", "initial_notebook",
                                        "initial_weight_matching", "final_unaligned",
                                        "final_notebook", "final_weight_matching", "barrier_none",
                                        "barrier_weight_matching"};
    cJSON_AddNumberToObject(out, "pairs", np);
    cJSON_AddStringToObject(out, "metric", nn_metric_names[metric]);
    /* means over the pairs where the value is finite; how many were not, per column */
    cJSON *means = cJSON_AddObjectToObject(out, "mean");
    cJSON *skipped = cJSON_AddObjectToObject(out, "pairs_nonfinite");
    for (int k = 0; k < 8; k++) {
        json_num(means, keys[k], finite[k] ? sums[k] / finite[k] : NAN);
        cJSON_AddNumberToObject(skipped, keys[k], np - finite[k]);
    }
    cJSON_AddNumberToObject(out, "weight_matching_capped", capped);
    /* one figure: distances before and after training, and the barriers, per pair */
    static const gp_line dist_l[] = {
        {4, "linespoints pt 6 lc rgb '#999999'", "initial, as drawn"},
        {6, "linespoints pt 7 lc rgb '#4477aa'", "initial, weight matching"},
        {7, "linespoints pt 6 lc rgb '#cc6677'", "trained, as trained"},
        {9, "linespoints pt 7 lc rgb '#882255'", "trained, weight matching"}};
    static const gp_line bar_l[] = {{10, "linespoints pt 6", "as trained"},
                                    {11, "linespoints pt 7", "weight matching"}};
    static const gp_panel panels[] = {
        {"distance between the nets of each pair", "set ylabel 'distance'\nset yrange [0:*]\n", dist_l, 4},
        {"loss barrier between the trained nets",
         "set ylabel 'max loss on the segment - mean of the ends'\nset yrange [*:*]\n", bar_l, 2}};
    int k = gp_drawable(panels, 2, has, out);
    if (k == 0)
        goto done;
    char q[300], title[300];
    nn_gp g;
    if ((rc = study_figure_begin(c, &g, "seed-pairs", "every pair of replicates: are the minima "
                                 "different once hidden units are aligned?", 550 * k, 520, e)))
        goto done;
    fputs("set xlabel 'pair of seeds'\n", g.f);
    snprintf(title, sizeof title, "%d pairs of %d replicates (%s distance)", np, n, nn_metric_names[metric]);
    nn_gp_quote(q, sizeof q, title);
    gp_body(g.f, "'seed-pairs.csv'", q, panels, 2, has);
    rc = study_figure_end(c, &g, out, e);
done:
    nn_file_abort(&w);
    if (have_set)
        evalset_close(&s);
    for (int i = 0; init && fin && i < n; i++) {
        nn_model_free(init[i]);
        nn_model_free(fin[i]);
    }
    free(init), free(fin);
    return rc;
}

static const char *const methods[] = {"notebook", "weight-matching"};

#define METRIC {.key = "metric", .kind = NN_OPTION_ENUM, .offset = offsetof(pair_opts, metric), \
                .names = nn_metric_names, .n_names = NN_METRIC_COUNT, .def_name = "mean-abs", \
                .what = "distance metric", \
                .doc = "notebook 000's mean |a - b| or the Euclidean distance"}
#define POINTS {.key = "points", .kind = NN_OPTION_INT, .offset = offsetof(pair_opts, points), \
                .def = 25, .lo = 3, .hi = 1001, \
                .doc = "values of t in [0, 1] along the segment between two nets"}
#define MATCH_SEED {.key = "match_seed", .kind = NN_OPTION_INT, \
                    .offset = offsetof(pair_opts, match_seed), .def = 0, .lo = 0, \
                    .hi = 4294967295.0, .doc = "the seed of weight matching's visiting order"}

static const nn_option distance_options[] = {
    {.key = "method", .kind = NN_OPTION_ENUM, .offset = offsetof(pair_opts, method),
     .names = methods, .n_names = 2, .def_name = "notebook", .what = "alignment method",
     .doc = "how B's hidden units are aligned to A's: notebook 000's search, layer by layer, "
            "or weight matching (Ainsworth et al. 2023)"},
    METRIC, MATCH_SEED,
};

const nn_study nn_study_distance = {
    .spec = {.name = "distance", .summary = "distances between nets at initialisation and "
             "after training, hidden units aligned (notebook 000)",
             .needs = NN_NEEDS_SAME_SHAPE, .options = distance_options,
             .n_options = sizeof distance_options / sizeof *distance_options,
             .options_size = sizeof(pair_opts)},
    .figures = "`distance.csv` (every pair, and each net from its own initialisation)",
    .run = run_distance,
};

static const nn_option iterates_options[] = {
    METRIC,
    {.key = "reorder", .kind = NN_OPTION_BOOL, .offset = offsetof(pair_opts, reorder), .def = 1,
     .doc = "align each raw iterate to the one it is compared with (the notebook does for its "
            "[8, 8, 4] net, not for its larger one)"},
};

static int check_iterates(nn_spec_v *v, const void *options, const nn_plan *p)
{
    (void)options;
    if (p->train.opt.kind != NN_OPT_ASGD)
        return nn_spec_fail(v, "the iterates study compares asgd's raw and averaged iterates; "
                            "the optimizer is \"%s\"", nn_opt_names[p->train.opt.kind]);
    return NN_OK;
}

const nn_study nn_study_iterates = {
    .spec = {.name = "iterates", .summary = "asgd's raw iterate against its average, epoch by "
             "epoch: distances from the start and between consecutive iterates (notebook 000)",
             .needs = NN_NEEDS_WEIGHTS_EVERY | NN_NEEDS_RAW, .options = iterates_options,
             .n_options = sizeof iterates_options / sizeof *iterates_options,
             .options_size = sizeof(pair_opts), .check = check_iterates},
    .figures = "`iterates-<label>.png`; `iterates-<label>.csv`",
    .run = run_iterates,
};

static const nn_option barrier_options[] = {POINTS, MATCH_SEED};

const nn_study nn_study_barrier = {
    .spec = {.name = "barrier", .summary = "linear mode connectivity: loss and error along the "
             "segment between two nets, as trained and with hidden units aligned",
             .needs = NN_NEEDS_SAME_SHAPE | NN_NEEDS_PAIRS, .options = barrier_options,
             .n_options = 2, .options_size = sizeof(pair_opts)},
    .figures = "`barrier-<a>-<b>.png` and .csv for the first pair",
    .run = run_barrier,
};

static const nn_option seed_pairs_options[] = {METRIC, POINTS, MATCH_SEED};

const nn_study nn_study_seed_pairs = {
    .spec = {.name = "seed_pairs", .summary = "every pair of replicates: distances at "
             "initialisation and after training, and loss barriers, as trained and aligned",
             .needs = NN_NEEDS_SAME_SHAPE | NN_NEEDS_PAIRS, .options = seed_pairs_options,
             .n_options = 3, .options_size = sizeof(pair_opts)},
    .figures = "`seed-pairs.png`; `seed-pairs.csv`",
    .run = run_seed_pairs,
};
