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

/* perm[i] = the column assigned to row i; returns NN_OK or NN_ENOMEM. cost is (n, n)
 * row-major and is not modified. *total (may be NULL) gets sum_i cost[i][perm[i]], added
 * in row order. Ties between optimal permutations are broken deterministically. */
int nn_assign_min(const double *cost, size_t n, size_t *perm, double *total, nn_err *e);

/* The same, maximising. */
int nn_assign_max(const double *gain, size_t n, size_t *perm, double *total, nn_err *e);

#endif
