/* test_distance: distances between nets up to reorderings of hidden units.
 * Identical nets are 0.0 apart; a copy with its hidden units shuffled is 0.0 apart and
 * needs a reordering (notebook 000's two checks); weight matching never lowers its
 * objective from one pass to the next and never ends farther (Euclidean) than no
 * reordering at all; an aligned net computes the same function. Beyond those: leaky_relu
 * slopes must agree; ties go the notebook's way (its first ordering among exact ties, its
 * rounding among mathematical ones); 60000 inputs align in
 * little memory and hidden layers past NN_ALIGN_MAX_UNITS are refused; weights that are not
 * finite, or whose costs overflow, are an error; the mean-abs layout's constant rows
 * follow each layer's own bias; weight matching says when its pass cap stopped it. */
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

static nn_model *make(int n_in, const int *hidden, int nh, bool bias, bool output_bias,
                      nn_act act, double slope)
{
    nn_arch a = {.n_in = n_in, .n_hidden = nh, .n_out = 1, .act = act, .slope = slope,
                 .out_act = NN_ACT_SIGMOID, .bias = bias, .output_bias = output_bias};
    for (int i = 0; i < nh; i++)
        a.hidden[i] = hidden[i];
    nn_err e;
    return nn_model_create(&a, &e);
}

static void fill(nn_model *m, uint32_t seed, double scale)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = scale * nn_rng_normal(&r, 0, 1);
}

static void test_beyond(void)
{
    nn_err e;
    nn_alignment al;
    /* leaky_relu nets with different slopes compute different functions: no distance */
    const int h3[] = {3};
    nn_model *a = make(2, h3, 1, true, true, NN_ACT_LEAKY_RELU, 0.01);
    nn_model *b = make(2, h3, 1, true, true, NN_ACT_LEAKY_RELU, 0.9);
    fill(a, 1, 1), fill(b, 2, 1);
    T_CHECK(!nn_same_arch(a, b), "slopes 0.01 and 0.9 are different architectures");
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NOTEBOOK, NN_METRIC_MEAN_ABS, 0, &al, &e) == NN_ESPEC,
            "different slopes refused");
    T_CHECK(strstr(e.msg, "slope") != NULL, "the message names the slope: %s", e.msg);
    b->arch.slope = 0.01;
    T_CHECK(nn_same_arch(a, b), "equal slopes");
    nn_model_free(a), nn_model_free(b);

    /* an exact tie: |1.25 - 0.75| + |1 - 1| = |1.25 - 1| + |1 - 0.75|. The notebook keeps the
     * first ordering it enumerates (the identity) and prints 0.375; the other gives 0.25 */
    const int h2[] = {2};
    a = make(1, h2, 1, false, false, NN_ACT_RELU, 0);
    b = make(1, h2, 1, false, false, NN_ACT_RELU, 0);
    const double pa[] = {1.25, 1.0, 1.0, 1.25}, pb[] = {0.75, 1.0, 1.25, 0.5};
    memcpy(a->params, pa, sizeof pa), memcpy(b->params, pb, sizeof pb);
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NOTEBOOK, NN_METRIC_MEAN_ABS, 0, &al, &e) == NN_OK, "%s", e.msg);
    T_CHECK(!al.reorder_needed, "the notebook's first ordering among exact ties is the identity");
    T_EQ(nn_model_distance(a, al.aligned, NN_METRIC_MEAN_ABS), 0.375);
    nn_model_free(al.aligned);
    nn_model_free(a), nn_model_free(b);

    /* a tie the notebook's rounding decides: with one input, the first layer's best orders
     * tie mathematically; the notebook keeps the one whose mean (as numpy sums it) is an
     * ulp lower, which is not the first it meets, and prints 0.9997450481638435 (a port of
     * its loop; the solver's order gave 1.0202993374356284) */
    const int h62[] = {6, 2};
    a = make(1, h62, 2, false, false, NN_ACT_RELU, 0);
    b = make(1, h62, 2, false, false, NN_ACT_RELU, 0);
    const double qa[] = {1.8000081960605168, 0.30071810603727855, 1.0616098669565206,
        -0.2727563576084965, -0.6167628851194703, 0.6942233217427723, 0.5093466079345014,
        0.6319006656599199, -0.5137043234521596, 1.4273414606337294, 2.3916403268164306,
        0.7942893124041569, 0.21147052606272454, -0.1384059129301469, 1.999299097869795,
        -0.20630264220698813, -1.39552242054261, 0.12005947885295049, 0.11364220298544955,
        0.8387857128051949};
    const double qb[] = {0.3362508786128512, -0.3536172906598079, -0.1909239559487876,
        0.37359001382194695, -1.0818589472159856, -1.9298729481751244, 0.5990285272984107,
        0.5005531119356966, 0.55310992017179, 0.13910942116179076, 1.5367298370218594,
        0.19763724285052758, -1.524380999240933, 0.05744721424895176, -1.1855735033876553,
        -1.2056668357927058, 0.7421002952484399, -0.25748405485702747, -1.3263527944123412,
        0.3932793055627207};
    T_CHECK(a->n_params == 20, "%zu parameters", a->n_params);
    memcpy(a->params, qa, sizeof qa), memcpy(b->params, qb, sizeof qb);
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NOTEBOOK, NN_METRIC_MEAN_ABS, 0, &al, &e) == NN_OK, "%s", e.msg);
    T_EQ(nn_model_distance(a, al.aligned, NN_METRIC_MEAN_ABS), 0.9997450481638435);
    nn_model_free(al.aligned);
    nn_model_free(a), nn_model_free(b);

    /* 60000 inputs, hidden [2]: scratch sized by the hidden layers, not 60000^2 */
    a = make(60000, h2, 1, true, true, NN_ACT_RELU, 0);
    b = make(60000, h2, 1, true, true, NN_ACT_RELU, 0);
    fill(a, 3, 0.01), fill(b, 4, 0.01);
    for (int how = NN_ALIGN_NOTEBOOK; how < NN_ALIGN_COUNT; how++)
        for (int metric = 0; metric < NN_METRIC_COUNT; metric++) {
            T_CHECK(nn_align_models(a, b, how, metric, 0, &al, &e) == NN_OK, "60000 inputs: %s", e.msg);
            nn_model_free(al.aligned);
        }
    /* weights that are not finite, and finite ones whose costs overflow, are errors */
    b->params[5] = NAN;
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NOTEBOOK, NN_METRIC_MEAN_ABS, 0, &al, &e) == NN_ERUN, "nan");
    T_CHECK(strstr(e.msg, "not all finite") != NULL, "%s", e.msg);
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NONE, NN_METRIC_MEAN_ABS, 0, &al, &e) == NN_OK,
            "no alignment needs no finite weights");
    nn_model_free(al.aligned);
    nn_model_free(a), nn_model_free(b);
    a = make(2, h3, 1, true, true, NN_ACT_RELU, 0);
    b = make(2, h3, 1, true, true, NN_ACT_RELU, 0);
    fill(a, 5, 1e160), fill(b, 6, 1e160);        /* products overflow */
    for (int how = NN_ALIGN_NOTEBOOK; how < NN_ALIGN_COUNT; how++) {
        T_CHECK(nn_align_models(a, b, how, NN_METRIC_L2, 0, &al, &e) == NN_ERUN, "1e160, %s",
                nn_align_names[how]);
        T_CHECK(strstr(e.msg, "too large to align") != NULL, "%s", e.msg);
    }
    for (size_t i = 0; i < a->n_params; i++)     /* differences overflow */
        a->params[i] = 1.5e308, b->params[i] = -1.5e308;
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NOTEBOOK, NN_METRIC_MEAN_ABS, 0, &al, &e) == NN_ERUN, "1e308");
    T_CHECK(strstr(e.msg, "too large to align") != NULL, "%s", e.msg);
    nn_model_free(a), nn_model_free(b);
    /* hidden layers past the limit are refused before any work */
    const int wide[] = {NN_ALIGN_MAX_UNITS + 1};
    a = make(1, wide, 1, false, false, NN_ACT_RELU, 0);
    b = make(1, wide, 1, false, false, NN_ACT_RELU, 0);
    T_CHECK(nn_align_models(a, b, NN_ALIGN_NOTEBOOK, NN_METRIC_L2, 0, &al, &e) == NN_ESPEC, "wide");
    T_CHECK(strstr(e.msg, "4096") != NULL, "%s", e.msg);
    nn_model_free(a), nn_model_free(b);

    /* mean-abs layout: a hidden layer's constant unit is a row of zeros where it feeds the
     * next layer. All-ones against all-zeros is (parameters) / (entries of the layout):
     * bias false, output_bias true: [3 x 2] + const row [1 x 2] + [1 x (3 + 1)]: 10 / 12;
     * bias true, output_bias false: [3 x (2 + 1)] + [1 x 3], no const row: 12 / 12 */
    for (int k = 0; k < 2; k++) {
        a = make(2, h3, 1, k == 1, k == 0, NN_ACT_RELU, 0);
        b = nn_model_clone(a);
        for (size_t i = 0; i < a->n_params; i++)
            a->params[i] = 1, b->params[i] = 0;
        T_EQ(nn_model_distance(a, b, NN_METRIC_MEAN_ABS), k == 0 ? 10.0 / 12.0 : 1.0);
        nn_model_free(a), nn_model_free(b);
    }

    /* weight matching's pass cap: reported when it stops the passes */
    const int deep[] = {6, 6, 6};
    int capped = 0;
    for (uint32_t k = 0; k < 20; k++) {
        a = make(2, deep, 3, true, true, NN_ACT_RELU, 0);
        b = make(2, deep, 3, true, true, NN_ACT_RELU, 0);
        fill(a, 100 + k, 1), fill(b, 200 + k, 1);
        nn_align_pass_cap = 1;
        nn_align_models(a, b, NN_ALIGN_WEIGHT_MATCHING, NN_METRIC_L2, k, &al, &e);
        bool cut = al.capped;
        T_CHECK(al.passes == 1, "one pass at most (%d)", al.passes);
        nn_model_free(al.aligned);
        nn_align_pass_cap = 1000;
        nn_align_models(a, b, NN_ALIGN_WEIGHT_MATCHING, NN_METRIC_L2, k, &al, &e);
        T_CHECK(!al.capped, "converged within 1000 passes");
        T_CHECK(cut == (al.passes > 1), "capped at 1 exactly when it needed more (%d passes)", al.passes);
        capped += cut;
        nn_model_free(al.aligned);
        nn_model_free(a), nn_model_free(b);
    }
    T_CHECK(capped > 0, "some case needed more than one pass");
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
    test_beyond();
    return T_DONE("test_distance");
}
