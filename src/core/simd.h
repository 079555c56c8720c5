/* simd.h (private): the four-double vector type of the kernels, and the attribute
 * that builds a function for AVX-512, for AVX2 and for the x86-64 baseline, chosen at load
 * time. Only plain IEEE +, -, *, / and moves are used on vectors, and no fused
 * multiply-add (-ffp-contract=off, and no clone enables FMA contraction), so every clone
 * computes the same bits; the AVX-512 clone runs the compiler-vectorised loops (exp, tanh,
 * sigmoid, the optimizers) eight doubles at a time, which made notebook 001's tanh net 10%
 * faster. */
#ifndef NNLAB_SIMD_H
#define NNLAB_SIMD_H

#include <string.h>

/* The helpers below are always inlined; gcc's note about the ABI of 32-byte vector
 * arguments concerns calls that never happen. */
#pragma GCC diagnostic ignored "-Wpsabi"

typedef double v4d __attribute__((vector_size(32)));

static inline v4d v4d_load(const double *p) { v4d v; memcpy(&v, p, sizeof v); return v; }
/* a macro, not a function: no 32-byte vector is ever passed by value */
#define v4d_store(p, v) memcpy((p), &(v), sizeof(v4d))
static inline v4d v4d_splat(double x) { return (v4d){x, x, x, x}; }

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(NN_NO_CLONES)
#define NN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NN_CLONES
#endif

#endif
