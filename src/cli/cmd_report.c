/* cmd_report.c: `nnlab report DIR... [--out FILE]`, the page of a run, a sweep, or several
 * runs side by side (docs/report.md). The page itself is src/report's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "nnlab/files.h"
#include "nnlab/names.h"
#include "nnlab/record.h"
#include "nnlab/report.h"

static bool has(const char *dir, const char *name)
{
    char path[PATH_MAX + 64];
    nn_path_join(path, sizeof path, dir, name);
    struct stat st;
    return !lstat(path, &st);
}

int cmd_report(int argc, char **argv)
{
    const char *dirs[256], *out = NULL;
    int n = 0;
    bool quiet = false, no_plots = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "--out", 5) && (a[5] == '=' || a[5] == '\0')) {
            const char *val;
            if (cli_value("report", "--out", a[5] == '=' ? a + 6 : NULL, argc, argv, &i, &val) ||
                cli_once("report", "--out", &out, val))
                return 2;
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--no-plots")) {
            no_plots = true;
        } else if (a[0] == '-') {
            static const char *const known[] = {"--out", "--quiet", "--no-plots"};
            const char *s = nn_suggest(a, known, 3);
            return cli_usage("report", "unknown option \"%s\"%s%s%s (see nnlab report --help)", a,
                             s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        } else if (n < 256) {
            dirs[n++] = a;
        } else {
            return cli_usage("report", "at most 256 directories");
        }
    }
    if (!n)
        return cli_usage("report", "missing DIR (usage: nnlab report DIR... [--out FILE])");
    for (int i = 0; i < n; i++) {
        struct stat st;
        char here[PATH_MAX], there[PATH_MAX];
        for (int k = 0; k < i; k++)   /* a run beside itself is no comparison */
            if (realpath(dirs[i], here) && realpath(dirs[k], there) && !strcmp(here, there))
                return cli_usage("report", "%s and %s are the same directory", dirs[k], dirs[i]);
        if (stat(dirs[i], &st) || !S_ISDIR(st.st_mode))
            return cli_usage("report", "%s: %s", dirs[i],
                             errno == ENOENT || !errno ? "no such directory" : strerror(errno));
        if (!has(dirs[i], "manifest.json") && !has(dirs[i], "sweep.json"))
            return cli_usage("report", "%s: not a run or sweep directory (it has no manifest.json "
                             "or sweep.json)", dirs[i]);
    }
    char page[PATH_MAX + 64];
    if (out) {
        size_t len = strlen(out);
        if (!len || out[len - 1] == '/' ||
            !((len > 5 && !strcmp(out + len - 5, ".html")) || (len > 4 && !strcmp(out + len - 4, ".htm"))))
            return cli_usage("report", "--out %s: a page's name ends in .html", out);
        snprintf(page, sizeof page, "%s", out);
    } else if (n == 1) {
        nn_path_join(page, sizeof page, dirs[0], "index.html");
        if (!has(dirs[0], "sweep.json") && nn_rundir_probe(dirs[0]) == 1) {
            fprintf(stderr, "nnlab: %s: a live nnlab process is writing this run; it writes its "
                    "page when it ends (or write one elsewhere with --out FILE.html)\n", dirs[0]);
            return 2;
        }
    } else {
        snprintf(page, sizeof page, "report.html");
    }
    char folder[PATH_MAX + 64];
    snprintf(folder, sizeof folder, "%s", page);
    char *slash = strrchr(folder, '/');
    if (slash)
        slash[slash == folder] = '\0';
    struct stat fst;
    if (slash && (stat(folder, &fst) || !S_ISDIR(fst.st_mode))) {
        fprintf(stderr, "nnlab: %s: no such folder to write the page into\n", folder);
        return 2;
    }
    if (nn_rundir_probe(slash ? folder : ".") == 1) {   /* a live run's folder is its own */
        fprintf(stderr, "nnlab: %s: a live nnlab process is writing this run directory; write "
                "the page elsewhere\n", slash ? folder : ".");
        return 2;
    }
    /* a page replaces only a page: never a user's file */
    struct stat st;
    if (!lstat(page, &st) && (!S_ISREG(st.st_mode) || !nn_report_is_page(page))) {
        fprintf(stderr, "nnlab: %s: exists and is not a page nnlab wrote; nnlab replaces only its "
                "own (choose another --out)\n", page);
        return 2;
    }
    nn_report_opts ro = {.gnuplot = getenv("NNLAB_GNUPLOT"), .no_figures = no_plots};
    char note[300];
    nn_err e = {0};
    if (nn_report_write(dirs, n, page, &ro, note, sizeof note, &e))
        return cli_fail(&e);
    if (!quiet) {
        if (note[0])
            fprintf(stderr, "nnlab: note: %s\n", note);
        fprintf(stderr, "nnlab: the page is %s\n", page);
    }
    return 0;
}
