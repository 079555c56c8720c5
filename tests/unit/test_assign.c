/* test_assign: the assignment solver against brute-force enumeration of every
 * permutation, on hundreds of random cases with n <= 7, with and without ties. */
#include "nnlab/assign.h"
#include "nnlab/rng.h"
#include "t.h"

#include <stdbool.h>

static double best;

static void enumerate(const double *c, size_t n, size_t *p, size_t k, bool *used, double acc)
{
    if (k == n) {
        if (acc < best)
            best = acc;
        return;
    }
    for (size_t j = 0; j < n; j++)
        if (!used[j]) {
            used[j] = true;
            p[k] = j;
            enumerate(c, n, p, k + 1, used, acc + c[k * n + j]);
            used[j] = false;
        }
}

int main(void)
{
    nn_rng r;
    nn_rng_seed(&r, 2024);
    int cases = 0;
    for (int round = 0; round < 600; round++) {
        size_t n = 1 + (size_t)nn_rng_interval(&r, 6);       /* 1..7 */
        bool ties = round % 2 == 0;
        double c[49];
        for (size_t i = 0; i < n * n; i++)
            c[i] = ties ? (double)nn_rng_interval(&r, 3)      /* few values: many optima */
                        : nn_rng_normal(&r, 0, 1);
        size_t perm[7], p[7];
        bool used[7] = {false};
        double total;
        nn_err e;
        T_CHECK(nn_assign_min(c, n, perm, &total, &e) == NN_OK, "%s", e.msg);
        /* a permutation, and as good as the best of all n! */
        bool seen[7] = {false}, is_perm = true;
        for (size_t i = 0; i < n; i++) {
            is_perm &= perm[i] < n && !seen[perm[i]];
            if (perm[i] < n)
                seen[perm[i]] = true;
        }
        T_CHECK(is_perm, "case %d: not a permutation", round);
        best = INFINITY;
        enumerate(c, n, p, 0, used, 0.0);
        T_CHECK(fabs(total - best) <= 1e-12 * (1 + fabs(best)),
                "case %d (n %zu, ties %d): solver %.17g, enumeration %.17g", round, n, ties, total, best);
        /* maximising is minimising the negation */
        double gmax, nbest;
        nn_assign_max(c, n, perm, &gmax, &e);
        for (size_t i = 0; i < n * n; i++)
            c[i] = -c[i];
        best = INFINITY;
        enumerate(c, n, p, 0, used, 0.0);
        nbest = -best;
        T_CHECK(fabs(gmax - nbest) <= 1e-12 * (1 + fabs(nbest)), "case %d: max %.17g vs %.17g",
                round, gmax, nbest);
        cases++;
    }
    T_CHECK(cases == 600, "cases %d", cases);
    /* the identity is kept when it is the unique optimum */
    const double id[9] = {0, 5, 5, 5, 0, 5, 5, 5, 0};
    size_t perm[3];
    nn_err e;
    nn_assign_min(id, 3, perm, NULL, &e);
    T_CHECK(perm[0] == 0 && perm[1] == 1 && perm[2] == 2, "identity");
    return T_DONE("test_assign");
}
