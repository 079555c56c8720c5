/* gnuplot.c: running gnuplot on a script, without a shell (see figure.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nnlab/figure.h"
#include "nnlab/record.h"

void nn_gp_quote(char *buf, size_t cap, const char *s)
{
    size_t k = 0;
    if (cap < 3) {
        if (cap)
            buf[0] = '\0';
        return;
    }
    buf[k++] = '\'';
    for (; *s && k + 4 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f)
            continue;                    /* a newline would end the command */
        if (ch == '\'') {
            /* gnuplot 5.4 reads '' as a quote inside '...' but not at the start or twice
             * in a row; a typographic apostrophe (U+2019) always reads */
            buf[k++] = (char)0xe2;
            buf[k++] = (char)0x80;
            buf[k++] = (char)0x99;
            continue;
        }
        buf[k++] = (char)ch;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
}

int nn_gnuplot_run(const char *dir, const char *script, const char *png, bool *missing,
                   nn_err *e)
{
    const char *prog = getenv("NNLAB_GNUPLOT");
    if (!prog || !*prog)
        prog = "gnuplot";
    *missing = false;
    char part[600], quoted[700], def[800], log[4200];
    snprintf(part, sizeof part, "%s.part", png);
    nn_gp_quote(quoted, sizeof quoted, part);
    snprintf(def, sizeof def, "outfile=%s", quoted);
    nn_path_join(log, sizeof log, dir, "gnuplot.log");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return nn_err_set(e, NN_ERUN, script, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        int fd = open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND, 0666);
        int nul = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (nul >= 0)
            dup2(nul, 0);
        execlp(prog, prog, "-e", def, script, (char *)NULL);
        _exit(errno == ENOENT ? 127 : 126);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return nn_err_set(e, NN_ERUN, script, "lost track of gnuplot: %s", strerror(errno));
    char full_part[4200], full_png[4200];
    nn_path_join(full_part, sizeof full_part, dir, part);
    nn_path_join(full_png, sizeof full_png, dir, png);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        *missing = true;
        unlink(log);
        return nn_err_set(e, NN_ERUN, prog, "gnuplot not found");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(full_part);
        return nn_err_set(e, NN_ERUN, script, "gnuplot failed (see gnuplot.log in the run "
                          "directory)");
    }
    if (rename(full_part, full_png) != 0)
        return nn_err_set(e, NN_ERUN, png, "gnuplot wrote no image");
    /* a clean run leaves no log behind */
    struct stat st;
    if (stat(log, &st) == 0 && st.st_size == 0)
        unlink(log);
    return NN_OK;
}
