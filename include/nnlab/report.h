/* report.h: a page a person opens, for a run, a sweep, or several runs (docs/report.md).
 *
 * A page is one self-contained HTML file: figures embedded as data (PNG, or SVG as an
 * image), style and script inline and allowed by hash in a Content-Security-Policy that
 * forbids every request, so it works from file://, mailed or archived, moved away from its
 * run. Every string from a run reaches it escaped. The same run gives the same bytes (no
 * times, hosts or paths of the machine in it).
 *
 * Seed bands pool training curves over replicates (a run's "seeds", a sweep's seed axis):
 * per epoch the median, the interquartile range and the min and max (bands.c says how).
 */
#ifndef NNLAB_REPORT_H
#define NNLAB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "nnlab/err.h"

typedef struct nn_report_opts {
    const char *gnuplot;     /* the program (NULL: gnuplot on the PATH) */
    const char *status;      /* a run writing its own page: its status (its manifest still
                                says "running"); NULL otherwise */
    bool no_figures;         /* draw no figure of the page's own (runs' figures still shown) */
    volatile const int *stop;/* nonzero: stop drawing (a signal arrived) */
} nn_report_opts;

/* The page for dirs[0..n): one run's, one sweep's, or (n > 1) several runs' and sweeps'
 * side by side. out NULL: dirs[0]/index.html (n must be 1). note (may be NULL) receives a
 * sentence for the user when figures could not be drawn (gnuplot missing), else "". */
int nn_report_write(const char *const *dirs, int n, const char *out, const nn_report_opts *o,
                    char *note, size_t cap, nn_err *e);

/* Is path a page nnlab wrote (so a new one may replace it)? */
bool nn_report_is_page(const char *path);

/* `collect --curves`: the seed bands of dirs (runs and sweeps) as outdir/<base>.csv and a
 * figure <base>.png (with its .gp). *missing is set when gnuplot is not there. */
int nn_report_curves(const char *const *dirs, int n, const char *outdir, const char *base,
                     const char *gnuplot, bool *missing, char *note, size_t cap, nn_err *e);

#endif
