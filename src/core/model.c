/* model.c: creating, copying and evaluating a model (see model.h). */
#include "nnlab/model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/mat.h"

size_t nn_arch_n_params(const nn_arch *a)
{
    if (a->n_in < 1 || a->n_in > NN_MAX_WIDTH || a->n_out < 1 || a->n_out > NN_MAX_WIDTH ||
        a->n_hidden < 0 || a->n_hidden > NN_MAX_HIDDEN)
        return 0;
    size_t total = 0;
    int prev = a->n_in;
    for (int l = 0; l <= a->n_hidden; l++) {
        int next = l < a->n_hidden ? a->hidden[l] : a->n_out;
        if (next < 1 || next > NN_MAX_WIDTH)
            return 0;
        bool b = l < a->n_hidden ? a->bias : a->output_bias;
        total += (size_t)next * (size_t)prev + (b ? (size_t)next : 0);
        if (total > NN_MAX_PARAMS)
            return 0;
        prev = next;
    }
    return total;
}

nn_model *nn_model_create(const nn_arch *a, nn_err *e)
{
    size_t np = nn_arch_n_params(a);
    if (np == 0) {
        nn_err_set(e, NN_ESPEC, "", "invalid architecture: widths must be 1..%d, at most %d "
                   "hidden layers and %d parameters", NN_MAX_WIDTH, NN_MAX_HIDDEN, NN_MAX_PARAMS);
        return NULL;
    }
    nn_model *m = calloc(1, sizeof *m);
    if (!m || !(m->params = calloc(np, sizeof *m->params))) {
        free(m);
        nn_err_set(e, NN_ENOMEM, "", "out of memory for %zu parameters", np);
        return NULL;
    }
    m->arch = *a;
    m->L = a->n_hidden + 1;
    m->n_params = np;
    m->width[0] = a->n_in;
    for (int l = 0; l < a->n_hidden; l++)
        m->width[l + 1] = a->hidden[l];
    m->width[m->L] = a->n_out;
    size_t off = 0;
    for (int l = 0; l < m->L; l++) {
        m->has_bias[l] = l < a->n_hidden ? a->bias : a->output_bias;
        m->w_off[l] = off;
        off += (size_t)m->width[l + 1] * (size_t)m->width[l];
        m->b_off[l] = m->has_bias[l] ? off : SIZE_MAX;
        if (m->has_bias[l])
            off += (size_t)m->width[l + 1];
    }
    return m;
}

void nn_model_free(nn_model *m)
{
    if (!m)
        return;
    free(m->params);
    free(m->norm_mean);
    free(m->norm_std);
    free(m);
}

nn_model *nn_model_clone(const nn_model *m)
{
    nn_model *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *m;
    c->params = malloc(m->n_params * sizeof *c->params);
    c->norm_mean = c->norm_std = NULL;
    if (!c->params)
        goto fail;
    memcpy(c->params, m->params, m->n_params * sizeof *c->params);
    if (m->norm_mean) {
        size_t d = (size_t)m->arch.n_in;
        c->norm_mean = malloc(d * sizeof(double));
        c->norm_std = malloc(d * sizeof(double));
        if (!c->norm_mean || !c->norm_std)
            goto fail;
        memcpy(c->norm_mean, m->norm_mean, d * sizeof(double));
        memcpy(c->norm_std, m->norm_std, d * sizeof(double));
    }
    return c;
fail:
    nn_model_free(c);
    return NULL;
}

void nn_model_param_name(const nn_model *m, size_t i, char *buf, size_t cap)
{
    for (int l = 0; l < m->L; l++) {
        size_t nw = (size_t)m->width[l + 1] * (size_t)m->width[l];
        if (i >= m->w_off[l] && i < m->w_off[l] + nw) {
            size_t k = i - m->w_off[l];
            snprintf(buf, cap, "w%d_%zu_%zu", l + 1, k / (size_t)m->width[l],
                     k % (size_t)m->width[l]);
            return;
        }
        if (m->has_bias[l] && i >= m->b_off[l] && i < m->b_off[l] + (size_t)m->width[l + 1]) {
            snprintf(buf, cap, "b%d_%zu", l + 1, i - m->b_off[l]);
            return;
        }
    }
    snprintf(buf, cap, "p%zu", i);
}

int nn_model_set_norm(nn_model *m, const double *mean, const double *std, nn_err *e)
{
    size_t d = (size_t)m->arch.n_in;
    free(m->norm_mean);
    free(m->norm_std);
    m->norm_mean = malloc(d * sizeof(double));
    m->norm_std = malloc(d * sizeof(double));
    if (!m->norm_mean || !m->norm_std) {
        free(m->norm_mean), free(m->norm_std);
        m->norm_mean = m->norm_std = NULL;
        m->normalized = false;
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    memcpy(m->norm_mean, mean, d * sizeof(double));
    memcpy(m->norm_std, std, d * sizeof(double));
    m->normalized = true;
    return NN_OK;
}

static int predict_chunk(const nn_model *m, double *out, const double *x, size_t n, nn_err *e);

int nn_model_predict(const nn_model *m, double *out, const double *x, size_t n, nn_err *e)
{
    /* in chunks, so a large grid needs no more scratch than a small one */
    const size_t chunk = 4096, d = (size_t)m->width[0], no = (size_t)m->width[m->L];
    for (size_t s = 0; s < n; s += chunk) {
        int rc = predict_chunk(m, out + s * no, x + s * d, n - s < chunk ? n - s : chunk, e);
        if (rc)
            return rc;
    }
    return NN_OK;
}

static int predict_chunk(const nn_model *m, double *out, const double *x, size_t n, nn_err *e)
{
    size_t maxw = 0;
    for (int l = 0; l <= m->L; l++)
        if ((size_t)m->width[l] > maxw)
            maxw = (size_t)m->width[l];
    double *a = malloc(maxw * n * sizeof *a), *b = malloc(maxw * n * sizeof *b);
    if (!a || !b) {
        free(a), free(b);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory evaluating %zu inputs", n);
    }
    size_t d = (size_t)m->width[0];
    for (size_t s = 0; s < n; s++)
        for (size_t k = 0; k < d; k++) {
            double v = x[s * d + k];
            if (m->normalized)
                v = (v - m->norm_mean[k]) / m->norm_std[k];
            a[k * n + s] = v;
        }
    for (int l = 0; l < m->L; l++) {
        nn_dense_forward(b, a, nn_model_W(m, l), nn_model_b(m, l), n, (size_t)m->width[l],
                         (size_t)m->width[l + 1]);
        nn_act act = l + 1 < m->L ? m->arch.act : m->arch.out_act;
        nn_act_forward(act, m->arch.slope, b, b, (size_t)m->width[l + 1] * n);
        double *t = a;
        a = b;
        b = t;
    }
    size_t no = (size_t)m->width[m->L];
    for (size_t s = 0; s < n; s++)
        for (size_t j = 0; j < no; j++)
            out[s * no + j] = a[j * n + s];
    free(a), free(b);
    return NN_OK;
}
