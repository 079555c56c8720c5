/* test_assign: the assignment solver against brute-force enumeration of every
 * permutation, on hundreds of random cases with n <= 7, with and without ties; costs that
 * are not finite are refused, costs near the largest double still solved; the first
 * near-optimal assignment in notebook 000's enumeration order against the notebook's own
 * loop (permute(n, j) for j = 0, 1, ..., keeping the first strict minimum). */
#include "nnlab/assign.h"
#include "nnlab/rng.h"
#include "t.h"

#include <stdbool.h>
#include <string.h>

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

/* notebook 000's permute(n, k): x = [0..n-1]; p += [x.pop(k % len(x))]; k //= len(x) */
static void nb_permute(size_t n, unsigned long k, size_t *p)
{
    size_t x[12], left = n;
    for (size_t i = 0; i < n; i++)
        x[i] = i;
    for (size_t i = 0; i < n; i++) {
        size_t at = k % left;
        p[i] = x[at];
        memmove(x + at, x + at + 1, (left - at - 1) * sizeof *x);
        k /= left--;
    }
}

/* The first j whose total is within rel (of the optimum's magnitudes) of the optimum. */
static void nb_first(const double *c, size_t n, double rel, size_t *out)
{
    unsigned long nf = 1;
    for (size_t i = 2; i <= n; i++)
        nf *= i;
    double lo = INFINITY, mag = 0;
    size_t p[12];
    for (unsigned long j = 0; j < nf; j++) {
        nb_permute(n, j, p);
        double s = 0, m = 0;
        for (size_t i = 0; i < n; i++)
            s += c[i * n + p[i]], m += fabs(c[i * n + p[i]]);
        if (s < lo)
            lo = s, mag = m;
    }
    for (unsigned long j = 0; j < nf; j++) {
        nb_permute(n, j, p);
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += c[i * n + p[i]];
        if (s <= lo + rel * mag) {
            memcpy(out, p, n * sizeof *p);
            return;
        }
    }
}

static void test_not_finite(void)
{
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < 3; k++)
        for (size_t n = 1; n <= 4; n++) {
            double c[16];
            for (size_t i = 0; i < n * n; i++)
                c[i] = (double)i;
            c[n * n - 1] = bad[k];
            size_t perm[4];
            nn_err e = {0};
            T_CHECK(nn_assign_min(c, n, perm, NULL, &e) == NN_ERUN, "n %zu: %g refused", n, bad[k]);
            T_CHECK(strstr(e.msg, "finite") != NULL, "the message says why: %s", e.msg);
            T_CHECK(nn_assign_max(c, n, perm, NULL, &e) == NN_ERUN, "max: n %zu: %g", n, bad[k]);
            T_CHECK(nn_assign_min_first(c, n, 1e-12, perm, &e) == NN_ERUN, "first: n %zu", n);
        }
}

/* Costs near the largest double: solved as if divided by a power of two. */
static void test_huge(nn_rng *r)
{
    for (int round = 0; round < 100; round++) {
        size_t n = 2 + (size_t)nn_rng_interval(r, 5), perm[7], ref[7];
        double c[49], big[49];
        for (size_t i = 0; i < n * n; i++) {
            c[i] = nn_rng_normal(r, 0, 1);
            big[i] = ldexp(c[i], 1020);            /* up to about 1e308 */
        }
        nn_err e;
        T_CHECK(nn_assign_min(big, n, perm, NULL, &e) == NN_OK, "%s", e.msg);
        nn_assign_min(c, n, ref, NULL, &e);
        T_CHECK(!memcmp(perm, ref, n * sizeof *perm), "round %d: huge costs change the answer", round);
        T_CHECK(nn_assign_max(big, n, perm, NULL, &e) == NN_OK, "%s", e.msg);
        nn_assign_max(c, n, ref, NULL, &e);
        T_CHECK(!memcmp(perm, ref, n * sizeof *perm), "round %d: max", round);
        T_CHECK(nn_assign_min_first(big, n, 1e-12, perm, &e) == NN_OK, "%s", e.msg);
        nn_assign_min_first(c, n, 1e-12, ref, &e);
        T_CHECK(!memcmp(perm, ref, n * sizeof *perm), "round %d: first", round);
    }
}

static void test_first(nn_rng *r)
{
    /* two optima, [0,2,1] and [1,0,2]: the notebook meets [1,0,2] first (j = 1), though
     * [0,2,1] comes first in lexicographic (itertools) order */
    const double two[9] = {0, 0, 10, 0, 10, 0, 10, 0, 0};
    size_t perm[12], ref[12];
    nn_err e;
    T_CHECK(nn_assign_min_first(two, 3, 1e-12, perm, &e) == NN_OK, "%s", e.msg);
    T_CHECK(perm[0] == 1 && perm[1] == 0 && perm[2] == 2, "got [%zu,%zu,%zu], want [1,0,2]",
            perm[0], perm[1], perm[2]);
    /* everything tied, 12 units: the identity (j = 0), without enumerating 12! orders */
    double flat[144];
    for (size_t i = 0; i < 144; i++)
        flat[i] = 0.5;
    nn_assign_min_first(flat, 12, 1e-12, perm, &e);
    bool id = true;
    for (size_t i = 0; i < 12; i++)
        id &= perm[i] == i;
    T_CHECK(id, "all tied: the identity");
    /* random: exact ties (few values), ties to the last bits (few values plus noise far
     * below the tolerance), and none */
    for (int round = 0; round < 600; round++) {
        size_t n = 1 + (size_t)nn_rng_interval(r, 6);
        int kind = round % 3;
        double c[49];
        for (size_t i = 0; i < n * n; i++) {
            double v = (double)nn_rng_interval(r, 3);
            c[i] = kind == 0 ? v : kind == 1 ? v * (1 + 1e-15 * nn_rng_normal(r, 0, 1))
                                             : nn_rng_normal(r, 0, 1);
        }
        T_CHECK(nn_assign_min_first(c, n, 1e-12, perm, &e) == NN_OK, "%s", e.msg);
        nb_first(c, n, 1e-12, ref);
        T_CHECK(!memcmp(perm, ref, n * sizeof *perm), "round %d (n %zu, kind %d): not the "
                "notebook's first near-optimal order", round, n, kind);
    }
    /* every near-optimal one, in the notebook's order, and the count past a cap */
    for (int round = 0; round < 300; round++) {
        size_t n = 1 + (size_t)nn_rng_interval(r, 5), list[720 * 6], count, want = 0;
        double c[36];
        for (size_t i = 0; i < n * n; i++)
            c[i] = (double)nn_rng_interval(r, round % 2 ? 1 : 2);
        T_CHECK(nn_assign_near(c, n, 1e-12, 720, list, &count, &e) == NN_OK, "%s", e.msg);
        unsigned long nf = 1;
        for (size_t i = 2; i <= n; i++)
            nf *= i;
        double lo = INFINITY;
        size_t p[12];
        for (unsigned long j = 0; j < nf; j++) {
            nb_permute(n, j, p);
            double t = 0;
            for (size_t i = 0; i < n; i++)
                t += c[i * n + p[i]];
            lo = fmin(lo, t);
        }
        bool same = true;
        for (unsigned long j = 0; j < nf; j++) {
            nb_permute(n, j, p);
            double t = 0;
            for (size_t i = 0; i < n; i++)
                t += c[i * n + p[i]];
            if (t <= lo + 1e-12 * fabs(lo))
                same &= want < count && !memcmp(list + want++ * n, p, n * sizeof *p);
        }
        T_CHECK(same && count == want, "round %d (n %zu): %zu listed, %zu near-optimal, or "
                "not in the notebook's order", round, n, count, want);
        size_t few[3 * 6];
        nn_assign_near(c, n, 1e-12, 2, few, &count, &e);
        T_CHECK(count == (want > 2 ? 3 : want), "cap 2: count %zu for %zu", count, want);
    }
    /* wider than NN_ASSIGN_FIRST_MAX: an optimal assignment */
    double w[13 * 13];
    for (size_t i = 0; i < 13 * 13; i++)
        w[i] = nn_rng_normal(r, 0, 1);
    size_t pw[13], pr[13];
    nn_assign_min_first(w, 13, 1e-12, pw, &e);
    nn_assign_min(w, 13, pr, NULL, &e);
    T_CHECK(!memcmp(pw, pr, sizeof pw), "13 units: the solver's answer");
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
    test_not_finite();
    test_huge(&r);
    test_first(&r);
    return T_DONE("test_assign");
}
