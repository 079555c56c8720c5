/* init.c: initial parameters (see init.h). */
#include "nnlab/init.h"
#include "nnlab/torch_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/mat.h"
#include "nnlab/names.h"

const char *const nn_init_scheme_names[NN_INIT_COUNT] = {"he", "xavier", "torch", "scaled"};
const char *const nn_init_dist_names[NN_DIST_COUNT] = {"normal", "uniform"};

const char *nn_init_scheme_name(nn_init_scheme s)
{
    return (unsigned)s < NN_INIT_COUNT ? nn_init_scheme_names[s] : NULL;
}

int nn_init_scheme_parse(const char *name)
{
    return nn_name_index(nn_init_scheme_names, NN_INIT_COUNT, name);
}

const char *nn_init_dist_name(nn_init_dist d)
{
    return (unsigned)d < NN_DIST_COUNT ? nn_init_dist_names[d] : NULL;
}

int nn_init_dist_parse(const char *name)
{
    return nn_name_index(nn_init_dist_names, NN_DIST_COUNT, name);
}

double nn_init_std(const nn_model *m, const nn_init_cfg *c, int l)
{
    double fan_in = m->width[l], fan_out = m->width[l + 1];
    switch (c->scheme) {
    case NN_INIT_HE:
        return sqrt(2.0 / fan_in) * c->gain;
    case NN_INIT_XAVIER:
        return sqrt(2.0 / (fan_in + fan_out)) * c->gain;
    case NN_INIT_TORCH:
        return c->gain / sqrt(fan_in) / sqrt(3.0);
    case NN_INIT_SCALED:      /* the hidden layer's; the output layer's is scale / sqrt(m) */
        return l == 0 ? c->scale / sqrt(fan_out * fan_in) : c->scale / sqrt(fan_in);
    default:
        return 0;
    }
}

static void draw(double *w, size_t n, const nn_init_cfg *c, double std, double bound,
                 nn_rng *r)
{
    if (c->scheme == NN_INIT_TORCH || c->dist == NN_DIST_UNIFORM)
        for (size_t i = 0; i < n; i++)
            w[i] = nn_rng_uniform(r, -bound, bound);
    else
        for (size_t i = 0; i < n; i++)
            w[i] = nn_rng_normal(r, 0.0, std);
}

/* Notebook 003's Net: one hidden layer, see init.h. */
static int init_scaled(nn_model *m, const nn_init_cfg *c, nn_rng *r, long *draws, nn_err *e)
{
    if (m->L != 2)
        return nn_err_set(e, NN_ESPEC, "", "the scaled init needs exactly one hidden layer");
    size_t d = (size_t)m->width[0], h = (size_t)m->width[1];
    double *W = nn_model_W(m, 0), *b = nn_model_b(m, 0), *V = nn_model_W(m, 1);
    double *c0 = nn_model_b(m, 1);
    double sd = nn_init_std(m, c, 0), so = nn_init_std(m, c, 1);
    for (size_t i = 0; i < h * d; i++)
        W[i] = nn_rng_normal(r, 0.0, sd);
    if (b)
        for (size_t j = 0; j < h; j++)
            b[j] = nn_rng_normal(r, 0.0, sd);
    if (c->balanced) {
        for (size_t j = 0; j < h; j++) {
            double ss = 0;
            for (size_t k = 0; k < d; k++)
                ss += W[j * d + k] * W[j * d + k];
            double nw = sqrt(ss), norm = sqrt(nw * nw + (b ? b[j] * b[j] : 0.0));
            V[j] = (nn_rng_random(r) < 0.5 ? 1.0 : -1.0) * norm;
        }
    } else {
        for (size_t j = 0; j < h; j++)
            V[j] = nn_rng_normal(r, 0.0, so);
    }
    if (c0)
        c0[0] = nn_rng_normal(r, 0.0, so);
    if (draws)
        draws[0] = draws[1] = 1;
    return NN_OK;
}

/* The same inits drawn from PyTorch's stream: nn.Linear's default (the torch scheme) and
 * notebook 003's Net (the scaled scheme), in float32 as torch draws them. The engine is r's:
 * torch.manual_seed(s) leaves MT19937 as np.random.seed(s) does. */
static int init_torch(nn_model *m, const nn_init_cfg *c, nn_rng *r, long *draws, nn_err *e)
{
    nn_torch_rng g = {.mt = *r};
    size_t most = 0;
    for (int l = 0; l < m->L; l++) {
        size_t n = (size_t)m->width[l] * (size_t)m->width[l + 1];
        most = n > most ? n : most;
    }
    float *w = malloc((most + 1) * sizeof *w), *b = malloc((most + 1) * sizeof *b);
    float *v = malloc((most + 1) * sizeof *v);
    if (!w || !b || !v) {
        free(w), free(b), free(v);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    if (c->scheme == NN_INIT_SCALED) {
        if (m->L != 2 || m->width[2] != 1) {
            free(w), free(b), free(v);
            return nn_err_set(e, NN_ESPEC, "", "the scaled init needs exactly one hidden layer "
                              "and one output");
        }
        int d = m->width[0], h = m->width[1];
        double *W = nn_model_W(m, 0), *B = nn_model_b(m, 0), *V = nn_model_W(m, 1);
        nn_torch_net_f32(&g, d, h, c->scale, c->balanced, w, B ? b : NULL, v);
        for (size_t i = 0; i < (size_t)h * (size_t)d; i++)
            W[i] = w[i];
        for (int j = 0; B && j < h; j++)
            B[j] = b[j];
        for (int j = 0; j < h; j++)
            V[j] = v[j];
    } else {
        for (int l = 0; l < m->L; l++) {
            int cols = m->width[l], rows = m->width[l + 1];
            double *W = nn_model_W(m, l), *B = nn_model_b(m, l);
            nn_torch_linear_f32(&g, cols, rows, w, B ? b : NULL);
            for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++)
                W[i] = w[i];
            for (int i = 0; B && i < rows; i++)
                B[i] = b[i];
        }
    }
    for (int l = 0; draws && l < m->L; l++)
        draws[l] = 1;
    free(w), free(b), free(v);
    *r = g.mt;
    return NN_OK;
}

int nn_init_model(nn_model *m, const nn_init_cfg *c, nn_rng *r, long *draws, nn_err *e)
{
    if (c->torch_rng)
        return init_torch(m, c, r, draws, e);
    if (c->scheme == NN_INIT_SCALED)
        return init_scaled(m, c, r, draws, e);
    for (int l = 0; l < m->L; l++) {
        size_t rows = (size_t)m->width[l + 1], cols = (size_t)m->width[l], n = rows * cols;
        double *W = nn_model_W(m, l), *b = nn_model_b(m, l);
        double std = nn_init_std(m, c, l);
        double bound = c->scheme == NN_INIT_TORCH ? c->gain / sqrt((double)cols)
                                                  : sqrt(3.0) * std;
        long k = 1;
        draw(W, n, c, std, bound, r);
        if (c->redraw_tol >= 0) {
            while (fabs(nn_std_numpy(W, n) - std) > c->redraw_tol ||
                   fabs(nn_mean_numpy(W, n)) > c->redraw_tol) {
                if (k >= c->redraw_max)
                    return nn_err_set(e, NN_ESPEC, "",
                                      "the redraw rule accepted none of %ld draws of "
                                      "layer %d (%zu x %zu weights, std %.4g, tolerance %g); "
                                      "raise redraw_tolerance or set it to null",
                                      k, l + 1, rows, cols, std, c->redraw_tol);
                draw(W, n, c, std, bound, r);
                k++;
            }
        }
        if (draws)
            draws[l] = k;
        if (b) {
            if (c->scheme == NN_INIT_TORCH)
                for (size_t i = 0; i < rows; i++)
                    b[i] = nn_rng_uniform(r, -bound, bound);
            else
                for (size_t i = 0; i < rows; i++)
                    b[i] = c->bias_value;
        }
    }
    return NN_OK;
}
