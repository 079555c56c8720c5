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
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nnlab/fmt.h"
#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/record.h"

static bool only_lock(const char *dir);

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

/* Does dir hold nothing but the lock file? */
static bool only_lock(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *ent;
    bool only = true;
    while ((ent = readdir(d)))
        if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..") &&
            strcmp(ent->d_name, NN_RUN_LOCK_FILE)) {
            only = false;
            break;
        }
    closedir(d);
    return only;
}

/* What a folder's manifest.json says of it. */
enum manifest_kind { NOT_A_RUN, A_RUN, UNREADABLE };

/* An nnlab run directory holds a manifest.json that is a regular file (not a link) and a
 * JSON object naming nnlab_version and spec_sha256: a web app's manifest is not one. A
 * manifest that exists but cannot be read (too large, not ours to read, a FIFO) is neither:
 * why goes into why. status, host and pid (when not NULL) receive the manifest's. */
static enum manifest_kind read_manifest(const char *dir, char *why, size_t cap, char *status,
                                        char *host, long *pid)
{
    char m[4200];
    nn_path_join(m, sizeof m, dir, "manifest.json");
    struct stat st;
    if (lstat(m, &st) != 0)
        return NOT_A_RUN;
    if (S_ISLNK(st.st_mode))
        return NOT_A_RUN;
    size_t n;
    nn_err e;
    char *buf = nn_read_file(m, NN_MANIFEST_MAX_BYTES, "manifest", &n, &e);
    if (!buf) {
        snprintf(why, cap, "%s", e.msg);
        return UNREADABLE;
    }
    cJSON *j = nn_json_parse(buf, n, m, "manifest", &e);   /* as strictly as analyze reads it */
    free(buf);
    bool yes = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "nnlab_version")) &&
               cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "spec_sha256"));
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "status");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "host");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "pid");
    if (status)
        snprintf(status, 32, "%s", cJSON_IsString(s) ? s->valuestring : "");
    if (host)
        snprintf(host, 256, "%s", cJSON_IsString(h) ? h->valuestring : "");
    if (pid)
        *pid = cJSON_IsNumber(p) ? (long)p->valuedouble : 0;
    cJSON_Delete(j);
    return yes ? A_RUN : NOT_A_RUN;
}

/* The run's lock, DIR/.nnlab.lock: a live run (or analyze) holds it with flock for as long
 * as it writes; the kernel releases it when the process ends however it ends, so a lock
 * nobody holds is a run that is over. Returns the descriptor holding it, -1 with errno
 * EWOULDBLOCK when a live process holds it, or -1 with another errno when the lock cannot be
 * taken here (then the manifest's host and pid are the evidence). create: make the file
 * when it is missing (else a missing file is a lock nobody holds: -1, ENOENT). patient: try
 * for 0.2 s, past another process's check that holds it for a moment. */
static int take_lock(const char *dir, bool create, bool patient)
{
    char path[4200];
    nn_path_join(path, sizeof path, dir, NN_RUN_LOCK_FILE);
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (create ? O_CREAT : 0),
                  0666);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    /* another process's check or probe holds it for a moment (flock cannot test without
     * taking): a holder for 0.2 s is a live owner */
    for (int tries = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; tries++) {
        if (errno == EINTR)
            continue;
        int err = errno;
        if (err == EWOULDBLOCK && patient && tries < 20) {
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
            continue;
        }
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* The holder writes "pid host" into the lock file, so a refusal names the live process that
 * holds it (not the manifest's, which may be the old run's). */
static void lock_note(int fd)
{
    char me[256] = "", line[300];
    if (gethostname(me, sizeof me - 1) != 0)
        me[0] = '\0';
    int n = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), me);
    if (ftruncate(fd, 0) == 0 && n > 0)
        (void)!pwrite(fd, line, (size_t)n, 0);
}

/* Is a live process writing dir? From the lock; where locks do not work here, from the
 * manifest: "running" on this host under a pid that is alive. */
static bool in_use(const char *dir, char *who, size_t cap)
{
    char status[32] = "", host[256] = "", why[1024], me[256] = "";
    long pid = 0;
    read_manifest(dir, why, sizeof why, status, host, &pid);
    if (pid > 0)
        snprintf(who, cap, " (pid %ld%s%s, from its manifest)", pid, host[0] ? " on " : "", host);
    else
        who[0] = '\0';
    int fd = take_lock(dir, false, true);
    if (fd >= 0) {
        close(fd);          /* free: nobody writes it */
        return false;
    }
    if (errno == EWOULDBLOCK) {   /* its holder said who it is */
        char path[4200], line[300] = "", hhost[256] = "";
        long hpid = 0;
        nn_path_join(path, sizeof path, dir, NN_RUN_LOCK_FILE);
        int lf = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        ssize_t got = lf >= 0 ? read(lf, line, sizeof line - 1) : -1;
        if (lf >= 0)
            close(lf);
        if (got > 0) {
            line[got] = '\0';
            if (sscanf(line, "%ld %255s", &hpid, hhost) >= 1 && hpid > 0)
                snprintf(who, cap, " (pid %ld%s%s, holding its lock)", hpid,
                         hhost[0] ? " on " : "", hhost);
        }
        return true;
    }
    if (errno == ENOENT)    /* no lock file: a run from before it had one, or none yet */
        return false;
    if (gethostname(me, sizeof me - 1) != 0)
        me[0] = '\0';
    return !strcmp(status, "running") && !strcmp(host, me) && pid > 0 &&
           (kill((pid_t)pid, 0) == 0 || errno == EPERM);
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
    char who[400];
    if (in_use(d, who, sizeof who))
        return nn_err_set(e, NN_EUSAGE, dir, "a live nnlab process is writing this run "
                          "directory%s; nnlab never replaces or rewrites a run while it runs "
                          "(wait for it, or stop it, or write elsewhere with --out)", who);
    if (!force)
        return nn_err_set(e, NN_EUSAGE, dir, "run directory already exists (pass --force to "
                          "replace it, or --out to write elsewhere)");
    char why[1024];
    enum manifest_kind mk = read_manifest(d, why, sizeof why, NULL, NULL, NULL);
    if (mk == UNREADABLE)
        return nn_err_set(e, NN_EUSAGE, dir, "refusing to replace it with --force: its "
                          "manifest.json cannot be read (%s)", why);
    if (mk == NOT_A_RUN && !only_lock(d))
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

/* Remove everything in dir but the lock file. */
static int empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *ent;
    int rc = 0;
    char child[4200];
    while ((ent = readdir(d))) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..") ||
            !strcmp(ent->d_name, NN_RUN_LOCK_FILE))
            continue;
        nn_path_join(child, sizeof child, dir, ent->d_name);
        if (remove_tree(child))
            rc = -1;
    }
    closedir(d);
    return rc;
}

/* The lock file exists but is no file (a folder, a FIFO, a link): the run cannot be locked,
 * and proceeding unlocked would let two writers in. */
static bool lock_damaged(const char *dir)
{
    char path[4200];
    struct stat st;
    nn_path_join(path, sizeof path, dir, NN_RUN_LOCK_FILE);
    return lstat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

static int lock_refused(const char *dir, nn_err *e)
{
    return nn_err_set(e, NN_EUSAGE, dir, "its lock file %s is not a regular file (a folder, "
                      "FIFO or link: damaged?), so no process could lock the run; nothing was "
                      "written (remove it, and run again)", NN_RUN_LOCK_FILE);
}

static int lock_failed(const char *dir, nn_err *e)
{
    char who[400];
    in_use(dir, who, sizeof who);
    return nn_err_set(e, NN_EUSAGE, dir, "a live nnlab process is writing this run directory%s; "
                      "nnlab never replaces or rewrites a run while it runs (wait for it, or "
                      "stop it, or write elsewhere with --out)", who);
}

int nn_rundir_create(const char *dir_in, bool force, int *lock, nn_err *e)
{
    if (lock)
        *lock = -1;
    int rc = nn_rundir_check(dir_in, force, e);
    if (rc)
        return rc;
    char dir[4096];
    nn_rundir_normalize(dir, sizeof dir, dir_in, e);
    struct stat st;
    if (force && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* the old run is replaced in place, under its lock: two --force runs never both
         * take it, and a run that starts meanwhile finds it held */
        int fd = lock ? take_lock(dir, true, true) : -1;
        if (lock && fd < 0 && errno == EWOULDBLOCK)
            return lock_failed(dir_in, e);
        if (lock && fd < 0 && lock_damaged(dir))
            return lock_refused(dir_in, e);
        if (fd >= 0)
            lock_note(fd);
        char why[1024];
        enum manifest_kind k = read_manifest(dir, why, sizeof why, NULL, NULL, NULL);
        bool empty = dir_is_empty(dir) || (fd >= 0 && only_lock(dir));
        if (!empty && k != A_RUN) {       /* it changed since the check */
            if (fd >= 0)
                close(fd);
            return nn_err_set(e, NN_EUSAGE, dir_in, "refusing to replace it with --force: it is "
                              "not an nnlab run directory (no nnlab manifest.json)");
        }
        /* first the manifest says the old run is gone: a replacement killed halfway leaves a
         * run that says "running" with no live holder (killed), never an old "complete" over
         * half its files */
        if (!empty) {
            char mpath[4200], me[256] = "", text[600];
            nn_path_join(mpath, sizeof mpath, dir, "manifest.json");
            if (gethostname(me, sizeof me - 1) != 0)
                me[0] = '\0';
            snprintf(text, sizeof text, "{\"nnlab_version\": \"\", \"spec_sha256\": \"\", "
                     "\"status\": \"running\", \"host\": \"%s\", \"pid\": %ld, \"note\": "
                     "\"the old run is being replaced (nnlab run --force)\"}\n",
                     strpbrk(me, "\"\\") ? "" : me, (long)getpid());
            nn_err ignored;
            if (nn_write_text(mpath, text, &ignored) != 0) {
                int err = errno;
                if (fd >= 0)
                    close(fd);
                return nn_err_set(e, NN_EIO, dir_in, "cannot replace the old run's manifest: %s",
                                  strerror(err));
            }
        }
        if (!empty && empty_dir(dir) != 0) {
            int err = errno;
            if (fd >= 0)
                close(fd);
            return nn_err_set(e, NN_EIO, dir_in, "cannot remove the old run: %s", strerror(err));
        }
        if (lock)
            *lock = fd;
        return NN_OK;
    }
    if (mkdir_parents(dir) != 0)
        return nn_err_set(e, NN_EIO, dir_in, "cannot create parent folders: %s", strerror(errno));
    if (mkdir(dir, 0777) != 0) {
        if (errno == EEXIST)
            return nn_err_set(e, NN_EUSAGE, dir_in, "run directory was created by someone else "
                              "meanwhile");
        return nn_err_set(e, NN_EIO, dir_in, "cannot create run directory: %s", strerror(errno));
    }
    if (lock) {
        *lock = take_lock(dir, true, true);
        if (*lock < 0 && errno == EWOULDBLOCK)   /* a --force run took the new folder first */
            return lock_failed(dir_in, e);
        if (*lock >= 0)
            lock_note(*lock);
    }
    return NN_OK;
}

int nn_rundir_lock(const char *dir, int *lock, nn_err *e)
{
    *lock = take_lock(dir, true, true);
    if (*lock < 0 && errno == EWOULDBLOCK)
        return lock_failed(dir, e);
    if (*lock < 0 && lock_damaged(dir))
        return lock_refused(dir, e);
    if (*lock >= 0)
        lock_note(*lock);
    char who[400];
    if (*lock < 0 && in_use(dir, who, sizeof who))
        return lock_failed(dir, e);
    return NN_OK;
}

void nn_rundir_unlock(int lock)
{
    if (lock >= 0)
        close(lock);
}

int nn_rundir_probe(const char *dir)
{
    int fd = take_lock(dir, false, false);   /* a moment's holder is "held": looked at again */
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    return errno == EWOULDBLOCK ? 1 : -1;
}

void nn_rundir_discard(const char *dir, int lock)
{
    char d[4096], path[4200];
    nn_err ignored;
    if (nn_rundir_normalize(d, sizeof d, dir, &ignored)) {
        nn_rundir_unlock(lock);
        return;
    }
    errno = 0;
    bool only = only_lock(d);
    if (!only && (errno == EMFILE || errno == ENFILE)) {   /* out of descriptors (ulimit -n): */
        nn_rundir_unlock(lock);                            /* the lock's own one frees one */
        lock = -1;
        only = only_lock(d);
    }
    if (!only) {
        nn_rundir_unlock(lock);
        return;
    }
    nn_path_join(path, sizeof path, d, NN_RUN_LOCK_FILE);
    unlink(path);
    nn_rundir_unlock(lock);
    rmdir(d);
}
