/* cmd_sweep.c: `nnlab sweep`, many runs of one spec (docs/sweep.md).
 *
 * Every point is validated before anything is written. Points run as child processes,
 * `nnlab run SPEC --set ... --out DIR/<point>`, so each is exactly what a solo run makes;
 * a child's output goes to DIR/logs/<point>.log. A point directory is created by the
 * child's mkdir, which fails if it exists, so two sweeps (or two cluster tasks) never
 * write into one. Resuming decides from each point's manifest.json: complete or diverged
 * points are done; failed and interrupted ones, and running ones whose process is gone
 * from this host, are moved aside (an atomic rename, which only one claimant can win)
 * and run again. Children get a process group of their own, so a terminal's Ctrl-C
 * reaches the parent alone, which passes it on exactly once and waits for them.
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
#include "nnlab/run.h"
#include "nnlab/sha256.h"
#include "nnlab/spec.h"
#include "nnlab/study.h"
#include "nnlab/sweep.h"

enum state { TODO, DONE, DIVERGED, STALE, BUSY, FAILED, INTERRUPTED, RUNNING };
static const char *const state_names[] = {"pending", "complete", "diverged", "stale",
                                          "running elsewhere", "failed", "interrupted",
                                          "running"};

typedef struct opts {
    const char *spec, *out, *emit;
    const char *max_output_arg;   /* as given, passed on to every point */
    double max_output;
    const char *sets[NN_SWEEP_MAX_SETS];
    int n_sets, jobs, throttle;
    long point;
    bool dry_run, fail_fast, quiet, no_plots;
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
                                        "--quiet", "--no-plots", "--max-output"};
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
        if (takes && !val) {
            if (i + 1 >= argc)
                return cli_usage("sweep", "%s needs a value", name);
            val = argv[++i];
        } else if (!takes && val) {
            return cli_usage("sweep", "%s takes no value", name);
        }
        char *end;
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
            long v = strtol(val, &end, 10);
            if (!*val || *end || v < 1 || v > 4096)
                return cli_usage("sweep", "%s expects an integer from 1 to 4096, got \"%s\"", name, val);
            *(!strcmp(name, "--jobs") ? &o->jobs : &o->throttle) = (int)v;
        } else if (!strcmp(name, "--point")) {
            long v = strtol(val, &end, 10);
            if (!*val || *end || v < 0)
                return cli_usage("sweep", "--point expects a point number (0, 1, ...), got \"%s\"", val);
            o->point = v;
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

/* What DIR/<name> holds. */
static enum state point_state(const sweep_run *w, long k)
{
    char path[PATH_MAX + 300], mpath[PATH_MAX + 320];
    snprintf(path, sizeof path, "%s/%s", w->dir, w->names[k]);
    struct stat st;
    if (lstat(path, &st) != 0)
        return TODO;
    if (!S_ISDIR(st.st_mode))
        return BUSY;    /* something else took the name: leave it alone */
    snprintf(mpath, sizeof mpath, "%s/manifest.json", path);
    size_t n;
    nn_err e;
    char *text = nn_read_file(mpath, 1 << 20, "manifest", &n, &e);
    if (!text)   /* being created right now, or a run killed before its manifest */
        return time(NULL) - st.st_mtime > 60 ? STALE : BUSY;
    cJSON *j = cJSON_ParseWithLength(text, n);
    free(text);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "status");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "host");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "pid");
    enum state r = STALE;
    if (cJSON_IsString(s)) {
        if (!strcmp(s->valuestring, "complete"))
            r = DONE;
        else if (!strcmp(s->valuestring, "diverged"))
            r = DIVERGED;
        else if (!strcmp(s->valuestring, "running"))
            r = cJSON_IsString(h) && !strcmp(h->valuestring, w->host) && cJSON_IsNumber(p) &&
                        !pid_alive((long)p->valuedouble)
                    ? STALE
                    : BUSY;
    }
    cJSON_Delete(j);
    return r;
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
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
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
 * run it starts fills it, with --force), else the state that keeps it from running. */
static enum state claim(const sweep_run *w, long k)
{
    char dir[PATH_MAX + 300], aside[PATH_MAX + 340];
    snprintf(dir, sizeof dir, "%s/%s", w->dir, w->names[k]);
    snprintf(aside, sizeof aside, "%s/.stale-%ld-%s", w->dir, (long)getpid(), w->names[k]);
    int fd = lock_sweep(w);
    enum state s = point_state(w, k);
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

static int write_sweep_json(const sweep_run *w, nn_err *e)
{
    char path[PATH_MAX + 20];
    snprintf(path, sizeof path, "%s/sweep.json", w->dir);
    cJSON *j = sweep_json(w, true);
    char *text = nn_json_print(j, NN_JSON_SHORTEST);
    cJSON_Delete(j);
    int fd = lock_sweep(w);
    int rc = text ? nn_write_text(path, text, e) : nn_err_set(e, NN_ENOMEM, "", "out of memory");
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
        char *text = nn_read_file(path, 1 << 28, "sweep", &n, e);
        if (!text) {
            /* empty, or what another task of this sweep is creating right now */
            DIR *d = opendir(w->dir);
            struct dirent *de;
            int entries = 0;
            while (d && (de = readdir(d))) {
                const char *nm = de->d_name;
                bool ours = !strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, "logs") ||
                            !strncmp(nm, "sweep.json", 10) || !strncmp(nm, ".stale-", 7);
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
            cJSON *old = cJSON_ParseWithLength(text, n);
            free(text);
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

/* s as one shell word. */
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
        snprintf(path, sizeof path, "%s/sweep.sbatch", w->dir);
        if ((rc = nn_file_open(&f, path, e)))
            return rc;
        fprintf(f.f, "#!/bin/sh\n# nnlab: one Slurm array task per point of this sweep (%ld points).\n"
                     "# Submit with: sbatch %s\n# Tasks skip points already complete, so "
                     "submitting again resumes.\n#SBATCH --job-name=nnlab-sweep\n"
                     "#SBATCH --array=0-%ld%%%d\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n"
                     "#SBATCH --output=/dev/null\n"
                     "# each task's output goes to DIR/logs, named by the shell (a folder with\n"
                     "# spaces or %% in its name would not survive an #SBATCH line)\nexec >>",
                w->s.n_points, path, w->s.n_points - 1, w->o.throttle);
        char logs[PATH_MAX + 40];
        snprintf(logs, sizeof logs, "%s/logs/slurm-", w->dir);
        shell_word(f.f, logs);
        fputs("\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.out\" 2>&1\nexec ", f.f);
        sweep_command(f.f, w);
        fputs(" \"$SLURM_ARRAY_TASK_ID\"\n", f.f);
        if ((rc = nn_file_commit(&f, e)))
            return rc;
        chmod(path, 0755);
        if (!w->o.quiet)
            printf("wrote %s (%ld array tasks, at most %d at once)\nsubmit it with:\n  sbatch %s\n"
                   "then, when the tasks are done:\n  nnlab collect %s\n",
                   path, w->s.n_points, w->o.throttle, path, w->dir);
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
    fprintf(f.f, "#!/bin/sh\n# nnlab: every point of this sweep through GNU parallel (%ld points).\n"
                 "# Run it again to resume: --resume skips what the job log says finished, and\n"
                 "# nnlab skips points whose run is complete.\nexec parallel --quote --jobs %d "
                 "--joblog ", w->s.n_points, w->o.jobs);
    snprintf(path, sizeof path, "%s/parallel.joblog", w->dir);
    shell_word(f.f, path);
    fputs(" --resume --arg-file ", f.f);
    snprintf(path, sizeof path, "%s/points.txt", w->dir);
    shell_word(f.f, path);
    fputc(' ', f.f);
    sweep_command(f.f, w);
    fputs(" {}\n", f.f);
    if ((rc = nn_file_commit(&f, e)))
        return rc;
    chmod(script, 0755);
    if (!w->o.quiet)
        printf("wrote %s/points.txt (%ld points) and %s\nrun it with:\n  sh %s\nor on more "
               "machines, with parallel's --sshlogin; then:\n  nnlab collect %s\n",
               w->dir, w->s.n_points, script, script, w->dir);
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
    if (w->o.max_output_arg) {
        av[c++] = "--max-output";
        av[c++] = w->o.max_output_arg;
    }
    av[c] = NULL;
    return c;
}

static pid_t start(const sweep_run *w, long k)
{
    char bufs[NN_SWEEP_MAX_AXES][512], out[PATH_MAX + 300], log[PATH_MAX + 300];
    const char *av[2 * (NN_SWEEP_MAX_SETS + NN_SWEEP_MAX_AXES) + 10];
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
    /* if the sweep dies without passing a signal on (SIGKILL), the point stops too */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != w->parent)
        _exit(143);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
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
            enum state s = claim(w, k);
            if (s != TODO) {
                w->state[k] = s;
                continue;
            }
            pid_t pid = start(w, k);
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
            {   /* a point stopped before its run wrote anything leaves the folder claim()
                 * made empty: remove it, so a rerun does not take it for a live point */
                char dir[PATH_MAX + 300];
                snprintf(dir, sizeof dir, "%s/%s", w->dir, w->names[k]);
                rmdir(dir);
            }
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            enum state s = point_state(w, k);
            if (code == 0 || s == DONE)
                w->state[k] = DONE;
            else if (s == DIVERGED)
                w->state[k] = DIVERGED;
            else if (code == 130 || code == 143 || code == 128 + SIGINT || code == 128 + SIGTERM)
                w->state[k] = INTERRUPTED;
            else
                w->state[k] = FAILED;
            if (w->state[k] == FAILED) {
                if (tty)
                    fputs("\r\033[K", stderr);
                if (!w->o.quiet)
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
            nn_run_prepare_check(&plan, w.o.spec, w.o.max_output, &bytes, &e)) {
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
    if ((rc = prepare_dir(&w, &e))) {
        free_run(&w);
        return cli_fail(&e);
    }
    /* the states (a --point task needs only its own: on a shared disk, N tasks each looking
     * at N folders would be N^2 calls) */
    for (long k = 0; k < w.s.n_points; k++)
        w.state[k] = w.o.point < 0 || k == w.o.point ? point_state(&w, k) : TODO;
    w.parent = getpid();
    if (w.o.emit) {
        rc = write_sweep_json(&w, &e) || emit(&w, &e);
        free_run(&w);
        return rc ? cli_fail(&e) : 0;
    }
    if (w.o.point >= 0) {   /* one point, in this process: a cluster task */
        long k = w.o.point;
        char path[PATH_MAX + 20];
        snprintf(path, sizeof path, "%s/sweep.json", w.dir);
        if (!nn_path_exists(path))
            write_sweep_json(&w, &e);
        enum state s = claim(&w, k);
        if (s != TODO) {
            if (!w.o.quiet)
                fprintf(stderr, "nnlab: sweep point %ld (%s) is %s; nothing to do\n", k,
                        w.names[k], state_names[s]);
            free_run(&w);
            return s == DONE || s == DIVERGED ? 0 : 1;
        }
        char bufs[NN_SWEEP_MAX_AXES][512], out[PATH_MAX + 300];
        const char *av[2 * (NN_SWEEP_MAX_SETS + NN_SWEEP_MAX_AXES) + 10];
        int n = child_argv(&w, k, bufs, out, av);
        if (w.o.quiet)
            av[n++] = "--quiet", av[n] = NULL;
        fflush(NULL);
        execv(w.self, (char *const *)av);
        fprintf(stderr, "nnlab: cannot run %s: %s\n", w.self, strerror(errno));
        free_run(&w);
        return 1;
    }
    rc = run_points(&w, &e);
    long done = 0, diverged = 0, failed = 0, interrupted = 0, busy = 0;
    for (long k = 0; k < w.s.n_points; k++) {
        done += w.state[k] == DONE;
        diverged += w.state[k] == DIVERGED;
        failed += w.state[k] == FAILED;
        interrupted += w.state[k] == INTERRUPTED || w.state[k] == TODO || w.state[k] == STALE;
        busy += w.state[k] == BUSY;
    }
    if (!w.o.quiet)
        fprintf(stderr, "nnlab: %s: %ld points: %ld complete, %ld diverged, %ld failed, %ld not "
                "run or interrupted, %ld running elsewhere\n", w.dir, w.s.n_points, done, diverged,
                failed, interrupted, busy);
    int sig = got_signal;
    free_run(&w);
    if (rc)
        return cli_fail(&e);
    if (sig)
        return 128 + sig;   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    return failed || interrupted || busy ? 1 : 0;
}
