/* distance.c: distances and alignments between nets (see distance.h). */
#include "nnlab/distance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/assign.h"
#include "nnlab/mat.h"
#include "nnlab/rng.h"

const char *const nn_align_names[NN_ALIGN_COUNT] = {"none", "notebook", "weight-matching"};
const char *const nn_metric_names[NN_METRIC_COUNT] = {"mean-abs", "l2"};
int nn_align_pass_cap = 1000;

bool nn_same_arch(const nn_model *a, const nn_model *b)
{
    if (a->L != b->L || a->arch.act != b->arch.act || a->arch.out_act != b->arch.out_act ||
        a->n_params != b->n_params)
        return false;
    if (a->arch.act == NN_ACT_LEAKY_RELU && a->arch.slope != b->arch.slope)
        return false;
    for (int l = 0; l <= a->L; l++)
        if (a->width[l] != b->width[l])
            return false;
    for (int l = 0; l < a->L; l++)
        if (a->has_bias[l] != b->has_bias[l])
            return false;
    return true;
}

/* The notebook's full matrix of layer l, flattened: one row per receiving unit plus the
 * receiving layer's constant unit (a row of zeros, when that layer is hidden and its
 * constant unit feeds the next layer, i.e. the next layer has a bias), each row the
 * weights then the bias (when layer l has one). Returns the number of entries written (out
 * may be NULL to count). */
static size_t notebook_layout(const nn_model *m, double *out)
{
    size_t k = 0;
    for (int l = 0; l < m->L; l++) {
        size_t rows = (size_t)m->width[l + 1], cols = (size_t)m->width[l];
        bool bias = m->has_bias[l], const_row = l + 1 < m->L && m->has_bias[l + 1];
        const double *W = nn_model_W(m, l), *b = nn_model_b(m, l);
        for (size_t r = 0; r < rows; r++) {
            for (size_t c = 0; c < cols; c++, k++)
                if (out)
                    out[k] = W[r * cols + c];
            if (bias) {
                if (out)
                    out[k] = b[r];
                k++;
            }
        }
        if (const_row) {
            for (size_t c = 0; c < cols + bias; c++, k++)
                if (out)
                    out[k] = 0.0;
        }
    }
    return k;
}

double nn_model_distance(const nn_model *a, const nn_model *b, nn_metric metric)
{
    if (metric == NN_METRIC_L2) {
        double *d = malloc(a->n_params * sizeof *d);
        if (!d)
            return NAN;
        for (size_t i = 0; i < a->n_params; i++) {
            double t = a->params[i] - b->params[i];
            d[i] = t * t;
        }
        double s = nn_sum_numpy(d, a->n_params);
        free(d);
        return sqrt(s);
    }
    size_t n = notebook_layout(a, NULL);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        return NAN;
    }
    notebook_layout(a, x);
    notebook_layout(b, y);
    for (size_t i = 0; i < n; i++) {
        double t = x[i] - y[i];
        x[i] = sqrt(t * t);          /* np.sqrt((x - y) * (x - y)), as matrix_dist writes it */
    }
    double mean = nn_sum_numpy(x, n) / (double)n;
    free(x), free(y);
    return mean;
}

double nn_model_cosine(const nn_model *a, const nn_model *b)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a->n_params; i++) {
        ab += a->params[i] * b->params[i];
        aa += a->params[i] * a->params[i];
        bb += b->params[i] * b->params[i];
    }
    return ab / (sqrt(aa) * sqrt(bb));
}

double nn_match_objective(const nn_model *a, const nn_model *b)
{
    double s = 0;
    for (size_t i = 0; i < a->n_params; i++)
        s += a->params[i] * b->params[i];
    return s;
}

/* Reorder hidden layer h of m (units of layer h + 1): unit perm[i] moves to position i. */
static void permute_layer(nn_model *m, int h, const size_t *perm, double *tmp)
{
    size_t n = (size_t)m->width[h + 1], cin = (size_t)m->width[h], cout = (size_t)m->width[h + 2];
    double *W = nn_model_W(m, h), *b = nn_model_b(m, h), *V = nn_model_W(m, h + 1);
    memcpy(tmp, W, n * cin * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        memcpy(W + i * cin, tmp + perm[i] * cin, cin * sizeof *W);
    if (b) {
        memcpy(tmp, b, n * sizeof *tmp);
        for (size_t i = 0; i < n; i++)
            b[i] = tmp[perm[i]];
    }
    for (size_t k = 0; k < cout; k++) {
        double *row = V + k * n;
        memcpy(tmp, row, n * sizeof *tmp);
        for (size_t i = 0; i < n; i++)
            row[i] = tmp[perm[i]];
    }
}

/* The widest hidden layer (1 when there is none, so buffers are never of size 0). */
static size_t max_hidden(const nn_model *m)
{
    size_t w = 1;
    for (int l = 1; l < m->L; l++)
        w = (size_t)m->width[l] > w ? (size_t)m->width[l] : w;
    return w;
}

/* Scratch for one hidden layer of n units between layers of nin and nout units: its
 * incoming matrix (n, nin) and outgoing one (nout, n) transposed or copied, and rows of n.
 * The most over the hidden layers. */
static size_t scratch_size(const nn_model *m)
{
    size_t s = 1;
    for (int h = 0; h + 1 < m->L; h++) {
        size_t n = (size_t)m->width[h + 1], nin = (size_t)m->width[h], nout = (size_t)m->width[h + 2];
        size_t k = n * (nin > n ? (nin > nout ? nin : nout) : (n > nout ? n : nout));
        s = k > s ? k : s;
    }
    return s;
}

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

/* An assignment's failure for hidden layer h, in the nets' terms (its costs overflowed:
 * finite weights so large that their products or sums do not fit in a double). */
static int overflow_error(int rc, int h, nn_err *e)
{
    if (rc == NN_ENOMEM)
        return rc;
    return nn_err_set(e, NN_ERUN, "", "weights too large to align: the costs between hidden "
                      "layer %d's units overflow (not finite)", h + 1);
}

static void transpose(double *out /* (c, r) */, const double *in /* (r, c) */, size_t r, size_t c)
{
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            out[j * r + i] = in[i * c + j];
}

/* G[i][j] = <A's unit i, B's unit j> over hidden layer h's incoming weights and biases and,
 * when outgoing, its outgoing weights: two matrix products on the vectorised kernel.
 * t1 and t2 hold scratch_size doubles, t3 n * n (t2 and t3 only when outgoing). */
static void unit_gain(const nn_model *a, const nn_model *b, int h, bool outgoing, double *G,
                      double *t1, double *t2, double *t3)
{
    size_t n = (size_t)a->width[h + 1], cin = (size_t)a->width[h];
    transpose(t1, nn_model_W(b, h), n, cin);                        /* (cin, n) */
    nn_dense_forward(G, t1, nn_model_W(a, h), NULL, n, cin, n);
    const double *bA = nn_model_b(a, h), *bB = nn_model_b(b, h);
    if (bA)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                G[i * n + j] += bA[i] * bB[j];
    if (outgoing) {
        size_t cout = (size_t)a->width[h + 2];
        transpose(t2, nn_model_W(a, h + 1), cout, n);               /* (n, cout) */
        nn_dense_forward(t3, nn_model_W(b, h + 1), t2, NULL, n, cout, n);
        for (size_t i = 0; i < n * n; i++)
            G[i] += t3[i];
    }
}

/* Notebook 000's matrix_dist for hidden layer h with B's units in the order perm: the mean
 * of sqrt((a - b)^2) over the layer's full matrix (rows of weights then bias, then the
 * constant unit's row of zeros when it feeds the next layer), as numpy computes it. buf
 * holds (n + 1) * (cin + 1) doubles. */
static double notebook_layer_mean(const nn_model *a, const nn_model *b, int h,
                                  const size_t *perm, double *buf)
{
    size_t n = (size_t)a->width[h + 1], cin = (size_t)a->width[h], k = 0;
    const double *WA = nn_model_W(a, h), *WB = nn_model_W(b, h);
    const double *bA = nn_model_b(a, h), *bB = nn_model_b(b, h);
    for (size_t r = 0; r < n; r++) {
        const double *x = WA + r * cin, *y = WB + perm[r] * cin;
        for (size_t c = 0; c < cin; c++) {
            double t = x[c] - y[c];
            buf[k++] = sqrt(t * t);
        }
        if (bA) {
            double t = bA[r] - bB[perm[r]];
            buf[k++] = sqrt(t * t);
        }
    }
    if (a->has_bias[h + 1])
        for (size_t c = 0; c < cin + (bA != NULL); c++)
            buf[k++] = 0.0;
    return nn_sum_numpy(buf, k) / (double)k;
}

/* At most this many tied orders of a layer are compared the notebook's way (7!). */
#define NOTEBOOK_TIES_MAX 5040

/* Notebook 000's alignment: layer by layer, input side first. For layers of at most
 * NN_ASSIGN_FIRST_MAX units, the orders within a relative 1e-12 of the best are the only
 * ones the notebook's loop can keep (the rest are worse by far more than its rounding);
 * of those, mean-abs keeps the one whose matrix_dist, rounded as numpy rounds it, is least,
 * the first in the notebook's enumeration among equals (its strict argmin), and l2 the
 * first. Past NOTEBOOK_TIES_MAX tied orders, the first. */
static int align_notebook(const nn_model *a, nn_model *b, nn_metric metric, nn_err *e)
{
    size_t nmax = max_hidden(a), nb = 1;
    for (int h = 0; h + 1 < a->L; h++) {
        size_t k = ((size_t)a->width[h + 1] + 1) * ((size_t)a->width[h] + 1);
        nb = k > nb ? k : nb;
    }
    bool mean_abs = metric == NN_METRIC_MEAN_ABS;
    size_t nlist = nmax < NN_ASSIGN_FIRST_MAX ? nmax : NN_ASSIGN_FIRST_MAX;
    double *cost = malloc(nmax * nmax * sizeof *cost), *tmp = malloc(scratch_size(a) * sizeof *tmp);
    double *buf = mean_abs ? malloc(nb * sizeof *buf) : NULL;
    size_t *perm = malloc(nmax * sizeof *perm);
    size_t *list = mean_abs ? malloc(NOTEBOOK_TIES_MAX * nlist * sizeof *list) : NULL;
    int rc = NN_OK;
    if (!cost || !tmp || !perm || (mean_abs && (!buf || !list)))
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory aligning nets");
    for (int h = 0; h + 1 < a->L && !rc; h++) {
        size_t n = (size_t)a->width[h + 1], cin = (size_t)a->width[h], count = 0;
        if (metric == NN_METRIC_L2) {
            /* sum ||a_i - b_p(i)||^2 = constants - 2 sum <a_i, b_p(i)>: maximise the products */
            unit_gain(a, b, h, false, cost, tmp, NULL, NULL);
            for (size_t i = 0; i < n * n; i++)
                cost[i] = -cost[i];
            rc = nn_assign_min_first(cost, n, 1e-12, perm, e);
        } else {
            const double *WA = nn_model_W(a, h), *WB = nn_model_W(b, h);
            const double *bA = nn_model_b(a, h), *bB = nn_model_b(b, h);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++) {
                    double s2 = 0;
                    for (size_t c = 0; c < cin; c++)
                        s2 += fabs(WA[i * cin + c] - WB[j * cin + c]);
                    if (bA)
                        s2 += fabs(bA[i] - bB[j]);
                    cost[i * n + j] = s2;
                }
            if (n > NN_ASSIGN_FIRST_MAX)
                rc = nn_assign_min(cost, n, perm, NULL, e);
            else if (!(rc = nn_assign_near(cost, n, 1e-12, NOTEBOOK_TIES_MAX, list, &count, e))) {
                size_t best = 0;
                if (count > 1 && count <= NOTEBOOK_TIES_MAX) {
                    double low = notebook_layer_mean(a, b, h, list, buf);
                    for (size_t q = 1; q < count; q++) {
                        double v = notebook_layer_mean(a, b, h, list + q * n, buf);
                        if (v < low)
                            low = v, best = q;
                    }
                }
                if (count > 0)
                    memcpy(perm, list + best * n, n * sizeof *perm);
                else    /* rounding left no order within the limit (not seen) */
                    rc = nn_assign_min(cost, n, perm, NULL, e);
            }
        }
        if (rc)
            rc = overflow_error(rc, h, e);
        else
            permute_layer(b, h, perm, tmp);
    }
    free(cost), free(tmp), free(buf), free(perm), free(list);
    return rc;
}

/* Weight matching: coordinate ascent over the hidden layers' permutations. */
static int align_matching(const nn_model *a, nn_model *b, uint32_t seed, nn_alignment *out,
                          nn_err *e)
{
    int H = a->L - 1;
    size_t nmax = max_hidden(a), ns = scratch_size(a);
    double *gain = malloc(nmax * nmax * sizeof *gain), *tmp = malloc(ns * sizeof *tmp);
    double *t2 = malloc(ns * sizeof *t2), *t3 = malloc(nmax * nmax * sizeof *t3);
    size_t *perm = malloc(nmax * sizeof *perm), order[NN_MAX_HIDDEN];
    int rc = NN_OK;
    if (!gain || !tmp || !t2 || !t3 || !perm)
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory aligning nets");
    nn_rng r;
    nn_rng_seed(&r, seed);
    out->objective[0] = nn_match_objective(a, b);
    /* start from the better of B as it is and a greedy layer-by-layer match (Euclidean, so
     * each layer maximises its incoming inner products): coordinate ascent from the identity
     * alone can stall short of undoing even a plain reshuffle */
    if (!rc) {
        nn_model *g = nn_model_clone(b);
        if (!g)
            rc = nn_err_set(e, NN_ENOMEM, "", "out of memory aligning nets");
        else if (!(rc = align_notebook(a, g, NN_METRIC_L2, e)) &&
                 nn_match_objective(a, g) > out->objective[0])
            memcpy(b->params, g->params, b->n_params * sizeof *b->params);
        nn_model_free(g);
    }
    bool changed = true;
    for (out->passes = 0; changed && !rc && out->passes < nn_align_pass_cap; out->passes++) {
        changed = false;
        nn_rng_permutation(&r, order, (size_t)H);
        for (int q = 0; q < H && !rc; q++) {
            int h = (int)order[q];
            size_t n = (size_t)a->width[h + 1];
            unit_gain(a, b, h, true, gain, tmp, t2, t3);
            if ((rc = nn_assign_max(gain, n, perm, NULL, e))) {
                rc = overflow_error(rc, h, e);
                break;
            }
            /* keep the current order unless the new one is strictly better */
            double now = 0, then = 0;
            for (size_t i = 0; i < n; i++) {
                now += gain[i * n + i];
                then += gain[i * n + perm[i]];
            }
            bool identity = true;
            for (size_t i = 0; i < n; i++)
                identity &= perm[i] == i;
            if (!identity && then > now) {
                permute_layer(b, h, perm, tmp);
                changed = true;
            }
        }
        if (out->passes < 64)
            out->pass_objective[out->passes] = nn_match_objective(a, b);
    }
    out->capped = changed && !rc;    /* the last pass still changed something */
    out->objective[1] = nn_match_objective(a, b);
    free(gain), free(tmp), free(t2), free(t3), free(perm);
    return rc;
}

int nn_align_models(const nn_model *a, const nn_model *b, nn_align method, nn_metric metric,
                    uint32_t seed, nn_alignment *out, nn_err *e)
{
    memset(out, 0, sizeof *out);
    if (!nn_same_arch(a, b))
        return nn_err_set(e, NN_ESPEC, "", "the two nets differ in architecture (inputs, "
                          "widths, biases, activations or leaky_relu slope), so no distance "
                          "is defined");
    if (method != NN_ALIGN_NONE) {
        for (int l = 1; l < a->L; l++)
            if (a->width[l] > NN_ALIGN_MAX_UNITS)
                return nn_err_set(e, NN_ESPEC, "", "hidden layer %d has %d units: aligning "
                                  "hidden units takes O(n^3) time and is limited to %d units "
                                  "per layer", l, a->width[l], NN_ALIGN_MAX_UNITS);
        if (!all_finite(a->params, a->n_params) || !all_finite(b->params, b->n_params))
            return nn_err_set(e, NN_ERUN, "", "the nets' weights are not all finite (nan or "
                              "infinite), so their hidden units cannot be aligned");
    }
    out->aligned = nn_model_clone(b);
    if (!out->aligned)
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    int rc = NN_OK;
    if (method == NN_ALIGN_NOTEBOOK)
        rc = align_notebook(a, out->aligned, metric, e);
    else if (method == NN_ALIGN_WEIGHT_MATCHING)
        rc = align_matching(a, out->aligned, seed, out, e);
    if (rc) {
        nn_model_free(out->aligned);
        out->aligned = NULL;
        return rc;
    }
    for (size_t i = 0; i < b->n_params; i++)
        if (out->aligned->params[i] != b->params[i])
            out->reorder_needed = true;
    return NN_OK;
}
