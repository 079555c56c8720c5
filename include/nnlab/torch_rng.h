/* torch_rng.h: PyTorch's CPU random stream (torch 1.13), for initial weights drawn as the
 * PyTorch notebooks (003, 004) draw them: `seed: s` gives what torch gives after
 * torch.manual_seed(s). Written from the facts in ../shared/reference/torch-rng.md, tested
 * bit for bit against the values torch drew (tests/data/torch-rng-vectors.json).
 *
 * The engine is numpy's MT19937 seeded the same way (rng.h); what differs is how draws
 * become numbers: 24-bit float and 53-bit double uniforms finished with a fused multiply-add,
 * the Box-Muller normal in two paths (one element at a time in double with a cached second
 * value; blocks of 16 in float32 with Cephes polynomial log and sincos), and bernoulli.
 */
#ifndef NNLAB_TORCH_RNG_H
#define NNLAB_TORCH_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnlab/rng.h"

typedef struct nn_torch_rng {
    nn_rng mt;              /* the engine */
    bool has_normal;        /* the scalar path's cached second normal */
    double normal;
} nn_torch_rng;

/* torch.manual_seed(seed): the low 32 bits seed MT19937 (-1 acts as 2^32 - 1); the cache
 * is cleared. */
void nn_torch_seed(nn_torch_rng *g, uint64_t seed);

uint32_t nn_torch_u32(nn_torch_rng *g);
uint64_t nn_torch_u64(nn_torch_rng *g);           /* two draws: (first << 32) | second */

/* tensor.uniform_(a, b) on n float32 / float64 elements, in memory order */
void nn_torch_uniform_f32(nn_torch_rng *g, float *x, size_t n, double a, double b);
void nn_torch_uniform_f64(nn_torch_rng *g, double *x, size_t n, double a, double b);

/* tensor.normal_(mean, std) on n contiguous float32 / float64 elements (torch.randn(n) is
 * normal_(0, 1) on float32) */
void nn_torch_normal_f32(nn_torch_rng *g, float *x, size_t n, double mean, double std);
void nn_torch_normal_f64(nn_torch_rng *g, double *x, size_t n, double mean, double std);

/* torch.bernoulli(p * ones(n)) as float32 0/1 */
void nn_torch_bernoulli_f32(nn_torch_rng *g, float *x, size_t n, double p);

/* nn.Linear(in, out)'s default initialisation: weight [out][in] then bias [out] (NULL: a
 * Linear with bias=False), both uniform in +-1/sqrt(in) */
void nn_torch_linear_f32(nn_torch_rng *g, int in, int out, float *w, float *b);

/* Notebook 003's Net(1, m, 1, init_scale): w1 [m] (one input), b1 [m], w2 [m] (the output
 * unit's weights; no output bias), as torch draws them after manual_seed. */
void nn_torch_net003_f32(nn_torch_rng *g, int m, double init_scale, float *w1, float *b1,
                         float *w2);

/* The same for d inputs: w1 [m][d] and b1 [m] (NULL: no hidden bias) normal with std
 * init_scale / sqrt(m d); w2 [m] the output weights, balanced (+-1 times each unit's norm, by
 * bernoulli(0.5)) or normal with std init_scale / sqrt(m); w2[m] receives the output bias
 * nn.Linear(m, 1) draws when out_bias. */
void nn_torch_net_f32(nn_torch_rng *g, int d, int m, double init_scale, bool balanced,
                      float *w1, float *b1, float *w2);

/* The float32 polynomial log and sincos of torch's vectorised normal (avx_mathfun's
 * log256_ps and sincos256_ps, with their fused multiply-adds), one value at a time. */
float nn_torch_logf(float x);
void nn_torch_sincosf(float x, float *s, float *c);

#endif
