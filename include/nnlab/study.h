/* study.h: studies, pure functions from a run directory's tables to analysis tables,
 * figures and summary values.
 *
 * A study reads only what the run recorded (spec.json, data.csv, each model's
 * model-initial.json, model.json, metrics.csv and weights.csv), so `nnlab analyze` can run
 * it again on a finished run directory without training. Each fills a JSON object with its
 * summary values (summary.json's analyses.<study>) and writes its CSV tables and the gnuplot
 * script of each figure (figure.h); with draw set it also draws them, in every format the
 * run asks for (without gnuplot the scripts stay and the figures are listed in undrawn).
 */
#ifndef NNLAB_STUDY_H
#define NNLAB_STUDY_H

#include <stdbool.h>

#include "nnlab/err.h"
#include "nnlab/figure.h"
#include "nnlab/loss.h"
#include "nnlab/spec.h"

typedef struct cJSON cJSON;

typedef struct nn_study_ctx {
    const char *dir;                       /* the run directory */
    const nn_plan *plan;                   /* the run's resolved spec */
    int n_models;                          /* the models that were trained, in spec order */
    const nn_model_plan *models[NN_MAX_MODELS];
    long epochs_run[NN_MAX_MODELS];        /* each one's epochs, as summary.json says */
    bool draw;                             /* draw the figures (run gnuplot) */
    nn_fig_opts fig;                       /* formats, size, the gnuplot program */
    volatile const int *stop;              /* nonzero: stop (studies that train check it) */
    bool gnuplot_missing;                  /* set when gnuplot could not be found */
    char undrawn[512];                     /* figures left undrawn, ", "-separated */
} nn_study_ctx;

/* A study: the row the spec reader checks (name, summary, needs, options), what it draws,
 * and the function that runs it. Each study is one file defining one of these; the
 * registry (registry.c) lists them all. */
typedef struct nn_study {
    nn_study_spec spec;
    const char *figures;       /* one line: the tables and figures it writes */
    int (*run)(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);
} nn_study;

/* The registry: every study in the order `nnlab list` shows them. */
extern const nn_study *const nn_studies[];
extern const int nn_n_studies;

/* The registry as the spec reader takes it (nn_spec_load's studies argument). */
const nn_study_table *nn_study_table_get(void);

/* What a study is, needs, takes and writes, as text for `nnlab list studies` (markdown
 * false) or as the docs/spec.md section (markdown true), appended to b. */
typedef struct nn_buf nn_buf;
void nn_study_describe(nn_buf *b, const nn_study *s, bool markdown);

/* Run one study of the plan; out receives its summary values. */
int nn_study_run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* The bytes one figure of plan p takes in every format it asks for (an upper bound in
 * practice: a decision map's PNG is about 140 KB at size 1), for the output size guard;
 * nn_study_png_bytes: its PNG alone (what a page embeds). */
double nn_study_figure_bytes(const nn_plan *p);
double nn_study_png_bytes(const nn_plan *p);

/* Ways of ranking hidden neurons (neuron_rank, prune). The first three are notebook 000's. */
typedef enum {
    NN_RANK_MEAN,          /* mean |w| of the incoming working weights */
    NN_RANK_MEAN_PERCENT,  /* mean percentile of those |w| within the layer */
    NN_RANK_MAX,           /* largest incoming |w| */
    NN_RANK_RANDOM,        /* a seeded random order (prune's baseline) */
    NN_RANK_ABLATION,      /* the loss increase when the neuron is silenced (prune's baseline) */
    NN_RANK_COUNT
} nn_rank_method;
extern const char *const nn_rank_names[NN_RANK_COUNT];

/* ---- the studies' building blocks, exposed for tests ------------------------------- */

/* Direction changes (oscillation): traj holds T rows of n coefficients (row-major). The
 * step into row t is traj[t] - traj[t-1], its sign 1, -1 or 0 (zero is a sign of its own,
 * as in notebook 000). flips[i * (T - 2) + j] is 1 when coefficient i's step into row
 * j + 1 and its step out of it have different signs, else 0 (T >= 3). */
void nn_direction_flips(const double *traj, size_t T, size_t n, unsigned char *flips);

/* Ranks of the rows of W (rows x cols: a layer's incoming working weights, one row per
 * neuron) by one of notebook 000's methods, 0 = least important: mean (mean |w|, ties by
 * max |w|), mean-percent (mean percentile of |w| within W, ties by the max percentile;
 * equal |w| share the percentile of the last of them, as the notebook's dict does), max
 * (max |w|). Remaining ties go to the lower row index (the notebook draws random
 * numbers). Returns NN_OK or NN_ENOMEM. */
int nn_rank_rows(const double *W, size_t rows, size_t cols, nn_rank_method m, int *rank,
                 nn_err *e);

/* ---- statistics the studies share (stats.c) ---------------------------------------- */

/* Kruskal-Wallis H test of k groups, as scipy.stats.mstats.kruskalwallis computes it:
 * average ranks over the pooled sample, tie correction, p from the chi-square upper tail
 * with k - 1 degrees of freedom. groups[g] has n[g] values. */
int nn_kruskal_wallis(const double *const *groups, const size_t *n, int k, double *H, double *p,
                      nn_err *e);

/* The upper tail of the chi-square distribution with df degrees of freedom at x. */
double nn_chi2_sf(double x, double df);

/* Gaussian kernel density estimate with Scott's bandwidth (scipy.stats.gaussian_kde):
 * bandwidth n^(-1/5) times the sample standard deviation (n - 1). Evaluates at the m
 * points xs into dens. Returns the bandwidth. */
double nn_kde_scott(const double *x, size_t n, const double *xs, size_t m, double *dens);

#endif
