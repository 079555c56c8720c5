/* mat.h: the dense kernels of a training step, and numpy's summation order.
 *
 * Where they live: mat_f64_forward.c, mat_f64_backward.c and mat_f64_weights.c hold the
 * float64 kernels, one file per operation, each choosing among its shape classes (few
 * samples, narrow layers, 5-12-unit layers with AVX-512, wide layers); mat_kernels.h what
 * they share; mat_numpy.c numpy's reductions; mat_ref.c the reference loops below, which
 * every kernel equals bit for bit (test_mat checks each shape class against them).
 *
 * Activations are stored feature-major, one row per unit and one column per sample
 * ((units, N), samples contiguous), so every loop over samples vectorises. Each kernel
 * adds its terms in exactly the order numpy's matmul does through reference BLAS
 * (sequentially along the summed index, bias last, no fused multiply-add), which makes
 * nnlab's forward and backward passes compute numpy's bits for the notebooks' nets.
 * Backward kernels accumulate; zero the output first where a fresh sum is wanted.
 * Nothing here allocates.
 */
#ifndef NNLAB_MAT_H
#define NNLAB_MAT_H

#include <stdbool.h>
#include <stddef.h>

/* out = W in (+ b): out[j][s] = (sum_k W[j][k] in[k][s]) + b[j]; b may be NULL. */
void nn_dense_forward(double *out /* (n_out, N) */, const double *in /* (n_in, N) */,
                      const double *W /* (n_out, n_in) */, const double *b /* (n_out) */,
                      size_t N, size_t n_in, size_t n_out);

/* A panel of an (rows >= 8, N) array holds its rows 0..7 sample by sample:
 * P[s * 8 + r] = a[r][s], N rows of eight doubles (read fastest 64-byte aligned). The weight
 * gradients of a layer 8 to 12 wide read one per sample; the ReLU kernels below can write
 * one of their output while its values are still in registers, instead of the gradients
 * building it from memory. */

/* dW[j][k] += sum_s E[j][s] in[k][s] and db[j] += sum_s E[j][s], each sum taken over
 * s = 0..B-1 in order; db may be NULL. scratch ((max(n_in, n_out, 8) + 9) * B doubles, or
 * NULL) lets the sums be vectorised across k or j, with the same result. inT and ET: NULL,
 * or the panels of in (n_in >= 8) and of E (n_out >= 8), used where they help. */
void nn_dense_backward_weights(double *dW /* (n_out, n_in) */, double *db /* (n_out) */,
                               const double *E /* (n_out, B) */,
                               const double *in /* (n_in, B) */,
                               size_t B, size_t n_in, size_t n_out, double *scratch,
                               const double *inT /* (B, 8) */, const double *ET /* (B, 8) */);

/* The same sums over the samples idx[0..B) of full-set arrays E (n_out, N) and
 * in (n_in, N), visited in that order: a batch without copying it out. The panels, if
 * given, are of the full-set arrays (every column, whatever the batch). */
void nn_dense_backward_weights_idx(double *dW /* (n_out, n_in) */, double *db /* (n_out) */,
                                   const double *E /* (n_out, N) */,
                                   const double *in /* (n_in, N) */, size_t N,
                                   const size_t *idx /* (B) */, size_t B, size_t n_in,
                                   size_t n_out, double *scratch, const double *inT /* (N, 8) */,
                                   const double *ET /* (N, 8) */);

/* dIn[k][s] = sum_j W[j][k] E[j][s] (overwrites dIn). */
void nn_dense_backward_input(double *dIn /* (n_in, B) */, const double *W /* (n_out, n_in) */,
                             const double *E /* (n_out, B) */,
                             size_t B, size_t n_in, size_t n_out);

/* nn_dense_forward into z, then h = ReLU(z) (z > 0 ? z : 0), in one pass where a kernel can;
 * the same bits as the two calls. z may be NULL where only h is wanted (a hidden layer's z
 * is read by nothing after a ReLU); it is then never stored, which saves a third of the
 * kernel's stores. hT: NULL, or h's panel, written too (n_out >= 8). */
void nn_dense_forward_relu(double *z /* (n_out, N) */, double *h /* (n_out, N) */,
                           double *hT /* (N, 8) */, const double *in, const double *W,
                           const double *b, size_t N, size_t n_in, size_t n_out);

/* nn_dense_backward_input, then ReLU's derivative from the layer's outputs h (dIn = h > 0 ?
 * dIn : 0 dIn), in one pass where a kernel can; the same bits as the two calls. dT: NULL,
 * or dIn's panel, written too (n_in >= 8). */
void nn_dense_backward_input_relu(double *dIn, double *dT /* (B, 8) */, const double *W,
                                  const double *E, const double *h /* (n_in, B) */, size_t B,
                                  size_t n_in, size_t n_out);

/* ---- the reference loops (mat_ref.c) ----------------------------------------------------------
 * The plain sums the kernels above compute, in the same order with the same roundings.
 * NNLAB_KERNELS=reference in the environment makes every kernel call them instead (slow;
 * the same bits). backward_weights: over idx[0..B) of arrays N wide, or samples 0..B-1
 * (idx NULL, N = B); accumulates. nn_ref_panel: rows 0-7 of src sample by sample. */
bool nn_kernels_reference(void);
void nn_ref_dense_forward(double *out, const double *in, const double *W, const double *b,
                          size_t N, size_t n_in, size_t n_out);
void nn_ref_dense_backward_input(double *dIn, const double *W, const double *E, size_t B,
                                 size_t n_in, size_t n_out);
void nn_ref_dense_backward_weights(double *dW, double *db, const double *E, const double *in,
                                   size_t N, const size_t *idx, size_t B, size_t n_in,
                                   size_t n_out);
void nn_ref_panel(double *panel, const double *src, size_t ld, size_t B);

/* x[i] = x[i] / d for i < n, bit for bit (a power of two d multiplies by its exact
 * reciprocal, which rounds the same real number the same way). */
void nn_div_scalar(double *x, size_t n, double d);

/* numpy's np.sum of a contiguous float64 array: pairwise summation (8 accumulators
 * below 128 elements) within blocks of 8192, the blocks added in order. np.mean is
 * this divided by n; np.std and the notebooks' losses are built on it. */
double nn_sum_numpy(const double *a, size_t n);

/* np.mean(a) and np.std(a) (population, ddof 0) in numpy's own arithmetic. */
double nn_mean_numpy(const double *a, size_t n);
double nn_std_numpy(const double *a, size_t n);

#endif
