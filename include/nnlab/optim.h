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
 * The optimizer owns its state arrays; nn_optim_free(NULL) is safe.
 */
#ifndef NNLAB_OPTIM_H
#define NNLAB_OPTIM_H

#include <stddef.h>

#include "nnlab/err.h"

typedef enum { NN_OPT_SGD, NN_OPT_ASGD, NN_OPT_ADAM, NN_OPT_COUNT } nn_opt_kind;

typedef struct nn_optim_cfg {
    nn_opt_kind kind;
    double lr;
    double beta1, beta2, eps;   /* adam */
} nn_optim_cfg;

typedef struct nn_optim {
    nn_optim_cfg cfg;
    size_t n;
    long t;          /* steps taken */
    double *raw;     /* asgd: the raw iterate (n), else NULL */
    double *m, *v;   /* adam: moments (n each), else NULL */
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
