/* optim.c: optimizer steps (see optim.h). */
#include "nnlab/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/names.h"
#include "simd.h"

const char *const nn_opt_names[NN_OPT_COUNT] = {"sgd", "asgd", "adam", "adam_tf"};

const char *nn_opt_name(nn_opt_kind k)
{
    return (unsigned)k < NN_OPT_COUNT ? nn_opt_names[k] : NULL;
}

int nn_opt_parse(const char *name) { return nn_name_index(nn_opt_names, NN_OPT_COUNT, name); }

nn_optim *nn_optim_create(const nn_optim_cfg *c, const double *params, size_t n, nn_err *e)
{
    nn_optim *o = calloc(1, sizeof *o);
    if (!o)
        goto oom;
    o->cfg = *c;
    o->n = n;
    if (c->kind == NN_OPT_ASGD) {
        if (!(o->raw = malloc(n * sizeof *o->raw)))
            goto oom;
        memcpy(o->raw, params, n * sizeof *o->raw);
    } else if (c->kind == NN_OPT_ADAM || c->kind == NN_OPT_ADAM_TF) {
        o->m = calloc(n, sizeof *o->m);
        o->v = calloc(n, sizeof *o->v);
        if (!o->m || !o->v)
            goto oom;
        o->b1t = c->beta1;
        o->b2t = c->beta2;
    }
    return o;
oom:
    nn_optim_free(o);
    nn_err_set(e, NN_ENOMEM, "", "out of memory for the optimizer state");
    return NULL;
}

void nn_optim_free(nn_optim *o)
{
    if (!o)
        return;
    free(o->raw);
    free(o->m);
    free(o->v);
    free(o);
}

NN_CLONES void nn_optim_step(nn_optim *o, double *restrict w, const double *restrict g)
{
    const size_t n = o->n;
    const double lr = o->cfg.lr;
    o->t++;
    switch (o->cfg.kind) {
    case NN_OPT_SGD:
        for (size_t i = 0; i < n; i++)
            w[i] = w[i] - lr * g[i];
        break;
    case NN_OPT_ASGD: {
        /* notebook 001's fit(): raw = raw - eta * grad; w = (t * w + raw) / (t + 1) */
        double *restrict raw = o->raw;
        const double t = (double)o->t, t1 = (double)(o->t + 1);
        for (size_t i = 0; i < n; i++) {
            raw[i] = raw[i] - lr * g[i];
            w[i] = (t * w[i] + raw[i]) / t1;
        }
        break;
    }
    case NN_OPT_ADAM: {
        const double b1 = o->cfg.beta1, b2 = o->cfg.beta2, eps = o->cfg.eps;
        const double bc1 = 1.0 - pow(b1, (double)o->t), bc2 = 1.0 - pow(b2, (double)o->t);
        const double step = lr / bc1, bc2s = sqrt(bc2);
        double *restrict m = o->m, *restrict v = o->v;
        for (size_t i = 0; i < n; i++) {
            m[i] = m[i] * b1 + g[i] * (1.0 - b1);
            v[i] = v[i] * b2 + (g[i] * g[i]) * (1.0 - b2);
            w[i] = w[i] - step * (m[i] / (sqrt(v[i]) / bc2s + eps));
        }
        break;
    }
    case NN_OPT_ADAM_TF: {
        /* TensorFlow 1's ApplyAdam kernel; beta^t kept as running products, as TF does */
        const double b1 = o->cfg.beta1, b2 = o->cfg.beta2, eps = o->cfg.eps;
        const double alpha = lr * sqrt(1.0 - o->b2t) / (1.0 - o->b1t);
        double *restrict m = o->m, *restrict v = o->v;
        for (size_t i = 0; i < n; i++) {
            m[i] = m[i] + (g[i] - m[i]) * (1.0 - b1);
            v[i] = v[i] + (g[i] * g[i] - v[i]) * (1.0 - b2);
            w[i] = w[i] - (m[i] * alpha) / (sqrt(v[i]) + eps);
        }
        o->b1t *= b1;
        o->b2t *= b2;
        break;
    }
    default:
        break;
    }
}
