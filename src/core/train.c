/* train.c: the training loop (see train.h). */
#include "nnlab/train.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/mat.h"
#include "simd.h"

/* Scratch for one model and one data set, allocated once. The full-set arrays have ld >= n
 * columns (padded(n): n rounded up to a multiple of 8 from 16 samples on), and every array
 * starts on a cache line: each row then starts on one too, and the kernels' 8-wide loads
 * and stores never straddle two lines (split across two, they made notebook 000's forward
 * and backward_input kernels 10-15% slower). The padding columns (the inputs' are zero) are computed along with the
 * rest and read by nothing: every sum runs over the samples idx[0..B), and the losses over
 * the first n columns. */
typedef struct work {
    size_t n, ld, B;
    int L;
    const double *H[NN_MAX_HIDDEN + 2];   /* full-set outputs per layer; H[0] = X (a copy) */
    double *Z[NN_MAX_HIDDEN + 2];         /* full-set pre-activations, l >= 1 */
    double *Hb[NN_MAX_HIDDEN + 2];        /* batch copies of H, in batch order */
    double *Zb[NN_MAX_HIDDEN + 2];        /* batch copies of Z where a derivative needs z */
    double *E, *D;                        /* (max width, ld or B) backward signals */
    double *XT;                           /* (B, max width + 9) sample-major panels */
    double *HT[NN_MAX_HIDDEN + 2];        /* full-set panels of H (mat.h) where panel_layer */
    double *ET;                           /* (ld or B, 8) the panel of a backward signal */
    double *yb, *grad, *scratch;
    double *good;                         /* the parameters after the last finite step */
    size_t *order;
    void *block;
} work;

static bool needs_z(nn_act a) { return a == NN_ACT_SOFTPLUS; }

static void work_free(work *w) { free(w->block); }

/* Columns of a full-set array of n samples: n rounded up to a multiple of 8, except for a
 * handful of samples (notebook 003's two points), whose kernels vectorise across units and
 * would only do four times the work on padding. */
static size_t padded(size_t n) { return n < 16 ? n : (n + 7) / 8 * 8; }

/* Layer l's outputs (and backward signals) get panels, sample-major copies of their first
 * eight rows, written by the ReLU kernels while the values are in registers: the weight
 * gradients of a layer 8 to 12 wide read one a sample, and building them from memory cost a
 * sixth of a step of notebook 000's 9-wide nets. */
static bool panel_layer(const int *width, int L, nn_act act, int l)
{
    return l >= 1 && l < L && act == NN_ACT_RELU && width[l] >= 8 && width[l] <= 12;
}

/* Lays the scratch of a model of these widths on n samples in batches of B (with the panels,
 * if asked for) out from base, a cache line's start, into w; with base NULL only counts.
 * Returns the doubles it takes. */
static size_t work_layout(work *w, double *base, const int *width, int L, nn_act act,
                          size_t n_params, size_t n, size_t B, bool panels)
{
    const size_t ld = padded(n), lb = B == n ? ld : B;   /* E's and D's columns */
    size_t maxw = 0, at = 0;
    for (int l = 0; l <= L; l++)
        if ((size_t)width[l] > maxw)
            maxw = (size_t)width[l];
    /* each array on a cache line (at most 7 doubles of padding before it) */
#define TAKE(ptr, count)                                                                 \
    do {                                                                                 \
        at = (at + 7) / 8 * 8;                                                           \
        if (base)                                                                        \
            (ptr) = base + at;                                                           \
        at += (count);                                                                   \
    } while (0)
    double *x;
    TAKE(x, (size_t)width[0] * ld);
    if (base)
        w->H[0] = x;
    for (int l = 1; l <= L; l++) {
        size_t wl = (size_t)width[l];
        TAKE(w->Z[l], wl * ld);
        double *h;
        TAKE(h, wl * ld);
        if (base)
            w->H[l] = h;
        TAKE(w->Hb[l], wl * B);
        if (l == L || needs_z(act))
            TAKE(w->Zb[l], wl * B);
    }
    TAKE(w->Hb[0], (size_t)width[0] * B);
    TAKE(w->E, maxw * lb);
    TAKE(w->D, maxw * lb);
    /* XT: max(maxw, 8) + 9 wide: the narrow kernels pad units to 8, a 9-wide layer's weight
     * gradients put a panel of its signals after its inputs', and the panels start on a
     * cache line */
    TAKE(w->XT, ((maxw < 8 ? 8 : maxw) + 9) * B);
    TAKE(w->yb, B);
    TAKE(w->grad, n_params);
    TAKE(w->good, n_params);
    TAKE(w->scratch, n);
    bool any = false;
    for (int l = 1; panels && l < L; l++)
        if (panel_layer(width, L, act, l)) {
            TAKE(w->HT[l], 8 * ld);
            any = true;
        }
    if (any)
        TAKE(w->ET, 8 * lb);
#undef TAKE
    return (at + 7) / 8 * 8;
}

size_t nn_train_scratch_bytes(const nn_arch *a, size_t n, size_t batch)
{
    int width[NN_MAX_HIDDEN + 2];
    width[0] = a->n_in;
    for (int l = 0; l < a->n_hidden; l++)
        width[l + 1] = a->hidden[l];
    width[a->n_hidden + 1] = a->n_out;
    size_t B = batch == 0 || batch > n ? n : batch;
    work w;
    return 64 + work_layout(&w, NULL, width, a->n_hidden + 1, a->act, nn_arch_n_params(a), n,
                            B, true) * sizeof(double) + n * sizeof(size_t);
}

/* panels: the training set's work, whose gradients are taken (not a test set's) */
static int work_init(work *w, const nn_model *m, const nn_trainset *d, size_t B, bool panels,
                     nn_err *e)
{
    memset(w, 0, sizeof *w);
    w->n = d->n;
    w->ld = padded(d->n);
    w->B = B;
    w->L = m->L;
    size_t total = work_layout(w, NULL, m->width, m->L, m->arch.act, m->n_params, d->n, B,
                               panels);
    size_t bytes = 64 + total * sizeof(double) + d->n * sizeof(size_t);
    if (!(w->block = calloc(1, bytes)))   /* zeros: the padding columns start finite */
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for training scratch (%zu bytes)",
                          bytes);
    double *base = (double *)(((uintptr_t)w->block + 63) & ~(uintptr_t)63);
    work_layout(w, base, m->width, m->L, m->arch.act, m->n_params, d->n, B, panels);
    /* the inputs, copied to ld columns (the padding stays zero) */
    for (int k = 0; k < m->width[0]; k++)
        memcpy((double *)w->H[0] + (size_t)k * w->ld, d->X + (size_t)k * d->n,
               d->n * sizeof *d->X);
    w->order = (size_t *)(base + total);
    return NN_OK;
}

/* Forward over the whole set into w->Z, w->H. */
static void forward_full(const nn_model *m, work *w)
{
    for (int l = 0; l < m->L; l++) {
        size_t wl = (size_t)m->width[l + 1];
        nn_act act = l + 1 < m->L ? m->arch.act : m->arch.out_act;
        if (act == NN_ACT_RELU) {          /* the activation fused into the product */
            /* a hidden ReLU layer's z is read by nothing (its derivative is taken from h):
             * only the output layer's is stored */
            double *z = l + 1 == m->L ? w->Z[l + 1] : NULL;
            nn_dense_forward_relu(z, (double *)w->H[l + 1], w->HT[l + 1], w->H[l],
                                  nn_model_W(m, l), nn_model_b(m, l), w->ld,
                                  (size_t)m->width[l], wl);
            continue;
        }
        nn_dense_forward(w->Z[l + 1], w->H[l], nn_model_W(m, l), nn_model_b(m, l), w->ld,
                         (size_t)m->width[l], wl);
        nn_act_forward(act, m->arch.slope, (double *)w->H[l + 1], w->Z[l + 1], wl * w->ld);
    }
}

static void gather(double *dst /* (rows, B) */, const double *src /* (rows, n) */,
                   size_t rows, size_t n, const size_t *idx, size_t B)
{
    for (size_t r = 0; r < rows; r++) {
        const double *s = src + r * n;
        double *t = dst + r * B;
        for (size_t i = 0; i < B; i++)
            t[i] = s[idx[i]];
    }
}

/* grad = (1/B) * sum over the batch idx[0..B) of the loss gradient, from the full-set
 * activations in w (taken at the current weights). A full batch is reduced in place,
 * visiting the samples in the shuffled order; a smaller batch is first copied out in
 * batch order. Either way every sum runs over the batch in its order, as numpy's does. */
static void batch_gradient(const nn_model *m, work *w, nn_loss loss, const double *y,
                           const size_t *idx, size_t B)
{
    const int L = m->L;
    const bool full = B == w->n;
    const size_t ld = full ? w->ld : B;
    const double *Hs[NN_MAX_HIDDEN + 2], *Zs[NN_MAX_HIDDEN + 2], *ys = y;
    for (int l = 0; l <= L; l++) {
        size_t wl = (size_t)m->width[l];
        if (full) {
            Hs[l] = w->H[l];
            Zs[l] = w->Z[l];
        } else {
            gather(w->Hb[l], w->H[l], wl, w->ld, idx, B);
            if (w->Zb[l])
                gather(w->Zb[l], w->Z[l], wl, w->ld, idx, B);
            Hs[l] = w->Hb[l];
            Zs[l] = w->Zb[l];
        }
    }
    if (!full) {
        for (size_t i = 0; i < B; i++)
            w->yb[i] = y[idx[i]];
        ys = w->yb;
    }
    memset(w->grad, 0, m->n_params * sizeof *w->grad);

    double *E = w->E, *D = w->D;
    const double *ET = NULL;              /* E's panel, where backward_input wrote one */
    nn_loss_output_grad(loss, m->arch.out_act, E, Zs[L], Hs[L], ys, B);  /* not the padding */
    for (int l = L - 1; l >= 0; l--) {
        size_t n_in = (size_t)m->width[l], n_out = (size_t)m->width[l + 1];
        double *gb = m->has_bias[l] ? w->grad + m->b_off[l] : NULL;
        /* the forward pass's panels are of the full set, in its column order */
        if (full)
            nn_dense_backward_weights_idx(w->grad + m->w_off[l], gb, E, Hs[l], ld, idx, B,
                                          n_in, n_out, w->XT, w->HT[l], ET);
        else
            nn_dense_backward_weights(w->grad + m->w_off[l], gb, E, Hs[l], B, n_in, n_out,
                                      w->XT, NULL, ET);
        ET = NULL;
        if (l > 0) {
            if (m->arch.act == NN_ACT_RELU) {
                /* w->ET is free again: the sums above were its only reader */
                double *dT = w->HT[l] ? w->ET : NULL;
                nn_dense_backward_input_relu(D, dT, nn_model_W(m, l), E, Hs[l], ld, n_in,
                                             n_out);
                ET = dT;
            } else {
                nn_dense_backward_input(D, nn_model_W(m, l), E, ld, n_in, n_out);
                nn_act_backward(m->arch.act, m->arch.slope, D, Zs[l], Hs[l], n_in * ld);
            }
            double *t = E;
            E = D;
            D = t;
        }
    }
    nn_div_scalar(w->grad, m->n_params, (double)B);
}

static void epoch_stats(const nn_model *m, work *w, nn_loss loss, const nn_trainset *d,
                        size_t wrong, nn_epoch_stats *st)
{
    const double *z = w->Z[m->L], *h = w->H[m->L];
    st->loss = nn_loss_value(loss, z, h, d->y, d->n, w->scratch);
    st->mse = nn_loss_mse_of(loss, z, h, d->y, d->n, w->scratch);
    st->error = d->classify ? (double)wrong / (double)d->n : NAN;
}

/* The test set's numbers at the current weights (wt is the test set's scratch). */
static void test_stats(const nn_model *m, work *wt, nn_loss loss, const nn_trainset *t,
                       nn_epoch_stats *st)
{
    if (!t) {
        st->test_loss = st->test_mse = st->test_error = NAN;
        return;
    }
    forward_full(m, wt);
    const double *z = wt->Z[m->L], *h = wt->H[m->L];
    st->test_loss = nn_loss_value(loss, z, h, t->y, t->n, wt->scratch);
    st->test_mse = nn_loss_mse_of(loss, z, h, t->y, t->n, wt->scratch);
    st->test_error = t->classify
                         ? (double)nn_count_wrong(loss, z, h, t->y, t->n) / (double)t->n
                         : NAN;
}

/* x * 0 is 0 for a finite x and NaN for an infinite or NaN one; four independent sums
 * (the order cannot matter: the answer is 0 or NaN) instead of one long dependency chain,
 * which cost a fifth of a step of notebook 003's tiny net. */
NN_CLONES static bool all_finite(const double *p, size_t n)
{
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a0 += p[i] * 0.0;
        a1 += p[i + 1] * 0.0;
        a2 += p[i + 2] * 0.0;
        a3 += p[i + 3] * 0.0;
    }
    for (; i < n; i++)
        a0 += p[i] * 0.0;
    return (a0 + a1) + (a2 + a3) == 0.0;
}

int nn_train(nn_model *m, nn_optim *o, nn_rng *r, const nn_train_cfg *c,
             const nn_trainset *d, const nn_train_hooks *h, nn_train_result *res, nn_err *e)
{
    if (d->n == 0)
        return nn_err_set(e, NN_ESPEC, "", "no training samples");
    const size_t B = c->batch == 0 || c->batch > d->n ? d->n : c->batch;
    const size_t per_epoch = d->n / B;
    work w, wt = {0};
    int rc = work_init(&w, m, d, B, true, e);
    if (rc)
        return rc;
    if (d->test && d->test->n && (rc = work_init(&wt, m, d->test, d->test->n, false, e))) {
        work_free(&w);
        return rc;
    }
    const nn_trainset *test = d->test && d->test->n ? d->test : NULL;
    memset(res, 0, sizeof *res);
    for (size_t i = 0; i < d->n; i++)
        w.order[i] = i;

    nn_epoch_stats st = {0};
    forward_full(m, &w);
    memcpy(w.good, m->params, m->n_params * sizeof *w.good);
    size_t wrong = d->classify ? nn_count_wrong(c->loss, w.Z[m->L], w.H[m->L], d->y, d->n) : 0;
    epoch_stats(m, &w, c->loss, d, wrong, &st);
    test_stats(m, &wt, c->loss, test, &st);
    if (h && h->on_epoch && (rc = h->on_epoch(h->ctx, m, o, &st, e)))
        goto out;

    long epoch = 1, it = 0;
    size_t b = 0;
    if (h && h->stop && *h->stop) {          /* asked to stop before the first step */
        res->status = NN_TRAIN_INTERRUPTED;
        epoch = 0;
    }
    while (res->status != NN_TRAIN_INTERRUPTED) {
        if (b == 0 && c->shuffle)
            nn_rng_shuffle(r, w.order, d->n);
        batch_gradient(m, &w, c->loss, d->y, w.order + b * B, B);
        nn_optim_step(o, m->params, w.grad);
        it++;
        forward_full(m, &w);
        /* a step that leaves a weight or an output non-finite ends training at once */
        bool finite = all_finite(m->params, m->n_params) && all_finite(w.H[m->L], d->n);
        double err = NAN;
        if (d->classify) {
            wrong = nn_count_wrong(c->loss, w.Z[m->L], w.H[m->L], d->y, d->n);
            err = (double)wrong / (double)d->n;
        }
        b = (b + 1) % per_epoch;
        bool epoch_done = b == 0;
        bool converged = finite && d->classify && c->target_error >= 0 && err < c->target_error;
        bool out_of_iter = c->max_iter > 0 && it >= c->max_iter;
        bool out_of_epochs = epoch_done && epoch >= c->max_epochs;
        bool interrupted = h && h->stop && *h->stop && !converged && !out_of_iter && !out_of_epochs;
        bool last = !finite || converged || out_of_iter || out_of_epochs || interrupted;
        if (epoch_done || last) {
            st.epoch = epoch;
            st.iter = it;
            epoch_stats(m, &w, c->loss, d, wrong, &st);
            test_stats(m, &wt, c->loss, test, &st);
            finite = finite && isfinite(st.loss) && isfinite(st.mse);
            st.last = last || !finite;
            if (h && h->on_epoch && (rc = h->on_epoch(h->ctx, m, o, &st, e)))
                break;
        }
        if (!finite) {
            /* the row above records the blow-up; the model keeps its last finite weights */
            res->status = NN_TRAIN_DIVERGED;
            res->diverged_epoch = epoch;
            memcpy(m->params, w.good, m->n_params * sizeof *w.good);
            forward_full(m, &w);
            wrong = d->classify ? nn_count_wrong(c->loss, w.Z[m->L], w.H[m->L], d->y, d->n) : 0;
            epoch_stats(m, &w, c->loss, d, wrong, &st);
            test_stats(m, &wt, c->loss, test, &st);
            break;
        }
        memcpy(w.good, m->params, m->n_params * sizeof *w.good);
        if (converged) {
            res->converged = true;
            res->converged_epoch = epoch;
        }
        if (interrupted)
            res->status = NN_TRAIN_INTERRUPTED;
        if (last)
            break;
        if (epoch_done)
            epoch++;
    }
    res->epochs_run = epoch;
    res->iterations = it;
    res->final = st;
out:
    work_free(&w);
    work_free(&wt);
    return rc;
}

int nn_evaluate(const nn_model *m, nn_loss loss, const nn_trainset *d, nn_epoch_stats *st,
                nn_err *e)
{
    work w;
    int rc = work_init(&w, m, d, d->n, false, e);
    if (rc)
        return rc;
    forward_full(m, &w);
    size_t wrong = d->classify ? nn_count_wrong(loss, w.Z[m->L], w.H[m->L], d->y, d->n) : 0;
    memset(st, 0, sizeof *st);
    epoch_stats(m, &w, loss, d, wrong, st);
    work_free(&w);
    const nn_trainset *test = d->test && d->test->n ? d->test : NULL;
    if (test && (rc = work_init(&w, m, test, test->n, false, e)))
        return rc;
    test_stats(m, &w, loss, test, st);
    if (test)
        work_free(&w);
    return NN_OK;
}

int nn_gradient(const nn_model *m, nn_loss loss, const nn_trainset *d, double *grad,
                double *loss_value, nn_err *e)
{
    work w;
    int rc = work_init(&w, m, d, d->n, true, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < d->n; i++)
        w.order[i] = i;
    forward_full(m, &w);
    batch_gradient(m, &w, loss, d->y, w.order, d->n);
    memcpy(grad, w.grad, m->n_params * sizeof *grad);
    if (loss_value)
        *loss_value = nn_loss_value(loss, w.Z[m->L], w.H[m->L], d->y, d->n, w.scratch);
    work_free(&w);
    return NN_OK;
}
