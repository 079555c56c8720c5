/* optim.h: optimizer steps over the flat parameter array.
 *
 *   sgd   w -= lr g
 *   asgd  notebooks 000/001's averaged SGD: the gradient is taken at the averaged
 *         weights (the model's weights); the raw iterate steps raw -= lr g, then
 *         avg = (t avg + raw) / (t + 1), t the step count from 1. Both start at the
 *         initial weights; the raw iterate is kept here and can be recorded.
 *   adam  Kingma & Ba (2015) with bias correction, in PyTorch's order of operations:
 *         m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 *         w -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 *   adam_tf  TensorFlow 1's AdamOptimizer (notebook 002), its kernel's order:
 *         alpha = lr sqrt(1 - b2^t) / (1 - b1^t); m += (g - m)(1 - b1);
 *         v += (g^2 - v)(1 - b2); w -= m alpha / (sqrt(v) + eps), where b^t are
 *         running products (b, b^2, ...), and eps is added to sqrt(v), not to the
 *         bias-corrected sqrt(v-hat): the two forms differ early in training.
 * The optimizer owns its state arrays; nn_optim_free(NULL) is safe.
 */
#ifndef NNLAB_OPTIM_H
#define NNLAB_OPTIM_H

#include <stddef.h>

#include "nnlab/err.h"

typedef enum { NN_OPT_SGD, NN_OPT_ASGD, NN_OPT_ADAM, NN_OPT_ADAM_TF, NN_OPT_COUNT } nn_opt_kind;

typedef struct nn_optim_cfg {
    nn_opt_kind kind;
    double lr;
    double beta1, beta2, eps;   /* adam, adam_tf */
} nn_optim_cfg;

typedef struct nn_optim {
    nn_optim_cfg cfg;
    size_t n;
    long t;          /* steps taken */
    double *raw;     /* asgd: the raw iterate (n), else NULL */
    double *m, *v;   /* adam, adam_tf: moments (n each), else NULL */
    double b1t, b2t; /* adam_tf: beta1^t, beta2^t for the next step */
} nn_optim;

extern const char *const nn_opt_names[NN_OPT_COUNT];
const char *nn_opt_name(nn_opt_kind k);
int nn_opt_parse(const char *name);

/* State for n parameters starting at params (asgd copies them into raw). */
nn_optim *nn_optim_create(const nn_optim_cfg *c, const double *params, size_t n, nn_err *e);
void nn_optim_free(nn_optim *o);
/* One step: params updated from grad (the gradient at params). */
void nn_optim_step(nn_optim *o, double *params, const double *grad);

#endif
