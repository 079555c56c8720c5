/* study.h: studies, pure functions from a run directory's tables to analysis tables,
 * figures and summary values.
 *
 * A study reads only what the run recorded (spec.json, data.csv, each model's
 * model-initial.json, model.json, metrics.csv and weights.csv), so `nnlab analyze` can run
 * it again on a finished run directory without training. Each fills a JSON object with its
 * summary values (summary.json's analyses.<study>) and writes its CSV tables; with draw set
 * it also draws its figures (libpng, or gnuplot for line plots; without gnuplot the scripts
 * stay and the figures are listed in undrawn).
 */
#ifndef NNLAB_STUDY_H
#define NNLAB_STUDY_H

#include <stdbool.h>

#include "nnlab/err.h"
#include "nnlab/loss.h"
#include "nnlab/spec.h"

typedef struct cJSON cJSON;

typedef struct nn_study_ctx {
    const char *dir;                       /* the run directory */
    const nn_plan *plan;                   /* the run's resolved spec */
    int n_models;                          /* the models that were trained, in spec order */
    const nn_model_plan *models[NN_MAX_MODELS];
    bool draw;                             /* write PNGs (and run gnuplot) */
    volatile const int *stop;              /* nonzero: stop (studies that train check it) */
    bool gnuplot_missing;                  /* set when gnuplot could not be found */
    char undrawn[512];                     /* figures left undrawn, ", "-separated */
} nn_study_ctx;

/* Run one study of the plan; out receives its summary values. */
int nn_study_run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Fill sp with study k's defaults (what the spec reader fills in for {"name": ...}). */
void nn_study_defaults(nn_study_plan *sp, nn_study_kind k);

/* Decision regions of every model over a grid in original coordinates: per model
 * decision-<label>-points.csv (x1, x2, y, output, predicted, correct) and, when drawing,
 * decision-<label>.png with the grid it was drawn from, decision-<label>.csv (x1, x2,
 * output). out gets {"<label>": {"error", "wrong", "positive_fraction"}}. */
int nn_study_decision(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Train error and mse against epoch for every model: curves.gp and curves.png, drawn
 * from each <label>/metrics.csv. out gets {"script", "figure"}. */
int nn_study_curves(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 000's "coefficient distribution changes", per group of replicates. */
int nn_study_distribution(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 000's "coefficient directions": sign flips of every working weight. */
int nn_study_oscillation(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 000's "neuron importance": ranks of hidden neurons over training. */
int nn_study_neuron_rank(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Pruning hidden neurons by rank: immediately, fine-tuned, and lottery-ticket retrained. */
int nn_study_prune(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 000's distance between nets, at initialisation and after training. */
int nn_study_distance(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 000's raw against averaged iterates of asgd, epoch by epoch. */
int nn_study_iterates(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Linear mode connectivity: loss and error along the segment between two nets. */
int nn_study_barrier(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Every pair of replicates: distances at initialisation and after training, and barriers. */
int nn_study_seed_pairs(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 002's weight movie: one layer's weights as a heat strip per recorded epoch
 * (animated GIF, all frames stacked in a PNG) and the first two weights against the
 * average of the rest. */
int nn_study_movie(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 003's neuron alignment: the function and each neuron's kink against its output
 * weight per recorded epoch (GIF and a still of chosen frames), the loss profile with its
 * plateaus, and which inputs the grown neurons are active on. */
int nn_study_alignment(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 004: each first-layer unit's line w.x + b = 0 over the 2-D data. */
int nn_study_unit_lines(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 004: first-layer activations of every triple of units as 3-D scatter plots. */
int nn_study_hidden_3d(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Notebook 004's regression: data, prediction and the binary-activation prediction, with
 * R^2 over each half of the inputs. */
int nn_study_fit(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

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
