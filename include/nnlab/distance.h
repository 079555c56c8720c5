/* distance.h: distances between nets of the same architecture, up to permutations of
 * their hidden units.
 *
 * Alignment reorders net B's hidden units (the constant bias unit never moves) to match
 * net A, applying each permutation to B's incoming rows and biases and to its outgoing
 * columns, which leaves B's function unchanged:
 *   notebook          notebook 000's: hidden layer by hidden layer, input side first, the
 *                     ordering minimising the distance between A's and B's incoming
 *                     matrices (bias column included), as a linear assignment (the same
 *                     optimum as its enumeration of all n! orderings). For layers of at
 *                     most 12 units, ties go the notebook's way: of the orderings within a
 *                     relative 1e-12 of the optimum (the only ones its loop can keep),
 *                     mean-abs keeps the one whose matrix_dist, rounded as numpy rounds
 *                     it, is least, the first in the notebook's enumeration among equals
 *                     (up to 5040 tied orderings; past that, and for l2, the first);
 *                     wider layers take the solver's
 *   weight-matching   Ainsworth, Hayase & Srinivasa 2023 ("Git Re-Basin"): every layer's
 *                     permutation maximising the summed inner products of all weights and
 *                     biases, each layer solved with its incoming and outgoing weights and
 *                     the other permutations fixed, layers visited in a seeded random
 *                     order until a full pass changes nothing. It starts from the better
 *                     (by that objective) of no reordering and a greedy layer-by-layer
 *                     match, so it never ends below either
 * Metrics:
 *   mean-abs          notebook 000's matrix_dist: the mean of |a - b| over the notebook's
 *                     full matrices, whose constant units' rows of zeros count in the mean
 *                     (a hidden layer's constant unit counts where it feeds the next layer),
 *                     in numpy's summation order (its docstring says l2; its code is this)
 *   l2                the Euclidean distance between the parameter vectors
 */
#ifndef NNLAB_DISTANCE_H
#define NNLAB_DISTANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "nnlab/err.h"
#include "nnlab/model.h"

typedef enum { NN_ALIGN_NONE, NN_ALIGN_NOTEBOOK, NN_ALIGN_WEIGHT_MATCHING, NN_ALIGN_COUNT } nn_align;
typedef enum { NN_METRIC_MEAN_ABS, NN_METRIC_L2, NN_METRIC_COUNT } nn_metric;
extern const char *const nn_align_names[NN_ALIGN_COUNT];
extern const char *const nn_metric_names[NN_METRIC_COUNT];

/* Same inputs, widths, biases and activations? */
bool nn_same_arch(const nn_model *a, const nn_model *b);

/* The distance between the parameters as they are: inf when it overflows (mean-abs
 * squares the differences, as the notebook does, so it overflows past about 1e154). */
double nn_model_distance(const nn_model *a, const nn_model *b, nn_metric metric);

/* Cosine similarity of the two parameter vectors. */
double nn_model_cosine(const nn_model *a, const nn_model *b);

typedef struct nn_alignment {
    nn_model *aligned;       /* B with its hidden units reordered (owned by the caller) */
    bool reorder_needed;     /* the reordered B differs from B (notebook 000's test) */
    int passes;              /* weight matching: passes over the layers */
    bool capped;             /* weight matching: stopped at nn_align_pass_cap passes with
                                the last pass still improving (not converged) */
    double objective[2];     /* weight matching: summed inner products before and after */
    double pass_objective[64];   /* weight matching: after each of the first 64 passes */
} nn_alignment;

/* Hidden layers wider than this are not aligned (an error): each layer's assignment takes
 * O(n^3) time. */
#define NN_ALIGN_MAX_UNITS 4096

/* Weight matching's cap on passes (1000); tests lower it to see it reported. */
extern int nn_align_pass_cap;

/* Align b to a. seed chooses weight matching's visiting order. Fails (NN_ESPEC) when the
 * architectures differ or a hidden layer is wider than NN_ALIGN_MAX_UNITS, and (NN_ERUN)
 * when a weight is not finite or the costs between units overflow. */
int nn_align_models(const nn_model *a, const nn_model *b, nn_align method, nn_metric metric,
                    uint32_t seed, nn_alignment *out, nn_err *e);

/* Weight matching's objective: sum over layers of <W_a, W_b> plus <b_a, b_b>. */
double nn_match_objective(const nn_model *a, const nn_model *b);

#endif
