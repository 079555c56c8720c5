/* compare.c: studies that compare nets: notebook 000's distance between nets and its raw
 * against averaged iterates, and, beyond the notebook, linear mode connectivity (barrier)
 * and every pair of replicates (seed_pairs).
 *
 * Net A is the reference and B is aligned to it (B's hidden units reordered), as notebook
 * 000's approx_neural_net_dist(nn_1, nn_2) reorders nn_2. Along the segment between two
 * nets, (1 - t) A + t B for evenly spaced t in [0, 1], the loss barrier is reported twice:
 * max_t L(t) - (L(0) + L(1)) / 2, and against the chord, max_t L(t) - ((1 - t) L(0) + t L(1)).
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

/* ---- distance ------------------------------------------------------------------------------ */

typedef struct pairdist {
    double unaligned, aligned;
    bool reorder;
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
    nn_model_free(al.aligned);
    return NN_OK;
}

int nn_study_distance(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
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
    nn_align method = (nn_align)sp->align;
    nn_metric metric = (nn_metric)sp->metric;
    cJSON_AddStringToObject(out, "method", nn_align_names[method]);
    cJSON_AddStringToObject(out, "metric", nn_metric_names[metric]);
    study_path(c, path, sizeof path, "distance.csv");
    if (!rc)
        rc = nn_file_open(&w, path, e);
    if (!rc)
        fputs("a,b,stage,unaligned,aligned,reorder_needed\n", w.f);
    cJSON *pairs = cJSON_AddArrayToObject(out, "pairs");
    for (int i = 0; i < n && !rc; i++)
        for (int j = i + 1; j < n && !rc; j++) {
            pairdist d0, d1;
            if ((rc = measure_pair(init[i], init[j], method, metric, sp->match_seed, &d0, e)) ||
                (rc = measure_pair(fin[i], fin[j], method, metric, sp->match_seed, &d1, e)))
                break;
            const char *la = c->models[i]->label, *lb = c->models[j]->label;
            fprintf(w.f, "%s,%s,initial,%.17g,%.17g,%d\n", la, lb, d0.unaligned, d0.aligned, d0.reorder);
            fprintf(w.f, "%s,%s,final,%.17g,%.17g,%d\n", la, lb, d1.unaligned, d1.aligned, d1.reorder);
            cJSON *pj = cJSON_CreateObject();
            cJSON_AddStringToObject(pj, "a", la);
            cJSON_AddStringToObject(pj, "b", lb);
            cJSON_AddNumberToObject(pj, "initial", d0.aligned);
            cJSON_AddNumberToObject(pj, "final", d1.aligned);
            cJSON_AddNumberToObject(pj, "unaligned_initial", d0.unaligned);
            cJSON_AddNumberToObject(pj, "unaligned_final", d1.unaligned);
            cJSON_AddBoolToObject(pj, "reorder_needed_initial", d0.reorder);
            cJSON_AddBoolToObject(pj, "reorder_needed_final", d1.reorder);
            cJSON_AddItemToArray(pairs, pj);
            if (i == 0 && j == 1) {     /* the first pair's figures, where scripts look */
                cJSON_AddNumberToObject(out, "initial", d0.aligned);
                cJSON_AddNumberToObject(out, "final", d1.aligned);
                cJSON_AddNumberToObject(out, "unaligned_initial", d0.unaligned);
                cJSON_AddNumberToObject(out, "unaligned_final", d1.unaligned);
            }
        }
    /* has each net's hidden order survived training? (notebook 000 asks it of its first) */
    cJSON *per = cJSON_AddObjectToObject(out, "models");
    for (int i = 0; i < n && !rc; i++) {
        pairdist d;
        if ((rc = measure_pair(init[i], fin[i], method, metric, sp->match_seed, &d, e)))
            break;
        fprintf(w.f, "%s,%s,initial_vs_final,%.17g,%.17g,%d\n", c->models[i]->label,
                c->models[i]->label, d.unaligned, d.aligned, d.reorder);
        cJSON *mj = cJSON_AddObjectToObject(per, c->models[i]->label);
        cJSON_AddNumberToObject(mj, "initial_vs_final", d.aligned);
        cJSON_AddBoolToObject(mj, "reorder_needed_initial_vs_final", d.reorder);
        if (i == 0)
            cJSON_AddBoolToObject(out, "reorder_needed_initial_vs_final", d.reorder);
    }
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

static int iterates_model(nn_study_ctx *c, const nn_study_plan *sp, const char *label,
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
    int rc = NN_OK, ga, gr;
    long ea, er, rows = 0;
    double last_from = NAN, last_cons = NAN, last_cos = NAN, last_cos_raw = NAN;
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
            pairdist from, cons;
            if ((rc = measure_pair(r0, rc_, how, (nn_metric)sp->metric, 0, &from, e)) ||
                (rc = measure_pair(rp, rc_, how, (nn_metric)sp->metric, 0, &cons, e)))
                goto done;
            last_from = from.aligned, last_cons = cons.aligned;
            last_cos = nn_model_cosine(r0, avg), last_cos_raw = nn_model_cosine(r0, rc_);
            fprintf(w.f, "%ld,%.17g,%.17g,%.17g,%.17g\n", ea, last_from, last_cons, last_cos,
                    last_cos_raw);
        }
        memcpy(rp->params, rc_->params, m->n_params * sizeof(double));
        rows++;
    }
    if (ga < 0 || (ga > 0 && gr < 0)) {
        rc = e->code;
        goto done;
    }
    if ((rc = nn_file_commit(&w, e)))
        goto done;
    cJSON *mo = cJSON_AddObjectToObject(out, label);
    cJSON_AddNumberToObject(mo, "epochs", (double)(rows > 0 ? rows - 1 : 0));
    cJSON_AddItemToObject(mo, "final_distance_from_initial", isfinite(last_from) ? cJSON_CreateNumber(last_from) : cJSON_CreateNull());
    cJSON_AddItemToObject(mo, "final_distance_consecutive", isfinite(last_cons) ? cJSON_CreateNumber(last_cons) : cJSON_CreateNull());
    cJSON_AddItemToObject(mo, "final_cosine_averaged", isfinite(last_cos) ? cJSON_CreateNumber(last_cos) : cJSON_CreateNull());
    cJSON_AddItemToObject(mo, "final_cosine_raw", isfinite(last_cos_raw) ? cJSON_CreateNumber(last_cos_raw) : cJSON_CreateNull());
    /* the notebook's two figures, one script each */
    char q[300], title[300], file[200], gp[200], png[200];
    snprintf(file, sizeof file, "iterates-%s.csv", label);
    nn_gp_quote(q, sizeof q, file);
    for (int fig = 0; fig < 2 && !rc; fig++) {
        snprintf(gp, sizeof gp, "iterates-%s%s.gp", label, fig ? "-cosine" : "");
        snprintf(png, sizeof png, "iterates-%s%s.png", label, fig ? "-cosine" : "");
        study_path(c, path, sizeof path, "%s", gp);
        if ((rc = nn_file_open(&w, path, e)))
            goto done;
        fprintf(w.f, "# nnlab: asgd's raw iterates (notebook 000, 'Where do neural nets "
                     "converge?').\n# Redraw here with: gnuplot %s\n", gp);
        fprintf(w.f, "if (!exists(\"outfile\")) outfile = '%s'\n", png);
        fputs("set datafile separator ','\nset grid\nset xlabel 'step'\n", w.f);
        if (fig == 0) {
            snprintf(title, sizeof title, "%s: distances between the raw iterates (%s%s)", label,
                     nn_metric_names[sp->metric], sp->reorder ? ", hidden units aligned" : "");
            nn_gp_quote(file, sizeof file, title);
            fprintf(w.f, "set terminal pngcairo size 1100,460 noenhanced font 'sans,10'\n"
                         "set output outfile\nset ylabel 'distance'\nunset key\n"
                         "set multiplot layout 1,2 title %s\n"
                         "set title 'distance between raw weights and original weights'\n"
                         "plot %s using 1:2 skip 1 with lines lw 2\n"
                         "set title 'distance between consecutive raw weights'\n"
                         "plot %s using 1:3 skip 1 with lines lw 2\nunset multiplot\n", file, q, q);
        } else {
            snprintf(title, sizeof title, "%s: cosine similarity from the original position", label);
            nn_gp_quote(file, sizeof file, title);
            fprintf(w.f, "set terminal pngcairo size 800,460 noenhanced font 'sans,10'\n"
                         "set output outfile\nset key bottom left\nset yrange [0:1.1]\n"
                         "set ylabel 'cosine similarity'\nset title %s\n"
                         "plot %s using 1:4 skip 1 with lines lw 2 title 'averaged (the model)', \\\n"
                         "     %s using 1:5 skip 1 with lines lw 2 title 'raw'\n", file, q, q);
        }
        if ((rc = nn_file_commit(&w, e)))
            goto done;
        cJSON *figs = fig ? cJSON_CreateObject() : mo;
        rc = study_gnuplot(c, gp, png, figs, e);
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

int nn_study_iterates(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
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
    int rc = nn_data_load_csv(path, "y", &s->raw, e);
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
    double L0 = pr->loss[0], L1 = pr->loss[points - 1], E0 = pr->error[0], E1 = pr->error[points - 1];
    pr->barrier = pr->barrier_chord = pr->error_barrier = -INFINITY;
    for (int k = 0; k < points; k++) {
        double t = (double)k / (points - 1);
        pr->barrier = fmax(pr->barrier, pr->loss[k] - (L0 + L1) / 2);
        pr->barrier_chord = fmax(pr->barrier_chord, pr->loss[k] - ((1 - t) * L0 + t * L1));
        if (isfinite(E0))
            pr->error_barrier = fmax(pr->error_barrier, pr->error[k] - ((1 - t) * E0 + t * E1));
    }
    if (!isfinite(E0))
        pr->error_barrier = NAN;
    return NN_OK;
}

static int barrier_pair(nn_study_ctx *c, const nn_study_plan *sp, const evalset *s, int i, int j,
                        cJSON *out, nn_err *e)
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
        if ((rc = nn_align_models(a, b, (nn_align)how, NN_METRIC_MEAN_ABS, sp->match_seed, &al, e)))
            break;
        rc = segment(s, a, al.aligned, sp->points, &pr[how], e);
        nn_model_free(al.aligned);
    }
    char path[4200], name[200];
    nn_file w = {0};
    snprintf(name, sizeof name, "barrier-%s-%s", la, lb);
    study_path(c, path, sizeof path, "%s.csv", name);
    if (!rc)
        rc = nn_file_open(&w, path, e);
    if (!rc) {
        fputs("t,loss_none,error_none,loss_notebook,error_notebook,loss_weight_matching,"
              "error_weight_matching\n", w.f);
        for (int k = 0; k < sp->points; k++) {
            fprintf(w.f, "%.17g", (double)k / (sp->points - 1));
            for (int how = 0; how < NN_ALIGN_COUNT; how++) {
                fputc(',', w.f);
                nn_csv_num(w.f, pr[how].loss[k]);
                fputc(',', w.f);
                nn_csv_num(w.f, pr[how].error[k]);
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
            cJSON_AddNumberToObject(h, "barrier", pr[how].barrier);
            cJSON_AddNumberToObject(h, "barrier_chord", pr[how].barrier_chord);
            if (isfinite(pr[how].error_barrier))
                cJSON_AddNumberToObject(h, "error_barrier_chord", pr[how].error_barrier);
        }
        cJSON_AddItemToArray(out, pj);
        /* the figure */
        char q[300], title[300];
        study_path(c, path, sizeof path, "%s.gp", name);
        if (!(rc = nn_file_open(&w, path, e))) {
            fprintf(w.f, "# nnlab: loss and error along (1 - t) A + t B, with B as trained and "
                         "with its hidden units aligned to A.\n# Redraw here with: gnuplot %s.gp\n", name);
            fprintf(w.f, "if (!exists(\"outfile\")) outfile = '%s.png'\n", name);
            fputs("set terminal pngcairo size 1100,460 noenhanced font 'sans,10'\nset output outfile\n"
                  "set datafile separator ','\nset grid\nset key top right\nset xlabel 't'\n", w.f);
            snprintf(title, sizeof title, "from %s (t = 0) to %s (t = 1)", la, lb);
            nn_gp_quote(q, sizeof q, title);
            fprintf(w.f, "set multiplot layout 1,2 title %s\n", q);
            snprintf(title, sizeof title, "%s.csv", name);
            nn_gp_quote(q, sizeof q, title);
            fprintf(w.f, "set title 'training loss'\nset ylabel 'loss'\n"
                         "plot %s using 1:2 skip 1 with linespoints lw 2 pt 7 ps 0.5 title 'as trained', \\\n"
                         "     %s using 1:4 skip 1 with linespoints lw 2 pt 7 ps 0.5 title 'notebook alignment', \\\n"
                         "     %s using 1:6 skip 1 with linespoints lw 2 pt 7 ps 0.5 title 'weight matching'\n",
                    q, q, q);
            fprintf(w.f, "set title 'train error'\nset ylabel 'error'\n"
                         "plot %s using 1:3 skip 1 with linespoints lw 2 pt 7 ps 0.5 title 'as trained', \\\n"
                         "     %s using 1:5 skip 1 with linespoints lw 2 pt 7 ps 0.5 title 'notebook alignment', \\\n"
                         "     %s using 1:7 skip 1 with linespoints lw 2 pt 7 ps 0.5 title 'weight matching'\n"
                         "unset multiplot\n", q, q, q);
            if (!(rc = nn_file_commit(&w, e))) {
                char gp[240], png[240];
                snprintf(gp, sizeof gp, "%s.gp", name);
                snprintf(png, sizeof png, "%s.png", name);
                rc = study_gnuplot(c, gp, png, pj, e);
            }
        }
    }
    nn_model_free(a);
    nn_model_free(b);
    return rc;
}

int nn_study_barrier(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    if (c->n_models < 2)
        return NN_OK;
    nn_model *m = study_load_model(c, c->models[0]->label, false, e);
    if (!m)
        return e->code;
    evalset s;
    int rc = evalset_open(c, m, &s, e);
    nn_model_free(m);
    if (rc)
        return rc;
    cJSON *pairs = cJSON_AddArrayToObject(out, "pairs");
    /* the first model against each of the others */
    for (int j = 1; j < c->n_models && !rc; j++)
        rc = barrier_pair(c, sp, &s, 0, j, pairs, e);
    cJSON *first = cJSON_GetArrayItem(pairs, 0);
    if (!rc && first) {       /* the first pair's figures at the top */
        cJSON *none = cJSON_GetObjectItemCaseSensitive(first, "none");
        cJSON *wm = cJSON_GetObjectItemCaseSensitive(first, "weight-matching");
        cJSON_AddNumberToObject(out, "barrier", cJSON_GetObjectItem(none, "barrier")->valuedouble);
        cJSON_AddNumberToObject(out, "barrier_weight_matching",
                                cJSON_GetObjectItem(wm, "barrier")->valuedouble);
    }
    evalset_close(&s);
    return rc;
}

/* ---- every pair of replicates ----------------------------------------------------------- */

int nn_study_seed_pairs(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
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
    int np = 0;
    nn_metric metric = (nn_metric)sp->metric;
    static path_result pr0, pr1;
    for (int i = 0; i < n && !rc; i++)
        for (int j = i + 1; j < n && !rc; j++) {
            pairdist a0, a1, b0, b1;
            nn_alignment al;
            if ((rc = measure_pair(init[i], init[j], NN_ALIGN_NOTEBOOK, metric, 0, &a0, e)) ||
                (rc = measure_pair(init[i], init[j], NN_ALIGN_WEIGHT_MATCHING, metric, sp->match_seed, &a1, e)) ||
                (rc = measure_pair(fin[i], fin[j], NN_ALIGN_NOTEBOOK, metric, 0, &b0, e)) ||
                (rc = measure_pair(fin[i], fin[j], NN_ALIGN_WEIGHT_MATCHING, metric, sp->match_seed, &b1, e)) ||
                (rc = segment(&s, fin[i], fin[j], sp->points, &pr0, e)) ||
                (rc = nn_align_models(fin[i], fin[j], NN_ALIGN_WEIGHT_MATCHING, metric, sp->match_seed, &al, e)))
                break;
            rc = segment(&s, fin[i], al.aligned, sp->points, &pr1, e);
            nn_model_free(al.aligned);
            if (rc)
                break;
            double row[8] = {a0.unaligned, a0.aligned, a1.aligned, b0.unaligned, b0.aligned,
                             b1.aligned, pr0.barrier, pr1.barrier};
            fprintf(w.f, "%d,%s,%s", np + 1, c->models[i]->label, c->models[j]->label);
            for (int k = 0; k < 8; k++) {
                fprintf(w.f, ",%.17g", row[k]);
                sums[k] += row[k];
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
    cJSON *means = cJSON_AddObjectToObject(out, "mean");
    for (int k = 0; k < 8; k++)
        cJSON_AddNumberToObject(means, keys[k], sums[k] / np);
    /* one figure: distances before and after training, and the barriers, per pair */
    char q[300], title[300];
    study_path(c, path, sizeof path, "seed-pairs.gp");
    if ((rc = nn_file_open(&w, path, e)))
        goto done;
    fputs("# nnlab: every pair of replicates: are the minima different once hidden units are\n"
          "# aligned? Redraw here with: gnuplot seed-pairs.gp\n"
          "if (!exists(\"outfile\")) outfile = 'seed-pairs.png'\n"
          "set terminal pngcairo size 1100,520 noenhanced font 'sans,10'\nset output outfile\n"
          "set datafile separator ','\nset grid\nset key below horizontal\n"
          "set xlabel 'pair of seeds'\n", w.f);
    snprintf(title, sizeof title, "%d pairs of %d replicates (%s distance)", np, n, nn_metric_names[metric]);
    nn_gp_quote(q, sizeof q, title);
    fprintf(w.f, "set multiplot layout 1,2 title %s\n", q);
    fputs("set title 'distance between the nets of each pair'\nset ylabel 'distance'\nset yrange [0:*]\n"
          "plot 'seed-pairs.csv' using 1:4 skip 1 with linespoints pt 6 lc rgb '#999999' title 'initial, as drawn', \\\n"
          "     '' using 1:6 skip 1 with linespoints pt 7 lc rgb '#4477aa' title 'initial, weight matching', \\\n"
          "     '' using 1:7 skip 1 with linespoints pt 6 lc rgb '#cc6677' title 'trained, as trained', \\\n"
          "     '' using 1:9 skip 1 with linespoints pt 7 lc rgb '#882255' title 'trained, weight matching'\n"
          "set title 'loss barrier between the trained nets'\nset ylabel 'max loss on the segment - mean of the ends'\n"
          "set yrange [*:*]\n"
          "plot 'seed-pairs.csv' using 1:10 skip 1 with linespoints pt 6 title 'as trained', \\\n"
          "     '' using 1:11 skip 1 with linespoints pt 7 title 'weight matching'\nunset multiplot\n", w.f);
    if (!(rc = nn_file_commit(&w, e)))
        rc = study_gnuplot(c, "seed-pairs.gp", "seed-pairs.png", out, e);
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
