/* run.h: one run of a plan, from data to a complete run directory.
 *
 * Order: make the data, check it against the plan, create and initialise every model
 * (all before anything is written, so a bad spec or an impossible init leaves no trace),
 * then create the run directory and write spec.json, manifest.json ("running") and
 * data.csv; train the models in turn, streaming each metrics.csv; save model.json files
 * and summary.json; run the studies; finish the manifest with the run's status.
 */
#ifndef NNLAB_RUN_H
#define NNLAB_RUN_H

#include <stdbool.h>

#include "nnlab/err.h"
#include "nnlab/spec.h"
#include "nnlab/study.h"
#include "nnlab/train.h"

typedef struct nn_run_opts {
    const char *spec_file;     /* for messages */
    const char *out_dir;
    bool force;
    bool no_plots;
    bool no_report;            /* write no index.html (the run's page, docs/report.md) */
    const char *gnuplot;       /* the gnuplot program (NULL: gnuplot on the PATH); the
                                  formats and size of figures are the spec's (figures) */
    int argc;                  /* the command line, for the manifest */
    char *const *argv;
    const char *version;
    volatile const int *stop;  /* nonzero: interrupt (set from a signal handler) */
    int threads;               /* models trained at once (independent models, same bytes
                                  as one at a time); 0 or 1: one */
    double max_output;         /* refuse a run estimated to write more bytes than this:
                                  0 = NN_MAX_OUTPUT_DEFAULT, INFINITY = no limit */
    /* progress: called after every epoch of every model (may be NULL) */
    void (*progress)(void *ctx, const char *label, int model, int n_models,
                     const nn_epoch_stats *st, long max_epochs);
    void *progress_ctx;
} nn_run_opts;

enum nn_run_status { NN_RUN_COMPLETE, NN_RUN_DIVERGED, NN_RUN_INTERRUPTED, NN_RUN_FAILED };

typedef struct nn_run_result {
    int status;                /* enum nn_run_status */
    bool gnuplot_missing;      /* line plots were left as scripts */
    char undrawn[512];         /* which figures, and their scripts */
    bool wrote;                /* the run directory was created */
    double wall_seconds;
} nn_run_result;

const char *nn_run_status_name(int status);

/* The default output size guard: 2 GiB. */
#define NN_MAX_OUTPUT_DEFAULT 2147483648.0

/* Everything before the run directory: data, checks, models, and the output size guard
 * (max_output as in nn_run_opts; figures and page: whether the run draws its figures and
 * writes its page, as --no-plots and --no-report say). Used by `nnlab check` and by `nnlab sweep` to validate
 * its points. n_models models are created and freed (nothing kept). *bytes (may be NULL)
 * receives the estimated size of the run directory. */
int nn_run_prepare_check(nn_plan *p, const char *file, double max_output, bool figures,
                         bool page, double *bytes, nn_err *e);

/* Write a byte count for people: "812 bytes", "3.4 KiB", "1.9 GiB". */
void nn_format_bytes(char *buf, size_t cap, double bytes);

int nn_run(nn_plan *p, const nn_run_opts *o, nn_run_result *r, nn_err *e);

/* Run a finished run directory's studies again from what it recorded (all the spec lists,
 * or only the one named study, with the spec's options or the defaults), rewriting their
 * tables and figures and their part of summary.json. fig (may be NULL) names the gnuplot
 * program, and formats and a size that replace the spec's when not 0; report: index.html
 * rewritten after. Refuses a manifest that still says
 * "running" or a spec.json whose SHA-256 is not the manifest's, unless force. */
int nn_analyze(const char *dir, const char *study, bool draw, bool force, bool report,
               const nn_fig_opts *fig, volatile const int *stop, nn_run_result *r, nn_err *e);

#endif
