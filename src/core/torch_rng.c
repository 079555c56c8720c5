/* torch_rng.c: PyTorch's CPU random stream (see torch_rng.h and
 * ../shared/reference/torch-rng.md for the facts it follows).
 *
 * Every fused multiply-add torch's build performs is written here as fmaf/fma (exact on any
 * machine, an instruction where the CPU has one); every other operation is a separate,
 * rounded step, since the build compiles with -ffp-contract=off. */
#include "nnlab/torch_rng.h"

#include <math.h>
#include <string.h>

void nn_torch_seed(nn_torch_rng *g, uint64_t seed)
{
    nn_rng_seed(&g->mt, (uint32_t)(seed & 0xffffffffu));
    g->has_normal = false;
    g->normal = 0;
}

uint32_t nn_torch_u32(nn_torch_rng *g) { return nn_rng_u32(&g->mt); }

uint64_t nn_torch_u64(nn_torch_rng *g)
{
    uint64_t hi = nn_rng_u32(&g->mt);
    return hi << 32 | nn_rng_u32(&g->mt);
}

/* a 24-bit float uniform in [0, 1) and a 53-bit double one */
static float u24(nn_torch_rng *g) { return (float)(nn_torch_u32(g) & 0xffffffu) * 0x1p-24f; }
static double u53(nn_torch_rng *g)
{
    return (double)(nn_torch_u64(g) & ((UINT64_C(1) << 53) - 1)) * 0x1p-53;
}

void nn_torch_uniform_f32(nn_torch_rng *g, float *x, size_t n, double a, double b)
{
    float af = (float)a, bf = (float)b, range = bf - af;
    for (size_t i = 0; i < n; i++)
        x[i] = fmaf(u24(g), range, af);
}

void nn_torch_uniform_f64(nn_torch_rng *g, double *x, size_t n, double a, double b)
{
    for (size_t i = 0; i < n; i++)
        x[i] = fma(u53(g), b - a, a);
}

/* the scalar Box-Muller in double: r cos(theta) now, r sin(theta) for the next call */
static double normal_one(nn_torch_rng *g)
{
    if (g->has_normal) {
        g->has_normal = false;
        return g->normal;
    }
    double u1 = u53(g), u2 = u53(g);
    double r = sqrt(-2.0 * log(1.0 - u2)), theta = 2.0 * M_PI * u1;
    g->normal = r * sin(theta);
    g->has_normal = true;
    return r * cos(theta);
}

void nn_torch_normal_f64(nn_torch_rng *g, double *x, size_t n, double mean, double std)
{
    for (size_t i = 0; i < n; i++)
        x[i] = normal_one(g) * std + mean;
}

/* ---- the float32 polynomials (Cephes, as avx_mathfun.h has them) ---------------------------- */

static float bits_f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t f_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

float nn_torch_logf(float x)
{
    if (!(x > 0))   /* log of 0 or less: the vector code gives NaN for <= 0 (u1 is never 0) */
        return x == 0 ? -INFINITY : NAN;
    const float min_norm = bits_f(0x00800000u);
    if (x < min_norm)
        x = min_norm;
    uint32_t u = f_bits(x);
    int ex = (int)(u >> 23) - 0x7f;
    x = bits_f((u & 0x807fffffu) | 0x3f000000u);   /* the mantissa, in [0.5, 1) */
    float e = (float)ex + 1.0f;
    if (x < 0.707106781186547524f) {   /* below sqrt(1/2): (x - 1) + x, one exponent less */
        float t = x;
        x = x - 1.0f;
        e = e - 1.0f;
        x = x + t;
    } else {
        x = x - 1.0f;
    }
    float z = x * x;
    float y = 7.0376836292E-2f;
    y = fmaf(y, x, -1.1514610310E-1f);
    y = fmaf(y, x, 1.1676998740E-1f);
    y = fmaf(y, x, -1.2420140846E-1f);
    y = fmaf(y, x, 1.4249322787E-1f);
    y = fmaf(y, x, -1.6668057665E-1f);
    y = fmaf(y, x, 2.0000714765E-1f);
    y = fmaf(y, x, -2.4999993993E-1f);
    y = fmaf(y, x, 3.3333331174E-1f);
    y = y * x;
    y = fmaf(y, z, e * -2.12194440e-4f);
    y = y - z * 0.5f;
    return fmaf(e, 0.693359375f, x + y);
}

void nn_torch_sincosf(float xin, float *s, float *c)
{
    uint32_t sign_sin = f_bits(xin) & 0x80000000u;
    float x = fabsf(xin);
    float y = x * 1.27323954473516f;               /* 4 / pi */
    int32_t j = (int32_t)y;                        /* truncated */
    j = (j + 1) & ~1;
    y = (float)j;
    uint32_t swap_sign_sin = ((uint32_t)j & 4u) << 29;
    bool poly2 = (j & 2) == 0;                     /* which polynomial is the sine */
    /* extended precision modular arithmetic: x - y * pi/4 in three parts */
    x = fmaf(y, -0.78515625f, x);
    x = fmaf(y, -2.4187564849853515625e-4f, x);
    x = fmaf(y, -3.77489497744594108e-8f, x);
    uint32_t sign_cos = ((uint32_t)(~(j - 2)) & 4u) << 29;
    sign_sin ^= swap_sign_sin;
    float z = x * x;
    float yc = 2.443315711809948E-005f;            /* cos(x) on [-pi/4, pi/4] */
    yc = fmaf(yc, z, -1.388731625493765E-003f);
    yc = fmaf(yc, z, 4.166664568298827E-002f);
    yc = yc * z;
    yc = yc * z;
    yc = yc - z * 0.5f;
    yc = yc + 1.0f;
    float ys = -1.9515295891E-4f;                  /* sin(x) on [-pi/4, pi/4] */
    ys = fmaf(ys, z, 8.3321608736E-3f);
    ys = fmaf(ys, z, -1.6666654611E-1f);
    ys = ys * z;
    ys = fmaf(ys, x, x);
    float sn = poly2 ? ys : yc, cs = poly2 ? yc : ys;
    *s = bits_f(f_bits(sn) ^ sign_sin);
    *c = bits_f(f_bits(cs) ^ sign_cos);
}

/* one block of 16 uniforms at d into 16 normals */
static void normal16(float *d, float mean, float std)
{
    const float two_pi = (float)(2.0 * M_PI);
    for (int j = 0; j < 8; j++) {
        float u1 = 1.0f - d[j], u2 = d[j + 8];
        float radius = sqrtf(-2.0f * nn_torch_logf(u1));
        float theta = two_pi * u2, sn, cs;
        nn_torch_sincosf(theta, &sn, &cs);
        d[j] = fmaf(radius * cs, std, mean);
        d[j + 8] = fmaf(radius * sn, std, mean);
    }
}

void nn_torch_normal_f32(nn_torch_rng *g, float *x, size_t n, double mean, double std)
{
    if (n < 16) {   /* one element at a time, in double */
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(normal_one(g) * std + mean);
        return;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = u24(g);
    float m = (float)mean, s = (float)std;
    for (size_t i = 0; i + 16 <= n; i += 16)
        normal16(x + i, m, s);
    if (n % 16) {   /* the tail: 16 fresh uniforms over the last 16 places, as one more block */
        for (size_t i = n - 16; i < n; i++)
            x[i] = u24(g);
        normal16(x + n - 16, m, s);
    }
}

void nn_torch_bernoulli_f32(nn_torch_rng *g, float *x, size_t n, double p)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(nn_torch_u32(g) & 0xffffffu) * 0x1p-24f < p ? 1.0f : 0.0f;
}

void nn_torch_linear_f32(nn_torch_rng *g, int in, int out, float *w, float *b)
{
    /* kaiming_uniform_(a = sqrt(5)) as torch computes it in double, then the bias's bound */
    double a = sqrt(5.0), gain = sqrt(2.0 / (1.0 + a * a));
    double bound = sqrt(3.0) * (gain / sqrt((double)in));
    nn_torch_uniform_f32(g, w, (size_t)in * (size_t)out, -bound, bound);
    if (b) {
        double bb = 1.0 / sqrt((double)in);
        nn_torch_uniform_f32(g, b, (size_t)out, -bb, bb);
    }
}

void nn_torch_net_f32(nn_torch_rng *g, int d, int m, double init_scale, bool balanced,
                      float *w1, float *b1, float *w2)
{
    bool out_bias = false;   /* notebook 003's predict layer has none */
    nn_torch_linear_f32(g, d, m, w1, b1);                /* drawn, then overwritten */
    double std = init_scale / sqrt((double)m * (double)d);
    nn_torch_normal_f32(g, w1, (size_t)m * (size_t)d, 0.0, std);
    if (b1)
        nn_torch_normal_f32(g, b1, (size_t)m, 0.0, std);
    nn_torch_linear_f32(g, m, 1, w2, out_bias ? w2 + m : NULL);   /* then overwritten */
    if (!balanced) {
        nn_torch_normal_f32(g, w2, (size_t)m, 0.0, init_scale / sqrt((double)m));
        return;
    }
    nn_torch_bernoulli_f32(g, w2, (size_t)m, 0.5);
    for (int i = 0; i < m; i++) {   /* +-1 times the hidden unit's norm, in float32 */
        float ss = 0;
        for (int k = 0; k < d; k++)
            ss += w1[(size_t)i * (size_t)d + k] * w1[(size_t)i * (size_t)d + k];
        if (b1)
            ss += b1[i] * b1[i];
        w2[i] = (2.0f * w2[i] - 1.0f) * sqrtf(ss);
    }
}

void nn_torch_net003_f32(nn_torch_rng *g, int m, double init_scale, float *w1, float *b1,
                         float *w2)
{
    nn_torch_net_f32(g, 1, m, init_scale, true, w1, b1, w2);
}
