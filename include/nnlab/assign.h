/* assign.h: the linear assignment problem, exactly.
 *
 * Given an n x n cost matrix, find the permutation p minimising sum_i cost[i][p[i]] (the
 * Hungarian method with row and column potentials and shortest augmenting paths, O(n^3);
 * Kuhn 1955, Munkres 1957, in the form Jonker & Volgenant 1987 made fast). Used to align
 * the hidden units of two nets: the notebook enumerates all n! orderings per layer, which
 * gives the same optimum because its objective is a sum over rows.
 */
#ifndef NNLAB_ASSIGN_H
#define NNLAB_ASSIGN_H

#include <stddef.h>

#include "nnlab/err.h"

/* perm[i] = the column assigned to row i; returns NN_OK, NN_ENOMEM, or NN_ERUN when a
 * cost is nan or infinite (nothing is assigned then). cost is (n, n) row-major and is not
 * modified. *total (may be NULL) gets sum_i cost[i][perm[i]], added in row order (it can
 * overflow for costs near the largest double; the assignment itself does not). Ties
 * between optimal permutations are broken deterministically. */
int nn_assign_min(const double *cost, size_t n, size_t *perm, double *total, nn_err *e);

/* The same, maximising. */
int nn_assign_max(const double *gain, size_t n, size_t *perm, double *total, nn_err *e);

/* For n <= NN_ASSIGN_FIRST_MAX: of the permutations whose total is within rel times the
 * optimum (the sum of its terms' magnitudes) of the optimum, the first in notebook 000's
 * enumeration order (permute(n, j) for j = 0, 1, ...: position k takes the (j_k)-th
 * smallest column still free, the last positions' choices weighing most), which is the
 * one the notebook's strict argmin keeps among exact ties. Exact: a dynamic programme
 * over the subsets of columns, O(2^n n^2) time. Larger n falls back to nn_assign_min. */
#define NN_ASSIGN_FIRST_MAX 12
int nn_assign_min_first(const double *cost, size_t n, double rel, size_t *perm, nn_err *e);

/* All those permutations (n <= NN_ASSIGN_FIRST_MAX), in the notebook's order: the first
 * min(count, cap) into perms (cap rows of n); *count gets how many there are, but stops at
 * cap + 1 (more than cap). Time about O(2^n n^2) per permutation listed. */
int nn_assign_near(const double *cost, size_t n, double rel, size_t cap, size_t *perms,
                   size_t *count, nn_err *e);

#endif
