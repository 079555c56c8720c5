/* test_grad: backpropagation against central finite differences, for every activation x
 * loss x bias setting (with the output activations each loss allows), asserting the
 * relative error and that the gradient is not trivially zero (genann's guard). */
#include "nnlab/init.h"
#include "nnlab/train.h"
#include "t.h"

#include <stdlib.h>

static double lossval(nn_model *m, nn_loss loss, const nn_trainset *d, double *g)
{
    double v;
    nn_err e;
    nn_gradient(m, loss, d, g, &v, &e);
    return v;
}

int main(void)
{
    enum { N = 9 };
    double X[2 * N], yc[N], yr[N];
    nn_rng r;
    nn_rng_seed(&r, 5);
    for (int i = 0; i < 2 * N; i++)
        X[i] = nn_rng_normal(&r, 0, 1.2);
    for (int i = 0; i < N; i++) {
        yc[i] = i % 3 == 0;
        yr[i] = nn_rng_uniform(&r, -0.5, 1.5);
    }
    const struct { bool bias, out_bias; } biases[] = {{false, false}, {true, false}, {true, true},
                                                      {false, true}};
    int checked = 0;
    for (int act = 0; act < NN_ACT_COUNT; act++)
        for (int loss = 0; loss < NN_LOSS_COUNT; loss++)
            for (int out = 0; out < 2; out++)
                for (int bi = 0; bi < 4; bi++) {
                    nn_act oa = out ? NN_ACT_IDENTITY : NN_ACT_SIGMOID;
                    int req = nn_loss_required_output((nn_loss)loss);
                    if (req >= 0 && req != (int)oa)
                        continue;
                    bool classify = loss == NN_LOSS_BCE || loss == NN_LOSS_BCE_LOGITS || oa == NN_ACT_SIGMOID;
                    nn_trainset d = {N, 2, X, classify ? yc : yr, classify, NULL};
                    nn_arch a = {.n_in = 2, .n_hidden = 2, .hidden = {4, 3}, .n_out = 1,
                                 .act = act, .out_act = oa, .slope = 0.1,
                                 .bias = biases[bi].bias, .output_bias = biases[bi].out_bias};
                    nn_err e;
                    nn_model *m = nn_model_create(&a, &e);
                    nn_init_cfg ic = {.scheme = NN_INIT_XAVIER, .gain = 1.3, .redraw_tol = -1,
                                      .bias_value = 0.05};
                    nn_rng_seed(&r, (uint32_t)(act * 100 + loss * 10 + bi));
                    nn_init_model(m, &ic, &r, NULL, &e);
                    if (m->has_bias[0])   /* distinct biases, so each has its own effect */
                        for (int j = 0; j < 4; j++)
                            nn_model_b(m, 0)[j] = 0.1 * (j - 1.5);
                    double *g = malloc(m->n_params * sizeof *g), *tmp = malloc(m->n_params * sizeof *g);
                    lossval(m, (nn_loss)loss, &d, g);
                    double worst = 0, biggest = 0;
                    for (size_t i = 0; i < m->n_params; i++)
                        biggest = fmax(biggest, fabs(g[i]));
                    for (size_t i = 0; i < m->n_params; i++) {
                        double keep = m->params[i], h = 1e-6 * (1 + fabs(keep));
                        m->params[i] = keep + h;
                        double up = lossval(m, (nn_loss)loss, &d, tmp);
                        m->params[i] = keep - h;
                        double dn = lossval(m, (nn_loss)loss, &d, tmp);
                        m->params[i] = keep;
                        double fd = (up - dn) / (2 * h);
                        /* relative, but a component a thousand times smaller than the
                         * largest is measured against that scale (differences are noise) */
                        double rel = fabs(fd - g[i]) / fmax(fabs(fd) + fabs(g[i]), 1e-3 * biggest);
                        worst = fmax(worst, rel);
                    }
                    T_CHECK(worst < 1e-5, "%s x %s (%s output, bias %d/%d): relative error %.3g",
                            nn_act_name(act), nn_loss_name(loss), nn_act_name(oa),
                            biases[bi].bias, biases[bi].out_bias, worst);
                    T_CHECK(biggest > 1e-3, "%s x %s: gradient is trivially zero (max %.3g)",
                            nn_act_name(act), nn_loss_name(loss), biggest);
                    checked++;
                    free(g), free(tmp);
                    nn_model_free(m);
                }
    /* 6 activations x (l2, mse on two outputs + bce + bce_logits) x 4 bias settings */
    T_CHECK(checked == 6 * 6 * 4, "checked %d settings", checked);
    return T_DONE("test_grad");
}
