/* test_distance: distances between nets up to reorderings of hidden units.
 * Identical nets are 0.0 apart; a copy with its hidden units shuffled is 0.0 apart and
 * needs a reordering (notebook 000's two checks); weight matching never lowers its
 * objective from one pass to the next and never ends farther (Euclidean) than no
 * reordering at all; an aligned net computes the same function. */
#include "nnlab/distance.h"
#include "nnlab/init.h"
#include "nnlab/rng.h"
#include "t.h"

#include <stdlib.h>

static nn_model *net(const int *hidden, int nh, bool bias, uint32_t seed)
{
    nn_arch a = {.n_in = 2, .n_hidden = nh, .n_out = 1, .act = NN_ACT_RELU,
                 .out_act = NN_ACT_SIGMOID, .bias = bias, .output_bias = bias};
    for (int i = 0; i < nh; i++)
        a.hidden[i] = hidden[i];
    nn_err e;
    nn_model *m = nn_model_create(&a, &e);
    nn_init_cfg ic = {.scheme = NN_INIT_HE, .gain = 1, .redraw_tol = -1, .bias_value = 0.1};
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_init_model(m, &ic, &r, NULL, &e);
    if (bias)   /* distinct biases, so a wrong reordering shows */
        for (int l = 0; l < m->L; l++)
            for (int i = 0; i < m->width[l + 1]; i++)
                nn_model_b(m, l)[i] = nn_rng_normal(&r, 0, 0.3);
    return m;
}

/* Shuffle m's hidden units (each layer with a random permutation), keeping its function. */
static void shuffle_units(nn_model *m, nn_rng *r)
{
    for (int h = 0; h + 1 < m->L; h++) {
        size_t n = (size_t)m->width[h + 1], cin = (size_t)m->width[h], cout = (size_t)m->width[h + 2];
        size_t perm[64];
        nn_rng_permutation(r, perm, n);
        double *W = nn_model_W(m, h), *b = nn_model_b(m, h), *V = nn_model_W(m, h + 1);
        double *t = malloc(n * (cin > cout ? cin : cout) * sizeof *t);
        memcpy(t, W, n * cin * sizeof *t);
        for (size_t i = 0; i < n; i++)
            memcpy(W + i * cin, t + perm[i] * cin, cin * sizeof *t);
        if (b) {
            memcpy(t, b, n * sizeof *t);
            for (size_t i = 0; i < n; i++)
                b[i] = t[perm[i]];
        }
        for (size_t k = 0; k < cout; k++) {
            memcpy(t, V + k * n, n * sizeof *t);
            for (size_t i = 0; i < n; i++)
                V[k * n + i] = t[perm[i]];
        }
        free(t);
    }
}

int main(void)
{
    nn_err e;
    nn_rng r;
    nn_rng_seed(&r, 77);
    const int shapes[][4] = {{7, 7, 3}, {5}, {9, 9, 9, 9}, {4, 6}};
    const int nh[] = {3, 1, 4, 2};
    for (int s = 0; s < 4; s++)
        for (int bias = 0; bias < 2; bias++) {
            nn_model *a = net(shapes[s], nh[s], bias, 3 + s), *b = nn_model_clone(a);
            for (int how = NN_ALIGN_NOTEBOOK; how < NN_ALIGN_COUNT; how++) {
                nn_alignment al;
                T_CHECK(nn_align_models(a, b, how, NN_METRIC_MEAN_ABS, 0, &al, &e) == NN_OK, "%s", e.msg);
                T_EQ(nn_model_distance(a, al.aligned, NN_METRIC_MEAN_ABS), 0.0);
                T_CHECK(!al.reorder_needed, "identical nets need no reordering (%s)", nn_align_names[how]);
                nn_model_free(al.aligned);
            }
            shuffle_units(b, &r);
            T_CHECK(nn_model_distance(a, b, NN_METRIC_L2) > 0, "shuffling changed nothing");
            for (int how = NN_ALIGN_NOTEBOOK; how < NN_ALIGN_COUNT; how++)
                for (int metric = 0; metric < NN_METRIC_COUNT; metric++) {
                    nn_alignment al;
                    nn_align_models(a, b, how, metric, 5, &al, &e);
                    T_CHECK(nn_model_distance(a, al.aligned, metric) == 0.0, "shape %d bias %d %s %s: %.17g", s, bias, nn_align_names[how], nn_metric_names[metric], nn_model_distance(a, al.aligned, metric));
                    T_CHECK(al.reorder_needed, "a shuffled copy needs reordering (%s, %s)",
                            nn_align_names[how], nn_metric_names[metric]);
                    nn_model_free(al.aligned);
                }
            nn_model_free(a);
            nn_model_free(b);
        }
    /* different nets: weight matching's objective rises pass by pass, its Euclidean
     * distance is at most the unaligned one, and every alignment keeps the function */
    int cases = 0;
    for (int k = 0; k < 200; k++) {
        int hidden[3] = {2 + (int)nn_rng_interval(&r, 8), 2 + (int)nn_rng_interval(&r, 8),
                         1 + (int)nn_rng_interval(&r, 4)};
        int depth = 1 + (int)nn_rng_interval(&r, 2);
        bool bias = k % 2;
        nn_model *a = net(hidden, depth, bias, 1000 + (uint32_t)k), *b = net(hidden, depth, bias, 5000 + (uint32_t)k);
        nn_alignment al;
        nn_align_models(a, b, NN_ALIGN_WEIGHT_MATCHING, NN_METRIC_L2, (uint32_t)k, &al, &e);
        bool rising = al.objective[1] >= al.objective[0];
        for (int p = 0; p < al.passes && p < 64; p++)
            rising &= al.pass_objective[p] >= (p ? al.pass_objective[p - 1] : al.objective[0]);
        T_CHECK(rising, "case %d: the objective fell between passes", k);
        double d0 = nn_model_distance(a, b, NN_METRIC_L2), d1 = nn_model_distance(a, al.aligned, NN_METRIC_L2);
        T_CHECK(d1 <= d0 * (1 + 1e-12), "case %d: aligned %.17g > unaligned %.17g", k, d1, d0);
        double x[6] = {0.3, -1.2, 1.7, 0.4, -0.5, -2.0}, ob[3], oa[3];
        nn_model_predict(b, ob, x, 3, &e);
        nn_model_predict(al.aligned, oa, x, 3, &e);
        for (int i = 0; i < 3; i++)
            T_CHECK(fabs(ob[i] - oa[i]) <= 1e-13, "case %d: the aligned net computes %.17g, not %.17g",
                    k, oa[i], ob[i]);
        nn_model_free(al.aligned);
        nn_model_free(a);
        nn_model_free(b);
        cases++;
    }
    T_CHECK(cases == 200, "%d cases", cases);
    /* nets of different shapes have no distance */
    const int s1[] = {4}, s2[] = {5};
    nn_model *a = net(s1, 1, true, 1), *b = net(s2, 1, true, 2);
    nn_alignment al;
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NOTEBOOK, NN_METRIC_L2, 0, &al, &e) == NN_ESPEC, "shapes");
    nn_model_free(a);
    nn_model_free(b);
    return T_DONE("test_distance");
}
