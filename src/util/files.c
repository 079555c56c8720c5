/* files.c: paths, atomic files and CSV numbers (see files.h). */
#include "nnlab/files.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnlab/fmt.h"

void nn_path_join(char *buf, size_t cap, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    if (n && dir[n - 1] == '/')
        snprintf(buf, cap, "%s%s", dir, name);
    else
        snprintf(buf, cap, "%s/%s", dir, name);
}

int nn_csv_fmt(char *out, double v)
{
    if (isnan(v)) {
        memcpy(out, "nan", 3);
        return 3;
    }
    return nn_fmt17(out, v);
}

void nn_csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void nn_csv_num(FILE *f, double v)
{
    char buf[32];
    fwrite(buf, 1, (size_t)nn_csv_fmt(buf, v), f);
}

bool nn_path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int nn_mkdir(const char *path, nn_err *e)
{
    if (mkdir(path, 0777) != 0)   /* a new folder, or an error: never a shared one */
        return nn_err_set(e, NN_EIO, path, "cannot create folder: %s", strerror(errno));
    return NN_OK;
}

int nn_file_open(nn_file *w, const char *path, nn_err *e)
{
    w->f = NULL;
    /* a path cut short would be another file: refuse it whole */
    if (strlen(path) + sizeof ".part" > sizeof w->tmp)
        return nn_err_set(e, NN_EIO, "", "cannot write a file whose path is %zu bytes long "
                          "(at most %zu): %.200s...", strlen(path), sizeof w->tmp - sizeof ".part",
                          path);
    snprintf(w->final, sizeof w->final, "%s", path);
    /* the temporary name sits beside the final one, so rename never crosses devices */
    snprintf(w->tmp, sizeof w->tmp, "%s.part", path);
    /* a fresh file that cannot be a link planted in the folder (analyze writes into run
     * directories it did not create); the rename replaces a link at the final name itself */
    unlink(w->tmp);
    int fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    w->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!w->f) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return nn_err_set(e, NN_EIO, path, "cannot write: %s", strerror(err));
    }
    return NN_OK;
}

int nn_file_commit(nn_file *w, nn_err *e)
{
    if (!w->f)
        return nn_err_set(e, NN_EIO, w->final, "file was not open");
    int bad = ferror(w->f);
    int err = errno;
    if (fclose(w->f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    w->f = NULL;
    if (bad) {
        unlink(w->tmp);
        return nn_err_set(e, NN_EIO, w->final, "write failed: %s", strerror(err));
    }
    if (rename(w->tmp, w->final) != 0) {
        err = errno;
        unlink(w->tmp);
        return nn_err_set(e, NN_EIO, w->final, "cannot rename into place: %s", strerror(err));
    }
    return NN_OK;
}

void nn_file_abort(nn_file *w)
{
    if (w->f) {
        fclose(w->f);
        w->f = NULL;
        unlink(w->tmp);
    }
}

int nn_write_text(const char *path, const char *text, nn_err *e)
{
    nn_file w;
    int rc = nn_file_open(&w, path, e);
    if (rc)
        return rc;
    fputs(text, w.f);
    return nn_file_commit(&w, e);
}
