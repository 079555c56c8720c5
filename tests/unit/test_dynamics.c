/* test_dynamics: the oscillation study's direction flips and the neuron_rank study's three
 * rankings on small hand-made cases whose answers are worked out in the comments. */
#include "nnlab/study.h"
#include "t.h"

static void ranks(const double *W, size_t rows, size_t cols, nn_rank_method m, const int *want,
                  const char *what)
{
    int got[8];
    nn_err e;
    T_CHECK(nn_rank_rows(W, rows, cols, m, got, &e) == NN_OK, "%s", e.msg);
    for (size_t i = 0; i < rows; i++)
        T_CHECK(got[i] == want[i], "%s: row %zu ranked %d, want %d", what, i, got[i], want[i]);
}

int main(void)
{
    /* six recorded epochs of three weights:
     *   w0: 0 1 2 1 1 2  steps + + - 0 +  signs 1 1 -1 0 1  flips at rows 2..5: 0 1 1 1
     *   w1: 5 5 5 5 5 5  no step ever: sign 0 throughout, no flip
     *   w2: 0 -1 0 -1 0 -1  alternating: a flip at every row */
    const double traj[6][3] = {{0, 5, 0}, {1, 5, -1}, {2, 5, 0}, {1, 5, -1}, {1, 5, 0}, {2, 5, -1}};
    unsigned char f[3 * 4];
    nn_direction_flips(&traj[0][0], 6, 3, f);
    const unsigned char want[3][4] = {{0, 1, 1, 1}, {0, 0, 0, 0}, {1, 1, 1, 1}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            T_CHECK(f[i * 4 + j] == want[i][j], "weight %d, step %d: flip %d, want %d", i, j,
                    f[i * 4 + j], want[i][j]);
    /* a step to zero and back is two flips: zero is a sign of its own (notebook 000) */
    const double z[4][1] = {{0}, {1}, {1}, {2}};
    unsigned char fz[2];
    nn_direction_flips(&z[0][0], 4, 1, fz);
    T_CHECK(fz[0] == 1 && fz[1] == 1, "+, 0, + flips twice: %d %d", fz[0], fz[1]);

    /* mean |w|: rows (1, -2), (0.5, 0.5), (-3, 0) have means 1.5, 0.5, 1.5; the tie between
     * rows 0 and 2 goes to the smaller max |w| (2 < 3) */
    const double A[] = {1, -2, 0.5, 0.5, -3, 0};
    ranks(A, 3, 2, NN_RANK_MEAN, (const int[]){1, 0, 2}, "mean");
    ranks(A, 3, 2, NN_RANK_MAX, (const int[]){1, 0, 2}, "max");
    /* max |w| tie: rows (1, 2) and (2, 1) both have max 2: the lower index ranks lower */
    const double B[] = {1, 2, 2, 1, 0, 0};
    ranks(B, 3, 2, NN_RANK_MAX, (const int[]){1, 2, 0}, "max with a tie");
    /* mean percentile: sorted |w| 0 0 1 1 2 2 (n = 6); equal values take the percentile of
     * the last of them: 0 -> 100*1/6, 1 -> 100*3/6, 2 -> 100*5/6. Rows 0 and 1 both have
     * mean 66.7 and max 83.3, so index decides; row 2 is least important. */
    ranks(B, 3, 2, NN_RANK_MEAN_PERCENT, (const int[]){1, 2, 0}, "mean-percent with ties");
    /* mean and mean-percent can disagree. Rows (10, 0, 0), (1, 1, 1), (0.5, 0.5, 0.5): mean
     * |w| 3.33, 1, 0.5 ranks them 2, 1, 0. Sorted |w| 0 0 .5 .5 .5 1 1 1 10 (n = 9) give
     * percentiles 0 -> 11.1, 0.5 -> 44.4, 1 -> 77.8, 10 -> 88.9, so the rows' mean
     * percentiles are 37.0, 77.8, 44.4: ranks 0, 2, 1 (the outlier row drops to the bottom) */
    const double C[] = {10, 0, 0, 1, 1, 1, 0.5, 0.5, 0.5};
    ranks(C, 3, 3, NN_RANK_MEAN, (const int[]){2, 1, 0}, "mean, outlier row");
    ranks(C, 3, 3, NN_RANK_MEAN_PERCENT, (const int[]){0, 2, 1}, "mean-percent, outlier row");
    ranks(C, 3, 3, NN_RANK_MAX, (const int[]){2, 1, 0}, "max, outlier row");
    return T_DONE("test_dynamics");
}
