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
typedef struct movie_opts {
    long layer;            /* the weight layer shown, from 1 at the input side */
    int rest;              /* 0: the mean of the other weights; 1: notebook 002's average */
    long delay;            /* GIF frame delay in 1/100 s */
    long max_frames;       /* at most this many frames (evenly spaced rows) */
} movie_opts;

static int pass(nn_study_ctx *c, const movie_opts *sp, const nn_model *m, movie *mv,
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
        rest = rest_average(w, mv->k, sp->rest);
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

/* figure g finished and drawn; its name into figs when drawn */
static int finish(nn_study_ctx *c, nn_gp *g, cJSON *figs, nn_err *e)
{
    cJSON *tmp = cJSON_CreateObject();
    int rc = study_figure_end(c, g, tmp, e);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(tmp, "figure");
    if (!rc && cJSON_IsString(f))
        cJSON_AddItemToArray(figs, cJSON_CreateString(f->valuestring));
    cJSON_Delete(tmp);
    return rc;
}

/* The three figures: the animation (one heat strip per frame), every frame stacked, and the
 * trajectory of the first two weights and the rest. Weights are coloured on the signed map,
 * symmetric about 0, the same in both heat pictures. */
static int write_scripts(nn_study_ctx *c, const movie_opts *sp, const movie *mv,
                         const cJSON *res, cJSON *figs, nn_err *e)
{
    char q[400], t[300], data[300], base[200];
    int rc;
    snprintf(t, sizeof t, "movie-%s.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    double m = fmax(fabs(mv->lo), fabs(mv->hi));
    if (!(m > 0) || !isfinite(m))   /* one value (or none): a scale around it */
        m = 1;
    const long k = (long)mv->k;
    nn_gp g;
    /* the animation: one heat strip per frame */
    int width = (int)(160 + 36 * (k < 30 ? k : 30)), height = 140 + 36 * (mv->rows < 12 ? mv->rows : 12);
    snprintf(base, sizeof base, "movie-%s", mv->label);
    if ((rc = study_animation_begin(c, &g, base, "notebook 002's weight movie, one frame per "
                                    "recorded row", width < 700 ? 700 : width, height,
                                    (int)sp->delay, e)))
        return rc;
    nn_gp_palette(&g, NN_CMAP_SIGNED, -m, m, "weight");
    fprintf(g.f, "set xrange [-0.5:%ld.5]\nset yrange [%d.5:-0.5]\nunset grid\n"
                 "set xlabel 'input unit'\nset ylabel 'receiving unit'\n",
            (long)mv->cols - 1, mv->rows - 1);
    if (mv->rows == 1)
        fputs("unset ytics\nset ylabel ''\n", g.f);
    snprintf(t, sizeof t, "%s, layer %d", mv->label, (int)sp->layer);
    nn_gp_quote(q, sizeof q, t);
    fprintf(g.f, "array epoch[%ld] = [", mv->n_frames);
    for (long f = 0; f < mv->n_frames; f++)
        fprintf(g.f, "%s%ld", f ? "," : "", mv->frame_epoch[f]);
    fprintf(g.f, "]\ndo for [f=0:%ld] {\n"
                 "    set title sprintf('%%s: epoch %%d', %s, epoch[f+1])\n"
                 "    plot %s skip 1 every ::(f*%ld)::(f*%ld+%ld) using 4:3:(0.5):(0.5):5 "
                 "with boxxyerror fs solid lc palette notitle\n}\n",
            mv->n_frames - 1, q, data, k, k, k - 1);
    if ((rc = finish(c, &g, figs, e)))
        return rc;
    /* all frames stacked, time down the page */
    int ph = (int)(mv->n_frames < 800 ? 300 + mv->n_frames : 1100);
    snprintf(base, sizeof base, "movie-%s-frames", mv->label);
    if ((rc = study_figure_begin(c, &g, base, "every frame of the weight movie stacked, time "
                                 "down the page", 900, ph, e)))
        return rc;
    nn_gp_palette(&g, NN_CMAP_SIGNED, -m, m, "weight");
    fprintf(g.f, "unset grid\nset xrange [-0.5:%ld.5]\nset yrange [%ld.5:-0.5]\n"
                 "set xlabel 'weight (layer %d, row by row)'\n"
                 "set ylabel 'frame (epoch %ld at the top, %ld at the bottom)'\n",
            k - 1, mv->n_frames - 1, (int)sp->layer, mv->first_epoch, mv->last_epoch);
    snprintf(t, sizeof t, "%s: weights of layer %d over training (%ld frames)", mv->label,
             (int)sp->layer, mv->n_frames);
    nn_gp_title(&g, t, NULL);
    fprintf(g.f, "plot %s skip 1 using ($3*%d+$4):1:5 with image notitle\n", data, mv->cols);
    if ((rc = finish(c, &g, figs, e)))
        return rc;
    /* the trajectory of W[0], W[1] and the rest */
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(res, "w1_over_w0_final");
    const cJSON *w0 = cJSON_GetObjectItemCaseSensitive(res, "w0_final");
    if (cJSON_IsNumber(r))
        snprintf(t, sizeof t, "%s: W[0] ends at %.4g, |W[1]| / W[0] = %.3g", mv->label,
                 w0->valuedouble, r->valuedouble);
    else
        snprintf(t, sizeof t, "%s: the first weights and the rest", mv->label);
    snprintf(base, sizeof base, "movie-%s-trajectory", mv->label);
    if ((rc = study_figure_begin(c, &g, base, "W[0], W[1] and the average of the rest against "
                                 "epoch (notebook 002)", 900, 420, e)))
        return rc;
    nn_gp_title(&g, t, NULL);
    snprintf(t, sizeof t, "movie-%s-trajectory.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    fprintf(g.f, "set xlabel 'epoch'\nset ylabel 'weight value'\n"
                 "plot %s skip 1 using 1:2 with lines lt 1 title 'W[0]', \\\n"
                 "     '' skip 1 using 1:3 with lines lt 2 title 'W[1]'", data);
    if (mv->k >= 3)
        fprintf(g.f, ", \\\n     '' skip 1 using 1:4 with lines lt 3 title '%s'",
                sp->rest ? "average of the rest (notebook: all weights, the first two as 0)"
                         : "average of the rest");
    fputc('\n', g.f);
    return finish(c, &g, figs, e);
}

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const movie_opts *sp = plan->options;
    int rc = NN_OK;
    for (int i = 0; i < c->n_models && !rc; i++) {
        const char *label = c->models[i]->label;
        nn_model *m = study_load_model(c, label, false, e);
        if (!m)
            return e->code;
        int l = (int)sp->layer - 1;
        movie mv = {.label = label, .off = m->w_off[l], .rows = m->width[l + 1],
                    .cols = m->width[l], .lo = INFINITY, .hi = -INFINITY};
        mv.k = (size_t)mv.rows * (size_t)mv.cols;
        cJSON *res = cJSON_AddObjectToObject(out, label);
        char path[4200], path2[4200];
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
        cJSON *figs = cJSON_AddArrayToObject(res, "figures");
        if ((rc = pass(c, sp, m, &mv, true, fw.f, tw.f, res, e)) ||
            (rc = nn_file_commit(&fw, e)) || (rc = nn_file_commit(&tw, e)) ||
            (rc = write_scripts(c, sp, &mv, res, figs, e)))
            goto next;
    next:
        free(mv.frame_epoch);
        nn_file_abort(&fw);
        nn_file_abort(&tw);
        nn_model_free(m);
    }
    return rc;
}

static int check_movie(nn_spec_v *v, const void *options, const nn_plan *p)
{
    const movie_opts *o = options;
    for (int i = 0; i < p->n_models; i++)
        if (o->layer > p->models[i].arch.n_hidden + 1) {
            size_t m = nn_spec_push(v, "layer");
            int rc = nn_spec_fail(v, "model \"%s\" has %d weight layer%s, so no layer %ld (layers "
                                  "count from 1 at the input side)", p->models[i].label,
                                  p->models[i].arch.n_hidden + 1,
                                  p->models[i].arch.n_hidden ? "s" : "", o->layer);
            nn_spec_pop(v, m);
            return rc;
        }
    return NN_OK;
}

static const char *const rests[] = {"mean", "notebook"};

static const nn_option options[] = {
    {.key = "layer", .kind = NN_OPTION_INT, .offset = offsetof(movie_opts, layer), .def = 1,
     .lo = 1, .hi = NN_MAX_HIDDEN + 1, .doc = "the weight layer shown, counted from 1 at the "
                                              "input side"},
    {.key = "rest", .kind = NN_OPTION_ENUM, .offset = offsetof(movie_opts, rest),
     .names = rests, .n_names = 2, .def_name = "mean", .what = "average of the rest",
     .doc = "the trajectory's average of the rest: the mean of the other weights, or the "
            "notebook's first plot's, their sum divided by all k weights"},
    {.key = "delay", .kind = NN_OPTION_INT, .offset = offsetof(movie_opts, delay), .def = 4,
     .lo = 1, .hi = 1000, .doc = "the animation's frame delay in 1/100 s"},
    {.key = "max_frames", .kind = NN_OPTION_INT, .offset = offsetof(movie_opts, max_frames),
     .def = 1000, .lo = 2, .hi = 10000, .doc = "at most this many recorded rows, evenly "
                                               "spaced, first and last kept"},
};

const nn_study nn_study_movie = {
    .spec = {.name = "movie", .summary = "one layer's weights as a heat strip per recorded "
             "epoch, and the first two weights against the rest (notebook 002)",
             .needs = NN_NEEDS_WEIGHTS, .options = options,
             .n_options = sizeof options / sizeof *options, .options_size = sizeof(movie_opts),
             .check = check_movie},
    .figures = "`movie-<label>.gif` (animated), `movie-<label>.png` (every frame), "
               "`movie-<label>-trajectory.png`; their CSVs",
    .run = run,
};
