/* movie.c: notebook 002's weight movie (see study.h).
 *
 * Per model, from <label>/weights.csv: one layer's weights (flattened row by row, biases
 * left out) at every recorded epoch. movie-<label>.csv holds the frames in long form
 * (frame, epoch, row, col, weight), at most max_frames evenly spaced recorded rows, first
 * and last always; gnuplot draws them as an animated GIF (a heat strip per frame) and as
 * one PNG with the frames stacked, time down the page, both on one fixed colour scale
 * (the 'hot' map over the smallest and largest weight of the whole run).
 * movie-<label>-trajectory.csv has, for every recorded row, the first two weights and the
 * average of the rest, the notebook's second figure. The notebook draws that average
 * twice: once as np.mean over all k weights with the first two zeroed (a sum over k - 2
 * weights divided by k, rest "notebook"), once as the mean of the k - 2 (rest "mean",
 * the default). Both sum the weights in order, as numpy does along that axis.
 */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/figure.h"
#include "nnlab/record.h"
#include "nnlab/study.h"
#include "common.h"

typedef struct movie {
    const char *label;
    size_t off, k;        /* the layer's weights in the parameter vector */
    int rows, cols;
    long n_rows;          /* recorded rows */
    long n_frames;
    double lo, hi;        /* colour scale */
    long first_epoch, last_epoch;
    long *frame_epoch;    /* (n_frames) */
} movie;

static double rest_average(const double *w, size_t k, bool notebook)
{
    if (k < 3)
        return NAN;
    double s = 0.0;
    for (size_t i = 2; i < k; i++)
        s += w[i];
    return s / (double)(notebook ? k : k - 2);
}

/* Pass over weights.csv writing both tables; counts rows on the first pass (write false). */
static int pass(nn_study_ctx *c, const nn_study_plan *sp, const nn_model *m, movie *mv,
                bool write, FILE *frames, FILE *trajf, cJSON *res, nn_err *e)
{
    traj t;
    int rc = traj_open(&t, c, mv->label, false, m, e);
    if (rc)
        return rc;
    double *p = malloc(m->n_params * sizeof *p);
    if (!p) {
        traj_close(&t);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    long epoch, i = 0, frame = 0;
    double w0_first = NAN, w0 = NAN, w1 = NAN, rest = NAN;
    while ((rc = traj_next(&t, &epoch, p, e)) > 0) {
        const double *w = p + mv->off;
        if (!write) {
            for (size_t q = 0; q < mv->k; q++)
                if (isfinite(w[q])) {
                    mv->lo = fmin(mv->lo, w[q]);
                    mv->hi = fmax(mv->hi, w[q]);
                }
            if (i == 0)
                mv->first_epoch = epoch;
            mv->last_epoch = epoch;
            i++;
            continue;
        }
        w0 = w[0];
        w1 = mv->k > 1 ? w[1] : NAN;
        rest = rest_average(w, mv->k, sp->rest_notebook);
        if (i == 0)
            w0_first = w0;
        fprintf(trajf, "%ld,", epoch);
        nn_csv_num(trajf, w0);
        fputc(',', trajf);
        nn_csv_num(trajf, w1);
        fputc(',', trajf);
        nn_csv_num(trajf, rest);
        fputc('\n', trajf);
        if (study_frame_row(i, mv->n_rows, mv->n_frames) && frame < mv->n_frames) {
            mv->frame_epoch[frame] = epoch;
            for (int r = 0; r < mv->rows; r++)
                for (int q = 0; q < mv->cols; q++) {
                    fprintf(frames, "%ld,%ld,%d,%d,", frame, epoch, r, q);
                    nn_csv_num(frames, w[(size_t)r * (size_t)mv->cols + (size_t)q]);
                    fputc('\n', frames);
                }
            frame++;
        }
        i++;
    }
    traj_close(&t);
    free(p);
    if (rc < 0)
        return rc;
    if (!write) {
        mv->n_rows = i;
        mv->n_frames = i < sp->max_frames ? i : sp->max_frames;
        return NN_OK;
    }
    if (frame != mv->n_frames)
        return nn_err_set(e, NN_ERUN, t.path, "changed while it was read");
    cJSON_AddNumberToObject(res, "recorded_rows", (double)mv->n_rows);
    cJSON_AddNumberToObject(res, "frames", (double)mv->n_frames);
    cJSON *cs = cJSON_AddArrayToObject(res, "colour_scale");
    cJSON_AddItemToArray(cs, cJSON_CreateNumber(mv->lo));
    cJSON_AddItemToArray(cs, cJSON_CreateNumber(mv->hi));
    cJSON_AddItemToObject(res, "w0_initial", isfinite(w0_first) ? cJSON_CreateNumber(w0_first)
                                                                  : cJSON_CreateNull());
    cJSON_AddItemToObject(res, "w0_final", isfinite(w0) ? cJSON_CreateNumber(w0) : cJSON_CreateNull());
    cJSON_AddItemToObject(res, "w1_final", isfinite(w1) ? cJSON_CreateNumber(w1) : cJSON_CreateNull());
    double ratio = fabs(w1) / w0;
    cJSON_AddItemToObject(res, "w1_over_w0_final",
                          isfinite(ratio) && w0 > 0 ? cJSON_CreateNumber(ratio) : cJSON_CreateNull());
    cJSON_AddItemToObject(res, "rest_final", isfinite(rest) ? cJSON_CreateNumber(rest)
                                                            : cJSON_CreateNull());
    return NN_OK;
}

static int write_scripts(nn_study_ctx *c, const nn_study_plan *sp, const movie *mv,
                         const cJSON *res, nn_err *e)
{
    char path[4200], q[400], t[300], data[300];
    nn_file w;
    int rc;
    snprintf(t, sizeof t, "movie-%s.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    double lo = mv->lo, hi = mv->hi;
    if (!(hi > lo)) {   /* one value (or none): a scale around it */
        lo = isfinite(lo) ? lo - 1 : -1;
        hi = lo + 2;
    }
    const long k = (long)mv->k;
    /* the animation: one heat strip per frame */
    study_path(c, path, sizeof path, "movie-%s-gif.gp", mv->label);
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
    int width = (int)(160 + 36 * (k < 30 ? k : 30)), height = 120 + 36 * (mv->rows < 12 ? mv->rows : 12);
    fprintf(w.f, "# nnlab: notebook 002's weight movie for %s, one frame per recorded row.\n"
                 "# Redraw from this folder with: gnuplot movie-%s-gif.gp\n"
                 "if (!exists(\"outfile\")) outfile = 'movie-%s.gif'\n"
                 "set terminal gif animate delay %d loop 0 size %d,%d noenhanced font 'sans,10'\n"
                 "set output outfile\nset datafile separator ','\n"
                 "set palette rgbformulae 21,22,23\nset cbrange [%.17g:%.17g]\n"
                 "set cblabel 'weight'\nset xrange [-0.5:%ld.5]\nset yrange [%d.5:-0.5]\n"
                 "set xlabel 'input unit'\nset ylabel 'receiving unit'\n",
            mv->label, mv->label, mv->label, sp->delay, width < 700 ? 700 : width,
            height, lo, hi, (long)mv->cols - 1, mv->rows - 1);
    if (mv->rows == 1)
        fputs("unset ytics\nset ylabel ''\n", w.f);
    snprintf(t, sizeof t, "%s, layer %d", mv->label, sp->layer);
    nn_gp_quote(q, sizeof q, t);
    fprintf(w.f, "array epoch[%ld] = [", mv->n_frames);
    for (long f = 0; f < mv->n_frames; f++)
        fprintf(w.f, "%s%ld", f ? "," : "", mv->frame_epoch[f]);
    fprintf(w.f, "]\ndo for [f=0:%ld] {\n"
                 "    set title sprintf('%%s: epoch %%d', %s, epoch[f+1])\n"
                 "    plot %s skip 1 every ::(f*%ld)::(f*%ld+%ld) using 4:3:(0.5):(0.5):5 "
                 "with boxxyerror fs solid lc palette notitle\n}\n",
            mv->n_frames - 1, q, data, k, k, k - 1);
    if ((rc = nn_file_commit(&w, e)))
        return rc;
    /* all frames stacked, time down the page */
    study_path(c, path, sizeof path, "movie-%s.gp", mv->label);
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
    int ph = (int)(mv->n_frames < 800 ? 300 + mv->n_frames : 1100);
    fprintf(w.f, "# nnlab: every frame of movie-%s.gif stacked, time down the page.\n"
                 "# Redraw from this folder with: gnuplot movie-%s.gp\n"
                 "if (!exists(\"outfile\")) outfile = 'movie-%s.png'\n"
                 "set terminal pngcairo size 900,%d noenhanced font 'sans,10'\n"
                 "set output outfile\nset datafile separator ','\n"
                 "set palette rgbformulae 21,22,23\nset cbrange [%.17g:%.17g]\nset cblabel 'weight'\n"
                 "set xrange [-0.5:%ld.5]\nset yrange [%ld.5:-0.5]\n"
                 "set xlabel 'weight (layer %d, row by row)'\n"
                 "set ylabel 'frame (epoch %ld at the top, %ld at the bottom)'\n",
            mv->label, mv->label, mv->label, ph, lo, hi, k - 1, mv->n_frames - 1, sp->layer,
            mv->first_epoch, mv->last_epoch);
    snprintf(t, sizeof t, "%s: weights of layer %d over training (%ld frames)", mv->label,
             sp->layer, mv->n_frames);
    nn_gp_quote(q, sizeof q, t);
    fprintf(w.f, "set title %s\nplot %s skip 1 using ($3*%d+$4):1:5 with image notitle\n", q, data,
            mv->cols);
    if ((rc = nn_file_commit(&w, e)))
        return rc;
    /* the trajectory of W[0], W[1] and the rest */
    study_path(c, path, sizeof path, "movie-%s-trajectory.gp", mv->label);
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(res, "w1_over_w0_final");
    const cJSON *w0 = cJSON_GetObjectItemCaseSensitive(res, "w0_final");
    if (cJSON_IsNumber(r))
        snprintf(t, sizeof t, "%s: W[0] ends at %.4g, |W[1]| / W[0] = %.3g", mv->label,
                 w0->valuedouble, r->valuedouble);
    else
        snprintf(t, sizeof t, "%s: the first weights and the rest", mv->label);
    nn_gp_quote(q, sizeof q, t);
    snprintf(t, sizeof t, "movie-%s-trajectory.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    fprintf(w.f, "# nnlab: W[0], W[1] and the average of the rest against epoch (notebook 002).\n"
                 "# Redraw from this folder with: gnuplot movie-%s-trajectory.gp\n"
                 "if (!exists(\"outfile\")) outfile = 'movie-%s-trajectory.png'\n"
                 "set terminal pngcairo size 900,420 noenhanced font 'sans,10'\n"
                 "set output outfile\nset datafile separator ','\nset grid\nset key top left\n"
                 "set xlabel 'epoch'\nset ylabel 'weight value'\nset title %s\n"
                 "plot %s skip 1 using 1:2 with lines lw 2 title 'W[0]', \\\n"
                 "     '' skip 1 using 1:3 with lines lw 2 title 'W[1]'",
            mv->label, mv->label, q, data);
    if (mv->k >= 3)
        fprintf(w.f, ", \\\n     '' skip 1 using 1:4 with lines lw 2 title '%s'",
                sp->rest_notebook ? "average of rest (notebook: over all weights, first two as 0)"
                                  : "average of the rest");
    fputc('\n', w.f);
    return nn_file_commit(&w, e);
}

int nn_study_movie(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    int rc = NN_OK;
    for (int i = 0; i < c->n_models && !rc; i++) {
        const char *label = c->models[i]->label;
        nn_model *m = study_load_model(c, label, false, e);
        if (!m)
            return e->code;
        int l = sp->layer - 1;
        movie mv = {.label = label, .off = m->w_off[l], .rows = m->width[l + 1],
                    .cols = m->width[l], .lo = INFINITY, .hi = -INFINITY};
        mv.k = (size_t)mv.rows * (size_t)mv.cols;
        cJSON *res = cJSON_AddObjectToObject(out, label);
        char path[4200], path2[4200], name[300];
        nn_file fw = {0}, tw = {0};
        if ((rc = pass(c, sp, m, &mv, false, NULL, NULL, res, e)))
            goto next;
        if (!(mv.frame_epoch = calloc((size_t)mv.n_frames + 1, sizeof *mv.frame_epoch))) {
            rc = nn_err_set(e, NN_ENOMEM, "", "out of memory");
            goto next;
        }
        study_path(c, path, sizeof path, "movie-%s.csv", label);
        study_path(c, path2, sizeof path2, "movie-%s-trajectory.csv", label);
        if ((rc = nn_file_open(&fw, path, e)) || (rc = nn_file_open(&tw, path2, e)))
            goto next;
        fputs("frame,epoch,row,col,weight\n", fw.f);
        fputs("epoch,w0,w1,rest\n", tw.f);
        if ((rc = pass(c, sp, m, &mv, true, fw.f, tw.f, res, e)) ||
            (rc = nn_file_commit(&fw, e)) || (rc = nn_file_commit(&tw, e)) ||
            (rc = write_scripts(c, sp, &mv, res, e)))
            goto next;
        cJSON *figs = cJSON_AddArrayToObject(res, "figures");
        static const char *const kinds[3][2] = {{"movie-%s-gif.gp", "movie-%s.gif"},
                                                {"movie-%s.gp", "movie-%s.png"},
                                                {"movie-%s-trajectory.gp", "movie-%s-trajectory.png"}};
        for (int f = 0; f < 3 && !rc; f++) {
            char script[300];
            snprintf(script, sizeof script, kinds[f][0], label);
            snprintf(name, sizeof name, kinds[f][1], label);
            cJSON *tmp = cJSON_CreateObject();
            rc = study_gnuplot(c, script, name, tmp, e);
            if (!rc && cJSON_GetObjectItemCaseSensitive(tmp, "figure"))
                cJSON_AddItemToArray(figs, cJSON_CreateString(name));
            cJSON_Delete(tmp);
        }
    next:
        free(mv.frame_epoch);
        nn_file_abort(&fw);
        nn_file_abort(&tw);
        nn_model_free(m);
    }
    return rc;
}
