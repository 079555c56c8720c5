/* rundir.c: run directories and atomic files (see record.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnlab/record.h"

void nn_path_join(char *buf, size_t cap, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    if (n && dir[n - 1] == '/')
        snprintf(buf, cap, "%s%s", dir, name);
    else
        snprintf(buf, cap, "%s/%s", dir, name);
}

bool nn_path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static bool dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *ent;
    bool empty = true;
    while ((ent = readdir(d)))
        if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..")) {
            empty = false;
            break;
        }
    closedir(d);
    return empty;
}

int nn_rundir_check(const char *dir, bool force, nn_err *e)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
        return NN_OK;
    if (!S_ISDIR(st.st_mode))
        return nn_err_set(e, NN_EUSAGE, dir, "exists and is not a directory");
    if (!force)
        return nn_err_set(e, NN_EUSAGE, dir, "run directory already exists (pass --force to "
                          "replace it, or --out to write elsewhere)");
    char m[4200];
    nn_path_join(m, sizeof m, dir, "manifest.json");
    if (!nn_path_exists(m) && !dir_is_empty(dir))
        return nn_err_set(e, NN_EUSAGE, dir, "refusing to replace it with --force: it is not "
                          "an nnlab run directory (no manifest.json)");
    return NN_OK;
}

/* Remove a tree without following symbolic links. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *ent;
    int rc = 0;
    char child[4200];
    while ((ent = readdir(d))) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        nn_path_join(child, sizeof child, path, ent->d_name);
        if (remove_tree(child))
            rc = -1;
    }
    closedir(d);
    return rc ? rc : rmdir(path);
}

static int mkdir_parents(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

int nn_rundir_create(const char *dir, bool force, nn_err *e)
{
    int rc = nn_rundir_check(dir, force, e);
    if (rc)
        return rc;
    if (force && nn_path_exists(dir) && remove_tree(dir) != 0)
        return nn_err_set(e, NN_EIO, dir, "cannot remove the old run: %s", strerror(errno));
    if (mkdir_parents(dir) != 0)
        return nn_err_set(e, NN_EIO, dir, "cannot create parent folders: %s", strerror(errno));
    if (mkdir(dir, 0777) != 0) {
        if (errno == EEXIST)
            return nn_err_set(e, NN_EUSAGE, dir, "run directory was created by someone else "
                              "meanwhile");
        return nn_err_set(e, NN_EIO, dir, "cannot create run directory: %s", strerror(errno));
    }
    return NN_OK;
}

int nn_mkdir(const char *path, nn_err *e)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return nn_err_set(e, NN_EIO, path, "cannot create folder: %s", strerror(errno));
    return NN_OK;
}

int nn_file_open(nn_file *w, const char *path, nn_err *e)
{
    snprintf(w->final, sizeof w->final, "%s", path);
    /* the temporary name sits beside the final one, so rename never crosses devices */
    snprintf(w->tmp, sizeof w->tmp, "%s.part", path);
    w->f = fopen(w->tmp, "wb");
    if (!w->f)
        return nn_err_set(e, NN_EIO, path, "cannot write: %s", strerror(errno));
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
