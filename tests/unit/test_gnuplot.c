/* test_gnuplot.c: hostile strings through nn_gp_quote into a real gnuplot script run by
 * nn_gnuplot_run. gnuplot runs `backquotes` and system() in expressions, ends a command
 * at a newline, and takes a data file name starting with < or | as a command; none of the
 * strings below may run anything. Needs gnuplot (CI installs gnuplot-nox). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnlab/figure.h"
#include "nnlab/record.h"
#include "t.h"

static const char *const hostile[] = {
    "`touch canary-1`",
    "a' . system('touch canary-2') . 'b",
    "a'\nsystem('touch canary-3')\n'",
    "x\n!touch canary-4\n",
    "<touch canary-5",
    "|touch canary-6",
    "\"; system(\"touch canary-7\"); \"",
    "@x `touch canary-8` $(touch canary-9) \\",
    "''''`touch canary-10`''''",
};
#define N_HOSTILE (int)(sizeof hostile / sizeof *hostile)

static int n_canaries(const char *dir)
{
    int n = 0;
    for (int k = 1; k <= 10; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/canary-%d", dir, k);
        n += access(p, F_OK) == 0;
    }
    return n;
}

int main(void)
{
    char dir[] = "/tmp/nnlab-gp-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[600];
    snprintf(path, sizeof path, "%s/d.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("x,y\n1,2\n2,3\n3,1\n", f);
    fclose(f);

    /* the quoting itself: one line, no control characters, no bare quote */
    char q[512];
    nn_gp_quote(q, sizeof q, "it's\n`x`");
    T_CHECK(!strcmp(q, "'it\xe2\x80\x99s`x`'"), "got %s", q);
    nn_gp_quote(q, 8, "abcdefghij");   /* truncated, still closed */
    T_CHECK(q[0] == '\'' && q[strlen(q) - 1] == '\'' && strlen(q) < 8, "got %s", q);

    for (int i = 0; i < N_HOSTILE; i++) {
        char script[600], qt[512];
        snprintf(script, sizeof script, "%s/s.gp", dir);
        f = fopen(script, "w");
        nn_gp_quote(qt, sizeof qt, hostile[i]);
        fprintf(f, "set terminal pngcairo size 200,150 noenhanced\nset output outfile\n"
                   "set datafile separator ','\n");
        fprintf(f, "set title %s\nset xlabel %s\n", qt, qt);
        fprintf(f, "plot 'd.csv' skip 1 using 1:2 with lines title %s\n", qt);
        fclose(f);
        bool missing = false;
        nn_err e = {0};
        int rc = nn_gnuplot_run(dir, "s.gp", "p.png", &missing, &e);
        T_CHECK(!missing, "gnuplot is needed for this test (apt-get install gnuplot-nox)");
        T_CHECK(rc == 0, "string %d: the script failed: %s", i, e.msg);
        snprintf(path, sizeof path, "%s/p.png", dir);
        struct stat st;
        T_CHECK(stat(path, &st) == 0 && st.st_size > 0, "string %d: no picture", i);
        unlink(path);
        T_CHECK(n_canaries(dir) == 0, "string %d ran a command", i);
    }
    /* nothing ran in the working directory either */
    T_CHECK(n_canaries(".") == 0, "a command ran in the working directory");

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return T_DONE("test_gnuplot");
}
