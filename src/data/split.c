/* split.c: seeded train/test splits, as scikit-learn draws them (see data.h).
 *
 * Classification sets are split like StratifiedShuffleSplit(n_splits=1, test_size=f,
 * random_state=seed): n_test = ceil(f n), n_train = n - n_test; each class's share of
 * the training set, then of the test set, is the floor of its proportional share plus
 * one for the largest remainders (ties broken by a draw); each class's members (in
 * data order) are permuted, the first ones go to training, the next to testing; both
 * lists are permuted once more. Regression sets are split like ShuffleSplit: one
 * permutation, the first n_test to testing, the rest to training. Every draw is numpy's
 * legacy stream, so the same seed selects the same points as scikit-learn.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"

/* scikit-learn's _approximate_mode for two classes: how many of n_draws each class gets.
 * rng.choice(inds, k, replace=False) is permutation(len(inds))[:k]. */
static void approximate_mode(const size_t counts[2], size_t n_draws, nn_rng *r, size_t out[2])
{
    double total = (double)(counts[0] + counts[1]), cont[2], rem[2];
    size_t floored[2];
    for (int c = 0; c < 2; c++) {
        cont[c] = (double)counts[c] / total * (double)n_draws;
        floored[c] = (size_t)floor(cont[c]);
        rem[c] = cont[c] - floor(cont[c]);
    }
    size_t need = n_draws - (floored[0] + floored[1]);
    if (need > 0) {
        /* remainders from the largest down; equal ones form one group */
        double values[2];
        int nv = 0;
        double hi = rem[0] > rem[1] ? rem[0] : rem[1], lo = rem[0] > rem[1] ? rem[1] : rem[0];
        values[nv++] = hi;
        if (lo != hi)
            values[nv++] = lo;
        for (int k = 0; k < nv && need > 0; k++) {
            size_t inds[2], n_inds = 0;
            for (int c = 0; c < 2; c++)
                if (rem[c] == values[k])
                    inds[n_inds++] = (size_t)c;
            size_t add = n_inds < need ? n_inds : need;
            size_t perm[2];
            nn_rng_permutation(r, perm, n_inds);
            for (size_t q = 0; q < add; q++)
                floored[inds[perm[q]]]++;
            need -= add;
        }
    }
    out[0] = floored[0];
    out[1] = floored[1];
}

static int take(const nn_data *all, const size_t *idx, size_t n, nn_data *out, nn_err *e)
{
    size_t d = (size_t)all->d;
    out->n = n;
    out->d = all->d;
    out->classify = all->classify;
    out->x = malloc((n ? n : 1) * d * sizeof *out->x);
    out->y = malloc((n ? n : 1) * sizeof *out->y);
    if (!out->x || !out->y || nn_data_copy_names(out, all, e)) {
        nn_data_free(out);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(out->x + i * d, all->x + idx[i] * d, d * sizeof *out->x);
        out->y[i] = all->y[idx[i]];
    }
    return NN_OK;
}

int nn_data_split(const nn_data *all, double test_fraction, uint32_t seed, nn_data *train,
                  nn_data *test, nn_err *e)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    size_t n = all->n;
    double t = ceil(test_fraction * (double)n);
    size_t n_test = (size_t)t, n_train = n - n_test;
    if (n_test < 1 || n_train < 1)
        return nn_err_set(e, NN_ESPEC, "", "a test fraction of %g of %zu points leaves %zu for "
                          "training and %zu for testing; both need at least one", test_fraction, n,
                          n_train, n_test);
    size_t *buf = malloc(4 * n * sizeof *buf);
    if (!buf)
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    size_t *tr = buf, *te = buf + n, *tmp = buf + 2 * n;
    nn_rng r;
    nn_rng_seed(&r, seed);
    if (all->classify) {
        size_t counts[2] = {0, 0};
        for (size_t i = 0; i < n; i++)
            counts[all->y[i] >= 0.5]++;
        if (counts[0] < 2 || counts[1] < 2 || n_train < 2 || n_test < 2) {
            free(buf);
            return nn_err_set(e, NN_ESPEC, "", "a stratified split needs at least 2 points of "
                              "each class and at least 2 in each part (the data has %zu and %zu; "
                              "the parts would have %zu and %zu)", counts[0], counts[1], n_train,
                              n_test);
        }
        size_t n_i[2], t_i[2], left[2];
        approximate_mode(counts, n_train, &r, n_i);
        left[0] = counts[0] - n_i[0];
        left[1] = counts[1] - n_i[1];
        approximate_mode(left, n_test, &r, t_i);
        size_t nt = 0, ns = 0;
        for (int c = 0; c < 2; c++) {
            /* the class's members in data order (a stable sort by class) */
            size_t *members = tmp + n, k = 0;
            for (size_t i = 0; i < n; i++)
                if ((all->y[i] >= 0.5) == (c == 1))
                    members[k++] = i;
            nn_rng_permutation(&r, tmp, k);
            for (size_t q = 0; q < n_i[c]; q++)
                tr[nt++] = members[tmp[q]];
            for (size_t q = n_i[c]; q < n_i[c] + t_i[c]; q++)
                te[ns++] = members[tmp[q]];
        }
        n_train = nt;
        n_test = ns;
        nn_rng_shuffle(&r, tr, n_train);   /* rng.permutation(list): a shuffled copy */
        nn_rng_shuffle(&r, te, n_test);
    } else {
        nn_rng_permutation(&r, tmp, n);
        memcpy(te, tmp, n_test * sizeof *te);
        memcpy(tr, tmp + n_test, n_train * sizeof *tr);
    }
    int rc = take(all, tr, n_train, train, e);
    if (!rc && (rc = take(all, te, n_test, test, e)))
        nn_data_free(train);
    free(buf);
    return rc;
}
