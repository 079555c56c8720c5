/* cmd_sweep.c: `nnlab sweep`, many runs of one spec (docs/sweep.md).
 *
 * Every point is validated before anything is written. Points run as child processes,
 * `nnlab run SPEC --set ... --out DIR/<point>`, so each is exactly what a solo run makes;
 * a child's output goes to DIR/logs/<point>.log. A point's folder is made under the sweep's
 * lock by mkdir, which fails if it exists, so two sweeps (or two cluster tasks) never
 * write into one. Resuming decides from each point's manifest.json and its run's lock
 * (DIR/<point>/.nnlab.lock, held by a live run): complete or diverged points are done;
 * failed and interrupted ones, and running ones whose run is over (its lock free, or without
 * a lock its process gone from this host), are moved aside (an atomic rename, which only one
 * claimant can win) and run again. A manifest that exists but cannot be read (too large, not
 * ours to read, a FIFO) is never taken for a dead run: the point is "unreadable", said so and
 * left as it is. Children get a process group of their own, so a terminal's Ctrl-C reaches
 * the parent alone, which passes it on exactly once and waits for them.
 */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/record.h"
#include "nnlab/report.h"
#include "nnlab/run.h"
#include "nnlab/sha256.h"
#include "nnlab/spec.h"
#include "nnlab/study.h"
#include "nnlab/sweep.h"

enum state { TODO, DONE, DIVERGED, STALE, BUSY, FAILED, INTERRUPTED, RUNNING, UNREADABLE };
static const char *const state_names[] = {"pending", "complete", "diverged", "stale",
                                          "running elsewhere", "failed", "interrupted",
                                          "running", "unreadable"};

/* What is wrong with an unreadable point: its file and why. */
#define WHY_CAP (PATH_MAX + 2048)

/* The largest sweep.json read back (it lists every point). */
#define SWEEP_JSON_MAX_BYTES ((size_t)1 << 28)

typedef struct opts {
    const char *spec, *out, *emit;
    const char *max_output_arg;   /* as given, passed on to every point */
    double max_output;
    const char *sets[NN_SWEEP_MAX_SETS];
    int n_sets, jobs, throttle;
    long point;
    bool dry_run, fail_fast, quiet, no_plots, no_report;
} opts;

typedef struct sweep_run {
    opts o;
    nn_sweep s;
    char spec_abs[PATH_MAX], dir[PATH_MAX], self[PATH_MAX], host[256];
    char spec_sha[65];     /* of the spec file's bytes: part of the sweep's identity */
    pid_t parent;          /* the sweep process, for its children */
    char **names;          /* (n_points) directory names */
    enum state *state;
    pid_t *pid;            /* running child per point, or 0 */
    time_t *started;
} sweep_run;

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

/* ---- options ------------------------------------------------------------------------------ */

static int parse_opts(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->point = -1;
    o->throttle = 10;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = n > 0 ? (int)n : 1;
    static const char *const known[] = {"--set", "--out", "--jobs", "--dry-run", "--keep-going",
                                        "--fail-fast", "--point", "--emit", "--throttle",
                                        "--quiet", "--no-plots", "--max-output", "--no-report"};
    /* a single-valued option given twice is a mistake, not "the last one wins" */
    static const char *const single[] = {"--out", "--jobs", "--point", "--emit", "--throttle",
                                         "--max-output"};
    const char *seen[sizeof single / sizeof *single] = {NULL};
    const char *mode = NULL;   /* --keep-going or --fail-fast, whichever was given */
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-') {
            if (o->spec)
                return cli_usage("sweep", "one spec at a time (got \"%s\" and \"%s\")", o->spec, arg);
            o->spec = arg;
            continue;
        }
        char name[64];
        const char *eq = strchr(arg, '='), *val = eq ? eq + 1 : NULL;
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
        bool takes = !strcmp(name, "--set") || !strcmp(name, "--out") || !strcmp(name, "--jobs") ||
                     !strcmp(name, "--point") || !strcmp(name, "--emit") ||
                     !strcmp(name, "--throttle") || !strcmp(name, "--max-output");
        bool known_opt = false;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            known_opt |= !strcmp(name, known[k]);
        if (!known_opt) {
            const char *s = nn_suggest(name, known, (int)(sizeof known / sizeof *known));
            return cli_usage("sweep", "unknown option \"%s\"%s%s%s (see nnlab sweep --help)", name,
                             s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        }
        /* a value is never the next option ("--out --help" is an --out without one) */
        if (takes && cli_value("sweep", name, val, argc, argv, &i, &val))
            return 2;
        if (!takes && val)
            return cli_usage("sweep", "%s takes no value", name);
        for (size_t k = 0; k < sizeof single / sizeof *single; k++)
            if (!strcmp(name, single[k]) && cli_once("sweep", name, &seen[k], val))
                return 2;
        if (!strcmp(name, "--keep-going") || !strcmp(name, "--fail-fast")) {
            if (mode && strcmp(mode, name))
                return cli_usage("sweep", "--keep-going and --fail-fast both given: give one");
            mode = argv[i];
        }
        if (!strcmp(name, "--set")) {
            if (cli_set_split(val, i, argc, argv, o->spec != NULL))
                return 2;
            if (o->n_sets >= NN_SWEEP_MAX_SETS)
                return cli_usage("sweep", "at most %d --set options", NN_SWEEP_MAX_SETS);
            o->sets[o->n_sets++] = val;
        } else if (!strcmp(name, "--out")) {
            if (!*val)
                return cli_usage("sweep", "--out needs a directory");
            o->out = val;
        } else if (!strcmp(name, "--jobs") || !strcmp(name, "--throttle")) {
            unsigned long v;
            if (cli_parse_uint("sweep", name, val, 1, 4096, &v))
                return 2;
            *(!strcmp(name, "--jobs") ? &o->jobs : &o->throttle) = (int)v;
        } else if (!strcmp(name, "--point")) {
            unsigned long v;
            if (cli_parse_uint("sweep", name, val, 0, NN_SWEEP_MAX_POINTS - 1, &v))
                return 2;
            o->point = (long)v;
        } else if (!strcmp(name, "--emit")) {
            if (strcmp(val, "slurm") && strcmp(val, "parallel"))
                return cli_usage("sweep", "--emit expects slurm or parallel, got \"%s\"", val);
            o->emit = val;
        } else if (!strcmp(name, "--max-output")) {
            int rc = cli_parse_size("sweep", val, &o->max_output);
            if (rc)
                return rc;
            o->max_output_arg = val;
        } else if (!strcmp(name, "--dry-run")) {
            o->dry_run = true;
        } else if (!strcmp(name, "--fail-fast")) {
            o->fail_fast = true;
        } else if (!strcmp(name, "--keep-going")) {
            o->fail_fast = false;
        } else if (!strcmp(name, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(name, "--no-plots")) {
            o->no_plots = true;
        } else if (!strcmp(name, "--no-report")) {
            o->no_report = true;
        }
    }
    if (!o->spec)
        return cli_usage("sweep", "missing SPEC.json (usage: nnlab sweep SPEC.json --set PATH=LIST "
                         "... [--out DIR])");
    if (o->emit && o->point >= 0)
        return cli_usage("sweep", "--emit writes the scripts that run the points; it does not "
                         "take --point");
    return 0;
}

/* ---- point states --------------------------------------------------------------------------- */

static bool pid_alive(long pid)
{
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* What DIR/<name> holds. An UNREADABLE point's why (cap bytes) says what is wrong, naming
 * the file. The run's lock (nn_rundir_probe) says whether a live process writes the point,
 * on any host that shares the file system; only without one (a run from before the lock, or
 * a file system without locks) does the manifest's host and pid decide. */
static enum state point_state(const sweep_run *w, long k, char *why, size_t cap)
{
    char path[PATH_MAX + 300], mpath[PATH_MAX + 320];
    snprintf(path, sizeof path, "%s/%s", w->dir, w->names[k]);
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return TODO;
        snprintf(why, cap, "%s: cannot look at the point's folder: %s", path, strerror(errno));
        return UNREADABLE;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(why, cap, "%s: is not a folder, so the point cannot run there (move it away)",
                 path);
        return UNREADABLE;
    }
    snprintf(mpath, sizeof mpath, "%s/manifest.json", path);
    size_t n;
    nn_err e;
    char *text = nn_read_file(mpath, NN_MANIFEST_MAX_BYTES, "manifest", &n, &e);
    if (!text && errno == ENOENT) {
        /* being created right now, or a run killed before its manifest: a live one holds
         * its lock (the probe is taken only once the folder is old, so it never stands in
         * the way of a run starting in a folder just claimed) */
        if (time(NULL) - st.st_mtime <= 60)
            return BUSY;
        if (nn_rundir_probe(path) == 1)
            return BUSY;
        /* a run writes its manifest first: a folder holding more than its lock file and no
         * manifest holds what nnlab did not write, and is never removed */
        DIR *d = opendir(path);
        struct dirent *de;
        const char *other = NULL;
        char first[256] = "";
        while (d && (de = readdir(d)) && !other)
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
                strcmp(de->d_name, NN_RUN_LOCK_FILE))
                other = first, snprintf(first, sizeof first, "%s", de->d_name);
        if (d)
            closedir(d);
        if (other) {
            snprintf(why, cap, "%s: holds files (%s) but no manifest.json, so it is no run "
                     "nnlab wrote; left as it is (move it away to run the point)", path, first);
            return UNREADABLE;
        }
        return STALE;
    }
    if (!text) {   /* a limit or a permission is no sign of a dead run: never remove it */
        if (nn_rundir_probe(path) == 1)
            return BUSY;
        snprintf(why, cap, "%s: %s", e.where, e.msg);
        return UNREADABLE;
    }
    nn_err pe;
    cJSON *j = nn_json_parse(text, n, mpath, "manifest", &pe);   /* as analyze and collect read it */
    free(text);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "status");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "host");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "pid");
    enum state r;
    if (cJSON_IsString(s) && !strcmp(s->valuestring, "complete")) {
        r = DONE;
    } else if (cJSON_IsString(s) && !strcmp(s->valuestring, "diverged")) {
        r = DIVERGED;
    } else {   /* running, failed, interrupted or unknown: over unless a live process has it */
        int held = nn_rundir_probe(path);
        if (held == 1)
            r = BUSY;
        else if (held == 0 || !cJSON_IsString(s) || strcmp(s->valuestring, "running"))
            r = STALE;
        else   /* no lock to ask: a run of this host whose process is gone is over */
            r = cJSON_IsString(h) && !strcmp(h->valuestring, w->host) && cJSON_IsNumber(p) &&
                        !pid_alive((long)p->valuedouble)
                    ? STALE
                    : BUSY;
    }
    cJSON_Delete(j);
    return r;
}

/* After the run the sweep started in point k's folder ended: a folder it left holding nothing
 * (or nothing but its free lock) is removed, so the next sweep takes the point at once
 * rather than waiting for it to look abandoned. */
static void remove_if_unused(const sweep_run *w, long k)
{
    char dir[PATH_MAX + 300], lock[PATH_MAX + 320];
    snprintf(dir, sizeof dir, "%s/%s", w->dir, w->names[k]);
    if (rmdir(dir) == 0)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    bool only_lock = true;
    struct dirent *de;
    while ((de = readdir(d)))
        only_lock &= !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
                     !strcmp(de->d_name, NN_RUN_LOCK_FILE);
    closedir(d);
    snprintf(lock, sizeof lock, "%s/%s", dir, NN_RUN_LOCK_FILE);
    if (only_lock && nn_rundir_probe(dir) == 0 && unlink(lock) == 0)
        rmdir(dir);
}

static int remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return unlink(path);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char sub[PATH_MAX + 300];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(sub);
        else
            unlink(sub);
    }
    closedir(d);
    return rmdir(path);
}

/* The sweep's lock (DIR/.lock, flock: local and NFS file systems): held while a point's
 * state is read and its folder claimed, and while sweep.json is written, so two tasks
 * never both take a point nor interleave sweep.json. -1 when it cannot be had (then the
 * claim still cannot be won twice: mkdir is atomic). */
static int lock_sweep(const sweep_run *w)
{
    char path[PATH_MAX + 20];
    snprintf(path, sizeof path, "%s/.lock", w->dir);
    /* never a link followed, nor a FIFO or device waited on */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return -1;
    }
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    return fd;
}

static void unlock_sweep(int fd)
{
    if (fd >= 0)
        close(fd);   /* closing releases the flock */
}

/* Take point k: under the lock, look at it afresh; when it is to do, create its (empty)
 * folder, moving a stale one aside first. TODO when this process now owns the folder (the
 * run it starts fills it, with --force), else the state that keeps it from running (why
 * says what is wrong with an UNREADABLE one). */
static enum state claim(const sweep_run *w, long k, char *why, size_t cap)
{
    char dir[PATH_MAX + 300], aside[PATH_MAX + 340];
    snprintf(dir, sizeof dir, "%s/%s", w->dir, w->names[k]);
    snprintf(aside, sizeof aside, "%s/.stale-%ld-%s", w->dir, (long)getpid(), w->names[k]);
    int fd = lock_sweep(w);
    enum state s = point_state(w, k, why, cap);
    bool moved = false;
    if (s == STALE) {
        moved = rename(dir, aside) == 0;
        s = moved ? TODO : BUSY;
    }
    if (s == TODO && mkdir(dir, 0777) != 0)
        s = errno == EEXIST ? BUSY : FAILED;
    unlock_sweep(fd);
    if (moved)
        remove_tree(aside);
    return s;
}

/* What the run of point k, started by this process, left once it exited with code. */
static enum state ended(const sweep_run *w, long k, int code)
{
    char why[WHY_CAP];
    enum state s = point_state(w, k, why, sizeof why);
    if (code == 0 || s == DONE)
        return DONE;
    if (s == DIVERGED)
        return DIVERGED;
    if (code == 128 + SIGINT || code == 128 + SIGTERM || code == 128 + SIGHUP)
        return INTERRUPTED;
    return FAILED;
}

/* ---- sweep.json and the scripts ---------------------------------------------------------- */

static cJSON *sweep_json(const sweep_run *w, bool with_state)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "nnlab_version", NNLAB_VERSION);
    cJSON_AddStringToObject(j, "spec", w->spec_abs);
    cJSON_AddStringToObject(j, "spec_sha256", w->spec_sha);
    cJSON *sets = cJSON_AddArrayToObject(j, "sets");
    for (int i = 0; i < w->o.n_sets; i++)
        cJSON_AddItemToArray(sets, cJSON_CreateString(w->o.sets[i]));
    cJSON *fixed = cJSON_AddArrayToObject(j, "fixed");
    for (int i = 0; i < w->s.n_fixed; i++)
        cJSON_AddItemToArray(fixed, cJSON_CreateString(w->s.fixed[i]));
    cJSON *axes = cJSON_AddArrayToObject(j, "axes");
    for (int a = 0; a < w->s.n_axes; a++) {
        cJSON *ax = cJSON_CreateObject();
        cJSON_AddStringToObject(ax, "path", w->s.axes[a].path);
        cJSON *vals = cJSON_AddArrayToObject(ax, "values");
        for (int v = 0; v < w->s.axes[a].n; v++)
            cJSON_AddItemToArray(vals, cJSON_CreateString(w->s.axes[a].values[v]));
        cJSON_AddItemToArray(axes, ax);
    }
    cJSON_AddStringToObject(j, "order", "the first axis varies slowest, the last fastest");
    cJSON_AddNumberToObject(j, "n_points", (double)w->s.n_points);
    if (!with_state)
        return j;
    cJSON *pts = cJSON_AddArrayToObject(j, "points");
    for (long k = 0; k < w->s.n_points; k++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "index", (double)k);
        cJSON_AddStringToObject(p, "dir", w->names[k]);
        char bufs[NN_SWEEP_MAX_AXES][512];
        const char *ps[NN_SWEEP_MAX_SETS + NN_SWEEP_MAX_AXES];
        int n = nn_sweep_sets(&w->s, k, bufs, ps);
        cJSON *ss = cJSON_AddArrayToObject(p, "sets");
        for (int i = w->s.n_fixed; i < n; i++)
            cJSON_AddItemToArray(ss, cJSON_CreateString(ps[i]));
        cJSON_AddStringToObject(p, "status", state_names[w->state[k]]);
        cJSON_AddItemToArray(pts, p);
    }
    return j;
}

/* Write sweep.json under the sweep's lock. A --point task records its own point only: the
 * others keep the status the file gives them then, so tasks running at once (a Slurm array,
 * GNU parallel) each record their own point without undoing the others'. A sweep.json that
 * exists but cannot be read is left as it is (an error). */
static int write_sweep_json(const sweep_run *w, nn_err *e)
{
    char path[PATH_MAX + 20];
    snprintf(path, sizeof path, "%s/sweep.json", w->dir);
    cJSON *j = sweep_json(w, true);
    int fd = lock_sweep(w);
    int rc = NN_OK;
    if (w->o.point >= 0) {
        size_t n;
        nn_err re;
        char *old_text = nn_read_file(path, SWEEP_JSON_MAX_BYTES, "sweep file", &n, &re);
        if (!old_text && errno != ENOENT)
            rc = nn_err_set(e, NN_EIO, re.where, "%s; sweep.json was not updated", re.msg);
        cJSON *old = old_text ? cJSON_ParseWithLength(old_text, n) : NULL;
        free(old_text);
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(old, "points");
        const cJSON *np = cJSON_GetObjectItemCaseSensitive(j, "points");
        const cJSON *o = cJSON_IsArray(op) ? op->child : NULL;
        cJSON *q = np ? np->child : NULL;
        for (long k = 0; o && q; k++, o = o->next, q = q->next) {
            const cJSON *od = cJSON_GetObjectItemCaseSensitive(o, "dir");
            const cJSON *os = cJSON_GetObjectItemCaseSensitive(o, "status");
            if (k != w->o.point && cJSON_IsString(od) && !strcmp(od->valuestring, w->names[k]) &&
                cJSON_IsString(os))
                cJSON_ReplaceItemInObjectCaseSensitive(q, "status",
                                                       cJSON_CreateString(os->valuestring));
        }
        cJSON_Delete(old);
    }
    char *text = rc ? NULL : nn_json_print(j, NN_JSON_SHORTEST);
    cJSON_Delete(j);
    if (!rc)
        rc = text ? nn_write_text(path, text, e) : nn_err_set(e, NN_ENOMEM, "", "out of memory");
    unlock_sweep(fd);
    free(text);
    return rc;
}

/* The sweep's identity: what makes two sweep commands the same sweep. */
static char *identity(const sweep_run *w)
{
    cJSON *j = sweep_json(w, false);
    cJSON_DeleteItemFromObjectCaseSensitive(j, "nnlab_version");
    char *t = nn_json_print(j, NN_JSON_SHORTEST);
    cJSON_Delete(j);
    return t;
}

/* DIR must be new, empty, or this same sweep's. */
static int prepare_dir(sweep_run *w, nn_err *e)
{
    struct stat st;
    char path[PATH_MAX + 20];
    if (stat(w->dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nn_err_set(e, NN_EUSAGE, w->dir, "exists and is not a directory");
        snprintf(path, sizeof path, "%s/sweep.json", w->dir);
        size_t n;
        char *text = nn_read_file(path, SWEEP_JSON_MAX_BYTES, "sweep file", &n, e);
        if (!text && errno != ENOENT) {   /* a FIFO, not ours to read, too large: say so */
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            return nn_err_set(e, NN_EUSAGE, path, "%s, so what the sweep directory holds is "
                              "unknown; nothing was run or removed (make it a readable file "
                              "again, or choose another --out)", msg);
        }
        if (!text) {
            /* empty, or what another task of this sweep is creating right now */
            DIR *d = opendir(w->dir);
            struct dirent *de;
            int entries = 0;
            while (d && (de = readdir(d))) {
                const char *nm = de->d_name;
                bool ours = !strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, "logs") ||
                            !strcmp(nm, ".lock") || !strncmp(nm, "sweep.json", 10) ||
                            !strncmp(nm, ".stale-", 7) || !strncmp(nm, "index.html", 10);
                for (long k = 0; k < w->s.n_points && !ours; k++)
                    ours = !strcmp(nm, w->names[k]);
                entries += !ours;
            }
            if (d)
                closedir(d);
            if (entries)
                return nn_err_set(e, NN_EUSAGE, w->dir, "exists and is not a sweep directory "
                                  "(no sweep.json); choose another --out");
        } else {
            nn_err pe;
            cJSON *old = nn_json_parse(text, n, path, "sweep file", &pe);
            free(text);
            if (!old) {   /* damaged: say so, never "a different sweep" */
                *e = pe;
                nn_err_set(e, NN_EUSAGE, pe.where, "%s: this sweep.json is damaged (empty, cut "
                           "short or edited); nothing was run or removed", pe.msg);
                return NN_EUSAGE;
            }
            cJSON_DeleteItemFromObjectCaseSensitive(old, "nnlab_version");
            cJSON_DeleteItemFromObjectCaseSensitive(old, "points");
            char *a = old ? nn_json_print(old, NN_JSON_SHORTEST) : NULL, *b = identity(w);
            bool same = a && b && !strcmp(a, b);
            cJSON_Delete(old);
            free(a);
            free(b);
            if (!same)
                return nn_err_set(e, NN_EUSAGE, w->dir, "holds a different sweep (another spec, "
                                  "the spec edited since, or other --set values); choose another "
                                  "--out");
        }
    } else {
        nn_err made;
        if (nn_rundir_create(w->dir, false, NULL, &made) && !(stat(w->dir, &st) == 0 && S_ISDIR(st.st_mode)))
            return nn_err_set(e, NN_EIO, w->dir, "cannot create the sweep directory: %s",
                              made.msg);
    }
    snprintf(path, sizeof path, "%s/logs", w->dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return nn_err_set(e, NN_EIO, path, "cannot create: %s", strerror(errno));
    return NN_OK;
}

/* s as one shell word: single-quoted unless it is plain (sh takes a newline inside single
 * quotes as it is). */
static void shell_word(FILE *f, const char *s)
{
    bool plain = *s;
    for (const char *c = s; *c && plain; c++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=,:+@%", *c);
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (const char *c = s; *c; c++)
        if (*c == '\'')
            fputs("'\\''", f);
        else
            fputc(*c, f);
    fputc('\'', f);
}

/* The first control character in s (a byte below 0x20, or DEL), or 0. */
static int control_char(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return *c;
    return 0;
}

/* s as one shell word on one line, for a comment or a command shown to copy: as shell_word,
 * but a control character (a newline would end the comment, or run what follows it when
 * pasted) makes it bash's $'...' with \n, \t and \xHH. */
static void line_word(FILE *f, const char *s)
{
    if (!control_char(s)) {
        shell_word(f, s);
        return;
    }
    fputs("$'", f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '\\' || *c == '\'')
            fprintf(f, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", f);
        else if (*c == '\t')
            fputs("\\t", f);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(f, "\\x%02x", *c);
        else
            fputc(*c, f);
    }
    fputc('\'', f);
}

/* --emit slurm: sbatch reads its script line by line (the #SBATCH lines up to the first
 * command) and refuses one with a carriage return before a newline anywhere, even inside
 * quotes; so no path or value going into it may hold a control character. Checked before
 * anything is written: NN_EUSAGE naming the option. */
static int slurm_safe(const sweep_run *w, nn_err *e)
{
    const char *what[NN_SWEEP_MAX_SETS + 3], *val[NN_SWEEP_MAX_SETS + 3];
    int n = 0;
    what[n] = "--out (the sweep directory)", val[n++] = w->dir;
    what[n] = "SPEC (the spec's path)", val[n++] = w->spec_abs;
    what[n] = "the path of the nnlab executable", val[n++] = w->self;
    for (int i = 0; i < w->o.n_sets; i++)
        what[n] = "--set", val[n++] = w->o.sets[i];
    for (int i = 0; i < n; i++) {
        int c = control_char(val[i]);
        if (c)
            return nn_err_set(e, NN_EUSAGE, "sweep", "--emit slurm: %s holds a control character "
                              "(byte 0x%02x%s), which a Slurm batch script cannot carry safely; "
                              "nothing was written (rename it, or use --emit parallel)", what[i], c,
                              c == '\n' ? ", a newline" : c == '\r' ? ", a carriage return" : "");
    }
    return NN_OK;
}

/* "nnlab sweep SPEC --set ... --out DIR" with absolute paths, then the point argument. */
static void sweep_command(FILE *f, const sweep_run *w)
{
    shell_word(f, w->self);
    fputs(" sweep ", f);
    shell_word(f, w->spec_abs);
    for (int i = 0; i < w->o.n_sets; i++) {
        fputs(" --set ", f);
        shell_word(f, w->o.sets[i]);
    }
    fputs(" --out ", f);
    shell_word(f, w->dir);
    if (w->o.no_plots)
        fputs(" --no-plots", f);
    if (w->o.no_report)
        fputs(" --no-report", f);
    if (w->o.max_output_arg) {
        fputs(" --max-output ", f);
        shell_word(f, w->o.max_output_arg);
    }
    fputs(" --quiet --point", f);
}

static int emit(sweep_run *w, nn_err *e)
{
    char path[PATH_MAX + 40];
    nn_file f;
    int rc;
    if (!strcmp(w->o.emit, "slurm")) {
        /* nothing of the user's before the first command but this comment, on one line:
         * sbatch reads the #SBATCH lines up to there */
        snprintf(path, sizeof path, "%s/sweep.sbatch", w->dir);
        if ((rc = nn_file_open(&f, path, e)))
            return rc;
        fprintf(f.f, "#!/bin/sh\n# nnlab: one Slurm array task per point of this sweep (%ld points).\n"
                     "# Submit with: sbatch ", w->s.n_points);
        line_word(f.f, path);
        fprintf(f.f, "\n# Tasks skip points already complete, so "
                     "submitting again resumes.\n#SBATCH --job-name=nnlab-sweep\n"
                     "#SBATCH --array=0-%ld%%%d\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n"
                     "#SBATCH --output=/dev/null\n"
                     "# each task's output goes to DIR/logs, named by the shell (a folder with\n"
                     "# spaces or %% in its name would not survive an #SBATCH line)\nexec >>",
                w->s.n_points - 1, w->o.throttle);
        char logs[PATH_MAX + 40];
        snprintf(logs, sizeof logs, "%s/logs/slurm-", w->dir);
        shell_word(f.f, logs);
        fputs("\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.out\" 2>&1\nexec ", f.f);
        sweep_command(f.f, w);
        fputs(" \"$SLURM_ARRAY_TASK_ID\"\n", f.f);
        if ((rc = nn_file_commit(&f, e)))
            return rc;
        chmod(path, 0755);
        if (!w->o.quiet) {
            printf("wrote %s (%ld array tasks, at most %d at once)\nsubmit it with:\n  sbatch ",
                   path, w->s.n_points, w->o.throttle);
            line_word(stdout, path);
            fputs("\nthen, when the tasks are done:\n  nnlab collect ", stdout);
            line_word(stdout, w->dir);
            putchar('\n');
        }
        return NN_OK;
    }
    snprintf(path, sizeof path, "%s/points.txt", w->dir);
    if ((rc = nn_file_open(&f, path, e)))
        return rc;
    for (long k = 0; k < w->s.n_points; k++)
        fprintf(f.f, "%ld\n", k);
    if ((rc = nn_file_commit(&f, e)))
        return rc;
    char script[PATH_MAX + 40];
    snprintf(script, sizeof script, "%s/parallel.sh", w->dir);
    if ((rc = nn_file_open(&f, script, e)))
        return rc;
    /* GNU parallel replaces {}, {.}, {/}, {#}, {1} ... anywhere in its command, quoted or
     * not, so its command holds no path or value of the user's: it runs this script again
     * with a point number, which runs that point */
    fprintf(f.f, "#!/bin/sh\n# nnlab: every point of this sweep through GNU parallel (%ld points).\n"
                 "# Run it again to resume: --resume skips what the job log says finished, and\n"
                 "# nnlab skips points whose run is complete. Arguments go to parallel (such as\n"
                 "# --sshlogin, for machines that share this directory).\n"
                 "# parallel runs this script again for each point, as: parallel.sh --point K\n"
                 "if [ \"${1-}\" = --point ]; then\n    exec ", w->s.n_points);
    sweep_command(f.f, w);
    fputs(" \"$2\"\nfi\nNNLAB_SWEEP_SCRIPT=", f.f);
    shell_word(f.f, script);
    fprintf(f.f, "\nexport NNLAB_SWEEP_SCRIPT\nexec parallel --quote --env NNLAB_SWEEP_SCRIPT "
                 "--jobs %d --joblog ", w->o.jobs);
    snprintf(path, sizeof path, "%s/parallel.joblog", w->dir);
    shell_word(f.f, path);
    fputs(" --resume --arg-file ", f.f);
    snprintf(path, sizeof path, "%s/points.txt", w->dir);
    shell_word(f.f, path);
    fputs(" \"$@\" \\\n    sh -c 'exec sh \"$NNLAB_SWEEP_SCRIPT\" --point \"$1\"' sh {}\n", f.f);
    if ((rc = nn_file_commit(&f, e)))
        return rc;
    chmod(script, 0755);
    if (!w->o.quiet) {
        printf("wrote %s/points.txt (%ld points) and %s\nrun it with:\n  sh ", w->dir,
               w->s.n_points, script);
        line_word(stdout, script);
        fputs("\nor on more machines, with parallel's --sshlogin; then:\n  nnlab collect ", stdout);
        line_word(stdout, w->dir);
        putchar('\n');
    }
    return NN_OK;
}

/* ---- running points ---------------------------------------------------------------------- */

/* argv of the child that runs point k (pointers into bufs and w). */
static int child_argv(const sweep_run *w, long k, char bufs[][512], char *out, const char **av)
{
    const char *sets[NN_SWEEP_MAX_SETS + NN_SWEEP_MAX_AXES];
    int n = nn_sweep_sets(&w->s, k, bufs, sets), c = 0;
    av[c++] = w->self;
    av[c++] = "run";
    av[c++] = w->spec_abs;
    for (int i = 0; i < n; i++) {
        av[c++] = "--set";
        av[c++] = sets[i];
    }
    snprintf(out, PATH_MAX + 300, "%s/%s", w->dir, w->names[k]);
    av[c++] = "--out";
    av[c++] = out;
    av[c++] = "--force";   /* the empty folder claim() made for it, nothing else */
    if (w->o.jobs > 1 && w->o.point < 0) {
        av[c++] = "--threads";   /* the cores are the points' already */
        av[c++] = "1";
    }
    if (w->o.no_plots)
        av[c++] = "--no-plots";
    if (w->o.no_report)
        av[c++] = "--no-report";
    if (w->o.max_output_arg) {
        av[c++] = "--max-output";
        av[c++] = w->o.max_output_arg;
    }
    if (w->o.quiet && w->o.point >= 0)   /* a task's output is its own; a sweep's goes to logs */
        av[c++] = "--quiet";
    av[c] = NULL;
    return c;
}

/* A log that is not a regular file (a FIFO would block the open, a link lead elsewhere) is
 * replaced: it is the sweep's own file. -1 when it cannot be had. */
static int open_log(const char *log)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
                      0666);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            return fd;
        }
        if (fd >= 0)
            close(fd);
        unlink(log);
    }
    return -1;
}

/* Start the run of point k as a child in a process group of its own; its output goes to
 * DIR/logs/<point>.log (to_log) or where this process's goes (a --point task). */
static pid_t start(const sweep_run *w, long k, bool to_log)
{
    char bufs[NN_SWEEP_MAX_AXES][512], out[PATH_MAX + 300], log[PATH_MAX + 300];
    const char *av[2 * (NN_SWEEP_MAX_SETS + NN_SWEEP_MAX_AXES) + 16];
    child_argv(w, k, bufs, out, av);
    snprintf(log, sizeof log, "%s/logs/%s.log", w->dir, w->names[k]);
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    setpgid(0, 0);   /* a terminal's Ctrl-C reaches the parent, which passes it on once */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigset_t none;   /* a --point task blocks signals while it forks; the run must not */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* if the sweep dies without passing a signal on (SIGKILL), the point stops too */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != w->parent)
        _exit(143);
    int fd = to_log ? open_log(log) : -1;
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
    }
    int nul = open("/dev/null", O_RDONLY);
    if (nul >= 0)
        dup2(nul, 0);
    execv(w->self, (char *const *)av);
    _exit(127);
}

static volatile sig_atomic_t n_signals;
static void on_task_signal(int sig)
{
    got_signal = sig;
    n_signals++;
}
static void on_child(int sig) { (void)sig; }

/* Run point k in a child and wait for it (a --point task: the run is not exec'd in place, so
 * the task can record in sweep.json how it ended); the run's exit status. Each signal this
 * process gets is passed on as the other of SIGINT and SIGTERM (SIGHUP as SIGTERM): where
 * the run gets the signal itself too (Slurm and GNU parallel signal every process of a job),
 * the two are then one interruption to it, not the second Ctrl-C that ends a run at once; a
 * second Ctrl-C to this process still does. */
static int run_task(const sweep_run *w, long k)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_task_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);   /* none slips between a check and the wait */
    pid_t pid = start(w, k, false);
    int code = 1;
    if (pid < 0) {
        fprintf(stderr, "nnlab: cannot start %s: %s\n", w->self, strerror(errno));
    } else {
        int status;
        sig_atomic_t passed = 0;
        for (;;) {
            for (; passed < n_signals; passed++)
                kill(pid, got_signal == SIGTERM ? SIGINT : SIGTERM);
            pid_t r = waitpid(pid, &status, WNOHANG);
            if (r == pid) {
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (r < 0 && errno != EINTR)
                break;
            sigsuspend(&old);
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return code;
}

/* ran: points this process has seen end, the ETA's measure of time per point */
static void progress_line(const sweep_run *w, time_t t0, long ran, bool final)
{
    long done = 0, failed = 0, running = 0, todo = 0;
    for (long k = 0; k < w->s.n_points; k++) {
        enum state s = w->state[k];
        done += s == DONE || s == DIVERGED;
        failed += s == FAILED || s == INTERRUPTED;
        running += s == RUNNING;
        todo += s == TODO || s == STALE;
    }
    double el = difftime(time(NULL), t0);
    char eta[32] = "";
    if (ran > 0 && todo + running > 0 && !final)   /* el / ran is wall time per point */
        snprintf(eta, sizeof eta, ", ETA %.0fs", el / (double)ran * (double)(todo + running));
    fprintf(stderr, "\r\033[Ksweep: %ld/%ld done, %ld failed, %ld running%s", done, w->s.n_points,
            failed, running, eta);
    if (final)
        fputc('\n', stderr);
}

static int run_points(sweep_run *w, nn_err *e)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);   /* a closed terminal or ssh session: stop the points too */
    bool tty = isatty(2) && !w->o.quiet;
    time_t t0 = time(NULL), last_write = 0;
    long next = 0, running = 0, ran = 0;
    bool stop_launching = false, forwarded = false;
    int rc = write_sweep_json(w, e);
    if (rc)
        return rc;
    for (;;) {
        if (got_signal && !forwarded) {
            for (long k = 0; k < w->s.n_points; k++)
                if (w->pid[k] > 0)   /* SIGHUP as SIGTERM: the points end cleanly */
                    kill(w->pid[k], got_signal == SIGHUP ? SIGTERM : got_signal);
            forwarded = stop_launching = true;
        }
        while (!stop_launching && !got_signal && running < w->o.jobs && next < w->s.n_points) {
            long k = next++;
            char why[WHY_CAP];
            enum state s = claim(w, k, why, sizeof why);
            if (s == UNREADABLE) {   /* an error, said even with --quiet */
                if (tty)
                    fputs("\r\033[K", stderr);
                fprintf(stderr, "nnlab: %s; sweep point %ld is left as it is\n", why, k);
            }
            if (s != TODO) {
                w->state[k] = s;
                continue;
            }
            pid_t pid = start(w, k, true);
            if (pid < 0) {
                w->state[k] = FAILED;
                continue;
            }
            w->pid[k] = pid;
            w->state[k] = RUNNING;
            running++;
        }
        if (tty)
            progress_line(w, t0, ran, false);
        if (running == 0)
            break;
        /* poll rather than block: a signal that lands just before a blocking wait would
         * otherwise go unseen until some point ends */
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid == 0) {
            struct timespec nap = {0, 20000000};
            nanosleep(&nap, NULL);
            continue;
        }
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (long k = 0; k < w->s.n_points; k++) {
            if (w->pid[k] != pid)
                continue;
            w->pid[k] = 0;
            running--;
            ran++;
            remove_if_unused(w, k);
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            w->state[k] = ended(w, k, code);
            if (w->state[k] == FAILED) {
                if (tty)
                    fputs("\r\033[K", stderr);
                /* an error, so said even with --quiet (which silences all but errors) */
                fprintf(stderr, "nnlab: sweep point %ld (%s) failed with exit status %d; see "
                        "%s/logs/%s.log\n", k, w->names[k], code, w->dir, w->names[k]);
                if (w->o.fail_fast && !stop_launching) {
                    stop_launching = true;
                    for (long q = 0; q < w->s.n_points; q++)
                        if (w->pid[q] > 0)
                            kill(w->pid[q], SIGINT);
                }
            }
        }
        if (time(NULL) - last_write >= 1) {   /* at most once a second, and at the end */
            write_sweep_json(w, e);
            last_write = time(NULL);
        }
    }
    if (tty)
        progress_line(w, t0, ran, true);
    /* the points left to others as they are now: sweep.json and the summary say how the
     * sweep ends, not how it began */
    for (long k = 0; k < w->s.n_points && !got_signal; k++) {
        char why[WHY_CAP];
        if (w->state[k] == BUSY && (w->state[k] = point_state(w, k, why, sizeof why)) == UNREADABLE)
            fprintf(stderr, "nnlab: %s; sweep point %ld is left as it is\n", why, k);
    }
    return write_sweep_json(w, e);
}

/* ---- the command ------------------------------------------------------------------------ */

static void free_run(sweep_run *w)
{
    if (w->names)
        for (long k = 0; k < w->s.n_points; k++)
            free(w->names[k]);
    free(w->names);
    free(w->state);
    free(w->pid);
    free(w->started);
    nn_sweep_free(&w->s);
}

/* DIR/index.html, the sweep's page (docs/report.md); 1 when it could not be written */
static int sweep_page(const sweep_run *w)
{
    if (w->o.no_report)
        return 0;
    const char *const dirs[1] = {w->dir};
    nn_report_opts ro = {.gnuplot = getenv("NNLAB_GNUPLOT"), .no_figures = w->o.no_plots};
    char note[300];
    nn_err e = {0};
    int fd = lock_sweep(w);   /* tasks ending together write it one after the other */
    int rc = nn_report_write(dirs, 1, NULL, &ro, note, sizeof note, &e);
    unlock_sweep(fd);
    if (rc) {
        cli_fail(&e);
        return 1;
    }
    if (note[0] && !w->o.quiet)
        fprintf(stderr, "nnlab: %s: %s\n", w->dir, note);
    if (!w->o.quiet && w->o.point < 0)
        fprintf(stderr, "nnlab: the sweep's page is %s/index.html\n", w->dir);
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    static sweep_run w;
    memset(&w, 0, sizeof w);
    int rc = parse_opts(argc, argv, &w.o);
    if (rc)
        return rc;
    nn_err e = {0};
    if (nn_sweep_parse(&w.s, w.o.sets, w.o.n_sets, &e)) {
        nn_sweep_free(&w.s);
        return cli_fail(&e);
    }
    if (w.o.point >= w.s.n_points) {
        long n = w.s.n_points;
        nn_sweep_free(&w.s);
        return cli_usage("sweep", "--point %ld: the sweep has points 0 to %ld", w.o.point, n - 1);
    }
    ssize_t len = readlink("/proc/self/exe", w.self, sizeof w.self - 1);
    if (len <= 0 || !realpath(w.o.spec, w.spec_abs)) {
        nn_sweep_free(&w.s);
        if (len <= 0)
            return cli_usage("sweep", "cannot find the nnlab executable (/proc/self/exe)");
        fprintf(stderr, "nnlab: %s: cannot read the spec: %s\n", w.o.spec, strerror(errno));
        return 2;
    }
    w.self[len] = '\0';
    {   /* the spec's content is part of the sweep: an edited spec is another sweep */
        size_t n;
        nn_err e0;
        char *text = nn_read_file(w.spec_abs, NN_SPEC_MAX_BYTES, "spec", &n, &e0);
        if (!text) {
            nn_sweep_free(&w.s);
            return cli_fail(&e0);
        }
        nn_sha256_hex(text, n, w.spec_sha);
        free(text);
    }
    gethostname(w.host, sizeof w.host - 1);
    w.names = calloc((size_t)w.s.n_points, sizeof *w.names);
    w.state = calloc((size_t)w.s.n_points, sizeof *w.state);
    w.pid = calloc((size_t)w.s.n_points, sizeof *w.pid);
    if (!w.names || !w.state || !w.pid) {
        free_run(&w);
        fputs("nnlab: out of memory\n", stderr);
        return 1;
    }
    /* every point must be a good spec before anything is written */
    char name[4096] = "sweep";
    double total = 0;
    for (long k = 0; k < w.s.n_points; k++) {
        char bufs[NN_SWEEP_MAX_AXES][512], nm[256];
        const char *sets[NN_SWEEP_MAX_SETS + NN_SWEEP_MAX_AXES];
        int n = nn_sweep_sets(&w.s, k, bufs, sets);
        if (nn_sweep_name(&w.s, k, nm, sizeof nm, &e) || !(w.names[k] = strdup(nm))) {
            free_run(&w);
            return e.code ? cli_fail(&e) : 1;
        }
        if (w.o.point >= 0 && k != w.o.point)
            continue;
        nn_plan plan;
        double bytes = 0;
        if (nn_spec_load(&plan, w.o.spec, sets, n, nn_study_table_get(), &e) ||
            nn_run_prepare_check(&plan, w.o.spec, w.o.max_output, !w.o.no_plots,
                                 !w.o.no_report, &bytes, &e)) {
            nn_plan_free(&plan);
            free_run(&w);
            char pre[300];
            snprintf(pre, sizeof pre, "sweep point %ld (%.250s)", k, nm);
            nn_err_prefix(&e, pre);
            e.code = NN_ESPEC;
            return cli_fail(&e);
        }
        snprintf(name, sizeof name, "runs/%s-sweep", plan.name);
        nn_plan_free(&plan);
        total += bytes;
    }
    double limit = w.o.max_output > 0 ? w.o.max_output : NN_MAX_OUTPUT_DEFAULT;
    if (w.o.point < 0 && total > limit) {   /* every point fits, but not all of them together */
        char have[32], lim[32];
        nn_format_bytes(have, sizeof have, total);
        nn_format_bytes(lim, sizeof lim, limit);
        long np = w.s.n_points;
        free_run(&w);
        return cli_usage("sweep", "the %ld points would write about %s together, more than the "
                         "%s limit: sweep fewer points, record fewer rows, or pass --max-output "
                         "%.0fG", np, have, lim, ceil(total * 1.1 / 1073741824.0));
    }
    if (nn_rundir_normalize(w.dir, sizeof w.dir, w.o.out ? w.o.out : name, &e)) {
        free_run(&w);
        return cli_fail(&e);
    }
    if (w.o.dry_run) {
        printf("%ld points, the first axis slowest:\n", w.s.n_points);
        for (long k = 0; k < w.s.n_points; k++) {
            char bufs[NN_SWEEP_MAX_AXES][512];
            const char *sets[NN_SWEEP_MAX_SETS + NN_SWEEP_MAX_AXES];
            int n = nn_sweep_sets(&w.s, k, bufs, sets);
            printf("%6ld  %s/%s ", k, w.dir, w.names[k]);
            for (int i = 0; i < n; i++)
                printf(" --set %s", sets[i]);
            putchar('\n');
        }
        free_run(&w);
        return 0;
    }
    /* an absolute directory, so scripts and children find it from anywhere */
    if (w.dir[0] != '/') {
        char cwd[PATH_MAX], joined[2 * PATH_MAX + 2];
        if (getcwd(cwd, sizeof cwd) && strlen(cwd) + strlen(w.dir) + 2 < sizeof w.dir) {
            snprintf(joined, sizeof joined, "%s/%s", cwd, w.dir);
            memcpy(w.dir, joined, strlen(joined) + 1);
        }
    }
    if (w.o.emit && !strcmp(w.o.emit, "slurm") && slurm_safe(&w, &e)) {
        free_run(&w);
        return cli_fail(&e);
    }
    if ((rc = prepare_dir(&w, &e))) {
        free_run(&w);
        return cli_fail(&e);
    }
    /* the states (a --point task needs only its own: on a shared disk, N tasks each looking
     * at N folders would be N^2 calls) */
    for (long k = 0; k < w.s.n_points; k++) {
        char why[WHY_CAP];
        w.state[k] = w.o.point < 0 || k == w.o.point ? point_state(&w, k, why, sizeof why) : TODO;
    }
    w.parent = getpid();
    if (w.o.emit) {
        rc = write_sweep_json(&w, &e) || emit(&w, &e);
        free_run(&w);
        return rc ? cli_fail(&e) : 0;
    }
    if (w.o.point >= 0) {   /* one point: a cluster task */
        long k = w.o.point;
        char why[WHY_CAP];
        enum state s = claim(&w, k, why, sizeof why);
        w.state[k] = s == TODO ? RUNNING : s;
        rc = write_sweep_json(&w, &e);   /* sweep.json names the point's state at once */
        if (rc)
            cli_fail(&e);
        int code;
        if (s == TODO) {
            code = run_task(&w, k);
            remove_if_unused(&w, k);
            w.state[k] = ended(&w, k, code);
        } else {
            if (s == UNREADABLE)
                fprintf(stderr, "nnlab: %s; sweep point %ld is left as it is\n", why, k);
            else if (!w.o.quiet)
                fprintf(stderr, "nnlab: sweep point %ld (%s) is %s; nothing to do\n", k,
                        w.names[k], state_names[s]);
            code = s == DONE || s == DIVERGED ? 0 : 1;
        }
        if (write_sweep_json(&w, &e)) {   /* the point's end, under the sweep's lock */
            cli_fail(&e);
            code = code ? code : 1;
        } else if (sweep_page(&w)) {
            code = code ? code : 1;
        }
        free_run(&w);
        if (got_signal)
            return 128 + got_signal;   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
        return code ? code : rc ? 1 : 0;
    }
    rc = run_points(&w, &e);
    long done = 0, diverged = 0, failed = 0, interrupted = 0, busy = 0, unreadable = 0;
    for (long k = 0; k < w.s.n_points; k++) {
        done += w.state[k] == DONE;
        diverged += w.state[k] == DIVERGED;
        failed += w.state[k] == FAILED;
        interrupted += w.state[k] == INTERRUPTED || w.state[k] == TODO || w.state[k] == STALE;
        busy += w.state[k] == BUSY;
        unreadable += w.state[k] == UNREADABLE;
    }
    if (!w.o.quiet)
        fprintf(stderr, "nnlab: %s: %ld points: %ld complete, %ld diverged, %ld failed, %ld not "
                "run or interrupted, %ld running elsewhere, %ld unreadable\n", w.dir,
                w.s.n_points, done, diverged, failed, interrupted, busy, unreadable);
    if (!rc && sweep_page(&w))
        failed++;
    int sig = got_signal;
    free_run(&w);
    if (rc)
        return cli_fail(&e);
    if (sig)
        return 128 + sig;   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    return failed || interrupted || busy || unreadable ? 1 : 0;
}
