/* fmt.c: a double as printf's "%.17g" prints it, byte for byte, without printf (fmt.h).
 *
 * The value is m 2^e exactly (m < 2^53). For 17 significant digits at decimal exponent p
 * (10^p <= v < 10^(p+1)) the digits are D = round-half-even(v 10^(16-p)), and when
 * q = 16 - p >= 0 that is m 5^q 2^(e+q): an integer product m 5^q (at most ~850 bits for
 * the smallest subnormals) shifted by e + q bits, the bits shifted out deciding the
 * rounding. Nothing is approximated, so the digits are glibc's. p comes from log10 and is
 * corrected when D falls outside [10^16, 10^17). Values of 10^17 and more (q < 0, never
 * met in a training run's tables) go to snprintf. The digits are then laid out as %g does:
 * fixed notation for exponents -4 to 16, else d.ddde+XX, trailing zeros removed. */
#include "nnlab/fmt.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMBS 16   /* 1024 bits: m 5^342 needs about 850 */

/* N = m 5^q as little-endian 64-bit limbs; the number of limbs used. */
static int mul_pow5(uint64_t *N, uint64_t m, int q)
{
    static const uint64_t p5[28] = {
        1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull, 1953125ull,
        9765625ull, 48828125ull, 244140625ull, 1220703125ull, 6103515625ull, 30517578125ull,
        152587890625ull, 762939453125ull, 3814697265625ull, 19073486328125ull,
        95367431640625ull, 476837158203125ull, 2384185791015625ull, 11920928955078125ull,
        59604644775390625ull, 298023223876953125ull, 1490116119384765625ull,
        7450580596923828125ull};
    int n = 1;
    N[0] = m;
    while (q > 0) {
        int k = q > 27 ? 27 : q;
        q -= k;
        unsigned __int128 carry = 0;
        for (int i = 0; i < n; i++) {
            unsigned __int128 t = (unsigned __int128)N[i] * p5[k] + carry;
            N[i] = (uint64_t)t;
            carry = t >> 64;
        }
        if (carry && n < LIMBS)
            N[n++] = (uint64_t)carry;
    }
    return n;
}

/* round-half-even(m 2^e 10^q) for q >= 0, or UINT64_MAX when it is 2^64 or more. */
static uint64_t scaled_digits(uint64_t m, int e, int q)
{
    uint64_t N[LIMBS];
    int n = mul_pow5(N, m, q);
    int s = e + q;
    if (s >= 0) {                       /* an integer: no rounding */
        if (n > 1 || s >= 64 || (s > 0 && (N[0] >> (64 - s))))
            return UINT64_MAX;
        return N[0] << s;
    }
    int t = -s;                         /* shift right by t bits */
    int li = t / 64, bi = t % 64;
    if (li >= n)
        return 0;
    uint64_t lo = N[li], hi = li + 1 < n ? N[li + 1] : 0;
    for (int i = li + 2; i < n; i++)
        if (N[i])
            return UINT64_MAX;
    if (bi && (hi >> bi))
        return UINT64_MAX;
    uint64_t D = bi ? (lo >> bi) | (hi << (64 - bi)) : lo;
    if (!bi && hi)
        return UINT64_MAX;
    /* the bits shifted out: the half bit (t - 1) and anything below it */
    int hb = t - 1, hl = hb / 64, hbit = hb % 64;
    bool half = (N[hl] >> hbit) & 1;
    bool below = hbit && (N[hl] & ((1ull << hbit) - 1));
    for (int i = 0; i < hl && !below; i++)
        below = N[i] != 0;
    if (half && (below || (D & 1)))
        D++;
    return D;
}

int nn_fmt17(char *out, double v)
{
    if (isnan(v))
        return sprintf(out, signbit(v) ? "-nan" : "nan");
    if (isinf(v))
        return sprintf(out, v < 0 ? "-inf" : "inf");
    char *o = out;
    if (signbit(v))
        *o++ = '-';
    double a = fabs(v);
    if (a == 0) {
        *o++ = '0';
        *o = '\0';
        return (int)(o - out);
    }
    if (a >= 1e17)
        return snprintf(out, 32, "%.17g", v);
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int be = (int)(bits >> 52);
    uint64_t m = bits & ((1ull << 52) - 1);
    int e;
    if (be) {
        m |= 1ull << 52;
        e = be - 1075;
    } else {
        e = -1074;                      /* subnormal */
    }
    /* the decimal exponent from the binary one (log10(2) ~ 78913 / 2^18, floor division),
     * off by at most one: the loop below corrects it */
    int b2 = be ? be - 1023 : -1011 - __builtin_clzll(m);
    int p = b2 >= 0 ? (b2 * 78913) >> 18 : -((-b2 * 78913 + (1 << 18) - 1) >> 18);
    uint64_t D = 0;
    for (int tries = 0; tries < 4; tries++) {
        if (16 - p < 0)
            return snprintf(out, 32, "%.17g", v);
        D = scaled_digits(m, e, 16 - p);
        if (D >= 100000000000000000ull)
            p++;
        else if (D < 10000000000000000ull)
            p--;
        else
            break;
    }
    if (D == 10000000000000000ull) {
        /* rounded up to 10^16 from below? then v < 10^p, and p - 1 is its exponent
         * unless its 17 digits round up to 10^17 there too */
        uint64_t D2 = scaled_digits(m, e, 17 - p);
        if (D2 < 100000000000000000ull) {
            D = D2;
            p--;
        }
    }
    char dig[17];
    for (int i = 16; i >= 0; i--) {
        dig[i] = (char)('0' + D % 10);
        D /= 10;
    }
    int nd = 17;                        /* %g drops trailing zeros */
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    if (p >= -4 && p < 17) {            /* fixed notation */
        if (p < 0) {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -p - 1; i++)
                *o++ = '0';
            memcpy(o, dig, (size_t)nd);
            o += nd;
        } else {
            int ip = p + 1;             /* digits before the point */
            memcpy(o, dig, (size_t)ip);
            o += ip;
            if (nd > ip) {
                *o++ = '.';
                memcpy(o, dig + ip, (size_t)(nd - ip));
                o += nd - ip;
            }
        }
    } else {                            /* d.ddde+XX */
        *o++ = dig[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)(nd - 1));
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = p < 0 ? '-' : '+';
        int x = p < 0 ? -p : p;
        if (x >= 100)
            *o++ = (char)('0' + x / 100);
        *o++ = (char)('0' + x / 10 % 10);
        *o++ = (char)('0' + x % 10);
    }
    *o = '\0';
    return (int)(o - out);
}

/* [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)? */
static size_t decimal_span(const char *s, size_t n)
{
    size_t i = 0, d = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, d++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            d++;
    if (!d)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1, x = 0;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++, x++;
        if (!x)
            return 0;
        i = j;
    }
    return i;
}

int nn_parse_num(const char *s, size_t n, double *v, bool nonfinite)
{
    if (nonfinite) {
        if (n == 3 && !memcmp(s, "nan", 3)) {
            *v = NAN;
            return 1;
        }
        if ((n == 3 && !memcmp(s, "inf", 3)) || (n == 4 && !memcmp(s, "-inf", 4))) {
            *v = s[0] == '-' ? -INFINITY : INFINITY;
            return 1;
        }
    }
    if (n == 0 || n > 400 || decimal_span(s, n) != n)
        return 0;
    char buf[408];
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    double x = strtod(buf, NULL);
    /* out of the doubles' range: 1e400 (inf) and 1e-400 (0); a denormal reads back exactly */
    if (!isfinite(x) || (errno == ERANGE && x == 0))
        return 0;
    *v = x;
    return 1;
}
