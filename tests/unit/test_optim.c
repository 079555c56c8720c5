/* test_optim: one and two steps of each optimizer against values worked out by hand. */
#include "nnlab/optim.h"
#include "t.h"

int main(void)
{
    nn_err e;
    double w[2] = {1, -2};
    const double g1[2] = {0.5, 0.25}, g2[2] = {1, -1};

    nn_optim_cfg sgd = {.kind = NN_OPT_SGD, .lr = 0.1};
    nn_optim *o = nn_optim_create(&sgd, w, 2, &e);
    nn_optim_step(o, w, g1);                 /* 1 - 0.05, -2 - 0.025 */
    T_EQ(w[0], 0.95);
    T_EQ(w[1], -2.025);
    nn_optim_free(o);

    /* asgd, notebooks 000/001: raw -= lr g(avg); avg = (t avg + raw) / (t + 1) */
    double a[2] = {1, -2};
    nn_optim_cfg asgd = {.kind = NN_OPT_ASGD, .lr = 0.1};
    o = nn_optim_create(&asgd, a, 2, &e);
    nn_optim_step(o, a, g1);                 /* raw (0.95, -2.025); avg (0.975, -2.0125) */
    T_EQ(o->raw[0], 0.95);
    T_EQ(o->raw[1], -2.025);
    T_EQ(a[0], (1 * 1.0 + 0.95) / 2);
    T_EQ(a[1], (1 * -2.0 + -2.025) / 2);
    T_NEAR(a[0], 0.975, 1e-15);
    nn_optim_step(o, a, g2);                 /* raw (0.85, -1.925); avg (2.8/3, -5.95/3) */
    T_EQ(o->raw[0], 0.95 - 0.1 * 1);
    T_NEAR(a[0], 2.8 / 3, 1e-15);
    T_NEAR(a[1], -5.95 / 3, 1e-15);
    T_CHECK(o->t == 2, "step count %ld", o->t);
    nn_optim_free(o);

    /* adam: after one step m_hat = g and v_hat = g^2, so w moves by lr g / (|g| + eps) */
    double d[2] = {1, -2};
    nn_optim_cfg adam = {.kind = NN_OPT_ADAM, .lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
    o = nn_optim_create(&adam, d, 2, &e);
    nn_optim_step(o, d, g1);
    T_NEAR(d[0], 1 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15);
    T_NEAR(d[1], -2 - 0.1 * 0.25 / (0.25 + 1e-8), 1e-15);
    /* second step: m = 0.9 * 0.05 + 0.1 * 1 = 0.145, v = 0.999 * 0.00025 + 0.001 * 1
     * = 0.00124975; m_hat = 0.145 / 0.19, v_hat = 0.00124975 / 0.001999 */
    double before = d[0];
    nn_optim_step(o, d, g2);
    double mh = 0.145 / (1 - 0.81), vh = 0.00124975 / (1 - 0.998001);
    T_NEAR(o->m[0], 0.145, 1e-16);
    T_NEAR(o->v[0], 0.00124975, 1e-17);
    T_NEAR(d[0], before - 0.1 * mh / (sqrt(vh) + 1e-8), 1e-14);
    nn_optim_free(o);

    /* adam_tf, step 1: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(0.001) / 0.1, so w moves
     * by lr sqrt(0.001) |g| sign(g) / (sqrt(0.001) |g| + eps): eps weighs sqrt(1000)
     * times more than in PyTorch's form, which shows with small gradients */
    double f[2] = {1, -2}, q[2] = {1, -2};
    nn_optim_cfg tf = adam;
    tf.kind = NN_OPT_ADAM_TF;
    o = nn_optim_create(&tf, f, 2, &e);
    nn_optim *ot = nn_optim_create(&adam, q, 2, &e);
    const double tiny[2] = {1e-7, -1e-7};
    nn_optim_step(o, f, tiny);
    nn_optim_step(ot, q, tiny);
    double s1 = sqrt(0.001) * 1e-7;
    T_NEAR(f[0], 1 - 0.1 * s1 / (s1 + 1e-8), 1e-15);
    T_NEAR(q[0], 1 - 0.1 * 1e-7 / (1e-7 + 1e-8), 1e-15);
    T_CHECK(fabs((1 - f[0]) / (1 - q[0]) - 0.26428) < 1e-4, "TF's first step is %.4f of "
            "PyTorch's for g = 1e-7", (1 - f[0]) / (1 - q[0]));
    nn_optim_free(o);
    nn_optim_free(ot);
    /* with eps 0 the two forms are the same algorithm: 200 steps agree to rounding */
    double a1[2] = {0.3, -0.7}, a2[2] = {0.3, -0.7};
    tf.eps = adam.eps = 1e-300;
    o = nn_optim_create(&tf, a1, 2, &e);
    ot = nn_optim_create(&adam, a2, 2, &e);
    for (int t = 0; t < 200; t++) {
        double ga[2] = {a1[0] - 0.5 + 0.1 * sin(t), 2 * a1[1]}, gb[2] = {a2[0] - 0.5 + 0.1 * sin(t), 2 * a2[1]};
        nn_optim_step(o, a1, ga);
        nn_optim_step(ot, a2, gb);
    }
    T_NEAR(a1[0], a2[0], 1e-12);
    T_NEAR(a1[1], a2[1], 1e-12);
    T_NEAR(o->b1t, pow(0.9, 201), 1e-15);   /* beta1^t as a running product */
    nn_optim_free(o);
    nn_optim_free(ot);

    for (int k = 0; k < NN_OPT_COUNT; k++)
        T_CHECK(nn_opt_parse(nn_opt_name((nn_opt_kind)k)) == k, "names");
    return T_DONE("test_optim");
}
