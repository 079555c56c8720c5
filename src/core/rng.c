/* rng.c: numpy's legacy random stream (see rng.h).
 *
 * MT19937 is Matsumoto & Nishimura (1998), reference init_genrand/genrand_int32; the
 * derived draws follow numpy's legacy distributions (legacy_double, legacy_gauss,
 * random_interval) as written down in ../shared/reference/numpy-rng.md.
 */
#include "nnlab/rng.h"

#include <math.h>

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

void nn_rng_refill(nn_rng *r)
{
    static const uint32_t mag01[2] = {0u, 0x9908b0dfu};
    uint32_t *mt = r->mt, y;
    int k;
    for (k = 0; k < MT_N - MT_M; k++) {
        y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
        mt[k] = mt[k + MT_M] ^ (y >> 1) ^ mag01[y & 1u];
    }
    for (; k < MT_N - 1; k++) {
        y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
        mt[k] = mt[k + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1u];
    }
    y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1u];
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

uint32_t nn_rng_interval(nn_rng *r, uint32_t max)
{
    if (max == 0)
        return 0;
    uint32_t mask = max, v;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    while ((v = (nn_rng_u32(r) & mask)) > max)
        ;
    return v;
}

void nn_rng_shuffle(nn_rng *r, size_t *x, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = nn_rng_interval(r, (uint32_t)i);
        size_t t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

void nn_rng_permutation(nn_rng *r, size_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = i;
    nn_rng_shuffle(r, x, n);
}
