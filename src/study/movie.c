/* movie.c: notebook 002's weight movie (see study.h).
 *
 * Per model, from <label>/weights.csv: one layer's weights (flattened row by row, biases
 * left out) at every recorded epoch. The tables:
 * - movie-<label>.csv: the frames in long form (frame, epoch, row, col, weight), at most
 *   max_frames evenly spaced recorded rows, first and last always;
 * - movie-<label>-trajectory.csv: for every recorded row, the first two weights and the
 *   average of the rest, the notebook's second figure. The notebook draws that average
 *   twice: once as np.mean over all k weights with the first two zeroed (a sum over k - 2
 *   weights divided by k, rest "notebook"), once as the mean of the k - 2 (rest "mean", the
 *   default). Both sum the weights in order, as numpy does along that axis;
 * - movie-<label>-weights.csv: every recorded row, one column per weight (the first
 *   MAX_LINES of a larger layer), the notebook's plot of every weight (cell 27);
 * - movie-<label>-averaged.csv: the frames of the notebook's Movie_averaged (cell 30): W[0],
 *   W[1] and np.mean(Movie[0,2:,:], 0), the mean of the other k - 2 whatever `rest` says.
 *
 * The figures: two animated GIFs (the layer as a heat strip per frame; W[0], W[1] and the
 * mean of the rest as three strips per frame), each with a still of its frames stacked,
 * time down the page (a raster layer, <base>.layer.png, a block of pixels per weight and
 * frame), and two line figures against epoch (every weight; W[0], W[1] and the rest). The
 * notebook colours its movie with matplotlib's 'hot'; here every heat picture uses the
 * signed map over [-m, m], m the largest finite |weight| of the run, so white is 0, a
 * weight's sign is its hue, and the movies and the stills agree; a weight that is not
 * finite is grey.
 */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/figure.h"
#include "nnlab/record.h"
#include "nnlab/study.h"
#include "common.h"

enum {
    MAX_LINES = 20,      /* weights drawn as lines in the all-weights figure */
    MAX_POINTS = 5000,   /* points a line needs at most (curves.c's reason) */
};

/* A still's raster layer: frame j of column q is a block of cw x rh pixels, so the layer is
 * about the size it is drawn at (an SVG viewer smooths an image it enlarges). */
typedef struct layer {
    nn_canvas *cv;
    int cw, rh;
} layer;

enum { STACK_H = 560 };   /* a still's plot height in pixels */

/* A still's plot width in pixels: ncols columns of cell_px, within [300, 1000]. */
static int stack_width(int ncols, int cell_px)
{
    int pw = ncols * cell_px;
    return pw < 300 ? 300 : pw > 1000 ? 1000 : pw;
}

static nn_canvas *layer_create(layer *l, int ncols, int cell_px, long n_frames)
{
    int pw = stack_width(ncols, cell_px);
    l->cw = pw / ncols > 1 ? pw / ncols : 1;
    l->rh = STACK_H / n_frames > 1 ? (int)(STACK_H / n_frames) : 1;
    l->cv = nn_canvas_create(ncols * l->cw, (int)n_frames * l->rh, (nn_rgb){255, 255, 255});
    return l->cv;
}

static void layer_cell(layer *l, int q, long frame, nn_rgb col)
{
    nn_canvas_rect(l->cv, q * l->cw, (int)frame * l->rh, (q + 1) * l->cw - 1,
                   (int)(frame + 1) * l->rh - 1, col);
}

typedef struct movie {
    const char *label;
    int layer;            /* from 1 at the input side */
    bool output;          /* the layer is the output layer */
    size_t off, k;        /* the layer's weights in the parameter vector */
    int rows, cols;
    long n_rows;          /* recorded rows */
    long n_frames;
    double lo, hi;        /* the smallest and largest finite weight of the run */
    double m;             /* the colour scale, [-m, m] */
    long first_epoch, last_epoch;
    long *frame_epoch;    /* (n_frames) */
    int n_lines;          /* weights in the all-weights figure and its table */
    bool nonfinite;       /* some frame holds a NaN or an infinity */
    layer stack;          /* (n_frames, k) cells: the frames stacked, frame 0 at the top */
    layer avg_stack;      /* (n_frames, 3): W[0], W[1], the mean of the rest; no canvas if k < 3 */
} movie;

typedef struct movie_opts {
    long layer;            /* the weight layer shown, from 1 at the input side */
    int rest;              /* 0: the mean of the other weights; 1: notebook 002's average */
    long delay;            /* GIF frame delay in 1/100 s */
    long max_frames;       /* at most this many frames (evenly spaced rows) */
} movie_opts;

/* the tables being written */
typedef struct tables {
    FILE *frames, *traj, *weights, *avg;
} tables;

static double rest_average(const double *w, size_t k, bool notebook)
{
    if (k < 3)
        return NAN;
    double s = 0.0;
    for (size_t i = 2; i < k; i++)
        s += w[i];
    return s / (double)(notebook ? k : k - 2);
}

/* A weight's colour on the signed map over [-m, m]; grey when it is not a number. */
static nn_rgb cell_color(double w, double m)
{
    return isfinite(w) ? nn_cmap_color(NN_CMAP_SIGNED, 0.5 + 0.5 * w / m) : nn_fig_muted;
}

/* Pass over weights.csv: counting rows and the weights' range (write false), or writing
 * every table and the stills' layers (write true). */
static int pass(nn_study_ctx *c, const movie_opts *sp, const nn_model *m, movie *mv,
                bool write, const tables *tb, cJSON *res, nn_err *e)
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
        fprintf(tb->traj, "%ld,", epoch);
        nn_csv_num(tb->traj, w0);
        fputc(',', tb->traj);
        nn_csv_num(tb->traj, w1);
        fputc(',', tb->traj);
        nn_csv_num(tb->traj, rest);
        fputc('\n', tb->traj);
        fprintf(tb->weights, "%ld", epoch);
        for (int q = 0; q < mv->n_lines; q++) {
            fputc(',', tb->weights);
            nn_csv_num(tb->weights, w[q]);
        }
        fputc('\n', tb->weights);
        if (study_frame_row(i, mv->n_rows, mv->n_frames) && frame < mv->n_frames) {
            mv->frame_epoch[frame] = epoch;
            for (int r = 0; r < mv->rows; r++)
                for (int q = 0; q < mv->cols; q++) {
                    double v = w[(size_t)r * (size_t)mv->cols + (size_t)q];
                    fprintf(tb->frames, "%ld,%ld,%d,%d,", frame, epoch, r, q);
                    nn_csv_num(tb->frames, v);
                    fputc('\n', tb->frames);
                }
            for (size_t q = 0; q < mv->k; q++) {
                mv->nonfinite |= !isfinite(w[q]);
                layer_cell(&mv->stack, (int)q, frame, cell_color(w[q], mv->m));
            }
            if (mv->avg_stack.cv) {
                double three[3] = {w[0], w[1], rest_average(w, mv->k, false)};
                fprintf(tb->avg, "%ld,%ld", frame, epoch);
                for (int q = 0; q < 3; q++) {
                    fputc(',', tb->avg);
                    nn_csv_num(tb->avg, three[q]);
                    layer_cell(&mv->avg_stack, q, frame, cell_color(three[q], mv->m));
                }
                fputc('\n', tb->avg);
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
    /* the all-weights figure draws the first n_lines of the layer's k weights */
    cJSON_AddNumberToObject(res, "layer_weights", (double)mv->k);
    cJSON_AddNumberToObject(res, "weights_drawn", mv->n_lines);
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

/* ---- words and axes the figures share ------------------------------------------------ */

/* The x axis of anything over training, as curves.c says it. */
static void epoch_words(const nn_study_ctx *c, char *buf, size_t cap)
{
    size_t B = c->plan->train.batch;
    if (B == 0)
        snprintf(buf, cap, "epoch (one full-batch step each)");
    else
        snprintf(buf, cap, "epoch (steps of %zu samples)", B);
}

/* Weight i of the layer (row by row): W[i] in a layer of one row, as the notebook writes
 * W^(1)[i]; W[r,c] otherwise (to unit r from unit c). */
static void weight_name(const movie *mv, size_t i, char *buf, size_t cap)
{
    if (mv->rows == 1)
        snprintf(buf, cap, "W[%zu]", i);
    else
        snprintf(buf, cap, "W[%zu,%zu]", i / (size_t)mv->cols, i % (size_t)mv->cols);
}

/* What the layer's column v is ("input i", "unit i of hidden layer 1"), and its row v. */
static void from_words(const movie *mv, const char *v, char *buf, size_t cap)
{
    if (mv->layer == 1)
        snprintf(buf, cap, "input %s", v);
    else
        snprintf(buf, cap, "unit %s of hidden layer %d", v, mv->layer - 1);
}

static void to_words(const movie *mv, const char *v, char *buf, size_t cap)
{
    if (mv->output)
        snprintf(buf, cap, "output %s", v);
    else
        snprintf(buf, cap, "unit %s of hidden layer %d", v, mv->layer);
}

/* The smallest 1, 2 or 5 times a power of ten at least x. */
static double nice_step(double x)
{
    if (!(x > 0) || !isfinite(x))
        return 1;
    double p = pow(10, floor(log10(x)));
    static const double mult[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (mult[i] * p >= x * (1 - 1e-9))
            return mult[i] * p;
    return 10 * p;
}

/* Margins at screen positions: the plot pw x ph pixels, left and bottom from the figure's
 * left and bottom edges, in a W x H figure. */
static void place(FILE *f, int W, int H, int left, int bottom, int pw, int ph)
{
    fprintf(f, "set lmargin at screen %.4f; set rmargin at screen %.4f\n"
               "set bmargin at screen %.4f; set tmargin at screen %.4f\n",
            left / (double)W, (left + pw) / (double)W, bottom / (double)H,
            (bottom + ph) / (double)H);
}

/* The signed map over [-m, m] and its colour bar beside the plot's right edge, as tall as
 * the plot: a tick at 0 and one or two each side (more when the bar is tall). */
static void colour_bar(nn_gp *g, const movie *mv, int W, int H, int right, int bottom, int ph)
{
    nn_gp_palette(g, NN_CMAP_SIGNED, -mv->m, mv->m, "weight");
    fprintf(g->f, "set colorbox vertical user origin screen %.4f, screen %.4f size screen "
                  "%.4f, screen %.4f border\n",
            (right + 18.0) / W, bottom / (double)H, 16.0 / W, ph / (double)H);
    fprintf(g->f, "set cbtics %.17g\n", nice_step(mv->m / (ph < 200 ? 2 : 4)));
    fputs("set cblabel offset 1,0\n", g->f);    /* clear of the tick labels */
}

/* Weight cells apart: a thin light rule between columns cell_px wide (when that is room
 * enough; light grey, so two near-white weights show as two) and a dark one between the
 * receiving units of a layer of several rows. */
static void cell_rules(FILE *f, const movie *mv, int ncols, double cell_px, bool by_unit)
{
    if (cell_px >= 14)
        for (int q = 1; q < ncols; q++)
            fprintf(f, "set arrow from first %g, graph 0 to first %g, graph 1 nohead lw 1 "
                       "lc rgb '#bdbdbd' front\n", q - 0.5, q - 0.5);
    if (by_unit && mv->rows > 1 && cell_px * mv->cols >= 14)
        for (int r = 1; r < mv->rows; r++)
            fprintf(f, "set arrow from first %g, graph 0 to first %g, graph 1 nohead lw 1.5 "
                       "lc rgb INK front\n", r * mv->cols - 0.5, r * mv->cols - 0.5);
}

/* The y axis of a still: frame j is the j-th pixel row from the top (y = n - 1 - j). When
 * the frames are evenly spaced in epochs, ticks at round epochs, placed between the frames
 * around them; otherwise (a geometric schedule) seven frames evenly down the page, each
 * labelled with its epoch. Returns whether the axis is linear in epochs. */
static bool epoch_ticks(FILE *f, const movie *mv)
{
    const long n = mv->n_frames, *ep = mv->frame_epoch;
    fputs("set ytics (", f);
    if (n < 2 || ep[n - 1] <= ep[0]) {
        fprintf(f, "'%ld' %ld)\n", ep[0], n - 1);
        return true;
    }
    long gmin = ep[1] - ep[0], gmax = gmin;
    for (long q = 2; q < n; q++) {
        long d = ep[q] - ep[q - 1];
        gmin = d < gmin ? d : gmin;
        gmax = d > gmax ? d : gmax;
    }
    /* max_frames' rounding moves a frame by one recorded row at most */
    bool linear = gmin > 0 && gmax <= gmin + gmin / 2 + 1;
    if (!linear) {
        long last = -1;
        for (int q = 0; q <= 6; q++) {
            long j = (long)lround(q * (n - 1) / 6.0);
            if (j == last)
                continue;
            fprintf(f, "%s'%ld' %ld", q ? ", " : "", ep[j], n - 1 - j);
            last = j;
        }
        fputs(")\n", f);
        return false;
    }
    long step = (long)nice_step((double)(ep[n - 1] - ep[0]) / 6.0);
    step = step < 1 ? 1 : step;
    long t = ep[0] >= 0 ? (ep[0] + step - 1) / step * step : ep[0];
    long j = 0;
    for (bool first = true; t <= ep[n - 1]; t += step, first = false) {
        while (j < n - 2 && ep[j + 1] <= t)
            j++;
        double pos = j + (double)(t - ep[j]) / (double)(ep[j + 1] - ep[j]);
        fprintf(f, "%s'%ld' %.6g", first ? "" : ", ", t, (double)(n - 1) - pos);
    }
    fputs(")\n", f);
    return true;
}

/* Non-finite weights (a diverged run's last rows) are grey in every heat picture: a key
 * entry saying so under the colour bar, and FINITE(col), true when column col of a table
 * is a number (gnuplot reads "nan" as a missing value and "inf" as a huge one). */
#define NONFINITE_ENTRY ", \\\n     keyentry with boxes fc rgb MUTED title 'not finite'"

static void nonfinite_key(FILE *f, const movie *mv, int W, int H, int right)
{
    fputs("FINITE(col) = strcol(col) ne 'nan' && abs(column(col)) <= 1.7e308\n", f);
    if (mv->nonfinite)
        fprintf(f, "set key at screen %.4f, screen %.4f left bottom samplen 1\n",
                (right + 10.0) / W, 6.0 / H);
}

/* ---- the figures ---------------------------------------------------------------------- */

/* The animation: the layer as a heat strip (a grid for several rows) per frame. */
static int script_movie(nn_study_ctx *c, const movie_opts *sp, const movie *mv, cJSON *figs,
                        nn_err *e)
{
    char q[300], t[300], data[300], base[200];
    const int rows = mv->rows, cols = mv->cols;
    const long k = (long)mv->k;
    /* square cells of at most 36 pixels, the layer at most 1000 x 600; a layer of one row
     * a strip 90 pixels tall (the colour bar beside it needs that much) */
    double cell = fmin(36.0, fmin(1000.0 / cols, 600.0 / rows));
    int pw = (int)lround(cell * cols), ph = rows == 1 ? 90 : (int)lround(cell * rows);
    pw = pw < 120 ? 120 : pw;
    ph = ph < 120 ? 120 : ph;
    int left = rows == 1 ? 30 : 110;
    const int right = 160, top = 56, bottom = 66, W0 = left + pw + right;
    const int W = W0 < 460 ? 460 : W0, H = top + ph + bottom;
    left += (W - W0) / 2;        /* a small layer in the middle, under its title */
    nn_gp g;
    snprintf(base, sizeof base, "movie-%s", mv->label);
    int rc = study_animation_begin(c, &g, base, "notebook 002's weight movie: the layer's "
                                   "weights as a heat strip, one frame per recorded row",
                                   W, H, (int)sp->delay, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    place(f, W, H, left, bottom, pw, ph);
    colour_bar(&g, mv, W, H, left + pw, bottom, ph);
    fprintf(f, "set xrange [-0.5:%d.5]\nset yrange [%d.5:-0.5]\nunset grid\n"
               "set border 15 lw 1 lc rgb INK\n", cols - 1, rows - 1);
    if (cols <= 30)
        fputs("set xtics 1\n", f);
    char from[100], y[140];
    if (rows == 1) {
        from_words(mv, "i", from, sizeof from);
        snprintf(t, sizeof t, "%s (weight W[i])", from);
        fputs("unset ytics\n", f);
    } else {
        from_words(mv, "c", from, sizeof from);
        snprintf(t, sizeof t, "from %s (weight W[r,c])", from);
        if (rows <= 30)
            fputs("set ytics 1\n", f);
        to_words(mv, "r", from, sizeof from);
        snprintf(y, sizeof y, "to %s", from);
        fputs("set ylabel ", f);
        nn_gp_str(&g, y);
        fputc('\n', f);
    }
    fputs("set xlabel ", f);
    nn_gp_str(&g, t);
    fputc('\n', f);
    snprintf(t, sizeof t, "movie-%s.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    nn_gp_quote(q, sizeof q, mv->label);
    fprintf(f, "array epoch[%ld] = [", mv->n_frames);
    for (long i = 0; i < mv->n_frames; i++)
        fprintf(f, "%s%ld", i ? "," : "", mv->frame_epoch[i]);
    fputs("]\n", f);
    cell_rules(f, mv, cols, pw / (double)cols, false);
    if (ph / (double)rows >= 14)
        for (int r = 1; r < rows; r++)
            fprintf(f, "set arrow from graph 0, first %g to graph 1, first %g nohead lw 1 "
                       "lc rgb '#bdbdbd' front\n", r - 0.5, r - 0.5);
    nonfinite_key(f, mv, W, H, left + pw);
    fprintf(f, "do for [f=0:%ld] {\n"
               "    set title sprintf('%%s, layer %d: epoch %%d of %ld', %s, epoch[f+1])\n"
               "    plot %s skip 1 every ::(f*%ld)::(f*%ld+%ld) using 4:3:(0.5):(0.5):"
               "(FINITE(5) ? $5 : NaN) with boxxyerror fs solid noborder lc palette notitle",
            mv->n_frames - 1, mv->layer, mv->last_epoch, q, data, k, k, k - 1);
    if (mv->nonfinite)
        fprintf(f, ", \\\n         '' skip 1 every ::(f*%ld)::(f*%ld+%ld) using "
                   "4:(FINITE(5) ? NaN : $3):(0.5):(0.5) with boxxyerror fs solid noborder "
                   "lc rgb MUTED notitle%s",
                k, k, k - 1, NONFINITE_ENTRY);
    fputs("\n}\n", f);
    return finish(c, &g, figs, e);
}

/* A still: the frames stacked, frame 0 at the top, from the layer <base>.layer.png (ly, made
 * by layer_create with the same ncols and cell_px); xtics a gnuplot tics list (NULL: one
 * tick per column). */
static int script_stack(nn_study_ctx *c, const movie *mv, const char *base, const char *what,
                        const layer *ly, int ncols, int cell_px, const char *xtics,
                        const char *xlabel, const char *title, const char *subtitle,
                        bool by_unit, cJSON *figs, nn_err *e)
{
    const int pw = stack_width(ncols, cell_px), ph = STACK_H;
    const int left = 110, right = 160, top = 80, bottom = *xlabel ? 70 : 46;
    const int W = left + pw + right, H = top + ph + bottom;
    nn_gp g;
    int rc = study_figure_begin(c, &g, base, what, W, H, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    place(f, W, H, left, bottom, pw, ph);
    colour_bar(&g, mv, W, H, left + pw, bottom, ph);
    char sub[400], ep[120];
    bool linear = epoch_ticks(f, mv);
    snprintf(sub, sizeof sub, "%s%s%s", subtitle ? subtitle : "", subtitle && !linear ? "; " : "",
             linear ? "" : "the epoch axis is not linear (frames as recorded)");
    nn_gp_title(&g, title, sub);
    fprintf(f, "set xrange [-0.5:%d.5]\nset yrange [-0.5:%ld.5]\nunset grid\n"
               "set border 15 lw 1 lc rgb INK\nset tics front\n", ncols - 1, mv->n_frames - 1);
    if (xtics)
        fprintf(f, "set xtics %s\n", xtics);
    else if (ncols <= 30)
        fputs("set xtics 1\n", f);
    epoch_words(c, ep, sizeof ep);
    fputs("set ylabel ", f);
    nn_gp_str(&g, ep);
    fputs("\nset xlabel ", f);
    nn_gp_str(&g, xlabel);
    fputc('\n', f);
    cell_rules(f, mv, ncols, pw / (double)ncols, by_unit);
    nonfinite_key(f, mv, W, H, left + pw);
    char png[300];
    snprintf(png, sizeof png, "%s.layer.png", base);
    fputs("plot ", f);
    nn_gp_str(&g, png);
    /* a pixel's centre in plot units: cell q spans [q - 0.5, q + 0.5], frame j (from the
     * top) [n - 1.5 - j, n - 0.5 - j] */
    fprintf(f, " binary filetype=png dx=%.17g dy=%.17g origin=(%.17g,%.17g) with rgbimage "
               "notitle, \\\n     '+' using (NaN):(NaN):(0) with points lc palette notitle",
            1.0 / ly->cw, 1.0 / ly->rh, -0.5 + 0.5 / ly->cw, -0.5 + 0.5 / ly->rh);
    if (mv->nonfinite)
        fputs(NONFINITE_ENTRY, f);
    fputc('\n', f);
    return finish(c, &g, figs, e);
}

/* W[0], W[1] and the rest against epoch (the notebook's cells 28 and 37). */
static int script_trajectory(nn_study_ctx *c, const movie_opts *sp, const movie *mv,
                             const cJSON *res, cJSON *figs, nn_err *e)
{
    char t[300], sub[300], data[300], base[200], n0[40], n1[40], rest[160], ep[120];
    const int top = 80, bottom = 62;
    weight_name(mv, 0, n0, sizeof n0);
    weight_name(mv, 1, n1, sizeof n1);
    rest[0] = '\0';
    if (mv->k >= 3 && sp->rest)
        snprintf(rest, sizeof rest, "sum of the other %zu over %zu (notebook)", mv->k - 2, mv->k);
    else if (mv->k >= 3)
        snprintf(rest, sizeof rest, "mean of the other %zu weights", mv->k - 2);
    const int key_px = 60 + 8 * (int)(strlen(rest) > 8 ? strlen(rest) : 8);
    if (mv->k >= 3)
        snprintf(t, sizeof t, "%s: %s, %s and the %s of layer %d", mv->label, n0, n1,
                 sp->rest ? "average of the rest" : rest, mv->layer);
    else
        snprintf(t, sizeof t, "%s: the weights of layer %d", mv->label, mv->layer);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(res, "w1_over_w0_final");
    const cJSON *w0 = cJSON_GetObjectItemCaseSensitive(res, "w0_final");
    sub[0] = '\0';
    if (cJSON_IsNumber(r))
        snprintf(sub, sizeof sub, "%s ends at %.4g, |%s| / %s = %.3g", n0, w0->valuedouble, n1,
                 n0, r->valuedouble);
    snprintf(base, sizeof base, "movie-%s-trajectory", mv->label);
    nn_gp g;
    int rc = study_figure_begin(c, &g, base, "W[0], W[1] and the average of the rest against "
                                "epoch (notebook 002)", 900, 440, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    nn_gp_panel(&g, 0, 0, 1, 1, top, key_px, bottom);
    nn_gp_key_right(&g, key_px, top);
    nn_gp_title(&g, t, sub);
    epoch_words(c, ep, sizeof ep);
    fputs("set xlabel ", f);
    nn_gp_str(&g, ep);
    fputs("\nset ylabel 'weight'\nset xzeroaxis lt -1 lw 1 lc rgb '#b0b0b0'\n", f);
    long stride = (mv->n_rows + MAX_POINTS - 1) / MAX_POINTS;
    char every[40] = "";
    if (stride > 1)
        snprintf(every, sizeof every, "every %ld ", stride);
    snprintf(t, sizeof t, "movie-%s-trajectory.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    fprintf(f, "plot %s skip 1 %susing 1:2 with lines lt 1 title ", data, every);
    nn_gp_str(&g, n0);
    if (mv->k >= 2) {
        fprintf(f, ", \\\n     '' skip 1 %susing 1:3 with lines lt 2 title ", every);
        nn_gp_str(&g, n1);
    }
    if (mv->k >= 3) {
        fprintf(f, ", \\\n     '' skip 1 %susing 1:4 with lines lt 3 title ", every);
        nn_gp_str(&g, rest);
    }
    fputc('\n', f);
    return finish(c, &g, figs, e);
}

/* Every weight of the layer against epoch, one line each (the notebook's cell 27); the
 * first MAX_LINES of a larger layer, said in the title. */
static int script_weights(nn_study_ctx *c, const movie *mv, cJSON *figs, nn_err *e)
{
    char t[300], sub[300], data[300], base[200], style[80], name[40], ep[120];
    const int key_px = mv->rows == 1 ? 110 : 130, top = 80, bottom = 62;
    const int n = mv->n_lines;
    if ((size_t)n < mv->k)
        snprintf(t, sizeof t, "%s: the first %d of the %zu weights of layer %d over training",
                 mv->label, n, mv->k, mv->layer);
    else
        snprintf(t, sizeof t, "%s: all %zu weights of layer %d over training", mv->label,
                 mv->k, mv->layer);
    sub[0] = '\0';
    if ((size_t)n < mv->k)
        snprintf(sub, sizeof sub, "row by row; every weight is in %s/weights.csv%s", mv->label,
                 n > NN_FIG_N_SERIES ? "; after ten lines the colours repeat, dashed" : "");
    else if (n > NN_FIG_N_SERIES)
        snprintf(sub, sizeof sub, "after ten lines the colours repeat, dashed");
    /* tall enough for a key of one line per weight */
    int H = top + bottom + 18 * n + 40;
    H = H < 440 ? 440 : H;
    snprintf(base, sizeof base, "movie-%s-weights", mv->label);
    nn_gp g;
    int rc = study_figure_begin(c, &g, base, "every weight of the layer against epoch "
                                "(notebook 002, cell 27)", 900, H, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    nn_gp_panel(&g, 0, 0, 1, 1, top, key_px, bottom);
    nn_gp_key_right(&g, key_px, top);
    nn_gp_title(&g, t, sub);
    epoch_words(c, ep, sizeof ep);
    fputs("set xlabel ", f);
    nn_gp_str(&g, ep);
    fputs("\nset ylabel 'weight'\nset xzeroaxis lt -1 lw 1 lc rgb '#b0b0b0'\n", f);
    long stride = (mv->n_rows + MAX_POINTS - 1) / MAX_POINTS;
    char every[40] = "";
    if (stride > 1)
        snprintf(every, sizeof every, "every %ld ", stride);
    snprintf(t, sizeof t, "movie-%s-weights.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    fputs("plot ", f);
    for (int i = 0; i < n; i++) {
        nn_gp_series(style, sizeof style, i);
        weight_name(mv, (size_t)i, name, sizeof name);
        fprintf(f, "%s%s skip 1 %susing 1:%d with lines lw 1.5 %s title ", i ? ", \\\n     " : "",
                i ? "''" : data, every, i + 2, style);
        nn_gp_str(&g, name);
    }
    fputc('\n', f);
    return finish(c, &g, figs, e);
}

/* The notebook's Movie_averaged (cell 30): W[0], W[1] and the mean of the rest as three
 * strips per frame, on the full movie's colour scale. */
static int script_averaged(nn_study_ctx *c, const movie_opts *sp, const movie *mv,
                           const char *xtics, cJSON *figs, nn_err *e)
{
    char q[300], t[300], data[300], base[200];
    const int pw = 3 * 140, ph = 90, left = 30, right = 160, top = 56, bottom = 44;
    const int W = left + pw + right, H = top + ph + bottom;
    nn_gp g;
    snprintf(base, sizeof base, "movie-%s-averaged", mv->label);
    int rc = study_animation_begin(c, &g, base, "notebook 002's averaged movie: W[0], W[1] and "
                                   "the mean of the other weights, one frame per frame of the "
                                   "weight movie", W, H, (int)sp->delay, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    place(f, W, H, left, bottom, pw, ph);
    colour_bar(&g, mv, W, H, left + pw, bottom, ph);
    fprintf(f, "set xrange [-0.5:2.5]\nset yrange [0.5:-0.5]\nunset grid\nunset ytics\n"
               "set border 15 lw 1 lc rgb INK\nset xtics %s scale 0\n", xtics);
    snprintf(t, sizeof t, "movie-%s-averaged.csv", mv->label);
    nn_gp_quote(data, sizeof data, t);
    nn_gp_quote(q, sizeof q, mv->label);
    fprintf(f, "array epoch[%ld] = [", mv->n_frames);
    for (long i = 0; i < mv->n_frames; i++)
        fprintf(f, "%s%ld", i ? "," : "", mv->frame_epoch[i]);
    fputs("]\n", f);
    cell_rules(f, mv, 3, 140, false);
    nonfinite_key(f, mv, W, H, left + pw);
    fprintf(f, "do for [f=0:%ld] {\n"
               "    set title sprintf('%%s, layer %d: epoch %%d of %ld', %s, epoch[f+1])\n"
               "    plot for [s=0:2] %s skip 1 every ::f::f using (s):(0):(0.5):(0.5):"
               "(FINITE(s+3) ? column(s+3) : NaN) with boxxyerror fs solid noborder lc palette "
               "notitle", mv->n_frames - 1, mv->layer, mv->last_epoch, q, data);
    if (mv->nonfinite)
        fprintf(f, ", \\\n         for [s=0:2] %s skip 1 every ::f::f using "
                   "(s):(FINITE(s+3) ? NaN : 0):(0.5):(0.5) with boxxyerror fs solid noborder "
                   "lc rgb MUTED notitle%s", data, NONFINITE_ENTRY);
    fputs("\n}\n", f);
    return finish(c, &g, figs, e);
}

/* Every figure of one model, in the order summary.json lists them. */
static int write_scripts(nn_study_ctx *c, const movie_opts *sp, const movie *mv,
                         const cJSON *res, cJSON *figs, nn_err *e)
{
    char base[200], t[300], sub[300], xl[320], words[60], n0[40], n1[40], xtics[400];
    int rc;
    if ((rc = script_movie(c, sp, mv, figs, e)))
        return rc;
    /* the frames stacked */
    snprintf(base, sizeof base, "movie-%s-frames", mv->label);
    snprintf(t, sizeof t, "%s: the %zu weights of layer %d over training", mv->label, mv->k,
             mv->layer);
    snprintf(sub, sizeof sub, "all %ld frames of the weight movie, the first at the top",
             mv->n_frames);
    if (mv->rows == 1) {
        from_words(mv, "i", words, sizeof words);
        snprintf(xl, sizeof xl, "%s (weight W[i])", words);
    } else {
        char u[60];
        from_words(mv, "c", words, sizeof words);
        to_words(mv, "r", u, sizeof u);
        snprintf(xl, sizeof xl, "weight W[r,c], row by row (to %s from %s)", u, words);
    }
    if ((rc = script_stack(c, mv, base, "every frame of the weight movie stacked, time down "
                           "the page", &mv->stack, (int)mv->k, 36, NULL, xl, t, sub, true, figs,
                           e)))
        return rc;
    if ((rc = script_trajectory(c, sp, mv, res, figs, e)) ||
        (rc = script_weights(c, mv, figs, e)))
        return rc;
    if (!mv->avg_stack.cv)          /* no rest to average */
        return NN_OK;
    weight_name(mv, 0, n0, sizeof n0);
    weight_name(mv, 1, n1, sizeof n1);
    char a[60], b[60], r[60];
    nn_gp_quote(a, sizeof a, n0);
    nn_gp_quote(b, sizeof b, n1);
    snprintf(t, sizeof t, "mean of the other %zu", mv->k - 2);
    nn_gp_quote(r, sizeof r, t);
    snprintf(xtics, sizeof xtics, "(%s 0, %s 1, %s 2)", a, b, r);
    if ((rc = script_averaged(c, sp, mv, xtics, figs, e)))
        return rc;
    snprintf(base, sizeof base, "movie-%s-averaged-frames", mv->label);
    snprintf(t, sizeof t, "%s: %s, %s and the mean of the other %zu", mv->label, n0, n1,
             mv->k - 2);
    snprintf(sub, sizeof sub, "all %ld frames of the averaged movie, the first at the top",
             mv->n_frames);
    return script_stack(c, mv, base, "every frame of the averaged movie stacked, time down the "
                        "page", &mv->avg_stack, 3, 140, xtics, "", t, sub, false, figs, e);
}

static int write_layer(const nn_study_ctx *c, const nn_canvas *cv, const char *label,
                       const char *suffix, nn_err *e)
{
    char path[4200];
    study_path(c, path, sizeof path, "movie-%s%s.layer.png", label, suffix);
    return nn_canvas_write_png(cv, path, e);
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
        movie mv = {.label = label, .layer = l + 1, .output = l + 1 == m->L, .off = m->w_off[l],
                    .rows = m->width[l + 1], .cols = m->width[l], .lo = INFINITY,
                    .hi = -INFINITY};
        mv.k = (size_t)mv.rows * (size_t)mv.cols;
        mv.n_lines = mv.k < MAX_LINES ? (int)mv.k : MAX_LINES;
        cJSON *res = cJSON_AddObjectToObject(out, label);
        char path[4][4200];
        nn_file fw[4] = {{0}};
        if ((rc = pass(c, sp, m, &mv, false, NULL, res, e)))
            goto next;
        if (mv.n_rows == 0) {
            study_path(c, path[0], sizeof path[0], "%s/weights.csv", label);
            rc = nn_err_set(e, NN_ERUN, path[0], "holds no recorded rows: no movie to draw");
            goto next;
        }
        mv.m = fmax(fabs(mv.lo), fabs(mv.hi));
        if (!(mv.m > 0) || !isfinite(mv.m))   /* one value (or none): a scale around it */
            mv.m = 1;
        mv.frame_epoch = calloc((size_t)mv.n_frames + 1, sizeof *mv.frame_epoch);
        bool ok = mv.frame_epoch && layer_create(&mv.stack, (int)mv.k, 36, mv.n_frames);
        if (ok && mv.k >= 3)
            ok = layer_create(&mv.avg_stack, 3, 140, mv.n_frames);
        if (!ok) {
            rc = nn_err_set(e, NN_ENOMEM, "", "out of memory");
            goto next;
        }
        study_path(c, path[0], sizeof path[0], "movie-%s.csv", label);
        study_path(c, path[1], sizeof path[1], "movie-%s-trajectory.csv", label);
        study_path(c, path[2], sizeof path[2], "movie-%s-weights.csv", label);
        study_path(c, path[3], sizeof path[3], "movie-%s-averaged.csv", label);
        int n_files = mv.avg_stack.cv ? 4 : 3;
        for (int q = 0; q < n_files; q++)
            if ((rc = nn_file_open(&fw[q], path[q], e)))
                goto next;
        tables tb = {fw[0].f, fw[1].f, fw[2].f, mv.avg_stack.cv ? fw[3].f : NULL};
        fputs("frame,epoch,row,col,weight\n", tb.frames);
        fputs("epoch,w0,w1,rest\n", tb.traj);
        fputs("epoch", tb.weights);
        for (int q = 0; q < mv.n_lines; q++)
            fprintf(tb.weights, ",w%d", q);
        fputc('\n', tb.weights);
        if (tb.avg)
            fputs("frame,epoch,w0,w1,rest\n", tb.avg);
        cJSON *figs = cJSON_AddArrayToObject(res, "figures");
        if ((rc = pass(c, sp, m, &mv, true, &tb, res, e)))
            goto next;
        for (int q = 0; q < n_files; q++)
            if ((rc = nn_file_commit(&fw[q], e)))
                goto next;
        if ((rc = write_layer(c, mv.stack.cv, label, "-frames", e)) ||
            (mv.avg_stack.cv &&
             (rc = write_layer(c, mv.avg_stack.cv, label, "-averaged-frames", e))) ||
            (rc = write_scripts(c, sp, &mv, res, figs, e)))
            goto next;
    next:
        free(mv.frame_epoch);
        nn_canvas_free(mv.stack.cv);
        nn_canvas_free(mv.avg_stack.cv);
        for (int q = 0; q < 4; q++)
            nn_file_abort(&fw[q]);
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

/* Per frame: the layer's weights in long form, three averaged strips, two GIF frames. */
static double output_bytes(const void *options, const nn_plan *p, const nn_data *d)
{
    const movie_opts *o = options;
    double frames = fmin((double)o->max_frames, (double)p->train.max_epochs + 1), total = 0;
    for (int i = 0; i < p->n_models; i++) {
        const nn_arch *a = &p->models[i].arch;
        int l = (int)o->layer;
        double in = l == 1 ? d->d : l - 2 < a->n_hidden ? a->hidden[l - 2] : 1;
        double out = l - 1 < a->n_hidden ? a->hidden[l - 1] : a->n_out;
        total += frames * (in * out * 36.0 + 3 * 40.0 + 30000.0) + 1e6;
    }
    return total;
}

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
             .n_options = sizeof options / sizeof *options, .options_size = sizeof(movie_opts), .output_bytes = output_bytes,
             .output_hint = "lower its max_frames",
             .check = check_movie},
    .figures = "`movie-<label>.gif` (animated) and `movie-<label>-frames.png` (every frame "
               "stacked), `movie-<label>-weights.png` (every weight by epoch), "
               "`movie-<label>-averaged.gif` and `-averaged-frames.png` (W[0], W[1] and the mean "
               "of the rest), `movie-<label>-trajectory.png`; their CSVs",
    .run = run,
};
