/* test_fmt: nn_fmt17 against glibc's printf("%.17g") on a million doubles: random bit
 * patterns over every exponent, values spread evenly in log scale, integers, powers of ten
 * and their neighbours, subnormals, signs, and the values a training run writes. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nnlab/fmt.h"
#include "nnlab/rng.h"
#include "t.h"

static int bad;

static void check(double v)
{
    char a[64], b[64];
    snprintf(a, sizeof a, "%.17g", v);
    int n = nn_fmt17(b, v);
    if (strcmp(a, b) || n != (int)strlen(a)) {
        if (bad++ < 10)
            fprintf(stderr, "%a: printf %s, nn_fmt17 %s\n", v, a, b);
    }
}

int main(void)
{
    nn_rng r;
    nn_rng_seed(&r, 12345);
    long n = 0;
    /* random bit patterns: every exponent, subnormals, nan and inf */
    for (int i = 0; i < 300000; i++, n++) {
        uint64_t bits = ((uint64_t)nn_rng_u32(&r) << 32) | nn_rng_u32(&r);
        double v;
        memcpy(&v, &bits, sizeof v);
        check(v);
    }
    /* evenly in log scale over the range tables hold, both signs */
    for (int i = 0; i < 400000; i++, n++) {
        double v = pow(10.0, -30.0 + 48.0 * nn_rng_random(&r));
        check(i % 2 ? -v : v);
    }
    /* short decimals (many trailing zeros), integers, powers of ten and their neighbours */
    for (int i = 0; i < 100000; i++, n++)
        check((double)(nn_rng_u32(&r) % 100000) / pow(10.0, nn_rng_u32(&r) % 12));
    for (int k = -320; k <= 22; k++) {
        double p = pow(10.0, k);
        check(p);
        check(nextafter(p, 0));
        check(nextafter(p, INFINITY));
        check(p * 5);
        check(-p);
        n += 5;
    }
    /* next to powers of ten, where the exponent is decided by the last bits */
    for (int k = -310; k <= 16; k++) {
        double up = pow(10.0, k), down = up;
        for (int j = 0; j < 40; j++, n += 2) {
            up = nextafter(up, INFINITY);
            down = nextafter(down, 0);
            check(up);
            check(down);
        }
    }
    for (long i = 0; i < 200000; i++, n++)
        check((double)(i * 7919 % 1000003));
    /* what a run writes: losses, weights, rates */
    double special[] = {0.0, -0.0, 1.0, 0.1, 0.5, 1e-4, 1e-5, 9.9999999999999995e-05,
                        0.099999999999999992, 2.220446049250313e-16, 4.9406564584124654e-324,
                        2.2250738585072009e-308, 1.7976931348623157e308, 1e16, 1e17,
                        99999999999999999.0, 9999999999999999.0, 0.30000000000000004,
                        123456789012345678.0, 5e-324, NAN, -NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++, n++)
        check(special[i]);
    T_CHECK(bad == 0, "%d of %ld values differ from printf's %%.17g", bad, n);
    return T_DONE("test_fmt");
}
