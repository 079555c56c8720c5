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

/* v as printf("%.17g", v) writes it ("nan", "-inf", "0.10000000000000001", "1e-05",
 * "-2.5"), into out (at least 32 bytes); returns the length. */
int nn_fmt17(char *out, double v);

#endif
