/* generators.c: the notebooks' toy data sets, drawn exactly as their code draws them.
 *
 * Every generator draws whole arrays first (numpy's normal(size=(k, 2)) and
 * uniform(size=(k, 2)) fill row-major), then keeps the points that pass the notebook's
 * filter, in order. Positive points come first, as in the notebooks.
 *   wedges     notebook 001 train_data_1 (seed 8): four Gaussian blobs, each cut to the
 *              wedge between the diagonals that faces it; the lower one is class 1
 *   disk_ring  notebook 001 train_data_2 (seed 3; 40/300 draws) and notebook 000
 *              train_data (seed 3; 100/1000 draws): a disk r < 2 of N(0, 0.75) points
 *              (class 1) inside a ring 2.5 < r < 4 of uniform points
 *   stripes    notebook 001 train_data_3 (seed 6): two vertical stripes |x1 -+ 2.5| < 0.7
 *              (class 1) and the uniform points farther than 1.25 from both
 * and, drawing in the notebooks' own orders (see each function):
 *   halfspace  notebook 002's Gaussian cloud with noise coordinates
 *   circles    notebook 004's disk and ring (seed 100)
 *   regression notebook 004's damped sine (no randomness)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int alloc_dims(nn_data *d, size_t cap, int dims, nn_err *e)
{
    d->n = 0;
    d->d = dims;
    d->x = malloc(cap * (size_t)dims * sizeof *d->x);
    d->y = malloc(cap * sizeof *d->y);
    d->classify = true;
    if (!d->x || !d->y) {
        nn_data_free(d);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for %zu points", cap);
    }
    return NN_OK;
}

static int alloc_data(nn_data *d, size_t cap, nn_err *e) { return alloc_dims(d, cap, 2, e); }

static void push(nn_data *d, double x1, double x2, double y)
{
    d->x[2 * d->n] = x1;
    d->x[2 * d->n + 1] = x2;
    d->y[d->n++] = y;
}

/* Draw k normal(0, scale) pairs into buf (row-major), as numpy does. */
static void normal_pairs(nn_rng *r, double *buf, size_t k, double scale)
{
    for (size_t i = 0; i < 2 * k; i++)
        buf[i] = nn_rng_normal(r, 0.0, scale);
}

static void uniform_pairs(nn_rng *r, double *buf, size_t k, double lo, double hi)
{
    for (size_t i = 0; i < 2 * k; i++)
        buf[i] = nn_rng_uniform(r, lo, hi);
}

static int gen_wedges(nn_data *d, nn_rng *r, const double *p, nn_err *e)
{
    size_t k = (size_t)p[0];
    double *buf = malloc(2 * k * sizeof *buf);
    if (!buf || alloc_data(d, 4 * k, e)) {
        free(buf);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for %zu points", 4 * k);
    }
    /* numpy's "- (0, 2.5)", "+ (0, 2.5)", "+ (2.5, 0)", "- (2.5, 0)", kept as written */
    static const double ox[4] = {0.0, 0.0, 2.5, 2.5}, oy[4] = {2.5, 2.5, 0.0, 0.0};
    static const bool minus[4] = {true, false, false, true};
    for (int blob = 0; blob < 4; blob++) {
        normal_pairs(r, buf, k, 1.0);
        for (size_t i = 0; i < k; i++) {
            double a = buf[2 * i], b = buf[2 * i + 1];
            double x = minus[blob] ? a - ox[blob] : a + ox[blob];
            double y = minus[blob] ? b - oy[blob] : b + oy[blob];
            bool keep;
            switch (blob) {
            case 0: keep = y < x - .25 && y < -x - .25; break;
            case 1: keep = y > x + .25 && y > -x + .25; break;
            case 2: keep = y > -x + .25 && y < x - .25; break;
            default: keep = y > x + .25 && y < -x - .25; break;
            }
            if (keep)
                push(d, x, y, blob == 0 ? 1.0 : 0.0);
        }
    }
    free(buf);
    return NN_OK;
}

/* Room for kp + kn points and a draw buffer for the larger batch. */
static double *start_two(nn_data *d, size_t kp, size_t kn, nn_err *e)
{
    double *buf = malloc(2 * (kp > kn ? kp : kn) * sizeof *buf);
    if (!buf || alloc_data(d, kp + kn, e)) {
        free(buf);
        nn_err_set(e, NN_ENOMEM, "", "out of memory for %zu points", kp + kn);
        return NULL;
    }
    return buf;
}

static int gen_disk_ring(nn_data *d, nn_rng *r, const double *p, nn_err *e)
{
    size_t kp = (size_t)p[0], kn = (size_t)p[1];
    double *buf = start_two(d, kp, kn, e);
    if (!buf)
        return NN_ENOMEM;
    normal_pairs(r, buf, kp, 0.75);
    for (size_t i = 0; i < kp; i++) {
        double x = buf[2 * i], y = buf[2 * i + 1];
        if (x * x + y * y < 4)
            push(d, x, y, 1.0);
    }
    uniform_pairs(r, buf, kn, -5.0, 5.0);
    for (size_t i = 0; i < kn; i++) {
        double x = buf[2 * i], y = buf[2 * i + 1], r2 = x * x + y * y;
        if (r2 > 6.25 && r2 < 16)
            push(d, x, y, 0.0);
    }
    free(buf);
    return NN_OK;
}

static int gen_stripes(nn_data *d, nn_rng *r, const double *p, nn_err *e)
{
    size_t kp = (size_t)p[0], kn = (size_t)p[1];
    double *buf = start_two(d, kp, kn, e);
    if (!buf)
        return NN_ENOMEM;
    uniform_pairs(r, buf, kp, -5.0, 5.0);
    for (size_t i = 0; i < kp; i++) {
        double x = buf[2 * i];
        if (fabs(x - 2.5) < 0.7 || fabs(x + 2.5) < 0.7)
            push(d, x, buf[2 * i + 1], 1.0);
    }
    uniform_pairs(r, buf, kn, -5.0, 5.0);
    for (size_t i = 0; i < kn; i++) {
        double x = buf[2 * i];
        if (fabs(x - 2.5) > 1.25 && fabs(x + 2.5) > 1.25)
            push(d, x, buf[2 * i + 1], 0.0);
    }
    free(buf);
    return NN_OK;
}

/* Notebook 002: n points whose first two coordinates are scale * N(0, 1) and whose
 * extra_dims others are noise * N(0, 1), drawn as the notebook draws its (2, n) and
 * (extra_dims, n) arrays (row by row: every point's x1, then every point's x2, then
 * each extra coordinate in turn). The label is 1 where x1 >= curvature * x2^2: the
 * notebook's straight boundary x1 >= 0 with curvature 0, a parabola otherwise. */
static int gen_halfspace(nn_data *d, nn_rng *r, const double *p, nn_err *e)
{
    size_t n = (size_t)p[0];
    double scale = p[1], noise = p[3], curvature = p[4];
    int dims = 2 + (int)p[2];
    if (alloc_dims(d, n, dims, e))
        return NN_ENOMEM;
    for (int k = 0; k < dims; k++) {
        double sd = k < 2 ? scale : noise;
        for (size_t i = 0; i < n; i++)
            d->x[i * (size_t)dims + (size_t)k] = sd * nn_rng_gauss(r);
    }
    for (size_t i = 0; i < n; i++) {
        double x1 = d->x[i * (size_t)dims], x2 = d->x[i * (size_t)dims + 1];
        d->y[i] = x1 >= curvature * (x2 * x2) ? 1.0 : 0.0;
    }
    d->n = n;
    return NN_OK;
}

/* Notebook 004's generate_binary_data: for each of n examples, a class-0 point at radius
 * U[0, 1) and angle U[0, 2 pi), then a class-1 point at radius 3 + U[0, 1) and its own
 * angle, each placed at (r cos t, r sin t). */
static int gen_circles(nn_data *d, nn_rng *r, const double *p, nn_err *e)
{
    size_t n = (size_t)p[0];
    if (alloc_data(d, 2 * n, e))
        return NN_ENOMEM;
    const double two_pi = 2 * M_PI;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 2; c++) {
            double rad = nn_rng_random(r);
            if (c)
                rad = 3 + rad;
            double t = nn_rng_uniform(r, 0.0, two_pi);
            push(d, rad * cos(t), rad * sin(t), (double)c);
        }
    return NN_OK;
}

/* Notebook 004's generate_regression_data: x = np.arange(-L, L, step) (numpy fills
 * x[i] = -L + i * ((-L + step) - (-L))), y = sin(3x) exp(-x / 8); flipped reverses y.
 * The stream is not used. */
static int gen_regression(nn_data *d, nn_rng *r, const double *p, nn_err *e)
{
    (void)r;
    double L = p[0], step = p[1];
    bool flip = p[2] != 0;
    double len = ceil((L - -L) / step);
    if (!(len >= 1) || len > 1e8)
        return nn_err_set(e, NN_ESPEC, "", "half_width / step gives %.0f points (at most 1e8)",
                          len);
    size_t n = (size_t)len;
    if (alloc_dims(d, n, 1, e))
        return NN_ENOMEM;
    double start = -L, delta = (start + step) - start;
    for (size_t i = 0; i < n; i++) {
        double x = i == 0 ? start : i == 1 ? start + step : start + (double)i * delta;
        d->x[i] = x;
        d->y[flip ? n - 1 - i : i] = sin(3 * x) * exp(-x / 8.0);
    }
    d->n = n;
    d->classify = false;
    return NN_OK;
}

#define DRAWS_MAX 10000000

static const nn_generator generators[] = {
    {"wedges", "four Gaussian blobs cut into wedges; the lower one is class 1 (notebook 001, "
               "train_data_1)",
     8, 1, {{"draws_per_blob", 50, 1, DRAWS_MAX, "points drawn per blob before the cut", NN_GEN_INT}},
     gen_wedges, false},
    {"disk_ring", "a Gaussian disk (class 1) inside a uniform ring (notebook 001 train_data_2; "
                  "notebook 000 with 100/1000 draws)",
     3, 2,
     {{"pos_draws", 40, 1, DRAWS_MAX, "N(0, 0.75) points drawn; those with r < 2 are kept", NN_GEN_INT},
      {"neg_draws", 300, 1, DRAWS_MAX, "U(-5, 5) points drawn; those with 2.5 < r < 4 are kept", NN_GEN_INT}},
     gen_disk_ring, false},
    {"stripes", "two vertical stripes (class 1) among uniform points (notebook 001, "
                "train_data_3)",
     6, 2,
     {{"pos_draws", 400, 1, DRAWS_MAX, "U(-5, 5) points drawn; those within 0.7 of x1 = -+2.5 "
                                       "are kept", NN_GEN_INT},
      {"neg_draws", 400, 1, DRAWS_MAX, "U(-5, 5) points drawn; those farther than 1.25 from "
                                       "both stripes are kept", NN_GEN_INT}},
     gen_stripes, false},
    {"halfspace", "Gaussian points with noise coordinates; class 1 where x1 >= curvature x2^2 "
                  "(notebook 002)",
     0, 5,
     {{"n", 1000, 1, DRAWS_MAX, "points", NN_GEN_INT},
      {"scale", 10, 1e-6, 1e6, "standard deviation of x1 and x2", NN_GEN_REAL},
      {"extra_dims", 13, 0, 1000, "noise coordinates after x1, x2", NN_GEN_INT},
      {"noise", 0.01, 0, 1e6, "standard deviation of the noise coordinates", NN_GEN_REAL},
      {"curvature", 0, -1e6, 1e6, "c in the boundary x1 = c x2^2 (0: the notebook's x1 = 0)",
       NN_GEN_REAL}},
     gen_halfspace, true},
    {"circles", "a uniform-radius disk r < 1 (class 0) inside a ring 3 <= r < 4 (class 1), "
                "points alternating (notebook 004)",
     100, 1, {{"n", 1000, 1, DRAWS_MAX, "points of each class", NN_GEN_INT}}, gen_circles, true},
    {"regression", "y = sin(3x) exp(-x/8) on x = -L, -L + step, ..., below L (notebook 004)",
     0, 3,
     {{"half_width", 10, 1e-6, 1e6, "L", NN_GEN_REAL},
      {"step", 0.1, 1e-6, 1e6, "spacing of x", NN_GEN_REAL},
      {"flip", 0, 0, 1, "reverse y left to right (the notebook's second fit)", NN_GEN_BOOL}},
     gen_regression, true},
};

const nn_generator *nn_generators(int *count)
{
    *count = (int)(sizeof generators / sizeof generators[0]);
    return generators;
}

const nn_generator *nn_generator_find(const char *name)
{
    int n;
    const nn_generator *g = nn_generators(&n);
    for (int i = 0; i < n; i++)
        if (strcmp(g[i].name, name) == 0)
            return &g[i];
    return NULL;
}

int nn_data_generate(const nn_generator *g, uint32_t seed, const double *p, nn_data *out,
                     nn_err *e)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    memset(out, 0, sizeof *out);
    return g->fn(out, &r, p, e);
}
