/* test_gnuplot.c: the figure layer's scripts. Hostile strings go through the builder (the
 * script's comment, a title, an axis label, a key entry) into a real gnuplot run in every
 * format: gnuplot runs `backquotes` and system() in expressions, ends a command at a
 * newline, and takes a data file name starting with < or | as a command; none of the
 * strings below may run anything, and each format's file must come out whole. A gnuplot
 * that exits 0 after writing half a file leaves no figure. Needs gnuplot (CI installs
 * gnuplot-nox). */
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
    /* only valid UTF-8 reaches a script (an SVG is XML): a Latin-1 byte becomes '?', a cut
     * falls between characters, and "]]>" cannot end an SVG's CDATA */
    nn_gp_quote(q, sizeof q, "temp\xe9rature");
    T_CHECK(!strcmp(q, "'temp?rature'"), "got %s", q);
    nn_gp_quote(q, 7, "\xc3\xa9\xc3\xa9\xc3\xa9");      /* room for 2 of the 3 */
    T_CHECK(!strcmp(q, "'\xc3\xa9\xc3\xa9'"), "got %s", q);
    nn_gp_quote(q, sizeof q, "x ]]> y");
    T_CHECK(!strcmp(q, "'x ]] > y'"), "got %s", q);
    nn_gp_quote(q, sizeof q, "\xed\xa0\x80 \xc0\xaf");   /* a surrogate, an overlong '/' */
    T_CHECK(!strcmp(q, "'???" " ??" "'"), "got %s", q);

    nn_fig_opts all = {.formats = NN_FIG_PNG | NN_FIG_SVG | NN_FIG_PDF};
    static const char *const ext[3] = {"png", "svg", "pdf"};
    for (int i = 0; i < N_HOSTILE; i++) {
        nn_gp g;
        nn_err e = {0};
        T_CHECK(nn_gp_begin(&g, dir, "p", hostile[i], 300, 200, &all, &e) == NN_OK, "%s", e.msg);
        nn_gp_title(&g, hostile[i], hostile[i]);
        fputs("set xlabel ", g.f);
        nn_gp_str(&g, hostile[i]);
        fputs("\nplot 'd.csv' skip 1 using 1:2 with lines title ", g.f);
        nn_gp_str(&g, hostile[i]);
        fputc('\n', g.f);
        T_CHECK(nn_gp_end(&g, &e) == NN_OK, "%s", e.msg);
        bool missing = false;
        char drawn[100];
        int rc = nn_gp_draw(dir, "p", false, &all, &missing, drawn, sizeof drawn, &e);
        T_CHECK(!missing, "gnuplot is needed for this test (apt-get install gnuplot-nox)");
        T_CHECK(rc == 0, "string %d: the script failed: %s", i, e.msg);
        T_CHECK(!strcmp(drawn, "p.png"), "string %d: drew %s first", i, drawn);
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof path, "%s/p.%s", dir, ext[k]);
            struct stat st;
            T_CHECK(stat(path, &st) == 0 && st.st_size > 0, "string %d: no %s", i, ext[k]);
            unlink(path);
        }
        T_CHECK(n_canaries(dir) == 0, "string %d ran a command", i);
    }
    /* a gnuplot that exits 0 after writing part of a PNG (a full disk): no figure */
    snprintf(path, sizeof path, "%s/fake-gnuplot", dir);
    f = fopen(path, "w");
    fputs("#!/bin/sh\n# writes the first bytes of a PNG to the file -e names, exits 0\n"
          "out=$(printf '%s' \"$2\" | sed \"s/.*outfile='\\([^']*\\)'.*/\\1/\")\n"
          "printf '\\211PNG\\r\\n\\032\\n' > \"$out\"\nexit 0\n", f);
    fclose(f);
    chmod(path, 0755);
    {
        nn_fig_opts fake = {.gnuplot = path};
        nn_gp g;
        nn_err e = {0};
        T_CHECK(nn_gp_begin(&g, dir, "q", "half a figure", 300, 200, &fake, &e) == NN_OK, "%s",
                e.msg);
        fputs("plot 'd.csv' skip 1 using 1:2 with lines\n", g.f);
        T_CHECK(nn_gp_end(&g, &e) == NN_OK, "%s", e.msg);
        bool missing = false;
        int rc = nn_gp_draw(dir, "q", false, &fake, &missing, NULL, 0, &e);
        char fig[600], part[600];
        snprintf(fig, sizeof fig, "%s/q.png", dir);
        snprintf(part, sizeof part, "%s/q.png.part", dir);
        T_CHECK(rc == NN_EIO && strstr(e.msg, "no complete figure"), "a half PNG: %d %s", rc,
                e.msg);
        T_CHECK(access(fig, F_OK) != 0 && access(part, F_OK) != 0, "a half PNG is left behind");
    }
    /* nothing ran in the working directory either */
    T_CHECK(n_canaries(".") == 0, "a command ran in the working directory");

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return T_DONE("test_gnuplot");
}
