/* wide_roofline.c: the matrix products of one training step of make bench's wide case
 * (2 -> 256 -> 256 -> 256 -> 1, batch 1024), each as OpenBLAS's dgemm, timed: the
 * roofline nnlab's whole step is measured against. Built and run by tests/bench/bench.py
 * when Debian's libopenblas-dev is installed:
 *     cc -O2 tests/bench/wide_roofline.c -o wide_roofline -lopenblas && ./wide_roofline T
 * with T threads (openblas_set_num_threads). Prints the median seconds of 15 steps'
 * products (after 3 warm-up steps) as JSON. Not part of `make check`. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double *fill(size_t n)
{
    double *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = (double)((i * 2654435761u) % 1000) / 1000.0 - 0.5;
    return a;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* C (m x n) = A (m x k) B (k x n), row-major, with A or B read transposed */
static void gemm(int ta, int tb, int m, int n, int k, const double *A, const double *B,
                 double *C)
{
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                m, n, k, 1.0, A, ta ? m : k, B, tb ? k : n, 0.0, C, n);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    openblas_set_num_threads(threads);
    enum { B = 1024, L = 4 };
    const int w[L + 1] = {2, 256, 256, 256, 1};
    double *W[L], *H[L + 1], *E[L + 1], *dW[L], *D[L + 1];
    H[0] = fill((size_t)w[0] * B);
    for (int l = 0; l < L; l++) {
        W[l] = fill((size_t)w[l + 1] * w[l]);
        dW[l] = fill((size_t)w[l + 1] * w[l]);
        H[l + 1] = fill((size_t)w[l + 1] * B);
        E[l + 1] = fill((size_t)w[l + 1] * B);
        D[l + 1] = fill((size_t)w[l + 1] * B);
    }
    double t[18];
    for (int r = 0; r < 18; r++) {
        double t0 = now();
        for (int l = 0; l < L; l++)             /* forward: Z = W H */
            gemm(0, 0, w[l + 1], B, w[l], W[l], H[l], H[l + 1]);
        for (int l = L - 1; l >= 0; l--) {
            gemm(0, 1, w[l + 1], w[l], B, E[l + 1], H[l], dW[l]);   /* dW = E H^T */
            if (l > 0)
                gemm(1, 0, w[l], B, w[l + 1], W[l], E[l + 1], D[l]); /* D = W^T E */
        }
        t[r] = now() - t0;
    }
    qsort(t + 3, 15, sizeof *t, cmp);
    printf("{\"threads\": %d, \"seconds\": %.9f}\n", threads, t[3 + 7]);
    return 0;
}
