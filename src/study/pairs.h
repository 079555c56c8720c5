/* pairs.h (private): what the four studies comparing nets share (distance.c, iterates.c,
 * barrier.c, seed_pairs.c): the distance between two nets with B aligned to A, the loss
 * and error along the straight line between two nets, values that may not be finite in
 * tables and JSON, and the line figures' panels, which leave out what has no finite value
 * and say so.
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
#ifndef NNLAB_STUDY_PAIRS_H
#define NNLAB_STUDY_PAIRS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "nnlab/distance.h"
#include "nnlab/train.h"

/* ---- distances ------------------------------------------------------------------------- */

typedef struct pairdist {
    double unaligned, aligned;   /* d(A, B) and d(A, B aligned to A) */
    bool reorder, capped;        /* the alignment reordered B; weight matching hit its cap */
} pairdist;

/* Align b to a with method (NN_ALIGN_NONE: no reordering) and measure both distances. */
int pair_measure(const nn_model *a, const nn_model *b, nn_align method, nn_metric metric,
                 uint32_t seed, pairdist *pd, nn_err *e);

/* ---- the segment between two nets ------------------------------------------------------ */

/* The run's training data, as the models see it (normalised with the first model's
 * statistics), and the loss to measure on it. */
typedef struct pair_evalset {
    nn_data raw;
    double *X;             /* (d, n) */
    nn_trainset ts;
    nn_loss loss;
} pair_evalset;

/* check_data for the studies that align hidden units (nn_align_models): every hidden layer
 * within NN_ALIGN_MAX_UNITS, known before training rather than after it. */
int pair_check_widths(nn_spec_v *v, const void *options, const nn_plan *p, const nn_data *d);

int pair_evalset_open(const nn_study_ctx *c, const nn_model *m, pair_evalset *s, nn_err *e);
void pair_evalset_close(pair_evalset *s);

#define PAIR_MAX_POINTS 1001

typedef struct pair_path {
    double loss[PAIR_MAX_POINTS], error[PAIR_MAX_POINTS];   /* at t = k / (points - 1) */
    double barrier, barrier_chord, error_barrier;           /* NaN when not finite */
} pair_path;

/* Loss and error along (1 - t) a + t b at points evenly spaced t, and the barriers. */
int pair_segment(const pair_evalset *s, const nn_model *a, const nn_model *b, int points,
                 pair_path *pr, nn_err *e);

/* ---- values that may not be finite ---------------------------------------------------- */

/* A number in o, or null when it is not finite. */
void pair_json_num(cJSON *o, const char *key, double v);

/* A CSV field (",v", nn_csv_num), noting in has[col] that column col got a finite value. */
void pair_csv_field(FILE *f, bool *has, int col, double v);

/* Say in o's "not_plotted" (made on first use) what a figure leaves out: fmt with a and b. */
void pair_not_plotted(cJSON *o, const char *fmt, const char *a, const char *b);

/* ---- line figures ---------------------------------------------------------------------- */

/* A line: a column of the figure's CSV against its first column, in the theme's series
 * colour lt (1..10), the same in every panel of the study. */
typedef struct pair_line {
    int col;                  /* 1-based column of the CSV */
    int lt;
    const char *name;         /* in not_plotted notes */
    const char *key;          /* in the key */
} pair_line;

typedef struct pair_panel {
    const char *name;         /* in not_plotted notes */
    const pair_line *lines;
    int n;
} pair_panel;

/* Which panels have a line to draw (a line needs a finite value in its column, has[col]):
 * draw[i] for each, and how many. What is left out is noted in o (may be NULL). */
int pair_drawable(const pair_panel *p, int np, const bool *has, bool *draw, cJSON *o);

/* `plot` of the panel's lines that have a finite value, from file (nnlab's own name), every
 * stride-th row when stride > 1, with the style with ("lines lw 2"), untitled. With keyp, the plot also holds the figure's one
 * key: a keyentry for each line i of keyp with shown[i] (the lines drawn in any panel), so
 * the key stays whole when this panel lacks a line. */
void pair_plot_lines(nn_gp *g, const char *file, long stride, const pair_panel *p,
                     const bool *has, const char *with, const pair_panel *keyp,
                     const bool *shown);

#endif
