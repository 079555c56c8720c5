/* cmd_run.c: `nnlab run`, `nnlab check` and `nnlab analyze`, and what they say on stderr:
 * the progress line while models train, one line per model and where the run is at the end,
 * which studies analyze wrote. */
#include <cJSON.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nnlab/io.h"
#include "nnlab/record.h"
#include "nnlab/run.h"
#include "nnlab/spec.h"

static volatile sig_atomic_t got_signal;
static volatile int stop_flag;
static struct timespec first_signal;

/* SIGINT, SIGTERM, SIGHUP: stop after the step in progress. A second signal ends the process
 * at once, as a user pressing Ctrl-C twice expects; but the same signal again within a
 * quarter second is the same request (timeout(1) signals the process and then its group;
 * a terminal's Ctrl-C reaches every process of the group), not a second one. */
static void on_signal(int sig)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!got_signal) {
        got_signal = sig;
        stop_flag = 1;
        first_signal = now;
        return;
    }
    double dt = (double)(now.tv_sec - first_signal.tv_sec) +
                (double)(now.tv_nsec - first_signal.tv_nsec) * 1e-9;
    if (sig == got_signal && dt < 0.25)
        return;
    signal(sig, SIG_DFL);   /* async-signal-safe: end the way the signal ends a process */
    raise(sig);
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);   /* the terminal closed (an ssh session ended) */
}

/* ---- progress ---------------------------------------------------------------------------------
 * One line on stderr, redrawn at most ten times a second, when stderr is a terminal. The
 * models may train on several threads at once, each calling show_progress after every
 * epoch of its model: everything here is under the context's lock, each model keeps its own
 * count, and the speed and ETA are the run's: epochs done by all models over the time since
 * training began, and the epochs the unfinished models may still run at that speed (an upper
 * bound when a model can stop early at its target error). */
typedef struct progress {
    pthread_mutex_t lock;
    struct timespec start, last;
    bool started, active;
    int n_models;
    long *epoch;             /* per model: the last epoch it reported, -1 before it starts */
    bool *done;              /* per model: its last row came (converged, diverged, done) */
    struct timespec *began;  /* per model: its first report (epoch 0) */
} progress;

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* "12s", "3m05s", "2h07m" */
static void format_eta(char *buf, size_t cap, double s)
{
    if (!(s >= 0) || s > 360000)
        snprintf(buf, cap, "?");
    else if (s < 59.5)
        snprintf(buf, cap, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, cap, "%dm%02ds", (int)(s + 0.5) / 60, (int)(s + 0.5) % 60);
    else
        snprintf(buf, cap, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

static void show_progress(void *ctx, const char *label, int model, int n_models,
                          const nn_epoch_stats *st, long max_epochs)
{
    progress *p = ctx;
    pthread_mutex_lock(&p->lock);
    if (model < 0 || model >= p->n_models) {
        pthread_mutex_unlock(&p->lock);
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!p->started) {
        p->start = now;
        p->started = true;
    }
    if (p->epoch[model] < 0)
        p->began[model] = now;
    p->epoch[model] = st->epoch;
    p->done[model] |= st->last || st->epoch >= max_epochs;
    if (p->active && seconds_between(&p->last, &now) < 0.1) {
        pthread_mutex_unlock(&p->lock);
        return;
    }
    p->last = now;
    /* the ETA: the epochs left over the run's speed, but never less than what the slowest
     * model still training needs at its own speed (the last model of a run trains alone) */
    long done = 0, total = 0, left = 0;
    int training = 0;
    double slowest = 0;
    for (int i = 0; i < p->n_models; i++) {
        long e = p->epoch[i] > 0 ? p->epoch[i] : 0;
        done += e;
        total += p->done[i] ? e : max_epochs;
        if (p->done[i])
            continue;
        left += max_epochs - e;
        if (p->epoch[i] < 0)
            continue;
        training++;
        double ti = seconds_between(&p->began[i], &now);
        if (e > 0 && ti > 0 && (double)(max_epochs - e) * ti / (double)e > slowest)
            slowest = (double)(max_epochs - e) * ti / (double)e;
    }
    double t = seconds_between(&p->start, &now);
    double rate = t > 0 && done > 0 ? (double)done / t : 0;
    char eta[32], line[512];
    format_eta(eta, sizeof eta, rate > 0 ? ((double)left / rate > slowest ? (double)left / rate
                                                                          : slowest) : -1);
    int n = snprintf(line, sizeof line, "[%d/%d %s] epoch %ld/%ld  loss %.4g", model + 1,
                     n_models, label, st->epoch, max_epochs, st->loss);
    if (st->error == st->error && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  error %.4f", st->error);
    if (p->n_models > 1 && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  | %d models: %ld/%ld epochs "
                      "(%d training)", p->n_models, done, total, training);
    if (n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "  %.0f epochs/s  ETA %s", rate, eta);
    /* one terminal line: a wrapped line would not be erased by the next \r */
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && (size_t)ws.ws_col - 1 < sizeof line)
        line[ws.ws_col - 1] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    p->active = true;
    pthread_mutex_unlock(&p->lock);
}

/* ---- what a run says when it ends -----------------------------------------------------------
 * One line per model, read back from DIR/summary.json (what the run recorded, so the
 * terminal and the files never disagree), then where the run is. */

static cJSON *read_json_file(const char *dir, const char *name)
{
    char path[4200];
    nn_path_join(path, sizeof path, dir, name);
    nn_err e = {0};
    size_t n;
    char *text = nn_read_file(path, (size_t)1 << 28, "file", &n, &e);
    if (!text)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(text, n);
    free(text);
    return j;
}

static const cJSON *item(const cJSON *j, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(j, key);
}

/* name and a number (%.4g), "name not finite" for null */
static void put_number(char *buf, size_t cap, const char *name, const cJSON *v)
{
    if (cJSON_IsNumber(v))
        snprintf(buf, cap, "%s %.4g", name, v->valuedouble);
    else
        snprintf(buf, cap, "%s not finite", name);
}

enum { C_LABEL, C_STATUS, C_EPOCHS, C_LOSS, C_ERROR, C_TEST, C_END, N_COLS };

/* The models' lines: label, status, epochs run, final loss and error (mse for regression,
 * and the test error with a test split), and when it converged. A model the run never
 * reached (interrupted, or a failure elsewhere) says "not trained". */
static void report_models(const cJSON *summary, const nn_plan *plan)
{
    typedef char row[N_COLS][96];
    row *rows = calloc((size_t)(plan->n_models ? plan->n_models : 1), sizeof *rows);
    if (!rows)
        return;
    int width[N_COLS] = {0};
    const cJSON *models = item(summary, "models"), *mj;
    bool classify = false;          /* a regression's error is null: its mse says more */
    cJSON_ArrayForEach(mj, models)
        classify |= cJSON_IsNumber(item(item(mj, "final"), "error"));
    for (int i = 0; i < plan->n_models; i++) {
        char(*f)[96] = rows[i];
        const char *label = plan->models[i].label;
        const cJSON *m = NULL;
        cJSON_ArrayForEach(mj, models) {
            const cJSON *l = item(mj, "label");
            if (cJSON_IsString(l) && !strcmp(l->valuestring, label))
                m = mj;
        }
        snprintf(f[C_LABEL], sizeof f[C_LABEL], "%s", label);
        if (!m) {
            snprintf(f[C_STATUS], sizeof f[C_STATUS], "not trained");
        } else {
            const cJSON *st = item(m, "status"), *ep = item(m, "epochs_run");
            const cJSON *fin = item(m, "final"), *err = item(fin, "error");
            const cJSON *test = item(fin, "test_error"), *ce = item(m, "converged_epoch");
            const char *status = cJSON_IsString(st) ? st->valuestring : "complete";
            snprintf(f[C_STATUS], sizeof f[C_STATUS], "%s", status);
            double epochs = cJSON_IsNumber(ep) ? ep->valuedouble : 0;
            snprintf(f[C_EPOCHS], sizeof f[C_EPOCHS], "%.0f epoch%s", epochs, epochs == 1 ? "" : "s");
            put_number(f[C_LOSS], sizeof f[C_LOSS], "loss", item(fin, "loss"));
            if (classify)
                put_number(f[C_ERROR], sizeof f[C_ERROR], "error", err);
            else
                put_number(f[C_ERROR], sizeof f[C_ERROR], "mse", item(fin, "mse"));
            if (cJSON_IsNumber(test))
                put_number(f[C_TEST], sizeof f[C_TEST], "test error", test);
            if (!strcmp(status, "diverged")) {
                const cJSON *de = item(m, "diverged_epoch");
                snprintf(f[C_END], sizeof f[C_END], "diverged during epoch %.0f",
                         cJSON_IsNumber(de) ? de->valuedouble : epochs);
            } else if (cJSON_IsNumber(ce)) {
                snprintf(f[C_END], sizeof f[C_END], "converged during epoch %.0f", ce->valuedouble);
            } else if (plan->train.target_error >= 0 && classify) {
                snprintf(f[C_END], sizeof f[C_END], "%s", !strcmp(status, "interrupted")
                         ? "had not converged when stopped" : "did not converge");
            }
        }
        for (int c = 0; c < C_END; c++) {
            int w = (int)strlen(f[c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    for (int i = 0; i < plan->n_models; i++) {
        char line[N_COLS * 100] = "";
        size_t n = 0;
        for (int c = 0; c < N_COLS; c++) {
            if (!width[c] && c != C_END)
                continue;
            if (c == C_END)
                n += (size_t)snprintf(line + n, sizeof line - n, "%s", rows[i][c]);
            else
                n += (size_t)snprintf(line + n, sizeof line - n, "%-*s  ", width[c], rows[i][c]);
        }
        while (n > 0 && line[n - 1] == ' ')
            line[--n] = '\0';
        fprintf(stderr, "nnlab: %s\n", line);
    }
    free(rows);
}

/* Read and resolve the spec the options name; say its note unless quiet. Nonzero: the
 * exit status, the plan already freed. */
static int load_plan(const spec_args *a, nn_plan *plan, nn_err *e)
{
    if (nn_spec_load(plan, a->spec, a->sets, a->n_sets, nn_study_table_get(), e)) {
        nn_plan_free(plan);
        return cli_fail(e);
    }
    if (plan->note[0] && !a->quiet)
        fprintf(stderr, "nnlab: note: %s\n", plan->note);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    static const char *const opts[] = {"--out", "--set", "--force", "--quiet", "--no-plots",
                                       "--max-output", "--threads", "--format", "--size",
                                       "--no-report"};
    spec_args a;
    int rc = parse_spec_args(argc, argv, &a, opts, 10);
    if (rc)
        return rc;
    nn_plan plan;
    nn_err e = {0};
    if ((rc = load_plan(&a, &plan, &e)))
        return rc;
    char out[4096], given[4096];
    snprintf(given, sizeof given, "runs/%s", plan.name);
    if (nn_rundir_normalize(out, sizeof out, a.out ? a.out : given, &e)) {
        nn_plan_free(&plan);
        return cli_fail(&e);
    }

    catch_signals();

    progress pg = {.n_models = plan.n_models};
    pthread_mutex_init(&pg.lock, NULL);
    pg.epoch = malloc((size_t)(plan.n_models ? plan.n_models : 1) * sizeof *pg.epoch);
    pg.done = calloc((size_t)(plan.n_models ? plan.n_models : 1), sizeof *pg.done);
    pg.began = calloc((size_t)(plan.n_models ? plan.n_models : 1), sizeof *pg.began);
    for (int i = 0; pg.epoch && i < plan.n_models; i++)
        pg.epoch[i] = -1;
    bool tty = isatty(STDERR_FILENO) && !a.quiet && pg.epoch && pg.done && pg.began;
    nn_run_opts o = {
        .spec_file = a.spec, .out_dir = out, .force = a.force, .no_plots = a.no_plots,
        .no_report = a.no_report,
        .gnuplot = getenv("NNLAB_GNUPLOT"),
        .max_output = a.max_output,
        .threads = a.threads ? a.threads : cli_cores(),
        .argc = argc + 1, .argv = argv - 1, .version = NNLAB_VERSION, .stop = &stop_flag,
        .progress = tty ? show_progress : NULL, .progress_ctx = &pg,
    };
    nn_run_result r;
    rc = nn_run(&plan, &o, &r, &e);
    if (pg.active)
        fputs("\r\033[K", stderr);
    free(pg.epoch);
    free(pg.done);
    free(pg.began);
    pthread_mutex_destroy(&pg.lock);
    if (rc == NN_EINTR) {       /* stopped before anything was written */
        nn_plan_free(&plan);
        cli_fail(&e);
        return 128 + got_signal;   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    }
    /* what the run recorded, whatever its end: a failure after summary.json was written (a
     * study, say) still shows the models before the error */
    cJSON *summary = !a.quiet && r.wrote ? read_json_file(out, "summary.json") : NULL;
    if (summary)
        report_models(summary, &plan);
    cJSON_Delete(summary);
    nn_plan_free(&plan);
    if (rc)
        return cli_fail(&e);
    if (r.gnuplot_missing && !a.quiet)
        fprintf(stderr, "nnlab: gnuplot not found, so these figures were not drawn: %s; their "
                "scripts are in %s: install gnuplot (apt-get install gnuplot-nox) and run "
                "gnuplot on each script there (gnuplot -e \"fmt='svg'\" X.gp for SVG, 'pdf' "
                "for PDF)\n", r.undrawn, out);
    if (!a.quiet && r.status == NN_RUN_INTERRUPTED)
        fprintf(stderr, "nnlab: interrupted after %.2f s; what it wrote is in %s\n",
                r.wall_seconds, out);
    else if (!a.quiet)
        fprintf(stderr, "nnlab: %s in %.2f s; the run is in %s\n", nn_run_status_name(r.status),
                r.wall_seconds, out);
    if (r.status == NN_RUN_INTERRUPTED)
        return 128 + got_signal;   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    return r.status == NN_RUN_COMPLETE ? 0 : 1;
}

int cmd_check(int argc, char **argv)
{
    /* --no-plots and --no-report: the size guard counts what such a run writes */
    static const char *const opts[] = {"--set", "--max-output", "--format", "--size",
                                       "--no-plots", "--no-report"};
    spec_args a;
    int rc = parse_spec_args(argc, argv, &a, opts, 6);
    if (rc)
        return rc;
    nn_plan plan;
    nn_err e = {0};
    if ((rc = load_plan(&a, &plan, &e)))
        return rc;
    if (nn_run_prepare_check(&plan, a.spec, a.max_output, !a.no_plots, !a.no_report, NULL, &e)) {
        nn_plan_free(&plan);
        return cli_fail(&e);
    }
    char *text = nn_plan_to_json(&plan);
    nn_plan_free(&plan);
    if (!text) {
        fputs("nnlab: out of memory\n", stderr);
        return 1;
    }
    fputs(text, stdout);
    free(text);
    return 0;
}

/* What `nnlab analyze` did: the studies it ran (the one named, or those the run's spec.json
 * lists) and where their tables, figures and results are. */
static void report_analysis(const char *dir, const char *study, bool draw, int status,
                            double seconds)
{
    char names[1024] = "", summary[4200], spec[4200];
    size_t n = 0;
    int count = 0;
    if (study) {
        snprintf(names, sizeof names, "%s", study);
        count = 1;
    } else {
        cJSON *resolved = read_json_file(dir, "spec.json");
        const cJSON *s;
        cJSON_ArrayForEach(s, item(resolved, "studies")) {
            const cJSON *name = cJSON_IsObject(s) ? item(s, "name") : s;
            if (cJSON_IsString(name) && n < sizeof names)
                n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", count ? ", " : "",
                                      name->valuestring);
            count++;
        }
        cJSON_Delete(resolved);
    }
    nn_path_join(summary, sizeof summary, dir, "summary.json");
    nn_path_join(spec, sizeof spec, dir, "spec.json");
    if (status == NN_RUN_INTERRUPTED)
        fprintf(stderr, "nnlab: interrupted after %.2f s; %s keeps the studies that finished\n",
                seconds, summary);
    else if (!count)
        fprintf(stderr, "nnlab: %s lists no studies, so there was nothing to analyse (name one "
                "with --study; nnlab list studies shows them)\n", spec);
    else
        fprintf(stderr, "nnlab: analysed %s in %.2f s: %s in %s, the results under \"analyses\" "
                "in %s\n", names, seconds, draw ? "tables and figures" : "tables (no figures)",
                dir, summary);
}

int cmd_analyze(int argc, char **argv)
{
    const char *dir = NULL, *study = NULL;
    bool quiet = false, no_plots = false, force = false, no_report = false;
    nn_fig_opts fig = {.gnuplot = getenv("NNLAB_GNUPLOT")};
    const char *seen_fmt = NULL, *seen_size = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool is_fmt = !strncmp(arg, "--format", 8) && (arg[8] == '=' || arg[8] == '\0');
        bool is_size = !strncmp(arg, "--size", 6) && (arg[6] == '=' || arg[6] == '\0');
        if (is_fmt || is_size) {
            size_t k = is_fmt ? 8 : 6;
            const char *opt = is_fmt ? "--format" : "--size", *val;
            nn_err fe;
            if (cli_value("analyze", opt, arg[k] == '=' ? arg + k + 1 : NULL, argc, argv, &i, &val) ||
                cli_once("analyze", opt, is_fmt ? &seen_fmt : &seen_size, val))
                return 2;
            if (is_fmt && nn_fig_parse_formats(val, &fig.formats, &fe))
                return cli_usage("analyze", "%s", fe.msg);
            if (is_size && cli_parse_fig_size("analyze", val, &fig.size))
                return 2;
        } else if (!strcmp(arg, "--quiet")) {
            quiet = true;
        } else if (!strcmp(arg, "--no-plots")) {
            no_plots = true;
        } else if (!strcmp(arg, "--no-report")) {
            no_report = true;
        } else if (!strcmp(arg, "--force")) {
            force = true;
        } else if (!strncmp(arg, "--study", 7) && (arg[7] == '=' || arg[7] == '\0')) {
            const char *val;
            if (cli_value("analyze", "--study", arg[7] == '=' ? arg + 8 : NULL, argc, argv, &i,
                          &val) ||
                cli_once("analyze", "--study", &study, val))
                return 2;
            if (!*study)
                return cli_usage("analyze", "--study needs a study name");
        } else if (arg[0] == '-') {
            static const char *const opts[] = {"--study", "--quiet", "--no-plots", "--force",
                                               "--format", "--size", "--no-report"};
            const char *s = nn_suggest(arg, opts, 7);
            return cli_usage("analyze", "unknown option \"%s\"%s%s%s (see nnlab analyze --help)",
                             arg, s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        } else if (dir) {
            return cli_usage("analyze", "one run directory at a time");
        } else {
            dir = arg;
        }
    }
    if (!dir)
        return cli_usage("analyze", "missing RUN_DIR (usage: nnlab analyze RUN_DIR [--study NAME])");
    catch_signals();
    nn_run_result r;
    nn_err e = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = nn_analyze(dir, study, !no_plots, force, !no_report, &fig, &stop_flag, &r, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc)
        return cli_fail(&e);
    if (r.gnuplot_missing && !quiet)
        fprintf(stderr, "nnlab: gnuplot not found, so these figures were not drawn: %s; their "
                "scripts are in %s: install gnuplot (apt-get install gnuplot-nox) and run "
                "gnuplot on each script there (gnuplot -e \"fmt='svg'\" X.gp for SVG, 'pdf' "
                "for PDF)\n", r.undrawn, dir);
    if (!quiet)
        report_analysis(dir, study, !no_plots, r.status, seconds_between(&t0, &t1));
    if (r.status == NN_RUN_INTERRUPTED)
        return 128 + got_signal;   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    return 0;
}
