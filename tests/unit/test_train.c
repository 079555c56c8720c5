/* test_train: the training loop against numpy, and its stopping rules.
 *
 * Reference: tests/data/numpy-reference.json "train": notebook 001 Example 1's nets
 * (hidden [6, 3], no biases, seed 3, asgd lr 0.25) trained on the wedges set by
 * tests/bench/nb001_numpy.py (the notebook's fit() re-implemented in numpy 1.24), full
 * batch for 5 epochs and with batch 50 (3 steps an epoch, 29 samples dropped) for 3.
 * numpy's matrix products add in the same order as nnlab's; its exp and tanh may differ
 * from nnlab's in the last bit, so parameters are compared to 1e-12 and error rates
 * exactly. */
#include "nnlab/data.h"
#include "nnlab/init.h"
#include "nnlab/train.h"
#include "t.h"
#include "tdata.h"

#include <stdlib.h>

typedef struct rows {
    int n;
    nn_epoch_stats st[64];
} rows;

static int collect(void *ctx, const nn_model *m, const nn_optim *o, const nn_epoch_stats *st,
                   nn_err *e)
{
    (void)m, (void)o, (void)e;
    rows *r = ctx;
    if (r->n < 64)
        r->st[r->n++] = *st;
    return 0;
}

typedef struct stopper {
    volatile int *flag;
    long at;
} stopper;

static int stop_at(void *ctx, const nn_model *m, const nn_optim *o, const nn_epoch_stats *st,
                   nn_err *e)
{
    (void)m, (void)o, (void)e;
    stopper *s = ctx;
    if (st->epoch == s->at)
        *s->flag = 1;
    return 0;
}

typedef struct setup {
    nn_data d;
    double *X;
    nn_trainset ts;
} setup;

static void make_wedges(setup *s)
{
    nn_err e;
    double p[1] = {50}, mean[2], sd[2];
    nn_data_generate(nn_generator_find("wedges"), 8, p, &s->d, &e);
    nn_data_zscore_fit(&s->d, mean, sd, &e);
    s->X = nn_data_feature_major(&s->d, mean, sd);
    s->ts = (nn_trainset){s->d.n, 2, s->X, s->d.y, true, NULL};
}

static nn_model *example1(bool tanh, nn_rng *r)
{
    nn_arch a = {.n_in = 2, .n_hidden = 2, .hidden = {6, 3}, .n_out = 1,
                 .act = tanh ? NN_ACT_TANH : NN_ACT_RELU, .out_act = NN_ACT_SIGMOID};
    nn_err e;
    nn_model *m = nn_model_create(&a, &e);
    nn_init_cfg ic = {.scheme = tanh ? NN_INIT_XAVIER : NN_INIT_HE, .gain = 1,
                      .redraw_tol = 0.05, .redraw_max = 1000000, .bias_value = 0.1};
    nn_rng_seed(r, 3);
    nn_init_model(m, &ic, r, NULL, &e);
    return m;
}

static void run(const setup *s, bool tanh, size_t batch, long epochs, long max_iter,
                double target, nn_model **mo, rows *out, nn_train_result *res)
{
    nn_rng r;
    nn_model *m = example1(tanh, &r);
    nn_err e;
    nn_train_cfg c = {.loss = NN_LOSS_L2, .opt = {.kind = NN_OPT_ASGD, .lr = 0.25}, .shuffle = true,
                      .batch = batch, .max_epochs = epochs, .max_iter = max_iter,
                      .target_error = target};
    nn_optim *o = nn_optim_create(&c.opt, m->params, m->n_params, &e);
    out->n = 0;
    nn_train_hooks h = {out, collect, NULL};
    T_CHECK(nn_train(m, o, &r, &c, &s->ts, &h, res, &e) == NN_OK, "%s", e.msg);
    nn_optim_free(o);
    *mo = m;
}

int main(void)
{
    setup s;
    make_wedges(&s);
    cJSON *root = tdata_load("numpy-reference.json"), *c;
    int cases = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "train")) {
        bool tanh = !strcmp(cJSON_GetObjectItem(c, "activation")->valuestring, "tanh");
        cJSON *bj = cJSON_GetObjectItem(c, "batch");
        size_t batch = cJSON_IsNumber(bj) ? (size_t)bj->valueint : 0;
        long epochs = cJSON_GetObjectItem(c, "epochs")->valueint;
        nn_model *m;
        rows rw;
        nn_train_result res;
        run(&s, tanh, batch, epochs, 0, -1, &m, &rw, &res);
        cJSON *mse = cJSON_GetObjectItem(c, "mse"), *err = cJSON_GetObjectItem(c, "error");
        cJSON *p = cJSON_GetObjectItem(c, "params");
        T_CHECK(rw.n == epochs + 1, "%d rows for %ld epochs", rw.n, epochs);
        for (int k = 0; k < rw.n && k < cJSON_GetArraySize(mse); k++) {
            T_CHECK(rw.st[k].epoch == k, "row %d is epoch %ld", k, rw.st[k].epoch);
            T_NEAR(rw.st[k].mse, tdata_num(mse, k), 1e-12);
            T_EQ(rw.st[k].error, tdata_num(err, k));
        }
        double worst = 0;
        for (size_t i = 0; i < m->n_params; i++)
            worst = fmax(worst, fabs(m->params[i] - tdata_num(p, (int)i)));
        T_CHECK(worst < 1e-12, "%s batch %zu: parameters off numpy's by %.3g", tanh ? "tanh" : "relu",
                batch, worst);
        T_CHECK(res.iterations == epochs * (batch ? (long)(s.d.n / batch) : 1), "iterations %ld",
                res.iterations);
        nn_model_free(m);
        cases++;
    }
    T_CHECK(cases == 4, "expected 4 reference runs, saw %d", cases);

    /* notebook 001, Example 1 (its printed outcome): relu converges during epoch 1183 */
    nn_model *m;
    rows rw;
    nn_train_result res;
    run(&s, false, 0, 2000, 0, 1e-4, &m, &rw, &res);
    T_CHECK(res.converged && res.converged_epoch == 1183 && res.epochs_run == 1183,
            "relu: converged %d in epoch %ld", res.converged, res.converged_epoch);
    T_EQ(res.final.error, 0.0);
    nn_model_free(m);

    /* max_iter stops after that many steps, mid-epoch: the last row is the partial epoch */
    run(&s, false, 50, 100, 7, -1, &m, &rw, &res);
    T_CHECK(res.iterations == 7 && res.epochs_run == 3, "max_iter: %ld steps, %ld epochs",
            res.iterations, res.epochs_run);
    T_CHECK(rw.n == 4 && rw.st[3].epoch == 3 && rw.st[3].iter == 7, "partial last row");
    T_CHECK(!res.converged, "not converged");
    nn_model_free(m);

    /* a target reached mid-epoch is reported in the epoch being run (counted from 1) */
    run(&s, false, 10, 500, 0, 0.2, &m, &rw, &res);
    T_CHECK(res.converged && res.final.error < 0.2, "converged with error %g", res.final.error);
    T_CHECK(res.converged_epoch == res.epochs_run && rw.st[rw.n - 1].epoch == res.epochs_run,
            "converged_epoch %ld, epochs_run %ld", res.converged_epoch, res.epochs_run);
    nn_model_free(m);

    /* an impossible learning rate diverges: status and epoch, and training stops */
    nn_rng r;
    m = example1(false, &r);
    nn_err e;
    nn_train_cfg cfg = {.loss = NN_LOSS_L2, .opt = {.kind = NN_OPT_SGD, .lr = 1e300}, .shuffle = true,
                        .max_epochs = 50, .target_error = -1};
    nn_optim *o = nn_optim_create(&cfg.opt, m->params, m->n_params, &e);
    nn_train(m, o, &r, &cfg, &s.ts, NULL, &res, &e);
    T_CHECK(res.status == NN_TRAIN_DIVERGED && res.diverged_epoch >= 1 &&
            res.epochs_run == res.diverged_epoch && res.diverged_epoch < 50,
            "divergence: status %d epoch %ld", res.status, res.diverged_epoch);
    size_t nonfinite = 0;
    for (size_t i = 0; i < m->n_params; i++)
        nonfinite += !isfinite(m->params[i]);
    T_CHECK(nonfinite == 0, "a diverged model keeps its last finite weights (%zu are not)", nonfinite);
    nn_optim_free(o);
    nn_model_free(m);

    /* a stop request before training takes no step; one during training ends it after the
     * step in progress */
    volatile int stop = 1;
    m = example1(false, &r);
    cfg.opt.lr = 0.25;
    o = nn_optim_create(&cfg.opt, m->params, m->n_params, &e);
    nn_train_hooks h = {NULL, NULL, &stop};
    nn_train(m, o, &r, &cfg, &s.ts, &h, &res, &e);
    T_CHECK(res.status == NN_TRAIN_INTERRUPTED && res.iterations == 0, "interrupt: %d after %ld",
            res.status, res.iterations);
    nn_optim_free(o);
    nn_model_free(m);
    stop = 0;
    m = example1(false, &r);
    o = nn_optim_create(&cfg.opt, m->params, m->n_params, &e);
    stopper sp = {&stop, 3};
    nn_train_hooks h2 = {&sp, stop_at, &stop};
    nn_train(m, o, &r, &cfg, &s.ts, &h2, &res, &e);
    T_CHECK(res.status == NN_TRAIN_INTERRUPTED && res.iterations == 4 && res.epochs_run == 4,
            "interrupt during epoch 3's report: %d after %ld steps", res.status, res.iterations);
    nn_optim_free(o);
    nn_model_free(m);

    free(s.X);
    nn_data_free(&s.d);
    cJSON_Delete(root);
    return T_DONE("test_train");
}
