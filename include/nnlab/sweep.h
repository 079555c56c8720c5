/* sweep.h: the points of a seed or hyper-parameter sweep (nnlab sweep, docs/sweep.md).
 *
 * A sweep is a spec and a list of --set overrides. An override whose value is a range
 * (`seed=0:100`, `seed=0:100:5`: integers from start up to stop excluded, by step) or a
 * comma-separated list (`train.lr=0.1,0.25,1`) is an axis; any other is fixed and applies
 * to every point (a JSON list or object, or a quoted string, is never an axis:
 * `--set 'models.relu.hidden=[8,8,4]'`, `--set 'seeds="0:10"'`). The points are the
 * Cartesian product of the axes in the order they were given, the first axis varying
 * slowest and the last fastest, numbered from 0. Point k is exactly `nnlab run SPEC` with
 * the fixed overrides, then one `--set PATH=VALUE` per axis, in that order. Its directory
 * is named from its axis values, `PATH=VALUE` joined by commas (`seed=7,train.lr=0.25`),
 * with any byte outside [A-Za-z0-9._+-] written %XX.
 */
#ifndef NNLAB_SWEEP_H
#define NNLAB_SWEEP_H

#include <stddef.h>

#include "nnlab/err.h"

#define NN_SWEEP_MAX_AXES 16
#define NN_SWEEP_MAX_SETS 64
#define NN_SWEEP_MAX_POINTS 1000000

typedef struct nn_sweep_axis {
    char *path;          /* owned */
    int n;               /* values */
    char **values;       /* owned: each as it will be passed to --set */
} nn_sweep_axis;

typedef struct nn_sweep {
    int n_fixed;
    char *fixed[NN_SWEEP_MAX_SETS];      /* owned "PATH=VALUE" */
    int n_axes;
    nn_sweep_axis axes[NN_SWEEP_MAX_AXES];
    long n_points;
} nn_sweep;

/* Split the --set arguments into fixed overrides and axes. Errors (NN_EUSAGE) name the
 * argument: a malformed range, an empty list element, an axis given twice, a fixed value of
 * a swept path (it would never take effect), too many points, no axis at all. The struct is zeroed first; free it with nn_sweep_free. */
int nn_sweep_parse(nn_sweep *s, const char *const *sets, int n_sets, nn_err *e);
void nn_sweep_free(nn_sweep *s);

/* The value index of each axis at point k (last axis fastest). */
void nn_sweep_index(const nn_sweep *s, long k, int *idx);

/* The --set arguments of point k, fixed first then one per axis: fills out[] with
 * pointers into bufs (cap bytes each) and returns how many. */
int nn_sweep_sets(const nn_sweep *s, long k, char bufs[][512], const char **out);

/* Point k's directory name into buf; NN_EUSAGE when it would be longer than 240 bytes. */
int nn_sweep_name(const nn_sweep *s, long k, char *buf, size_t cap, nn_err *e);

#endif
