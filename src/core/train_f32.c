/* train_f32.c: training in float32 as PyTorch 1.13 does it on the CPU (the PyTorch
 * notebooks 003 and 004 trained in float32): full-batch steps of nn.Linear layers with
 * sigmoid, ReLU, tanh or identity units, torch's MSELoss or BCELoss (from the probability,
 * its log clamped at -100, its gradient divided by max(p (1 - p), 1e-12)), the mean over the
 * batch, and torch's SGD or Adam (bias corrections in double, applied in float32, eps added
 * to sqrt(v) / sqrt(1 - beta2^t)). Every value is a float; every operation rounds to float
 * as torch's does, in plain loops (the reference form: sums in index order, bias last).
 * torch sums its matrix products in another order, so results agree with torch's to a few
 * units in the last place per step, not bit for bit (tests/bench/torch_crosscheck.py).
 *
 * The model (double) receives the float weights exactly before every row reported and at
 * the end: recording, studies and model files see what trained. */
#include "nnlab/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct net32 {
    int L, width[NN_MAX_HIDDEN + 2];
    size_t n;                      /* samples */
    float *p, *g;                  /* parameters and gradient, the model's layout */
    float *m, *v;                  /* adam's moments */
    float *X, *Y;                  /* inputs (d, n), targets (n) */
    float *H[NN_MAX_HIDDEN + 2];   /* activations (width, n); H[0] = X */
    float *D[NN_MAX_HIDDEN + 2];   /* the loss's gradient with respect to H (width, n) */
    double *out;                   /* the output as doubles, for the error count */
    float *block;
} net32;

static float act(nn_act a, float z)
{
    switch (a) {
    case NN_ACT_RELU: return z > 0.0f ? z : 0.0f;
    case NN_ACT_TANH: return tanhf(z);
    case NN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-z));
    default: return z;
    }
}

/* the derivative from the unit's output h, as torch's backward functions take it */
static float act_back(nn_act a, float g, float h)
{
    switch (a) {
    case NN_ACT_RELU: return h > 0.0f ? g : 0.0f;
    case NN_ACT_TANH: return g * (1.0f - h * h);
    case NN_ACT_SIGMOID: return g * (1.0f - h) * h;
    default: return g;
    }
}

static void forward(const nn_model *m, net32 *t)
{
    for (int l = 0; l < t->L; l++) {
        int ni = t->width[l], no = t->width[l + 1];
        const float *W = t->p + m->w_off[l], *b = m->has_bias[l] ? t->p + m->b_off[l] : NULL;
        nn_act a = l + 1 < t->L ? m->arch.act : m->arch.out_act;
        for (int j = 0; j < no; j++)
            for (size_t s = 0; s < t->n; s++) {
                float acc = 0.0f;
                for (int k = 0; k < ni; k++)
                    acc += W[(size_t)j * ni + k] * t->H[l][(size_t)k * t->n + s];
                if (b)
                    acc += b[j];
                t->H[l + 1][(size_t)j * t->n + s] = act(a, acc);
            }
    }
}

/* torch's loss of the output (mean over the samples, summed in double) and its gradient
 * with respect to the output into D[L] */
static float loss_and_grad(net32 *t, nn_loss loss, bool grad)
{
    const float *o = t->H[t->L], *y = t->Y;
    float *d = t->D[t->L];
    const float inv = 1.0f / (float)t->n, norm = 2.0f / (float)t->n;
    double sum = 0.0;
    for (size_t s = 0; s < t->n; s++) {
        if (loss == NN_LOSS_BCE) {
            float lp = fmaxf(logf(o[s]), -100.0f), lq = fmaxf(logf(1.0f - o[s]), -100.0f);
            sum += (double)((y[s] - 1.0f) * lq - y[s] * lp);
            if (grad)
                d[s] = (o[s] - y[s]) / fmaxf((1.0f - o[s]) * o[s], 1e-12f) * inv;
        } else {
            float e = o[s] - y[s];
            sum += (double)(e * e);
            if (grad)
                d[s] = norm * e;
        }
    }
    return (float)(sum / (double)t->n);
}

static void backward(const nn_model *m, net32 *t)
{
    memset(t->g, 0, m->n_params * sizeof *t->g);
    for (int l = t->L - 1; l >= 0; l--) {
        int ni = t->width[l], no = t->width[l + 1];
        nn_act a = l + 1 < t->L ? m->arch.act : m->arch.out_act;
        float *Dl = t->D[l + 1];
        for (size_t i = 0; i < (size_t)no * t->n; i++)   /* through the activation */
            Dl[i] = act_back(a, Dl[i], t->H[l + 1][i]);
        float *dW = t->g + m->w_off[l], *db = m->has_bias[l] ? t->g + m->b_off[l] : NULL;
        for (int j = 0; j < no; j++) {
            for (int k = 0; k < ni; k++) {
                float acc = 0.0f;
                for (size_t s = 0; s < t->n; s++)
                    acc += Dl[(size_t)j * t->n + s] * t->H[l][(size_t)k * t->n + s];
                dW[(size_t)j * ni + k] = acc;
            }
            if (db) {
                float acc = 0.0f;
                for (size_t s = 0; s < t->n; s++)
                    acc += Dl[(size_t)j * t->n + s];
                db[j] = acc;
            }
        }
        if (l == 0)
            break;
        const float *W = t->p + m->w_off[l];
        for (int k = 0; k < ni; k++)
            for (size_t s = 0; s < t->n; s++) {
                float acc = 0.0f;
                for (int j = 0; j < no; j++)
                    acc += W[(size_t)j * ni + k] * Dl[(size_t)j * t->n + s];
                t->D[l][(size_t)k * t->n + s] = acc;
            }
    }
}

static void step(net32 *t, const nn_optim_cfg *c, long it, size_t np)
{
    if (c->kind == NN_OPT_SGD) {
        const float lr = (float)c->lr;
        for (size_t i = 0; i < np; i++)
            t->p[i] = t->p[i] - lr * t->g[i];
        return;
    }
    /* adam: the scalars as torch's Python computes them, in double */
    double bc1 = 1.0 - pow(c->beta1, (double)it), bc2 = 1.0 - pow(c->beta2, (double)it);
    const float step_size = (float)(c->lr / bc1), bc2_sqrt = (float)sqrt(bc2);
    const float b1 = (float)c->beta1, b2 = (float)c->beta2, eps = (float)c->eps;
    const float a1 = (float)(1.0 - c->beta1), a2 = (float)(1.0 - c->beta2);
    for (size_t i = 0; i < np; i++) {
        float g = t->g[i];
        t->m[i] = t->m[i] * b1 + g * a1;
        t->v[i] = t->v[i] * b2 + a2 * (g * g);
        float denom = sqrtf(t->v[i]) / bc2_sqrt + eps;
        t->p[i] = t->p[i] + -step_size * (t->m[i] / denom);
    }
}

static void to_model(nn_model *m, const net32 *t)
{
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = t->p[i];
}

static void stats(const nn_model *m, net32 *t, nn_loss loss, const nn_trainset *d, float lv,
                  nn_epoch_stats *st)
{
    const float *o = t->H[t->L];
    double se = 0.0;
    for (size_t s = 0; s < t->n; s++) {
        float e = o[s] - t->Y[s];
        se += (double)(e * e);
        t->out[s] = o[s];
    }
    st->loss = lv;
    st->mse = (float)(se / (double)t->n);
    st->error = d->classify ? (double)nn_count_wrong(loss, t->out, t->out, d->y, d->n) / (double)d->n
                            : NAN;
    st->test_loss = st->test_mse = st->test_error = NAN;
    (void)m;
}

static bool finite32(const float *x, size_t n)
{
    float acc = 0.0f;
    for (size_t i = 0; i < n; i++)
        acc += x[i] * 0.0f;
    return acc == 0.0f;
}

int nn_train_f32(nn_model *m, nn_optim *o, const nn_train_cfg *c, const nn_trainset *d,
                 const nn_train_hooks *h, nn_train_result *res, nn_err *e)
{
    if (d->n == 0)
        return nn_err_set(e, NN_ESPEC, "", "no training samples");
    net32 t = {.L = m->L, .n = d->n};
    memcpy(t.width, m->width, sizeof t.width);
    size_t units = 0, np = m->n_params;
    for (int l = 0; l <= m->L; l++)
        units += (size_t)m->width[l];
    size_t total = 4 * np + 2 * units * d->n + d->n;
    t.block = calloc(total + 1, sizeof *t.block);
    t.out = malloc(d->n * sizeof *t.out);
    if (!t.block || !t.out) {
        free(t.block), free(t.out);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for float32 training");
    }
    float *q = t.block;
    t.p = q, q += np;
    t.g = q, q += np;
    t.m = q, q += np;
    t.v = q, q += np;
    for (int l = 0; l <= m->L; l++) {
        t.H[l] = q, q += (size_t)m->width[l] * d->n;
        t.D[l] = q, q += (size_t)m->width[l] * d->n;
    }
    t.Y = q;
    t.X = t.H[0];
    for (size_t i = 0; i < np; i++)
        t.p[i] = (float)m->params[i];
    for (size_t i = 0; i < (size_t)d->d * d->n; i++)
        t.X[i] = (float)d->X[i];
    for (size_t s = 0; s < d->n; s++)
        t.Y[s] = (float)d->y[s];
    memset(res, 0, sizeof *res);
    nn_epoch_stats st = {0};
    int rc = NN_OK;
    forward(m, &t);
    float lv = loss_and_grad(&t, c->loss, false);
    stats(m, &t, c->loss, d, lv, &st);
    to_model(m, &t);
    if (h && h->on_epoch && (rc = h->on_epoch(h->ctx, m, o, &st, e)))
        goto out;
    long epoch = 1, it = 0;
    if (h && h->stop && *h->stop) {
        res->status = NN_TRAIN_INTERRUPTED;
        epoch = 0;
    }
    double *good = malloc(np * sizeof *good);   /* the last finite weights */
    if (!good) {
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory for float32 training");
        goto out;
    }
    memcpy(good, m->params, np * sizeof *good);
    while (res->status != NN_TRAIN_INTERRUPTED) {
        loss_and_grad(&t, c->loss, true);   /* at the current weights: H holds them */
        backward(m, &t);
        step(&t, &c->opt, it + 1, np);
        it++;
        forward(m, &t);
        lv = loss_and_grad(&t, c->loss, false);
        bool finite = finite32(t.p, np) && finite32(t.H[t.L], d->n) && isfinite(lv);
        stats(m, &t, c->loss, d, lv, &st);
        bool converged = finite && d->classify && c->target_error >= 0 &&
                         st.error < c->target_error;
        bool out_of_iter = c->max_iter > 0 && it >= c->max_iter;
        bool out_of_epochs = epoch >= c->max_epochs;
        bool interrupted = h && h->stop && *h->stop && !converged && !out_of_iter && !out_of_epochs;
        bool last = !finite || converged || out_of_iter || out_of_epochs || interrupted;
        st.epoch = epoch;
        st.iter = it;
        st.last = last;
        to_model(m, &t);   /* the row records the step, a blow-up included */
        if (h && h->on_epoch && (rc = h->on_epoch(h->ctx, m, o, &st, e)))
            break;
        if (!finite) {   /* the model keeps its last finite weights */
            res->status = NN_TRAIN_DIVERGED;
            res->diverged_epoch = epoch;
            memcpy(m->params, good, np * sizeof *good);
            for (size_t i = 0; i < np; i++)
                t.p[i] = (float)good[i];
            forward(m, &t);
            lv = loss_and_grad(&t, c->loss, false);
            stats(m, &t, c->loss, d, lv, &st);
            break;
        }
        memcpy(good, m->params, np * sizeof *good);
        if (converged) {
            res->converged = true;
            res->converged_epoch = epoch;
        }
        if (interrupted)
            res->status = NN_TRAIN_INTERRUPTED;
        if (last)
            break;
        epoch++;
    }
    res->epochs_run = epoch;
    res->iterations = it;
    res->final = st;
    free(good);
out:
    free(t.block);
    free(t.out);
    return rc;
}
