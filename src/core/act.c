/* act.c: activations and the vector exp/tanh under them (see act.h).
 *
 * exp(x): x = k ln2 + r with |r| <= ln2/2 (ln2 split into a 21-bit head, so k*head is
 * exact, and a tail), exp(r) from its Taylor series to r^14 (truncation below 1e-17,
 * evaluated by Estrin's scheme),
 * then 2^k applied as two exact powers of two so subnormal results round once.
 * tanh(x) = -e / (2 + e) with e = expm1(-2|x|), the sign put back at the end; expm1
 * comes from the same reduction, 2^k (1 + q) - 1 = 2^k q + (2^k - 1), which keeps full
 * relative accuracy near zero. Everything is branch-free and uses only +, *, / and
 * bit moves, so gcc vectorises the loops and every machine gets the same bits.
 * The derivatives are the textbook ones; sigmoid's and tanh's are taken from the
 * output exactly as notebooks 000/001 compute them (s (1 - s), 1 - tanh^2).
 */
#include "nnlab/act.h"

#include "nnlab/names.h"
#include "simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

const char *const nn_act_names[NN_ACT_COUNT] = {
    "identity", "relu", "leaky_relu", "tanh", "sigmoid", "softplus",
};

const char *nn_act_name(nn_act a)
{
    return (unsigned)a < NN_ACT_COUNT ? nn_act_names[a] : NULL;
}

int nn_act_parse(const char *name) { return nn_name_index(nn_act_names, NN_ACT_COUNT, name); }

/* ---- exp and expm1 ---------------------------------------------------------------- */

#define LN2_HI 0x1.62e42p-1             /* ln 2 to 21 bits: k * LN2_HI is exact */
#define LN2_LO 0x1.fdf473de6af28p-22    /* ln 2 - LN2_HI */
#define INV_LN2 0x1.71547652b82fep+0
#define SHIFT 0x1.8p52                  /* adding it rounds to an integer */

static inline uint64_t bits_of(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline double double_of(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

/* exp(r) - 1 for |r| <= ln2/2: r + r^2 q(r), q the Taylor series 1/2! + r/3! + ... +
 * r^12/14!, evaluated by Estrin's scheme (pairs, then powers r^2, r^4, r^8) rather than
 * Horner's: the same terms in a dependency chain of 6 multiply-adds instead of 13, which
 * is what bounded a tanh net's epoch (the vector loop waits on the chain, not on the
 * arithmetic). */
static inline double expm1_poly(double r)
{
    const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const double a0 = 1.0 / 2.0 + r * (1.0 / 6.0), a1 = 1.0 / 24.0 + r * (1.0 / 120.0),
                 a2 = 1.0 / 720.0 + r * (1.0 / 5040.0), a3 = 1.0 / 40320.0 + r * (1.0 / 362880.0),
                 a4 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0),
                 a5 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0), a6 = 1.0 / 87178291200.0;
    const double b0 = a0 + a1 * r2, b1 = a2 + a3 * r2, b2 = a4 + a5 * r2;
    const double d0 = b0 + b1 * r4, d1 = b2 + a6 * r4;
    return r + r2 * (d0 + d1 * r8);
}

static inline double exp_inline(double x)
{
    x = x < -746.0 ? -746.0 : x;        /* below: 0; above: +inf (NaN passes through) */
    x = x > 710.0 ? 710.0 : x;
    double kd = x * INV_LN2 + SHIFT;
    uint64_t ku = bits_of(kd) - bits_of(SHIFT) + 2048;  /* k + 2048, k in [-1077, 1025] */
    kd -= SHIFT;
    double r = (x - kd * LN2_HI) - kd * LN2_LO;
    double p = 1.0 + expm1_poly(r);
    uint64_t k1 = (ku >> 1) - 1024;                      /* floor(k / 2) */
    uint64_t k2 = ku - 2048 - k1;                         /* k - k1 */
    double s1 = double_of((k1 + 1023) << 52), s2 = double_of((k2 + 1023) << 52);
    return (p * s1) * s2;
}

/* expm1(y) for y in [-40, 0]. */
static inline double expm1_neg(double y)
{
    double kd = y * INV_LN2 + SHIFT;
    uint64_t ku = bits_of(kd) - bits_of(SHIFT);          /* k in [-58, 0], as 2^64 + k */
    kd -= SHIFT;
    double r = (y - kd * LN2_HI) - kd * LN2_LO;
    double q = expm1_poly(r);
    double s = double_of((ku + 1023) << 52);             /* 2^k */
    return s * q + (s - 1.0);
}

static inline double tanh_inline(double x)
{
    uint64_t sign = bits_of(x) & 0x8000000000000000u;
    double y = -2.0 * fabs(x);
    y = y < -40.0 ? -40.0 : y;                           /* tanh(20) is 1 in doubles */
    double e = expm1_neg(y);
    double t = -e / (2.0 + e);
    return double_of(bits_of(t) | sign);
}

double nn_exp(double x) { return exp_inline(x); }
double nn_tanh(double x) { return tanh_inline(x); }
double nn_sigmoid(double x) { return 1.0 / (1.0 + exp_inline(-x)); }

NN_CLONES void nn_vexp(double *out, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = exp_inline(in[i]);
}

NN_CLONES void nn_vtanh(double *out, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = tanh_inline(in[i]);
}

/* log1p(u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) in [0, 1/3], the series to
 * s^37 (the next term is below 1e-18 of the sum); about one unit in the last place. The
 * series in t = s^2, sum of t^i / (2i + 3) for i < 18, by Estrin's scheme (a chain of 7
 * steps, not 17). */
static inline double log1p_unit(double u)
{
    const double s = u / (2.0 + u), t = s * s, t2 = t * t, t4 = t2 * t2, t8 = t4 * t4,
                 t16 = t8 * t8;
    const double a0 = 1.0 / 3 + t * (1.0 / 5), a1 = 1.0 / 7 + t * (1.0 / 9),
                 a2 = 1.0 / 11 + t * (1.0 / 13), a3 = 1.0 / 15 + t * (1.0 / 17),
                 a4 = 1.0 / 19 + t * (1.0 / 21), a5 = 1.0 / 23 + t * (1.0 / 25),
                 a6 = 1.0 / 27 + t * (1.0 / 29), a7 = 1.0 / 31 + t * (1.0 / 33),
                 a8 = 1.0 / 35 + t * (1.0 / 37);
    const double b0 = a0 + a1 * t2, b1 = a2 + a3 * t2, b2 = a4 + a5 * t2, b3 = a6 + a7 * t2;
    const double d0 = b0 + b1 * t4, d1 = b2 + b3 * t4;
    const double p = (d0 + d1 * t8) + a8 * t16;
    return 2.0 * (s + s * (t * p));
}

NN_CLONES void nn_vlog1pexp_neg(double *out, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = log1p_unit(exp_inline(-fabs(in[i])));
}

NN_CLONES void nn_vsigmoid(double *out, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = 1.0 / (1.0 + exp_inline(-in[i]));
}

/* ---- activations ------------------------------------------------------------------ */

/* softplus(z) = log(1 + e^z), written to neither overflow nor lose small values. */
static double softplus(double z)
{
    return (z > 0 ? z : 0.0) + log1p_unit(exp_inline(-fabs(z)));
}

NN_CLONES void nn_act_forward(nn_act a, double slope, double *h, const double *z, size_t n)
{
    switch (a) {
    case NN_ACT_IDENTITY:
        if (h != z)
            memcpy(h, z, n * sizeof *h);
        break;
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            h[i] = z[i] > 0 ? z[i] : 0.0;
        break;
    case NN_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++)
            h[i] = z[i] > 0 ? z[i] : slope * z[i];
        break;
    case NN_ACT_TANH:
        nn_vtanh(h, z, n);
        break;
    case NN_ACT_SIGMOID:
        nn_vsigmoid(h, z, n);
        break;
    case NN_ACT_SOFTPLUS:
        for (size_t i = 0; i < n; i++)
            h[i] = softplus(z[i]);
        break;
    default:
        break;
    }
}

NN_CLONES void nn_act_backward(nn_act a, double slope, double *d, const double *z, const double *h,
                     size_t n)
{
    switch (a) {
    case NN_ACT_IDENTITY:
        break;
    case NN_ACT_RELU:         /* h > 0 exactly when z > 0 */
        for (size_t i = 0; i < n; i++)
            d[i] = h[i] > 0 ? d[i] : 0.0 * d[i];
        break;
    case NN_ACT_LEAKY_RELU:   /* likewise, for slopes in [0, 1) */
        for (size_t i = 0; i < n; i++)
            d[i] = h[i] > 0 ? d[i] : slope * d[i];
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            d[i] = (1.0 - h[i] * h[i]) * d[i];
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            d[i] = (h[i] * (1.0 - h[i])) * d[i];
        break;
    case NN_ACT_SOFTPLUS:
        for (size_t i = 0; i < n; i++)
            d[i] = nn_sigmoid(z[i]) * d[i];
        break;
    default:
        break;
    }
}

double nn_act_value(nn_act a, double slope, double z)
{
    double h;
    nn_act_forward(a, slope, &h, &z, 1);
    return h;
}

double nn_act_deriv(nn_act a, double slope, double z)
{
    double h = nn_act_value(a, slope, z), d = 1.0;
    nn_act_backward(a, slope, &d, &z, &h, 1);
    return d;
}
