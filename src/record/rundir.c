/* rundir.c: run directories (see record.h). */
#define _XOPEN_SOURCE 700   /* realpath */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnlab/fmt.h"
#include "nnlab/record.h"

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

/* An nnlab run directory holds a manifest.json that is a regular file (not a link) and a
 * JSON object naming nnlab_version and spec_sha256: a web app's manifest is not one. */
static bool is_nnlab_run(const char *dir)
{
    char m[4200];
    nn_path_join(m, sizeof m, dir, "manifest.json");
    struct stat st;
    if (lstat(m, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20))
        return false;
    FILE *f = fopen(m, "rb");
    if (!f)
        return false;
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!buf)
        return false;
    buf[n] = '\0';
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    bool yes = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "nnlab_version")) &&
               cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "spec_sha256"));
    cJSON_Delete(j);
    return yes;
}

int nn_rundir_normalize(char *out, size_t cap, const char *dir, nn_err *e)
{
    size_t n = strlen(dir);
    if (n == 0)
        return nn_err_set(e, NN_EUSAGE, "--out", "the run directory name is empty");
    if (n >= 3000 || n >= cap)
        return nn_err_set(e, NN_EUSAGE, "--out", "the run directory path is too long (%zu "
                          "bytes)", n);
    memcpy(out, dir, n + 1);
    while (n > 1 && out[n - 1] == '/')      /* "runs/x/" is "runs/x": never follow a link */
        out[--n] = '\0';
    const char *last = strrchr(out, '/');
    last = last ? last + 1 : out;
    if (!strcmp(out, "/") || !strcmp(last, ".") || !strcmp(last, ".."))
        return nn_err_set(e, NN_EUSAGE, dir, "cannot be a run directory (name a new folder, "
                          "such as runs/NAME)");
    return NN_OK;
}

int nn_rundir_check(const char *dir, bool force, nn_err *e)
{
    char d[4096];
    int rc = nn_rundir_normalize(d, sizeof d, dir, e);
    if (rc)
        return rc;
    struct stat st;
    if (lstat(d, &st) != 0)
        return NN_OK;
    if (!S_ISDIR(st.st_mode))
        return nn_err_set(e, NN_EUSAGE, dir, "exists and is not a directory%s",
                          S_ISLNK(st.st_mode) ? " (a symbolic link is never replaced)" : "");
    if (!force)
        return nn_err_set(e, NN_EUSAGE, dir, "run directory already exists (pass --force to "
                          "replace it, or --out to write elsewhere)");
    if (!is_nnlab_run(d) && !dir_is_empty(d))
        return nn_err_set(e, NN_EUSAGE, dir, "refusing to replace it with --force: it is not "
                          "an nnlab run directory (no nnlab manifest.json)");
    /* never the folder we stand in, nor one of its parents */
    char *real = realpath(d, NULL), *cwd = getcwd(NULL, 0);
    bool contains_cwd = false;
    if (real && cwd) {
        size_t k = strlen(real);
        contains_cwd = !strncmp(cwd, real, k) && (cwd[k] == '\0' || cwd[k] == '/' ||
                                                  !strcmp(real, "/"));
    }
    free(real);
    free(cwd);
    if (contains_cwd)
        return nn_err_set(e, NN_EUSAGE, dir, "refusing to replace it with --force: it contains "
                          "the current directory");
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

int nn_rundir_create(const char *dir_in, bool force, nn_err *e)
{
    int rc = nn_rundir_check(dir_in, force, e);
    if (rc)
        return rc;
    char dir[4096];
    nn_rundir_normalize(dir, sizeof dir, dir_in, e);
    struct stat st;
    if (force && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && dir_is_empty(dir))
        return NN_OK;   /* an empty folder is used as it is (nnlab sweep claims points so) */
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

