/* common.h (private): what the studies share: paths in the run directory, loading the
 * recorded models, reading weights.csv row by row, and running gnuplot on a script. */
#ifndef NNLAB_STUDY_COMMON_H
#define NNLAB_STUDY_COMMON_H

#include <stddef.h>
#include <stdio.h>

#include "nnlab/data.h"
#include "nnlab/model.h"
#include "nnlab/study.h"

/* dir/<printf fmt> into buf. */
void study_path(const nn_study_ctx *c, char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* <label>/model.json (initial false) or <label>/model-initial.json. */
nn_model *study_load_model(const nn_study_ctx *c, const char *label, bool initial, nn_err *e);

/* Start the script of the figure base (nn_gp_begin) with the run's figure options: w x h
 * pixels at size 1; what, a comment saying what it shows. */
int study_figure_begin(const nn_study_ctx *c, nn_gp *g, const char *base, const char *what,
                       int w, int h, nn_err *e);
/* The same for an animated GIF with frames delay hundredths of a second apart. */
int study_animation_begin(const nn_study_ctx *c, nn_gp *g, const char *base, const char *what,
                          int w, int h, int delay, nn_err *e);
/* Finish g's script, and draw it when drawing: in every format asked for; noted in
 * c->undrawn when gnuplot is missing. out (may be NULL) gets "script" and, when drawn,
 * "figure" (the first file drawn). */
int study_figure_end(nn_study_ctx *c, nn_gp *g, cJSON *out, nn_err *e);

/* The run's data.csv (the training points, in the data's own units). */
int study_load_data(nn_study_ctx *c, nn_data *d, nn_err *e);

/* The first hidden layer's activations for every point of d: (n, width[1]) row-major, the
 * caller's to free; NULL when memory runs out (e filled). */
double *study_first_layer(const nn_model *m, const nn_data *d, nn_err *e);

/* Model i's metrics.csv is whole: its header, a complete row per epoch from 0 to the epochs
 * summary.json says it ran; else NN_ERUN naming the file and line. */
int study_check_metrics(const nn_study_ctx *c, int i, nn_err *e);

/* weights.csv, row by row. */
typedef struct traj {
    FILE *f;
    char path[4200];
    size_t n;          /* parameters per row */
    long line;
    char *buf;
    size_t cap;
    long prev_epoch;   /* the last row's (epochs increase) */
    long nonfinite;    /* the line of a row holding nan or inf (then the last), or 0 */
    bool at_end;       /* that row was the last */
    double *last;      /* the last row read */
    nn_model *initial, *final;   /* model-initial.json, model.json (NULL for raw) */
} traj;

/* Open <label>/weights.csv (raw false) or raw_weights.csv and check its header against
 * the model m (same parameter names in the same order). */
int traj_open(traj *t, const nn_study_ctx *c, const char *label, bool raw, const nn_model *m,
              nn_err *e);
/* Next row into epoch and params (n values): 1 read, 0 at the end, <0 error (e filled,
 * naming path:line). Every field must be a number as nnlab writes them (as data.csv's
 * reader takes them: no spaces, hex, 1e400); nan and inf only in the last row (a diverged
 * run's). Epochs increase from 0; the first row must be model-initial.json's weights and the
 * last model.json's (exactly), so a file copied from another replicate is refused. */
int traj_next(traj *t, long *epoch, double *params, nn_err *e);
void traj_close(traj *t);

/* Is recorded row i (of n) one of nf frames spread evenly over them (row round(j (n - 1) /
 * (nf - 1)) for frame j; every row when n <= nf)? */
bool study_frame_row(long i, long n, long nf);

/* The indices of m's working weights (no biases), input side first; returns how many. */
size_t study_working_weights(const nn_model *m, size_t *idx);

#endif

/* ---- a grid of cells per (row, step), rows grouped by layer (grid.c) ---------------------- */

typedef struct cellgrid {
    int rows;                      /* coefficients or neurons, input side first */
    long cols;                     /* steps */
    int n_groups;                  /* layers */
    const int *group_rows;         /* rows per layer, input side first */
    const long *col_epoch;         /* the epoch each column stands for (increasing) */
    /* colour of rows [r0, r1) over columns [c0, c1): more than one of each when binned */
    nn_rgb (*color)(void *ctx, int r0, int r1, long c0, long c1);
    void *ctx;
    const char *what;              /* the script's comment */
    const char *title, *subtitle;
    const char *row_word;          /* "weights", "neurons": the y axis says what a row is */
    const char *group_word;        /* "layer", "hidden layer": what a group is */
    const char *bin_note;          /* how a binned column's colour reads, or NULL */
    int n_legend;
    const char *legend[4];
    nn_rgb legend_col[4];
    bool colorbar;                 /* a colour bar for map over [bar_lo, bar_hi] ... */
    nn_cmap bar_map;               /* its part [bar_t0, 1] */
    double bar_t0;
    double bar_lo, bar_hi;
    bool bar_log;                  /* ... on a log2 scale */
    const char *bar_label;
} cellgrid;

/* Draw it as the figure base: the cells a raster layer (<base>.layer.png), output side at the
 * top, a gap between layers; axes, layer names, key and colour bar by gnuplot. More than 1000
 * steps are binned into 1000 columns, and more than 500 rows into about 500 pixel rows (each
 * layer keeps at least one). out (may be NULL) gets the figure's names. */
int draw_cellgrid(nn_study_ctx *c, const char *base, const cellgrid *g, cJSON *out, nn_err *e);
