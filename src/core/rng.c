/* rng.c: numpy's legacy random stream (see rng.h).
 *
 * MT19937 is Matsumoto & Nishimura (1998), reference init_genrand/genrand_int32; the
 * derived draws follow numpy's legacy distributions (legacy_double, legacy_gauss,
 * random_interval) as written down in ../shared/reference/numpy-rng.md.
 */
#include "nnlab/rng.h"

#include <math.h>

#include "simd.h"

#define MT_N 624
#define MT_M 397

void nn_rng_seed(nn_rng *r, uint32_t seed)
{
    r->mt[0] = seed;
    for (int i = 1; i < MT_N; i++)
        r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->mti = MT_N;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

/* The 624 words regenerated, then tempered all at once (one vectorised pass instead of
 * four shift-and-mask steps at every draw: the epoch shuffle draws hundreds). The odd-bit
 * twist is a mask (-(y & 1)) rather than a table, so the loops vectorise. */
NN_CLONES void nn_rng_refill(nn_rng *r)
{
    uint32_t *mt = r->mt, y;
    int k;
    for (k = 0; k < MT_N - MT_M; k++) {
        y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
        mt[k] = mt[k + MT_M] ^ (y >> 1) ^ (-(y & 1u) & 0x9908b0dfu);
    }
    for (; k < MT_N - 1; k++) {
        y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
        mt[k] = mt[k + (MT_M - MT_N)] ^ (y >> 1) ^ (-(y & 1u) & 0x9908b0dfu);
    }
    y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ (-(y & 1u) & 0x9908b0dfu);
    for (k = 0; k < MT_N; k++) {
        y = mt[k];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        r->out[k] = y;
    }
    r->mti = 0;
}

double nn_rng_random(nn_rng *r)
{
    uint32_t a = nn_rng_u32(r) >> 5, b = nn_rng_u32(r) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double nn_rng_uniform(nn_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * nn_rng_random(r);
}

double nn_rng_gauss(nn_rng *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        double g = r->gauss;
        r->gauss = 0.0;
        return g;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * nn_rng_random(r) - 1.0;
        x2 = 2.0 * nn_rng_random(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

double nn_rng_normal(nn_rng *r, double loc, double scale)
{
    return loc + scale * nn_rng_gauss(r);
}

/* the smallest 2^b - 1 >= max (max > 0) */
static inline uint32_t mask_of(uint32_t max) { return 0xffffffffu >> __builtin_clz(max); }

uint32_t nn_rng_interval(nn_rng *r, uint32_t max)
{
    if (max == 0)
        return 0;
    uint32_t mask = mask_of(max), v;
    while ((v = (nn_rng_u32(r) & mask)) > max)
        ;
    return v;
}

/* numpy's shuffle: for i = n-1 down to 1, j = the next masked word that is <= i, swap
 * x[i] and x[j]. Done in two passes per block of 1024 positions: first the j's, branch-free
 * (every word is written to the slot of the current i, and i moves on only when the word
 * is accepted), then the swaps. A rejected word used to cost a mispredicted branch, which
 * with the swaps' memory traffic was a sixth of a tanh net's epoch (notebook 001). */
void nn_rng_shuffle(nn_rng *r, size_t *x, size_t n)
{
    enum { BLOCK = 1024 };
    uint32_t js[BLOCK];
    size_t i = n - 1;
    while (n >= 2 && i >= 1) {
        const size_t lo = i >= BLOCK ? i - (BLOCK - 1) : 1;   /* this block: i down to lo */
        size_t cur = i;
        while (cur >= lo) {
            if (r->mti >= 624)
                nn_rng_refill(r);
            const uint32_t mask = mask_of((uint32_t)cur);
            const size_t keep = (size_t)(mask >> 1) + 1;        /* the mask holds for cur >= keep */
            const size_t stop = keep > lo ? keep : lo;
            int m = r->mti;
            while (m < 624 && cur >= stop) {
                const uint32_t v = r->out[m++] & mask;
                js[cur - lo] = v;
                cur -= v <= cur;
            }
            r->mti = m;
        }
        for (size_t q = i + 1; q-- > lo;) {
            const size_t j = js[q - lo], t = x[q];
            x[q] = x[j];
            x[j] = t;
        }
        i = lo - 1;
    }
}

void nn_rng_permutation(nn_rng *r, size_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = i;
    nn_rng_shuffle(r, x, n);
}
