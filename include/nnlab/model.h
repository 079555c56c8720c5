/* model.h: a dense MLP of any depth and width, its parameters in one array.
 *
 * Layer l (0-based here, 1-based in file names) maps width[l] working units to
 * width[l+1]. With `bias` on, the input and every hidden layer carry a constant unit
 * (notebooks 000/001) whose weights into the next layer are that layer's bias vector;
 * `output_bias` says whether the last hidden layer's constant also feeds the output.
 * Widths count working units only: the notebooks' ReLUNet([10,10,10,10]) is
 * hidden [9, 9, 9, 9] with bias on.
 *
 * Parameters are one contiguous array: layer 0's W (width[1] x width[0], row-major,
 * row = receiving unit), then its bias (if any), then layer 1's, and so on; gradients
 * and optimizer moments use the same layout, so the optimizer step, gradient checks,
 * recording and saving are flat loops. The model owns its arrays; nn_model_free(NULL)
 * is safe.
 */
#ifndef NNLAB_MODEL_H
#define NNLAB_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "nnlab/act.h"
#include "nnlab/err.h"

#define NN_MAX_HIDDEN 64         /* hidden layers */
#define NN_MAX_WIDTH 100000      /* units in one layer */
#define NN_MAX_PARAMS 50000000   /* parameters in one model */

typedef struct nn_arch {
    int n_in;                    /* input features */
    int n_hidden;                /* hidden layers */
    int hidden[NN_MAX_HIDDEN];   /* working units per hidden layer */
    int n_out;                   /* output units (1) */
    nn_act act;                  /* hidden activation */
    nn_act out_act;              /* output activation: sigmoid or identity */
    double slope;                /* leaky_relu's negative slope */
    bool bias;                   /* constant unit on the input and hidden layers */
    bool output_bias;            /* ...and the last one feeds the output */
} nn_arch;

typedef struct nn_model {
    nn_arch arch;
    int L;                                /* weight layers: n_hidden + 1 */
    int width[NN_MAX_HIDDEN + 2];         /* width[0] = n_in ... width[L] = n_out */
    bool has_bias[NN_MAX_HIDDEN + 1];     /* layer l has a bias vector */
    size_t w_off[NN_MAX_HIDDEN + 1];      /* offset of layer l's W in params */
    size_t b_off[NN_MAX_HIDDEN + 1];      /* offset of layer l's bias (if any) */
    size_t n_params;
    double *params;                       /* owned, n_params */
    /* input normalisation fitted on the training data: x' = (x - mean) / std */
    bool normalized;
    double *norm_mean, *norm_std;         /* owned, n_in each, or NULL */
} nn_model;

/* Checks the architecture (sizes, the parameter budget) and allocates a model with all
 * parameters zero. NULL with e filled on failure. */
nn_model *nn_model_create(const nn_arch *a, nn_err *e);
void nn_model_free(nn_model *m);
/* A deep copy, or NULL when memory runs out. */
nn_model *nn_model_clone(const nn_model *m);

/* Number of parameters an architecture has (0 when it is invalid or too large). */
size_t nn_arch_n_params(const nn_arch *a);

static inline double *nn_model_W(const nn_model *m, int l) { return m->params + m->w_off[l]; }
static inline double *nn_model_b(const nn_model *m, int l)
{
    return m->has_bias[l] ? m->params + m->b_off[l] : NULL;
}

/* Name of parameter i as in weights.csv: "w<l>_<i>_<j>" or "b<l>_<i>", l from 1. */
void nn_model_param_name(const nn_model *m, size_t i, char *buf, size_t cap);

/* Store normalisation statistics (copied). */
int nn_model_set_norm(nn_model *m, const double *mean, const double *std, nn_err *e);

/* Raw outputs for n inputs given in original coordinates, row-major (n, n_in): the
 * model's own normalisation is applied first. out has n * n_out values. Allocates its
 * own scratch; returns NN_OK or NN_ENOMEM. */
int nn_model_predict(const nn_model *m, double *out /* (n, n_out) */,
                     const double *x /* (n, n_in) */, size_t n, nn_err *e);

#endif
