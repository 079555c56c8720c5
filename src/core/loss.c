/* loss.c: objectives and metrics (see loss.h). */
#include "nnlab/loss.h"

#include <math.h>
#include <string.h>

#include "nnlab/mat.h"
#include "nnlab/names.h"

const char *const nn_loss_names[NN_LOSS_COUNT] = {"l2", "mse", "bce", "bce_logits"};

const char *nn_loss_name(nn_loss l)
{
    return (unsigned)l < NN_LOSS_COUNT ? nn_loss_names[l] : NULL;
}

int nn_loss_parse(const char *name) { return nn_name_index(nn_loss_names, NN_LOSS_COUNT, name); }

int nn_loss_required_output(nn_loss l)
{
    switch (l) {
    case NN_LOSS_BCE:
        return NN_ACT_SIGMOID;
    case NN_LOSS_BCE_LOGITS:
        return NN_ACT_IDENTITY;
    default:
        return -1;
    }
}

double nn_loss_mse(const double *h, const double *y, size_t n, double *scratch)
{
    for (size_t s = 0; s < n; s++) {
        double d = h[s] - y[s];
        scratch[s] = d * d;
    }
    return nn_sum_numpy(scratch, n) / (double)n;
}

double nn_loss_mse_of(nn_loss l, const double *z, const double *h, const double *y, size_t n,
                      double *scratch)
{
    if (l != NN_LOSS_BCE_LOGITS)
        return nn_loss_mse(h, y, n, scratch);
    for (size_t s = 0; s < n; s++) {
        double d = nn_sigmoid(z[s]) - y[s];
        scratch[s] = d * d;
    }
    return nn_sum_numpy(scratch, n) / (double)n;
}

double nn_loss_value(nn_loss l, const double *z, const double *h, const double *y, size_t n,
                     double *scratch)
{
    switch (l) {
    case NN_LOSS_L2:
        return 0.5 * nn_loss_mse(h, y, n, scratch);
    case NN_LOSS_MSE:
        return nn_loss_mse(h, y, n, scratch);
    case NN_LOSS_BCE:         /* from the logit: log h and log(1 - h) lose digits near 1 */
    case NN_LOSS_BCE_LOGITS:
        nn_vlog1pexp_neg(scratch, z, n);
        for (size_t s = 0; s < n; s++) {
            double v = z[s];
            scratch[s] = ((v > 0 ? v : 0.0) - v * y[s]) + scratch[s];
        }
        return nn_sum_numpy(scratch, n) / (double)n;
    default:
        return NAN;
    }
}

void nn_loss_output_grad(nn_loss l, nn_act out_act, double *E, const double *z,
                         const double *h, const double *y, size_t n)
{
    switch (l) {
    case NN_LOSS_L2:
        for (size_t s = 0; s < n; s++)
            E[s] = h[s] - y[s];
        nn_act_backward(out_act, 0.0, E, z, h, n);
        break;
    case NN_LOSS_MSE:
        for (size_t s = 0; s < n; s++)
            E[s] = 2.0 * (h[s] - y[s]);
        nn_act_backward(out_act, 0.0, E, z, h, n);
        break;
    case NN_LOSS_BCE:         /* sigmoid output: d/dz of the cross-entropy is h - y */
        for (size_t s = 0; s < n; s++)
            E[s] = h[s] - y[s];
        break;
    case NN_LOSS_BCE_LOGITS:  /* identity output: sigmoid(z) - y */
        for (size_t s = 0; s < n; s++)
            E[s] = nn_sigmoid(z[s]) - y[s];
        break;
    default:
        break;
    }
}

size_t nn_count_wrong(nn_loss l, const double *z, const double *h, const double *y, size_t n)
{
    size_t wrong = 0;
    for (size_t s = 0; s < n; s++)
        wrong += nn_predict_class(l, z[s], h[s]) != (y[s] >= 0.5);
    return wrong;
}
