/* study.h: studies, pure functions from a run directory's tables to analysis tables,
 * figures and summary values.
 *
 * A study reads only what the run recorded (model.json, data.csv, metrics.csv), so it
 * can be run again on a finished run directory without training. Each fills a JSON
 * object with its summary values (summary.json's analyses.<study>) and writes its CSV
 * tables; with draw set it also draws its figures (libpng or gnuplot).
 */
#ifndef NNLAB_STUDY_H
#define NNLAB_STUDY_H

#include <stdbool.h>

#include "nnlab/err.h"
#include "nnlab/loss.h"
#include "nnlab/spec.h"

typedef struct cJSON cJSON;

typedef struct nn_study_ctx {
    const char *dir;              /* the run directory */
    const char *name;             /* the run's name, for titles */
    int n_labels;
    const char *const *labels;    /* the models, in spec order */
    nn_loss loss;                 /* how outputs turn into classes */
    bool draw;                    /* write PNGs (and run gnuplot) */
    bool gnuplot_missing;         /* set when gnuplot could not be found */
    char undrawn[512];            /* figures left undrawn for want of gnuplot, ", "-separated */
} nn_study_ctx;

/* Decision regions of every model over a grid in original coordinates: per model
 * decision-<label>-points.csv (x1, x2, y, output, predicted, correct) and, when drawing,
 * decision-<label>.png with the grid it was drawn from, decision-<label>.csv (x1, x2,
 * output). out gets {"<label>": {"error", "wrong", "positive_fraction"}}. */
int nn_study_decision(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

/* Train error and mse against epoch for every model: curves.gp and curves.png, drawn
 * from each <label>/metrics.csv. out gets {"figure": "curves.png"}. */
int nn_study_curves(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e);

#endif
