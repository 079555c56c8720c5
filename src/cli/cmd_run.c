/* cmd_run.c: `nnlab run` and `nnlab check`. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nnlab/record.h"
#include "nnlab/run.h"
#include "nnlab/spec.h"

static volatile sig_atomic_t got_signal;
static volatile int stop_flag;

static void on_signal(int sig)
{
    got_signal = sig;
    stop_flag = 1;
}

typedef struct progress {
    struct timespec last, start;
    int model;
    bool active;
} progress;

static double since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + 1e-9 * (double)(now.tv_nsec - t->tv_nsec);
}

static void show_progress(void *ctx, const char *label, int model, int n_models,
                          const nn_epoch_stats *st, long max_epochs)
{
    progress *p = ctx;
    if (model != p->model || st->epoch == 0) {
        p->model = model;
        clock_gettime(CLOCK_MONOTONIC, &p->start);
    }
    bool last = st->epoch >= max_epochs;
    if (!last && since(&p->last) < 0.1)
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    double t = since(&p->start), rate = t > 0 ? st->epoch / t : 0;
    double eta = rate > 0 ? (max_epochs - st->epoch) / rate : 0;
    fprintf(stderr, "\r\033[K[%d/%d %s] epoch %ld/%ld  loss %.4g  error %.4f  %.0f epochs/s  "
            "ETA %.0fs", model + 1, n_models, label, st->epoch, max_epochs, st->loss,
            st->error == st->error ? st->error : 0.0, rate, eta);
    p->active = true;
}

/* Read and resolve the spec the options name; say its note unless quiet. Nonzero: the
 * exit status, the plan already freed. */
static int load_plan(const spec_args *a, nn_plan *plan, nn_err *e)
{
    if (nn_spec_load(plan, a->spec, a->sets, a->n_sets, e)) {
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
                                       "--max-output", "--threads"};
    spec_args a;
    int rc = parse_spec_args(argc, argv, &a, opts, 7);
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

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;   /* a second Ctrl-C ends the process at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    progress pg = {.model = -1};
    bool tty = isatty(2) && !a.quiet;
    nn_run_opts o = {
        .spec_file = a.spec, .out_dir = out, .force = a.force, .no_plots = a.no_plots,
        .max_output = a.max_output,
        .threads = a.threads ? a.threads : cli_cores(),
        .argc = argc + 1, .argv = argv - 1, .version = NNLAB_VERSION, .stop = &stop_flag,
        .progress = tty ? show_progress : NULL, .progress_ctx = &pg,
    };
    nn_run_result r;
    rc = nn_run(&plan, &o, &r, &e);
    if (pg.active)
        fputs("\r\033[K", stderr);
    nn_plan_free(&plan);
    if (rc == NN_EINTR) {
        cli_fail(&e);
        return got_signal == SIGTERM ? 143 : 130;
    }
    if (rc)
        return cli_fail(&e);
    if (r.gnuplot_missing && !a.quiet)
        fprintf(stderr, "nnlab: gnuplot not found, so these figures were not drawn: %s; their "
                "scripts are in %s: install gnuplot (apt-get install gnuplot-nox) and run "
                "gnuplot on each script there\n", r.undrawn, out);
    if (!a.quiet)
        fprintf(stderr, "nnlab: %s: %s in %.2f s\n", out, nn_run_status_name(r.status),
                r.wall_seconds);
    if (r.status == NN_RUN_INTERRUPTED)
        return got_signal == SIGTERM ? 143 : 130;
    return r.status == NN_RUN_COMPLETE ? 0 : 1;
}

int cmd_check(int argc, char **argv)
{
    static const char *const opts[] = {"--set", "--max-output"};
    spec_args a;
    int rc = parse_spec_args(argc, argv, &a, opts, 2);
    if (rc)
        return rc;
    nn_plan plan;
    nn_err e = {0};
    if ((rc = load_plan(&a, &plan, &e)))
        return rc;
    if (nn_run_prepare_check(&plan, a.spec, a.max_output, NULL, &e)) {
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

int cmd_analyze(int argc, char **argv)
{
    const char *dir = NULL, *study = NULL;
    bool quiet = false, no_plots = false, force = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--quiet")) {
            quiet = true;
        } else if (!strcmp(arg, "--no-plots")) {
            no_plots = true;
        } else if (!strcmp(arg, "--force")) {
            force = true;
        } else if (!strncmp(arg, "--study", 7) && (arg[7] == '=' || arg[7] == '\0')) {
            study = arg[7] == '=' ? arg + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!study || !*study)
                return cli_usage("analyze", "--study needs a study name");
        } else if (arg[0] == '-') {
            static const char *const opts[] = {"--study", "--quiet", "--no-plots", "--force"};
            const char *s = nn_suggest(arg, opts, 4);
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
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    nn_run_result r;
    nn_err e = {0};
    int rc = nn_analyze(dir, study, !no_plots, force, &stop_flag, &r, &e);
    if (rc)
        return cli_fail(&e);
    if (r.gnuplot_missing && !quiet)
        fprintf(stderr, "nnlab: gnuplot not found, so these figures were not drawn: %s; their "
                "scripts are in %s: install gnuplot (apt-get install gnuplot-nox) and run "
                "gnuplot on each script there\n", r.undrawn, dir);
    if (r.status == NN_RUN_INTERRUPTED)
        return got_signal == SIGTERM ? 143 : 130;
    return 0;
}
