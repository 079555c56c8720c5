/* t.h: the smallest test harness that can fail.
 *
 * T_CHECK records a failure with file:line and goes on; a test program ends with
 * T_DONE(), which prints one line ("test_rng: 40 checks, 0 failed") and returns a
 * nonzero status when anything failed, so `make check` sees it.
 */
#ifndef NNLAB_T_H
#define NNLAB_T_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int t_checks, t_failed;

#define T_CHECK(cond, ...)                                                   \
    do {                                                                     \
        t_checks++;                                                          \
        if (!(cond)) {                                                       \
            t_failed++;                                                      \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, \
                    #cond);                                                  \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
        }                                                                    \
    } while (0)

/* exact equality of doubles, NaN-safe, printing both with 17 digits */
#define T_EQ(a, b)                                                             \
    do {                                                                       \
        double t_a_ = (a), t_b_ = (b);                                         \
        T_CHECK(t_a_ == t_b_ || (isnan(t_a_) && isnan(t_b_)), "%.17g != %.17g", \
                t_a_, t_b_);                                                   \
    } while (0)

#define T_NEAR(a, b, tol)                                                         \
    do {                                                                          \
        double t_a_ = (a), t_b_ = (b);                                            \
        T_CHECK(fabs(t_a_ - t_b_) <= (tol), "%.17g vs %.17g (tol %g)", t_a_, t_b_, \
                (double)(tol));                                                   \
    } while (0)

#define T_DONE(name)                                                             \
    (printf("%s: %d checks, %d failed\n", (name), t_checks, t_failed), t_failed != 0)

#endif
