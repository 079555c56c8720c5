/* common.h (private): what the studies share: paths in the run directory, loading the
 * recorded models, reading weights.csv row by row, and running gnuplot on a script. */
#ifndef NNLAB_STUDY_COMMON_H
#define NNLAB_STUDY_COMMON_H

#include <stdio.h>

#include "nnlab/model.h"
#include "nnlab/study.h"

/* dir/<printf fmt> into buf. */
void study_path(const nn_study_ctx *c, char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* <label>/model.json (initial false) or <label>/model-initial.json. */
nn_model *study_load_model(const nn_study_ctx *c, const char *label, bool initial, nn_err *e);

/* Draw png from script with gnuplot when drawing; note it in c->undrawn when gnuplot is
 * missing. Adds "figure" to out when drawn. */
int study_gnuplot(nn_study_ctx *c, const char *script, const char *png, cJSON *out, nn_err *e);

/* weights.csv, row by row. */
typedef struct traj {
    FILE *f;
    char path[4200];
    size_t n;          /* parameters per row */
    long line;
    char *buf;
    size_t cap;
} traj;

/* Open <label>/weights.csv (raw false) or raw_weights.csv and check its header against
 * the model m (same parameter names in the same order). */
int traj_open(traj *t, const nn_study_ctx *c, const char *label, bool raw, const nn_model *m,
              nn_err *e);
/* Next row into epoch and params (n values): 1 read, 0 at the end, <0 error (e filled). */
int traj_next(traj *t, long *epoch, double *params, nn_err *e);
void traj_close(traj *t);

/* The indices of m's working weights (no biases), input side first; returns how many. */
size_t study_working_weights(const nn_model *m, size_t *idx);

#endif
