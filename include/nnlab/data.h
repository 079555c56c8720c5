/* data.h: data sets: the notebooks' generators, CSV files, normalisation.
 *
 * A data set is n samples of d features in original coordinates, row-major, and one
 * target per sample. Generators draw from a stream exactly as the notebooks' code does
 * (same calls, same order, same filters), so a seed gives the notebook's points bit for
 * bit. Normalisation is the z-score with the sample standard deviation (n - 1), as
 * pandas computes it (mean by numpy, std by bottleneck), fitted on the training data; the statistics travel with the model
 * so that any other input (a plotting grid, a test set) is transformed the same way.
 * Functions returning nn_data fill a caller-owned struct whose arrays the caller frees
 * with nn_data_free.
 */
#ifndef NNLAB_DATA_H
#define NNLAB_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nnlab/err.h"
#include "nnlab/rng.h"

#define NN_GEN_MAX_PARAMS 8

typedef struct nn_data {
    size_t n;
    int d;
    double *x;        /* (n, d) row-major, original coordinates */
    double *y;        /* (n) */
    bool classify;    /* every target is 0 or 1 */
    char **names;     /* owned: d feature names then the target's, as a CSV's header gave
                         them; NULL for generated data (x1 ... xd, y) */
} nn_data;

/* Column k's name: feature k (0 .. d-1) or the target (k = d); buf holds the default. */
const char *nn_data_name(const nn_data *d, int k, char *buf, size_t cap);
/* Copy src's names into dst (dst->d = src->d); NN_ENOMEM otherwise. */
int nn_data_copy_names(nn_data *dst, const nn_data *src, nn_err *e);

enum { NN_GEN_INT, NN_GEN_REAL, NN_GEN_BOOL };

typedef struct nn_gen_param {
    const char *name;
    double def, min, max;     /* in [min, max] */
    const char *doc;
    int kind;                 /* NN_GEN_INT (the default), NN_GEN_REAL, NN_GEN_BOOL (0/1) */
} nn_gen_param;

typedef struct nn_generator {
    const char *name;
    const char *summary;
    uint32_t default_seed;    /* the notebook's */
    int n_params;
    nn_gen_param params[NN_GEN_MAX_PARAMS];
    int (*fn)(nn_data *out, nn_rng *r, const double *p, nn_err *e);
    bool raw;                 /* the notebook feeds the points unnormalised */
} nn_generator;

/* The generator table, and lookup by name (NULL when unknown). */
const nn_generator *nn_generators(int *count);
const nn_generator *nn_generator_find(const char *name);

/* Generate with the given seed and parameter values (p[i] for g->params[i]). */
int nn_data_generate(const nn_generator *g, uint32_t seed, const double *p, nn_data *out,
                     nn_err *e);

/* Read a CSV file with a header row: the column named target is the target, every other
 * column a feature. Errors name path:line:column. */
int nn_data_load_csv(const char *path, const char *target, nn_data *out, nn_err *e);

/* Write the header (the data's names, else x1..xd,y), then the features and the target of
 * each point with 17 significant digits. Returns NN_OK or NN_EIO. */
int nn_data_write_csv(FILE *f, const nn_data *d, nn_err *e);

void nn_data_free(nn_data *d);

/* A seeded train/test split with ceil(test_fraction n) test points, drawn exactly as
 * scikit-learn's StratifiedShuffleSplit (classification) or ShuffleSplit (regression)
 * with random_state=seed. Fills two caller-freed sets; errors when a part or (stratified)
 * a class would have fewer than 2 points. */
int nn_data_split(const nn_data *all, double test_fraction, uint32_t seed, nn_data *train,
                  nn_data *test, nn_err *e);

/* A set from given points: x (n, d) row-major and y (n), copied. */
int nn_data_from_points(const double *x, const double *y, size_t n, int d, nn_data *out,
                        nn_err *e);

/* Z-score statistics of each feature: mean and sample std (n - 1), in pandas' order of
 * operations. Fails on fewer than two samples or a constant feature. */
int nn_data_zscore_fit(const nn_data *d, double *mean /* (d) */, double *std /* (d) */,
                       nn_err *e);

/* Features transposed to (d, n), each transformed as (x - mean) / std when mean and std
 * are given. Caller frees. NULL when memory runs out. */
double *nn_data_feature_major(const nn_data *d, const double *mean, const double *std);

#endif
