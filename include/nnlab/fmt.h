/* fmt.h: numbers as text, fast and exact.
 *
 * Every number nnlab writes to a table or summary has 17 significant digits (it reads back
 * to the same double). glibc's printf("%.17g") computes them with general multi-precision
 * code and was a third of the instructions of a run that writes a row per step (notebook
 * 003's alignment run); nn_fmt17 gives the same bytes in a tenth of the time.
 */
#ifndef NNLAB_FMT_H
#define NNLAB_FMT_H

#include <stdbool.h>
#include <stddef.h>

/* v as printf("%.17g", v) writes it ("nan", "-inf", "0.10000000000000001", "1e-05",
 * "-2.5"), into out (at least 32 bytes); returns the length. */
int nn_fmt17(char *out, double v);

/* The n bytes at s as one decimal number ("-2.5", "1e-05", "+.5"; no spaces, hex, or values
 * beyond the doubles' range such as 1e400 and 1e-400), or with nonfinite also "nan", "inf"
 * and "-inf" as nn_fmt17 writes them. 1 with *v set, else 0. */
int nn_parse_num(const char *s, size_t n, double *v, bool nonfinite);

#endif
