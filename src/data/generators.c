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
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"

static int alloc_data(nn_data *d, size_t cap, nn_err *e)
{
    d->n = 0;
    d->d = 2;
    d->x = malloc(cap * 2 * sizeof *d->x);
    d->y = malloc(cap * sizeof *d->y);
    d->classify = true;
    if (!d->x || !d->y) {
        nn_data_free(d);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory for %zu points", cap);
    }
    return NN_OK;
}

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

#define DRAWS_MAX 10000000

static const nn_generator generators[] = {
    {"wedges", "four Gaussian blobs cut into wedges; the lower one is class 1 (notebook 001, "
               "train_data_1)",
     8, 1, {{"draws_per_blob", 50, 1, DRAWS_MAX, "points drawn per blob before the cut"}},
     gen_wedges},
    {"disk_ring", "a Gaussian disk (class 1) inside a uniform ring (notebook 001 train_data_2; "
                  "notebook 000 with 100/1000 draws)",
     3, 2,
     {{"pos_draws", 40, 1, DRAWS_MAX, "N(0, 0.75) points drawn; those with r < 2 are kept"},
      {"neg_draws", 300, 1, DRAWS_MAX, "U(-5, 5) points drawn; those with 2.5 < r < 4 are kept"}},
     gen_disk_ring},
    {"stripes", "two vertical stripes (class 1) among uniform points (notebook 001, "
                "train_data_3)",
     6, 2,
     {{"pos_draws", 400, 1, DRAWS_MAX, "U(-5, 5) points drawn; those within 0.7 of x1 = -+2.5 "
                                       "are kept"},
      {"neg_draws", 400, 1, DRAWS_MAX, "U(-5, 5) points drawn; those farther than 1.25 from "
                                       "both stripes are kept"}},
     gen_stripes},
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
