/* train_f32.c: training in float32 as PyTorch 1.13 does it on the CPU (the PyTorch
 * notebooks 003 and 004 trained in float32): full-batch steps of nn.Linear layers with
 * sigmoid, ReLU, tanh or identity units, torch's MSELoss or BCELoss (from the probability,
 * its log clamped at -100, its gradient divided by max(p (1 - p), 1e-12)), the mean over the
 * batch, and torch's SGD or Adam (bias corrections in double, applied in float32, eps added
 * to sqrt(v) / sqrt(1 - beta2^t)). Every value is a float; every operation rounds to float
 * as torch's does. Sums over units and inputs go in index order, bias last, each sample its
 * own lane (vectorised over samples); sums over samples (the weight gradients, the loss) in
 * 16 lanes added in a fixed tree; exp and log are the float32 Cephes polynomials in plain
 * IEEE operations: the same bits on every vector width and thread count. torch sums its
 * matrix products in another order and uses Sleef's exp, so results agree with torch's to
 * a float's last digit or two per step, not bit for bit (tests/bench/torch_crosscheck.py).
 *
 * The model (double) receives the float weights exactly before every row reported and at
 * the end: recording, studies and model files see what trained. */
#include "nnlab/train.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simd.h"

/* exp in float32 as avx_mathfun's exp256_ps computes it (the Cephes polynomial): plain IEEE
 * operations, so every lane of every vector width, and the scalar tail, give the same bits;
 * within an ulp or two of the exact value, as torch's own vectorised exp (Sleef) is. */
static inline float exp_f32(float x)
{
    x = x > 88.3762626647950f ? 88.3762626647950f : x;
    x = x < -88.3762626647949f ? -88.3762626647949f : x;
    float fx = x * 1.44269504088896341f + 0.5f;
    float n = floorf(fx);
    x = x - n * 0.693359375f;
    x = x - n * -2.12194440e-4f;
    float z = x * x;
    float y = 1.9875691500E-4f;
    y = y * x + 1.3981999507E-3f;
    y = y * x + 8.3334519073E-3f;
    y = y * x + 4.1665795894E-2f;
    y = y * x + 1.6666665459E-1f;
    y = y * x + 5.0000001201E-1f;
    y = y * z + x + 1.0f;
    int32_t e = (int32_t)n + 127;   /* 2^n by the exponent field */
    uint32_t u = (uint32_t)e << 23;
    float p2;
    memcpy(&p2, &u, sizeof p2);
    return y * p2;
}

typedef struct net32 {
    int L, width[NN_MAX_HIDDEN + 2];
    size_t n;                      /* samples */
    bool binary;                   /* every target is 0 or 1 (a classification) */
    float *p, *g;                  /* parameters and gradient, the model's layout */
    float *m, *v;                  /* adam's moments */
    float *X, *Y;                  /* inputs (d, n), targets (n) */
    float *H[NN_MAX_HIDDEN + 2];   /* activations (width, n); H[0] = X */
    float *D[NN_MAX_HIDDEN + 2];   /* the loss's gradient with respect to H (width, n) */
    float *block;
} net32;

/* out = act(W in + b), one row of samples at a time: each value's sum still from 0 over k
 * in order, the bias last, so the loop over samples vectorises without changing a bit */
NN_CLONES static void layer_forward(float *restrict out, const float *restrict in,
                                    const float *restrict W, const float *restrict b, int ni,
                                    int no, size_t n, nn_act a)
{
    if (n < 8) {   /* a few samples (notebook 003's two): a value at a time, the same sums */
        for (int j = 0; j < no; j++)
            for (size_t s = 0; s < n; s++) {
                float acc = 0.0f;
                for (int k = 0; k < ni; k++)
                    acc += W[(size_t)j * ni + k] * in[(size_t)k * n + s];
                if (b)
                    acc += b[j];
                float *o = out + (size_t)j * n + s;
                *o = a == NN_ACT_RELU ? (acc > 0.0f ? acc : 0.0f)
                   : a == NN_ACT_SIGMOID ? 1.0f / (1.0f + exp_f32(-acc))
                   : a == NN_ACT_TANH ? tanhf(acc) : acc;
            }
        return;
    }
    for (int j = 0; j < no; j++) {
        float *restrict row = out + (size_t)j * n;
        for (int k = 0; k < ni; k++) {   /* the sum from 0 (0 + w x: -0 becomes +0, as it must) */
            const float w = W[(size_t)j * ni + k], *restrict x = in + (size_t)k * n;
            if (k == 0)
                for (size_t s = 0; s < n; s++)
                    row[s] = 0.0f + w * x[s];
            else
                for (size_t s = 0; s < n; s++)
                    row[s] += w * x[s];
        }
        if (ni == 0)
            for (size_t s = 0; s < n; s++)
                row[s] = 0.0f;
        if (b) {
            const float bj = b[j];
            for (size_t s = 0; s < n; s++)
                row[s] += bj;
        }
        switch (a) {
        case NN_ACT_RELU:
            for (size_t s = 0; s < n; s++)
                row[s] = row[s] > 0.0f ? row[s] : 0.0f;
            break;
        case NN_ACT_SIGMOID:
            for (size_t s = 0; s < n; s++)
                row[s] = 1.0f / (1.0f + exp_f32(-row[s]));
            break;
        case NN_ACT_TANH:
            for (size_t s = 0; s < n; s++)
                row[s] = tanhf(row[s]);
            break;
        default:
            break;
        }
    }
}

static void forward(const nn_model *m, net32 *t)
{
    for (int l = 0; l < t->L; l++) {
        const float *W = t->p + m->w_off[l], *b = m->has_bias[l] ? t->p + m->b_off[l] : NULL;
        nn_act a = l + 1 < t->L ? m->arch.act : m->arch.out_act;
        layer_forward(t->H[l + 1], t->H[l], W, b, t->width[l], t->width[l + 1], t->n, a);
    }
}

/* The sums over samples: in 16 lanes, sample s in lane s % 16, the lanes then added in a
 * fixed tree (the same bits whatever the vector width that runs it); under 16 samples, one
 * sum in sample order. TERM(s) is sample s's term. */
#define LANES(TERM)                                                                      \
    do {                                                                                 \
        if (n < 16) {                                                                    \
            float acc_ = 0.0f;                                                           \
            for (size_t s = 0; s < n; s++)                                               \
                acc_ += TERM(s);                                                         \
            return acc_;                                                                 \
        }                                                                                \
        float lane[16] = {0};                                                            \
        size_t s0 = 0;                                                                   \
        for (; s0 + 16 <= n; s0 += 16)                                                   \
            for (int i = 0; i < 16; i++)                                                 \
                lane[i] += TERM(s0 + i);                                                 \
        for (int i = 0; s0 + (size_t)i < n; i++)                                         \
            lane[i] += TERM(s0 + i);                                                     \
        for (int w = 8; w >= 1; w /= 2)                                                  \
            for (int i = 0; i < w; i++)                                                  \
                lane[i] += lane[i + w];                                                  \
        return lane[0];                                                                  \
    } while (0)

/* sum_s a[s] b[s], and sum_s a[s] */
#define DOT_TERM(s) (a[s] * b[s])
#define SUM_TERM(s) (a[s])
NN_CLONES static float dot16(const float *restrict a, const float *restrict b, size_t n)
{
    LANES(DOT_TERM);
}

NN_CLONES static float sum16(const float *restrict a, size_t n)
{
    LANES(SUM_TERM);
}

/* the squared errors of the output, summed as above */
#define SE_TERM(s) ((o[s] - y[s]) * (o[s] - y[s]))
NN_CLONES static float se16(const float *restrict o, const float *restrict y, size_t n)
{
    LANES(SE_TERM);
}

/* the samples classified wrong: a 0.5 threshold on the output, as nn_count_wrong does */
NN_CLONES static size_t wrong_f32(const float *restrict o, const float *restrict y, size_t n)
{
    size_t w = 0;
    for (size_t s = 0; s < n; s++)
        w += (o[s] >= 0.5f) != (y[s] >= 0.5f);
    return w;
}

/* log in float32 as avx_mathfun's log256_ps computes it (the Cephes polynomial) in plain IEEE
 * operations: vectorisable, the same bits in every lane and width; within an ulp or two */
static inline float log_f32(float x)
{
    float xin = x;
    x = x < 1.17549435e-38f ? 1.17549435e-38f : x;   /* the smallest normal */
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    float e = (float)((int32_t)(u >> 23) - 0x7f) + 1.0f;
    u = (u & 0x807fffffu) | 0x3f000000u;             /* the mantissa, in [0.5, 1) */
    memcpy(&x, &u, sizeof x);
    bool small = x < 0.707106781186547524f;
    float t = small ? x : 0.0f;
    x = x - 1.0f;
    e = e - (small ? 1.0f : 0.0f);
    x = x + t;
    float z = x * x;
    float y = 7.0376836292E-2f;
    y = y * x + -1.1514610310E-1f;
    y = y * x + 1.1676998740E-1f;
    y = y * x + -1.2420140846E-1f;
    y = y * x + 1.4249322787E-1f;
    y = y * x + -1.6668057665E-1f;
    y = y * x + 2.0000714765E-1f;
    y = y * x + -2.4999993993E-1f;
    y = y * x + 3.3333331174E-1f;
    y = y * x;
    y = y * z;
    y = y + e * -2.12194440e-4f;
    y = y - z * 0.5f;
    x = x + y;
    x = x + e * 0.693359375f;
    return xin > 0.0f ? x : -INFINITY;   /* log 0 = -inf, clamped at -100 by the loss */
}

/* one term of torch's BCELoss, each log clamped at -100; one squared error */
static inline float bce_term(float p, float t)
{
    float lp = log_f32(p), lq = log_f32(1.0f - p);
    lp = lp < -100.0f ? -100.0f : lp;
    lq = lq < -100.0f ? -100.0f : lq;
    return (t - 1.0f) * lq - t * lp;
}

/* the same for a target of 0 or 1: one of its two terms is 0 times a finite number, so one
 * log gives the term (the value is the same, to the sign of a zero) */
static inline float bce01_term(float p, float t)
{
    float l = log_f32(t >= 0.5f ? p : 1.0f - p);
    return -(l < -100.0f ? -100.0f : l);
}

static inline float se_term(float p, float t) { return (p - t) * (p - t); }

/* the sum of the loss's terms in 16 lanes, sample s in lane s % 16 (the lanes are added in a
 * fixed tree after: the same bits whatever the vector width that runs it) */
#define LANE_SUM(TERM)                                                                   \
    do {                                                                                 \
        size_t s = 0;                                                                    \
        for (; s + 16 <= n; s += 16)                                                     \
            for (int i = 0; i < 16; i++)                                                 \
                lane[i] += TERM(o[s + i], y[s + i]);                                     \
        for (int i = 0; s + (size_t)i < n; i++)                                          \
            lane[i] += TERM(o[s + i], y[s + i]);                                         \
    } while (0)

NN_CLONES static double loss_sum(const float *restrict o, const float *restrict y, size_t n,
                                 bool bce, bool binary)
{
    float lane[16] = {0};
    if (bce && binary)
        LANE_SUM(bce01_term);
    else if (bce)
        LANE_SUM(bce_term);
    else
        LANE_SUM(se_term);
    for (int w = 8; w >= 1; w /= 2)
        for (int i = 0; i < w; i++)
            lane[i] += lane[i + w];
    return lane[0];
}

/* the loss's gradient with respect to the output, as torch's backward computes it */
NN_CLONES static void loss_grad(const float *restrict o, const float *restrict y,
                                float *restrict d, size_t n, bool bce)
{
    const float inv = 1.0f / (float)n, norm = 2.0f / (float)n;
    if (bce)
        for (size_t s = 0; s < n; s++)
            d[s] = (o[s] - y[s]) / ((1.0f - o[s]) * o[s] < 1e-12f ? 1e-12f : (1.0f - o[s]) * o[s]) * inv;
    else
        for (size_t s = 0; s < n; s++)
            d[s] = norm * (o[s] - y[s]);
}

/* torch's loss of the output (the mean over the samples) and, with grad, its gradient with
 * respect to the output into D[L] */
static float loss_and_grad(net32 *t, nn_loss loss, bool grad)
{
    if (grad) {
        loss_grad(t->H[t->L], t->Y, t->D[t->L], t->n, loss == NN_LOSS_BCE);
        return 0.0f;
    }
    double sum = loss_sum(t->H[t->L], t->Y, t->n, loss == NN_LOSS_BCE, t->binary);
    return (float)(sum / (double)t->n);
}

/* the gradient through an activation, from the unit's output, element by element */
NN_CLONES static void act_backward(float *restrict d, const float *restrict h, size_t n, nn_act a)
{
    switch (a) {
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            d[i] = h[i] > 0.0f ? d[i] : 0.0f;
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            d[i] = d[i] * (1.0f - h[i] * h[i]);
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            d[i] = d[i] * (1.0f - h[i]) * h[i];
        break;
    default:
        break;
    }
}

/* dIn[k][s] = sum_j W[j][k] D[j][s], each sum over j in order, rows of samples vectorised */
NN_CLONES static void input_backward(float *restrict dIn, const float *restrict W,
                                     const float *restrict D, int ni, int no, size_t n)
{
    if (n < 8) {   /* a few samples: a value at a time, the same sums */
        for (int k = 0; k < ni; k++)
            for (size_t s = 0; s < n; s++) {
                float acc = 0.0f;
                for (int j = 0; j < no; j++)
                    acc += W[(size_t)j * ni + k] * D[(size_t)j * n + s];
                dIn[(size_t)k * n + s] = acc;
            }
        return;
    }
    for (int k = 0; k < ni; k++) {
        float *restrict row = dIn + (size_t)k * n;
        for (int j = 0; j < no; j++) {   /* the sum from 0, as above */
            const float w = W[(size_t)j * ni + k], *restrict dj = D + (size_t)j * n;
            if (j == 0)
                for (size_t s = 0; s < n; s++)
                    row[s] = 0.0f + w * dj[s];
            else
                for (size_t s = 0; s < n; s++)
                    row[s] += w * dj[s];
        }
    }
}

static void backward(const nn_model *m, net32 *t)
{
    for (int l = t->L - 1; l >= 0; l--) {
        int ni = t->width[l], no = t->width[l + 1];
        nn_act a = l + 1 < t->L ? m->arch.act : m->arch.out_act;
        float *Dl = t->D[l + 1];
        act_backward(Dl, t->H[l + 1], (size_t)no * t->n, a);
        float *dW = t->g + m->w_off[l], *db = m->has_bias[l] ? t->g + m->b_off[l] : NULL;
        for (int j = 0; j < no; j++) {
            for (int k = 0; k < ni; k++)
                dW[(size_t)j * ni + k] = dot16(Dl + (size_t)j * t->n, t->H[l] + (size_t)k * t->n,
                                               t->n);
            if (db)
                db[j] = sum16(Dl + (size_t)j * t->n, t->n);
        }
        if (l > 0)
            input_backward(t->D[l], t->p + m->w_off[l], Dl, ni, no, t->n);
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
    st->loss = lv;
    st->mse = (float)((double)se16(o, t->Y, t->n) / (double)t->n);
    /* the output's class, as nn_predict_class reads a probability (bce and mse alike here:
     * float32 training has no bce_logits) */
    st->error = d->classify ? (double)wrong_f32(o, t->Y, t->n) / (double)d->n : NAN;
    st->test_loss = st->test_mse = st->test_error = NAN;
    (void)m;
    (void)loss;
}

/* every value finite: no exponent field all ones (integer operations, vectorised, instead of
 * a chain of float additions each waiting on the last) */
NN_CLONES static bool finite32(const float *restrict x, size_t n)
{
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], sizeof u);
        bad |= (u & 0x7f800000u) == 0x7f800000u;
    }
    return !bad;
}

int nn_train_f32(nn_model *m, nn_optim *o, const nn_train_cfg *c, const nn_trainset *d,
                 const nn_train_hooks *h, nn_train_result *res, nn_err *e)
{
    if (d->n == 0)
        return nn_err_set(e, NN_ESPEC, "", "no training samples");
    net32 t = {.L = m->L, .n = d->n, .binary = d->classify};
    memcpy(t.width, m->width, sizeof t.width);
    size_t units = 0, np = m->n_params;
    for (int l = 0; l <= m->L; l++)
        units += (size_t)m->width[l];
    size_t total = 4 * np + 2 * units * d->n + d->n;
    t.block = calloc(total + 1, sizeof *t.block);
    if (!t.block) {
        free(t.block);
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
    return rc;
}
