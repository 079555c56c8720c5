/* loss.h: training objectives, their gradients, and the metrics every run reports.
 *
 *   l2          (1/2) mean (h - y)^2, gradient (h - y) per sample: notebooks 000/001's
 *               objective (they backpropagate output - target)
 *   mse         mean (h - y)^2, PyTorch's MSELoss
 *   bce         binary cross-entropy on a sigmoid output, computed from the logit z in
 *               the stable form below (not from the rounded h, whose log(1 - h) loses
 *               digits as h nears 1); gradient h - y with respect to the logit
 *   bce_logits  binary cross-entropy on an identity output read as a logit, computed
 *               stably as max(z, 0) - z y + log(1 + exp(-|z|))
 * Every run also reports mse (numpy's np.mean((h - y)**2), bit for bit) and, for 0/1
 * targets, the error rate at threshold 0.5. Single-output models only.
 */
#ifndef NNLAB_LOSS_H
#define NNLAB_LOSS_H

#include <stddef.h>

#include "nnlab/act.h"

typedef enum { NN_LOSS_L2, NN_LOSS_MSE, NN_LOSS_BCE, NN_LOSS_BCE_LOGITS, NN_LOSS_COUNT } nn_loss;

extern const char *const nn_loss_names[NN_LOSS_COUNT];
const char *nn_loss_name(nn_loss l);
int nn_loss_parse(const char *name);

/* The output activation a loss requires (sigmoid for bce, identity for bce_logits), or
 * -1 when any is allowed. */
int nn_loss_required_output(nn_loss l);

/* Loss value over n samples. z, h: the output unit's pre-activation and output; y the
 * targets; scratch holds n doubles. */
double nn_loss_value(nn_loss l, const double *z, const double *h, const double *y,
                     size_t n, double *scratch);

/* mean (h - y)^2 in numpy's summation order; scratch holds n doubles. */
double nn_loss_mse(const double *h, const double *y, size_t n, double *scratch);
/* The mse a run reports: of the output h, except under bce_logits, whose identity output
 * is a logit: there of the probability sigmoid(z). */
double nn_loss_mse_of(nn_loss l, const double *z, const double *h, const double *y, size_t n,
                      double *scratch);

/* E[s] = dloss_s/dz_s for each sample (not yet divided by the batch size): the loss's
 * derivative in h times the output activation's derivative, in the notebooks' order
 * (act'(z) * (h - y)). */
void nn_loss_output_grad(nn_loss l, nn_act out_act, double *E /* (n) */, const double *z,
                         const double *h, const double *y, size_t n);

/* The class the model predicts for one output (threshold 0.5 on the probability). */
static inline int nn_predict_class(nn_loss l, double z, double h)
{
    return l == NN_LOSS_BCE_LOGITS ? z >= 0.0 : h >= 0.5;
}

/* Number of samples whose predicted class differs from y. */
size_t nn_count_wrong(nn_loss l, const double *z, const double *h, const double *y,
                      size_t n);

#endif
