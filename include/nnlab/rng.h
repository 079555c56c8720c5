/* rng.h: numpy's legacy random stream (RandomState), bit for bit.
 *
 * MT19937 seeded with init_genrand, 53-bit doubles from two 32-bit words, the polar
 * (Marsaglia) gaussian with its cached second value, and the rejection-sampled
 * interval used by shuffle. With the same seed and the same sequence of calls, every
 * value equals what `np.random.seed(s); np.random.<call>` gives under numpy's legacy
 * API (frozen by numpy's compatibility policy; see ../shared/reference/numpy-rng.md).
 * The state is a plain struct the caller owns; nothing here allocates.
 */
#ifndef NNLAB_RNG_H
#define NNLAB_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct nn_rng {
    uint32_t mt[624];
    uint32_t out[624];   /* mt tempered: the next 624 outputs, computed at each refill */
    int mti;
    int has_gauss;   /* a cached second polar value is waiting */
    double gauss;
} nn_rng;

void nn_rng_seed(nn_rng *r, uint32_t seed);        /* np.random.seed(seed) */
void nn_rng_refill(nn_rng *r);                     /* regenerate the 624 words */

/* genrand_int32, inline: the shuffle at every epoch draws hundreds of these */
static inline uint32_t nn_rng_u32(nn_rng *r)
{
    if (r->mti >= 624)
        nn_rng_refill(r);
    return r->out[r->mti++];
}
double nn_rng_random(nn_rng *r);                   /* random_sample(): [0, 1) */
double nn_rng_uniform(nn_rng *r, double lo, double hi);
double nn_rng_gauss(nn_rng *r);                    /* standard_normal() */
double nn_rng_normal(nn_rng *r, double loc, double scale);
/* A uniform integer in [0, max] by masked rejection (numpy's random_interval). */
uint32_t nn_rng_interval(nn_rng *r, uint32_t max);
/* np.random.shuffle on a 1-D array of n indices (n < 2^32). */
void nn_rng_shuffle(nn_rng *r, size_t *x, size_t n);
/* np.random.permutation(n) into x[0..n). */
void nn_rng_permutation(nn_rng *r, size_t *x, size_t n);

#endif
