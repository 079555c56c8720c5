/* circles_floor.c: the least time notebook 004's circles run (2-3-1 sigmoid net, 2000
 * points, 10000 full-batch epochs) can take on this machine under nnlab's arithmetic rules
 * (float64, correctly rounded division, every batch sum in sample order), measured with
 * nnlab's own kernels. Issue 8 asks for 30x PyTorch on that run; this says how much of the
 * budget the unavoidable parts already use. Built and run by tests/bench/bench.py:
 *     cc -O2 -Iinclude tests/bench/circles_floor.c libnnlab.a -lm -o circles_floor
 * Prints JSON: seconds per 10000 epochs for each part. Not part of `make check`. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nnlab/act.h"

enum { N = 2000, EPOCHS = 10000, PARAMS = 13 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The gradient's 13 sums (3x2 + 3 hidden, 3 + 1 output), each over the 2000 samples in
 * order: the products are independent, the additions of each sum a chain. All 13 chains
 * advance together (four vectors of four), so this is the latency floor of the sums. */
static double ordered_sums(const double *p /* (256, 16) products, sample-major */)
{
    typedef double v4d __attribute__((vector_size(32)));
    v4d a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    for (int s = 0; s < N; s++) {   /* the products of 256 samples reused: they stay in L1 */
        const v4d *q = (const v4d *)(p + 16 * (s % 256));
        a0 += q[0], a1 += q[1], a2 += q[2], a3 += q[3];
    }
    v4d t = (a0 + a1) + (a2 + a3);
    return t[0] + t[1] + t[2] + t[3];
}

int main(void)
{
    double *z = malloc(4 * N * sizeof *z), *h = malloc(4 * N * sizeof *h);
    double *p = aligned_alloc(32, 16 * 256 * sizeof *p);
    for (int i = 0; i < 4 * N; i++)
        z[i] = (double)((i * 2654435761u) % 2001) / 250.0 - 4.0;
    for (int i = 0; i < 16 * 256; i++)
        p[i] = (double)((i * 40503u) % 1000) / 1000.0 - 0.5;
    double sink = 0, t0, t_sig, t_loss, t_sum;

    t0 = now();   /* the four sigmoids of each point: three hidden units and the output */
    for (int e = 0; e < EPOCHS; e++) {
        nn_vsigmoid(h, z, 4 * N);
        sink += h[e % (4 * N)];
    }
    t_sig = now() - t0;
    t0 = now();   /* the binary cross-entropy from the logit, every epoch (metrics.csv) */
    for (int e = 0; e < EPOCHS; e++) {
        nn_vlog1pexp_neg(h, z, N);
        sink += h[e % N];
    }
    t_loss = now() - t0;
    t0 = now();
    for (int e = 0; e < EPOCHS; e++) {
        p[e % (16 * 256)] += 1e-300;
        sink += ordered_sums(p);
    }
    t_sum = now() - t0;
    printf("{\"sigmoids\": %.6f, \"bce\": %.6f, \"ordered_sums\": %.6f, \"total\": %.6f, "
           "\"sink\": %g}\n", t_sig, t_loss, t_sum, t_sig + t_loss + t_sum, sink);
    free(z), free(h), free(p);
    return 0;
}
