/* act.h: activation functions, their exact derivatives, and the vector exp/tanh they
 * are built on.
 *
 * All loops here run over contiguous arrays and are written so the compiler can
 * vectorise them. exp and tanh are nnlab's own (range reduction and a Taylor
 * polynomial, no tables), accurate to a few ulp and computing the same bits on every
 * machine and every build: results never depend on the libm that happens to be
 * installed. Nothing here allocates.
 */
#ifndef NNLAB_ACT_H
#define NNLAB_ACT_H

#include <stddef.h>

typedef enum nn_act {
    NN_ACT_IDENTITY,
    NN_ACT_RELU,
    NN_ACT_LEAKY_RELU,
    NN_ACT_TANH,
    NN_ACT_SIGMOID,
    NN_ACT_SOFTPLUS,
    NN_ACT_COUNT
} nn_act;

/* The names, in enum order: "identity", "relu", ... */
extern const char *const nn_act_names[NN_ACT_COUNT];
/* One name; NULL for an out-of-range value. */
const char *nn_act_name(nn_act a);
/* The activation called name, or -1. */
int nn_act_parse(const char *name);

/* h[i] = act(z[i]) for i < n. slope is leaky_relu's negative-side slope (else unused).
 * h may equal z. */
void nn_act_forward(nn_act a, double slope, double *h /* (n) */,
                    const double *z /* (n) */, size_t n);

/* d[i] = act'(z[i]) * d[i] for i < n, given h = act(z). Only softplus reads z (which
 * may be NULL for the others): relu' and leaky_relu' come from h > 0 (the same test as
 * z > 0 for slopes in [0, 1)), tanh' = 1 - h^2, sigmoid' = h (1 - h), as notebooks
 * 000/001 compute them. */
void nn_act_backward(nn_act a, double slope, double *d /* (n) */,
                     const double *z /* (n) */, const double *h /* (n) */, size_t n);

/* Scalar forms of the same functions (for tests and for single values). */
double nn_act_value(nn_act a, double slope, double z);
double nn_act_deriv(nn_act a, double slope, double z);

/* Elementwise exp, tanh and 1/(1 + exp(-x)) over arrays; out may equal in. */
void nn_vexp(double *out, const double *in, size_t n);
void nn_vtanh(double *out, const double *in, size_t n);
void nn_vsigmoid(double *out, const double *in, size_t n);
/* log(1 + e^-|x|), the smooth part of softplus and of the cross-entropy on a logit,
 * vectorised, within about one unit in the last place. */
void nn_vlog1pexp_neg(double *out, const double *in, size_t n);
double nn_exp(double x);
double nn_tanh(double x);
double nn_sigmoid(double x);

#endif
