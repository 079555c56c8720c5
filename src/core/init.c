/* init.c: initial parameters (see init.h). */
#include "nnlab/init.h"

#include <math.h>
#include <string.h>

#include "nnlab/mat.h"
#include "nnlab/names.h"

const char *const nn_init_scheme_names[NN_INIT_COUNT] = {"he", "xavier", "torch"};
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

int nn_init_model(nn_model *m, const nn_init_cfg *c, nn_rng *r, long *draws, nn_err *e)
{
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
