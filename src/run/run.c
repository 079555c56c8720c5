/* run.c: one run of a plan, start to finish (see run.h, docs/outputs.md). */
#define _GNU_SOURCE     /* sched_getaffinity, pthread_attr_setaffinity_np */
#include "nnlab/run.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "nnlab/data.h"
#include "nnlab/init.h"
#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/record.h"
#include "nnlab/report.h"
#include "nnlab/sha256.h"
#include "nnlab/study.h"

static const char *const run_status_names[] = {"complete", "diverged", "interrupted", "failed"};

const char *nn_run_status_name(int s)
{
    return s >= 0 && s < 4 ? run_status_names[s] : "failed";
}

/* Everything that must succeed before a single byte is written. */
typedef struct prepared {
    nn_data data;              /* the training set (all points when there is no split) */
    nn_data test;              /* the held-out points, n = 0 without a split */
    double *mean, *std;        /* z-score statistics, or NULL */
    double *X;                 /* (d, n) normalised inputs */
    double *Xt;                /* (d, test.n) the test inputs, normalised the same way */
    nn_model **models;
    nn_rng *rngs;              /* each model's stream, after its initialisation */
    long (*draws)[NN_MAX_HIDDEN + 1];
} prepared;

static void prepared_free(prepared *pr, int n_models)
{
    nn_data_free(&pr->data);
    nn_data_free(&pr->test);
    free(pr->mean);
    free(pr->std);
    free(pr->X);
    free(pr->Xt);
    if (pr->models)
        for (int i = 0; i < n_models; i++)
            nn_model_free(pr->models[i]);
    free(pr->models);
    free(pr->rngs);
    free(pr->draws);
    memset(pr, 0, sizeof *pr);
}

static int prepare(nn_plan *p, prepared *pr, const char *file, nn_err *e)
{
    memset(pr, 0, sizeof *pr);
    int rc = nn_plan_make_data(p, &pr->data, e);
    if (rc) {
        if (!e->where[0])               /* every error names its place: the data section */
            nn_err_where(e, "%s: /data", file);
        return rc;
    }
    if (p->test_fraction > 0) {
        nn_data all = pr->data;
        rc = nn_data_split(&all, p->test_fraction, p->split_seed, &pr->data, &pr->test, e);
        nn_data_free(&all);
        if (rc) {
            nn_err_where(e, "%s: /data/test_fraction", file);
            return rc;
        }
    }
    if ((rc = nn_plan_check_data(p, &pr->data, file, e)))
        return rc;
    size_t d = (size_t)pr->data.d;
    if (p->zscore) {
        pr->mean = malloc(d * sizeof *pr->mean);
        pr->std = malloc(d * sizeof *pr->std);
        if (!pr->mean || !pr->std)
            return nn_err_set(e, NN_ENOMEM, file, "out of memory");
        if ((rc = nn_data_zscore_fit(&pr->data, pr->mean, pr->std, e))) {
            nn_err_where(e, "%s: /data/normalize", file);
            return rc;
        }
    }
    pr->X = nn_data_feature_major(&pr->data, pr->mean, pr->std);
    if (pr->test.n && !(pr->Xt = nn_data_feature_major(&pr->test, pr->mean, pr->std)))
        return nn_err_set(e, NN_ENOMEM, file, "out of memory");
    pr->models = calloc((size_t)p->n_models, sizeof *pr->models);
    pr->rngs = calloc((size_t)p->n_models, sizeof *pr->rngs);
    pr->draws = calloc((size_t)p->n_models, sizeof *pr->draws);
    if (!pr->X || !pr->models || !pr->rngs || !pr->draws)
        return nn_err_set(e, NN_ENOMEM, file, "out of memory");
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double memory = pages > 0 && page > 0 ? (double)pages * (double)page : 0;
    for (int i = 0; i < p->n_models; i++) {
        nn_model_plan *mp = &p->models[i];
        double need = (double)nn_train_scratch_bytes(&mp->arch, pr->data.n, p->train.batch) +
                      (double)nn_arch_n_params(&mp->arch) * 4 * sizeof(double);
        if (memory > 0 && need > 0.9 * memory) {
            nn_err_set(e, NN_ESPEC, "", "training model \"%s\" on %zu samples needs about "
                       "%.1f GiB of memory, more than this machine has (%.1f GiB): use "
                       "narrower layers, fewer samples or a smaller batch", mp->label,
                       pr->data.n, need / 1073741824.0, memory / 1073741824.0);
            nn_err_where(e, "%s: /models/%d/hidden", file, i);
            return NN_ESPEC;
        }
        if (!(pr->models[i] = nn_model_create(&mp->arch, e))) {
            nn_err_where(e, "%s: /models/%d", file, i);
            return e->code;
        }
        if (pr->mean && (rc = nn_model_set_norm(pr->models[i], pr->mean, pr->std, e)))
            return rc;
        nn_rng_seed(&pr->rngs[i], mp->seed);
        if ((rc = nn_init_model(pr->models[i], &mp->init, &pr->rngs[i], pr->draws[i], e))) {
            nn_err_where(e, "%s: /models/%d/init", file, i);
            return rc;
        }
    }
    return NN_OK;
}

/* ---- the output size guard --------------------------------------------------------------- */

void nn_format_bytes(char *buf, size_t cap, double bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        snprintf(buf, cap, "%.0f bytes", bytes);
        return;
    }
    int u = -1;
    while (bytes >= 1024 && u < 5) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, cap, "%.*f %s", bytes < 10 ? 1 : 0, bytes, units[u]);
}

/* Rows weights.csv gets over max_epochs epochs (see scheduled: the first and last always). */
static double recorded_rows(const nn_record_plan *r, long max_epochs)
{
    if (r->weights == NN_REC_NONE)
        return 0;
    if (r->weights == NN_REC_EVERY)
        return (double)(max_epochs / r->every) + 1 + (max_epochs % r->every != 0);
    double rows = 1;
    long e = 0, steps = 0;
    for (;;) {
        long next = (long)floor((double)e * r->growth) + 1;
        if (next >= max_epochs)
            break;
        e = next;
        rows++;
        if (++steps > 20000000)   /* a growth so close to 1 that this is every epoch */
            return rows + (double)(max_epochs - e);
    }
    return rows + 1;
}

/* A typical value in a CSV: %.17g is 17 digits, a sign, a point and often an exponent. */
#define CSV_VALUE_BYTES 22.0

/* The bytes a run of p will write but for its studies; *rows: weights.csv's rows per model,
 * *widest: the most parameters of a model, *metrics: the metrics.csv files' part of it. */
static double output_estimate(const nn_plan *p, const prepared *pr, double *rows,
                              size_t *widest, double *metrics)
{
    const long E = p->train.max_epochs;
    double total = (double)(pr->data.n + pr->test.n) * (double)(pr->data.d + 1) * CSV_VALUE_BYTES;
    *rows = recorded_rows(&p->record, E);
    *widest = 0;
    *metrics = 0;
    for (int i = 0; i < p->n_models; i++) {
        size_t np = pr->models[i]->n_params;
        if (np > *widest)
            *widest = np;
        double cols = 4 + (pr->test.n ? 3 : 0);
        *metrics += (double)(E + 1) * cols * CSV_VALUE_BYTES;         /* metrics.csv */
        total += *rows * (double)(np + 1) * CSV_VALUE_BYTES * (p->record.raw ? 2 : 1);
        total += 2 * (double)np * (CSV_VALUE_BYTES + 2);              /* two model.json */
    }
    return total + *metrics;
}

static int size_guard(const nn_plan *p, const prepared *pr, const char *file, double limit,
                      bool figures, bool page, double *bytes, nn_err *e)
{
    double rows, metrics;
    size_t widest;
    double est = output_estimate(p, pr, &rows, &widest, &metrics), recording = est;
    /* and what the studies write: a decision map's grid, an oscillation matrix, movies, a
     * figure per triple; any other study a figure per model and one more, in every format;
     * and the page (index.html), which embeds the figures again */
    int big = -1;
    double big_bytes = 0, fig = figures ? nn_study_figure_bytes(p) : 0;
    double png = figures && page ? nn_study_png_bytes(p) : 0;   /* as the page embeds it */
    for (int s = 0; s < p->n_studies; s++) {
        const nn_study_spec *st = p->studies[s].spec;
        const void *opt = p->studies[s].options;
        double count = st->figure_count ? st->figure_count(opt, p) : p->n_models + 1;
        double b = (st->output_bytes ? st->output_bytes(opt, p, &pr->data) : 0) +
                   count * (fig + 1.4 * png);   /* the files, and again in the page */
        est += b;
        if (b > big_bytes)
            big = s, big_bytes = b;
    }
    if (bytes)
        *bytes = est;
    if (limit == 0)
        limit = NN_MAX_OUTPUT_DEFAULT;
    if (!(est > limit))
        return NN_OK;
    char have[32], lim[32], need[32], part[32];
    nn_format_bytes(have, sizeof have, est);
    nn_format_bytes(lim, sizeof lim, limit);
    /* a limit that would allow it, rounded up to whole GiB (or MiB) */
    double unit = est >= 1073741824.0 ? 1073741824.0 : 1048576.0;
    snprintf(need, sizeof need, "%.0f%s", ceil(est * 1.1 / unit), unit > 1048576.0 ? "G" : "M");
    if (big >= 0 && big_bytes >= recording) {    /* the study is most of it: say which */
        const nn_study_spec *st = p->studies[big].spec;
        nn_format_bytes(part, sizeof part, big_bytes);
        nn_err_set(e, NN_ESPEC, "", "the run would write about %s, %s of it the %s study's "
                   "tables and figures (%d model%s), more than the %s limit: %s, or pass "
                   "--max-output %s", have, part, st->name, p->n_models,
                   p->n_models == 1 ? "" : "s", lim, st->output_hint ? st->output_hint
                   : "ask it for less", need);
        nn_err_where(e, "%s: /studies/%d", file, big);
        return NN_ESPEC;
    }
    if (metrics * 2 >= recording) {   /* a row per epoch in metrics.csv is most of it */
        nn_format_bytes(part, sizeof part, metrics);
        nn_err_set(e, NN_ESPEC, "", "the run would write about %s, %s of it metrics.csv (a row "
                   "per epoch: %ld epochs, %d model%s), more than the %s limit: lower max_epochs "
                   "or pass --max-output %s", have, part, p->train.max_epochs, p->n_models,
                   p->n_models == 1 ? "" : "s", lim, need);
        nn_err_where(e, "%s: /train/max_epochs", file);
        return NN_ESPEC;
    }
    nn_err_set(e, NN_ESPEC, "", "the run would write about %s (%d model%s, %.0f recorded rows "
               "of up to %zu weights, %ld epochs), more than the %s limit: record fewer rows "
               "(\"every\" or \"geometric\") or pass --max-output %s", have, p->n_models,
               p->n_models == 1 ? "" : "s", rows, widest, p->train.max_epochs, lim, need);
    nn_err_where(e, "%s: /record", file);
    return NN_ESPEC;
}

int nn_run_prepare_check(nn_plan *p, const char *file, double max_output, bool figures,
                         bool page, double *bytes, nn_err *e)
{
    prepared pr;
    int rc = prepare(p, &pr, file, e);
    if (!rc)
        rc = size_guard(p, &pr, file, max_output, figures, page, bytes, e);
    prepared_free(&pr, p->n_models);
    return rc;
}

/* ---- writing --------------------------------------------------------------------------- */

static void iso_time(char *buf, size_t cap, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct manifest {
    char path[4200];
    int n_models;
    const char *labels[NN_MAX_MODELS];
    double train_seconds[NN_MAX_MODELS];
    double train_wall;         /* from the first model's start to the last one's end */
    int threads;
    char sha[65];
    char started[32];
    time_t t0;
    struct timespec m0;
} manifest;

static double elapsed(const manifest *m)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - m->m0.tv_sec) + 1e-9 * (double)(now.tv_nsec - m->m0.tv_nsec);
}

static int write_manifest(const manifest *m, const nn_run_opts *o, const char *status,
                          bool finished, nn_err *e)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "nnlab_version", o->version ? o->version : "");
    cJSON_AddStringToObject(j, "spec_sha256", m->sha);
    cJSON *cmd = cJSON_AddArrayToObject(j, "command");
    for (int i = 0; i < o->argc; i++)
        cJSON_AddItemToArray(cmd, cJSON_CreateString(o->argv[i]));
    cJSON_AddStringToObject(j, "status", status);
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    cJSON_AddStringToObject(j, "host", host);
    cJSON_AddNumberToObject(j, "pid", (double)getpid());
    cJSON_AddStringToObject(j, "started", m->started);
    if (finished) {
        char fin[32];
        iso_time(fin, sizeof fin, time(NULL));
        cJSON_AddStringToObject(j, "finished", fin);
        cJSON_AddNumberToObject(j, "wall_seconds", elapsed(m));
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            cJSON_AddNumberToObject(j, "peak_rss_kb", (double)ru.ru_maxrss);
        cJSON *t = cJSON_AddObjectToObject(j, "train_seconds");
        for (int i = 0; i < m->n_models; i++)
            cJSON_AddNumberToObject(t, m->labels[i], m->train_seconds[i]);
        cJSON_AddNumberToObject(j, "train_wall_seconds", m->train_wall);
        cJSON_AddNumberToObject(j, "threads", m->threads);
    } else {
        cJSON_AddNullToObject(j, "finished");
        cJSON_AddNullToObject(j, "wall_seconds");
    }
    char *text = nn_json_print(j, NN_JSON_DIGITS17);
    cJSON_Delete(j);
    if (!text)
        return nn_err_set(e, NN_ENOMEM, m->path, "out of memory");
    int rc = nn_write_text(m->path, text, e);
    free(text);
    return rc;
}

typedef struct metrics_ctx {
    FILE *f;
    FILE *weights, *raw;       /* weights.csv, raw_weights.csv, or NULL */
    const nn_record_plan *rec;
    long next;                 /* the next epoch the schedule records */
    const nn_run_opts *o;
    const char *label;
    int model, n_models;
    long max_epochs;
    bool classify;
    bool test;                 /* a test_error column */
} metrics_ctx;

static void weights_header(FILE *f, const nn_model *m)
{
    char name[64];
    fputs("epoch", f);
    for (size_t i = 0; i < m->n_params; i++) {
        nn_model_param_name(m, i, name, sizeof name);
        fprintf(f, ",%s", name);
    }
    fputc('\n', f);
}

/* An epoch number (>= 0) without printf, which costs more than the row's other fields;
 * returns its length. */
static int fmt_epoch(char *out, long epoch)
{
    char buf[24];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n++] = (char)('0' + epoch % 10);
        epoch /= 10;
    } while (epoch > 0);
    memcpy(out, buf + sizeof buf - n, (size_t)n);
    return n;
}

/* Rows are built in memory and written with one call per few kilobytes: the stream's
 * lock and bookkeeping per field cost more than formatting the number. */
static void weights_row(FILE *f, long epoch, const double *p, size_t n)
{
    char buf[4096];
    size_t len = (size_t)fmt_epoch(buf, epoch);
    for (size_t i = 0; i < n; i++) {
        if (len > sizeof buf - 40) {
            fwrite(buf, 1, len, f);
            len = 0;
        }
        buf[len++] = ',';
        len += (size_t)nn_csv_fmt(buf + len, p[i]);
    }
    buf[len++] = '\n';
    fwrite(buf, 1, len, f);
}

/* Does the schedule record this epoch? Always the first and the last row. */
static bool scheduled(metrics_ctx *c, const nn_epoch_stats *st)
{
    if (!c->weights)
        return false;
    if (st->epoch == 0 || st->last || st->epoch >= c->next) {
        if (c->rec->weights == NN_REC_GEOMETRIC) {
            /* notebook 003's frames: after e, the step int(e * growth) + 1 */
            c->next = (long)floor((double)st->epoch * c->rec->growth) + 1;
        } else {
            c->next = (st->epoch / c->rec->every + 1) * c->rec->every;
        }
        return true;
    }
    return false;
}

static int on_epoch(void *vctx, const nn_model *m, const nn_optim *opt,
                    const nn_epoch_stats *st, nn_err *e)
{
    metrics_ctx *c = vctx;
    if (scheduled(c, st)) {
        weights_row(c->weights, st->epoch, m->params, m->n_params);
        if (c->raw)
            weights_row(c->raw, st->epoch, opt->raw ? opt->raw : m->params, m->n_params);
    }
    char row[256];   /* an epoch and at most six numbers of 24 bytes */
    int len = fmt_epoch(row, st->epoch);
    row[len++] = ',';
    int nl = nn_csv_fmt(row + len, st->loss);
    len += nl;
    row[len++] = ',';
    if (memcmp(&st->mse, &st->loss, sizeof st->loss) == 0) {   /* the mse loss: the same text */
        memcpy(row + len, row + len - 1 - nl, (size_t)nl);
        len += nl;
    } else {
        len += nn_csv_fmt(row + len, st->mse);
    }
    row[len++] = ',';
    if (c->classify)
        len += nn_csv_fmt(row + len, st->error);
    if (c->test) {
        row[len++] = ',';
        if (c->classify)
            len += nn_csv_fmt(row + len, st->test_error);
        row[len++] = ',';
        len += nn_csv_fmt(row + len, st->test_loss);
        row[len++] = ',';
        len += nn_csv_fmt(row + len, st->test_mse);
    }
    row[len++] = '\n';
    fwrite(row, 1, (size_t)len, c->f);
    /* a full disk ends the run now, not after hours of training into a dead stream */
    int err = errno;
    FILE *files[3] = {c->f, c->weights, c->raw};
    static const char *const names[3] = {"metrics.csv", "weights.csv", "raw_weights.csv"};
    for (int k = 0; k < 3; k++)
        if (files[k] && ferror(files[k])) {
            nn_err_set(e, NN_EIO, "", "write failed: %s", strerror(err ? err : EIO));
            nn_err_where(e, "%s/%s/%s", c->o->out_dir, c->label, names[k]);
            return NN_EIO;
        }
    if (c->o->progress) {   /* models may train on several threads: one line at a time */
        static pthread_mutex_t progress_mutex = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&progress_mutex);
        c->o->progress(c->o->progress_ctx, c->label, c->model, c->n_models, st, c->max_epochs);
        pthread_mutex_unlock(&progress_mutex);
    }
    return NN_OK;
}

static cJSON *number_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* ---- studies ------------------------------------------------------------------------------- */

/* Run the studies in order into analyses (one object each); a stop request ends the list. */
static int write_summary(const char *dir, const cJSON *summary, nn_err *e)
{
    char path[4200];
    nn_path_join(path, sizeof path, dir, "summary.json");
    char *text = nn_json_print(summary, NN_JSON_DIGITS17);
    int rc = text ? nn_write_text(path, text, e) : nn_err_set(e, NN_ENOMEM, path, "out of memory");
    free(text);
    return rc;
}

/* Run the studies in order into the summary's analyses (one object each), writing
 * summary.json after each, so a study that fails or is interrupted loses only itself. */
/* A study's error names its place: inside the run directory ("data.csv", a model's label)
 * or, when it named none, the study itself. */
static void place(nn_err *e, const char *dir, const char *study)
{
    size_t n = strlen(dir);
    if (!e->where[0]) {
        nn_err_where(e, "%s: the %s study", dir, study);
    } else if (e->where[0] != '/' &&
               (strncmp(e->where, dir, n) || (e->where[n] != '/' && e->where[n] != ':'))) {
        char w[sizeof e->where];
        snprintf(w, sizeof w, "%s", e->where);
        nn_err_where(e, "%s/%s", dir, w);
    }
}

static int run_studies(nn_study_ctx *sc, const nn_study_plan *studies, int n,
                       volatile const int *stop, cJSON *summary, int *status, nn_err *e)
{
    cJSON *analyses = cJSON_GetObjectItemCaseSensitive(summary, "analyses");
    for (int s = 0; s < n; s++) {
        if (stop && *stop) {
            *status = NN_RUN_INTERRUPTED;
            return NN_OK;
        }
        const char *name = studies[s].spec->name;
        cJSON_DeleteItemFromObjectCaseSensitive(analyses, name);
        cJSON *a = cJSON_AddObjectToObject(analyses, name);
        int rc = nn_study_run(sc, &studies[s], a, e);
        /* a terminal's Ctrl-C reaches gnuplot too, which may exit 1 rather than die of it:
         * whatever failed once a signal arrived failed because of it */
        if (rc && stop && *stop)
            rc = NN_EINTR;
        if (rc && rc != NN_EINTR)
            place(e, sc->dir, name);
        if (rc == NN_EINTR) {            /* a study that trains saw the stop request */
            cJSON_DeleteItemFromObjectCaseSensitive(analyses, name);
            *status = NN_RUN_INTERRUPTED;
            return NN_OK;
        }
        if (rc) {
            cJSON_DeleteItemFromObjectCaseSensitive(analyses, name);
            return rc;
        }
        if ((rc = write_summary(sc->dir, summary, e)))
            return rc;
    }
    return NN_OK;
}

/* The SHA-256 of dir/label/name's bytes into hex; false when it cannot be read. */
static bool file_sha256(const char *dir, const char *label, const char *name, char hex[65])
{
    char sub[4200], path[4400];
    nn_path_join(sub, sizeof sub, dir, label);
    nn_path_join(path, sizeof path, sub, name);
    size_t n;
    nn_err ignored;
    char *text = nn_read_file(path, (size_t)1 << 30, "model", &n, &ignored);
    if (!text)
        return false;
    nn_sha256_hex(text, n, hex);
    free(text);
    return true;
}

static cJSON *read_json(const char *path, size_t max, nn_err *e)
{
    size_t n;
    char *text = nn_read_file(path, max, "file", &n, e);
    if (!text)
        return NULL;
    /* read as strictly as a spec: a key twice, a NUL escape, text after it are damage */
    cJSON *j = nn_json_parse(text, n, path, "file", e);
    free(text);
    return j;
}

static int analyze(const char *dir, const char *study, bool draw, bool force, const char *want,
                   const nn_fig_opts *fig, volatile const int *stop, nn_run_result *r, nn_err *e);

int nn_analyze(const char *dir, const char *study, bool draw, bool force, bool report,
               const nn_fig_opts *fig, volatile const int *stop, nn_run_result *r, nn_err *e)
{
    memset(r, 0, sizeof *r);
    r->status = NN_RUN_FAILED;
    char path[4200];
    nn_path_join(path, sizeof path, dir, "manifest.json");
    cJSON *man = read_json(path, NN_MANIFEST_MAX_BYTES, e);
    if (!man)
        return e->code;
    cJSON *st = cJSON_GetObjectItemCaseSensitive(man, "status");
    cJSON *sha = cJSON_GetObjectItemCaseSensitive(man, "spec_sha256");
    bool running = cJSON_IsString(st) && !strcmp(st->valuestring, "running");
    char want[65] = "";
    if (cJSON_IsString(sha))
        snprintf(want, sizeof want, "%s", sha->valuestring);
    cJSON_Delete(man);
    /* a live run (or another analyze) holds the run's lock: never rewrite under it */
    int lock, rc = nn_rundir_lock(dir, &lock, e);
    if (rc)
        return rc;
    if (running && !force)
        rc = nn_err_set(e, NN_EUSAGE, dir, "its manifest says \"running\", but no nnlab process "
                        "is writing it: the run was killed (pass --force to analyse what it "
                        "recorded)");
    else
        rc = analyze(dir, study, draw, force, want, fig, stop, r, e);
    if (!rc && report) {   /* the page shows the new figures, under the run's lock */
        const char *const dirs[1] = {dir};
        nn_report_opts ro = {.gnuplot = fig ? fig->gnuplot : NULL, .no_figures = !draw,
                             .stop = stop};
        rc = nn_report_write(dirs, 1, NULL, &ro, NULL, 0, e);
        if (rc)
            e->code = rc = NN_ERUN, r->status = NN_RUN_FAILED;
    }
    nn_rundir_unlock(lock);
    return rc;
}

static int analyze(const char *dir, const char *study, bool draw, bool force, const char *want,
                   const nn_fig_opts *fig, volatile const int *stop, nn_run_result *r, nn_err *e)
{
    char path[4200];
    {   /* the spec must be the one the run used */
        size_t n;
        char *text, have[65];
        nn_path_join(path, sizeof path, dir, "spec.json");
        if (!(text = nn_read_file(path, NN_SPEC_MAX_BYTES, "spec", &n, e)))
            return e->code;
        nn_sha256_hex(text, n, have);
        free(text);
        if (strcmp(have, want) && !force)
            return nn_err_set(e, NN_EUSAGE, path, "changed since the run (its SHA-256 is not the "
                              "manifest's spec_sha256); pass --force to analyse with it anyway");
    }
    nn_plan p;
    nn_path_join(path, sizeof path, dir, "spec.json");
    int rc = nn_spec_load(&p, path, NULL, 0, nn_study_table_get(), e);
    if (rc) {
        nn_plan_free(&p);
        return rc;
    }
    nn_study_plan one = {0};
    nn_study_plan *list = p.studies;
    int n = p.n_studies;
    if (study) {
        if ((rc = nn_spec_study(&p, nn_study_table_get(), study, &one, e))) {
            nn_plan_free(&p);
            return rc;
        }
        list = &one;
        n = 1;
    }
    /* the data gives the models' inputs, and must still fit the spec */
    nn_data data;
    nn_path_join(path, sizeof path, dir, "data.csv");
    if ((rc = nn_data_load_csv(path, nn_plan_target(&p), &data, e))) {
        free(one.options);
        nn_plan_free(&p);
        return rc;
    }
    nn_study_plan *spec_list = p.studies;   /* the studies to run, checked against the data */
    int spec_n = p.n_studies;
    p.studies = list;
    p.n_studies = n;
    rc = nn_plan_check_data(&p, &data, path, e);
    p.studies = spec_list;
    p.n_studies = spec_n;
    if (rc && study && strstr(e->where, "/studies/"))   /* the study is --study's, not spec.json's */
        nn_err_where(e, "--study %s", study);
    nn_data_free(&data);
    if (rc) {
        free(one.options);
        nn_plan_free(&p);
        return rc;
    }
    nn_path_join(path, sizeof path, dir, "summary.json");
    cJSON *summary = read_json(path, (size_t)1 << 28, e);
    if (!summary) {
        free(one.options);
        nn_plan_free(&p);
        return e->code;
    }
    nn_study_ctx sc = {.dir = dir, .plan = &p, .draw = draw, .stop = stop};
    sc.fig = (nn_fig_opts){p.fig_formats, p.fig_size, NULL};
    if (fig) {
        sc.fig.gnuplot = fig->gnuplot;
        if (fig->formats)
            sc.fig.formats = fig->formats;
        if (fig->size > 0)
            sc.fig.size = fig->size;
    }
    /* the models the run trained, as summary.json lists them: each a model of the spec, once,
     * in the spec's order (a damaged list would pair a model with itself, or leave every
     * study with nothing) */
    cJSON *ms = cJSON_GetObjectItemCaseSensitive(summary, "models"), *mj;
    int idx = 0, last = -1;
    if (!cJSON_IsArray(ms))
        rc = nn_err_set(e, NN_ESPEC, path, "/models: expected the list of the models the run "
                        "trained (the run directory is damaged)");
    else if (!cJSON_GetArraySize(ms))
        rc = nn_err_set(e, NN_ESPEC, path, "/models: the run trained no model to the end "
                        "(interrupted?): nothing to analyse");
    cJSON *listed = rc ? NULL : ms;
    cJSON_ArrayForEach(mj, listed) {
        char where[4400];
        snprintf(where, sizeof where, "%s: /models/%d", path, idx++);
        cJSON *l = cJSON_GetObjectItemCaseSensitive(mj, "label");
        cJSON *er = cJSON_GetObjectItemCaseSensitive(mj, "epochs_run");
        int k = -1;
        for (int i = 0; cJSON_IsString(l) && i < p.n_models && k < 0; i++)
            if (!strcmp(p.models[i].label, l->valuestring))
                k = i;
        if (k < 0)
            rc = nn_err_set(e, NN_ESPEC, where, "names no model of spec.json (%s)",
                            cJSON_IsString(l) ? l->valuestring : "no label");
        else if (k <= last)
            rc = nn_err_set(e, NN_ESPEC, where, "model \"%s\" is listed twice or out of the "
                            "spec's order", l->valuestring);
        else if (!cJSON_IsNumber(er) || er->valuedouble < 0 || er->valuedouble > 1e15 ||
                 er->valuedouble != floor(er->valuedouble))
            rc = nn_err_set(e, NN_ESPEC, where, "expected \"epochs_run\", a whole number");
        /* the model files are the ones this run wrote (another run's, copied in, would be
         * analysed as this one's): summary.json keeps their SHA-256 (runs before it did not) */
        for (int f = 0; f < 2 && !rc; f++) {
            const char *key = f ? "model_sha256" : "initial_sha256";
            const char *name = f ? "model.json" : "model-initial.json";
            const cJSON *kept = cJSON_GetObjectItemCaseSensitive(mj, key);
            char hex[65], file[4400], sub[4400];
            if (!cJSON_IsString(kept))
                continue;
            nn_path_join(sub, sizeof sub, dir, l->valuestring);
            nn_path_join(file, sizeof file, sub, name);
            if (!force && file_sha256(dir, l->valuestring, name, hex) &&
                strcmp(hex, kept->valuestring))
                rc = nn_err_set(e, NN_ESPEC, file, "is not the file this run wrote (its SHA-256 "
                                "is not summary.json's %s): another run's copied in? (--force "
                                "analyses it anyway)", key);
        }
        if (rc)
            break;
        last = k;
        sc.epochs_run[sc.n_models] = (long)er->valuedouble;
        sc.models[sc.n_models++] = &p.models[k];
    }
    if (rc) {
        cJSON_Delete(summary);
        free(one.options);
        nn_plan_free(&p);
        return rc;
    }
    cJSON *analyses = cJSON_GetObjectItemCaseSensitive(summary, "analyses");
    if (!cJSON_IsObject(analyses)) {
        cJSON_DeleteItemFromObjectCaseSensitive(summary, "analyses");
        analyses = cJSON_AddObjectToObject(summary, "analyses");
    }
    int status = NN_RUN_COMPLETE;
    (void)analyses;
    rc = run_studies(&sc, list, n, stop, summary, &status, e);
    r->gnuplot_missing = sc.gnuplot_missing;
    memcpy(r->undrawn, sc.undrawn, sizeof r->undrawn);
    if (rc == NN_ESPEC || rc == NN_EUSAGE)   /* the run directory may have been written to */
        e->code = rc = NN_ERUN;
    r->status = rc ? NN_RUN_FAILED : status;
    cJSON_Delete(summary);
    free(one.options);
    nn_plan_free(&p);
    return rc;
}

/* ---- training the models -------------------------------------------------------------- */

#define NN_MAX_THREADS 64

typedef struct model_job {
    bool ran;                  /* taken by a worker (else skipped: interrupted or failed) */
    int rc;
    nn_err e;
    nn_train_result tr;
    double seconds;
} model_job;

typedef struct pool {
    model_job *jobs;
    int n, next;
    bool failed;               /* a model failed: start no more */
    nn_plan *p;
    const nn_run_opts *o;
    prepared *pr;
    const nn_trainset *ts;
    pthread_mutex_t lock;
} pool;

/* Train model i of the run into its folder: model-initial.json, metrics.csv (and the
 * trajectories), model.json. Everything it touches is the model's own. */
static int train_one(pool *pl, int i, model_job *jb)
{
    nn_plan *p = pl->p;
    const nn_run_opts *o = pl->o;
    nn_model_plan *mp = &p->models[i];
    nn_model *m = pl->pr->models[i];
    nn_err *e = &jb->e;
    char path[4200], name[256];
    int rc;
    nn_path_join(path, sizeof path, o->out_dir, mp->label);
    if ((rc = nn_mkdir(path, e)))
        return rc;
    snprintf(name, sizeof name, "%s/model-initial.json", mp->label);
    nn_path_join(path, sizeof path, o->out_dir, name);
    if ((rc = nn_model_save(m, mp->label, path, e)))
        return rc;
    snprintf(name, sizeof name, "%s/metrics.csv", mp->label);
    nn_path_join(path, sizeof path, o->out_dir, name);
    nn_file w, ww = {0}, wr = {0};
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
    fputs(pl->pr->test.n ? "epoch,loss,mse,error,test_error,test_loss,test_mse\n"
                         : "epoch,loss,mse,error\n", w.f);
    if (p->record.weights != NN_REC_NONE) {
        snprintf(name, sizeof name, "%s/weights.csv", mp->label);
        nn_path_join(path, sizeof path, o->out_dir, name);
        if ((rc = nn_file_open(&ww, path, e))) {
            nn_file_abort(&w);
            return rc;
        }
        weights_header(ww.f, m);
        if (p->record.raw) {
            snprintf(name, sizeof name, "%s/raw_weights.csv", mp->label);
            nn_path_join(path, sizeof path, o->out_dir, name);
            if ((rc = nn_file_open(&wr, path, e))) {
                nn_file_abort(&w);
                nn_file_abort(&ww);
                return rc;
            }
            weights_header(wr.f, m);
        }
    }
    nn_optim *opt = nn_optim_create(&p->train.opt, m->params, m->n_params, e);
    if (!opt) {
        nn_file_abort(&w);
        nn_file_abort(&ww);
        nn_file_abort(&wr);
        return e->code;
    }
    metrics_ctx mc = {w.f, ww.f, wr.f, &p->record, 0, o, mp->label, i, p->n_models,
                      p->train.max_epochs, pl->ts->classify, pl->pr->test.n > 0};
    nn_train_hooks hooks = {&mc, on_epoch, o->stop};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = p->train.float32 ? nn_train_f32(m, opt, &p->train, pl->ts, &hooks, &jb->tr, e)
                          : nn_train(m, opt, &pl->pr->rngs[i], &p->train, pl->ts, &hooks, &jb->tr, e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    jb->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    nn_optim_free(opt);
    if (rc) {
        nn_file_abort(&w);
        nn_file_abort(&ww);
        nn_file_abort(&wr);
        return rc;
    }
    if ((rc = nn_file_commit(&w, e)) || (ww.f && (rc = nn_file_commit(&ww, e))) ||
        (wr.f && (rc = nn_file_commit(&wr, e)))) {
        nn_file_abort(&ww);
        nn_file_abort(&wr);
        return rc;
    }
    snprintf(name, sizeof name, "%s/model.json", mp->label);
    nn_path_join(path, sizeof path, o->out_dir, name);
    return nn_model_save(m, mp->label, path, e);
}

/* Take models in order until none is left (or a stop or failure says start no more). */
static void *pool_worker(void *arg)
{
    pool *pl = arg;
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        int i = pl->failed || (pl->o->stop && *pl->o->stop) || pl->next >= pl->n ? -1 : pl->next++;
        if (i >= 0)
            pl->jobs[i].ran = true;
        pthread_mutex_unlock(&pl->lock);
        if (i < 0)
            return NULL;
        model_job *jb = &pl->jobs[i];
        jb->rc = train_one(pl, i, jb);
        if (jb->rc || jb->tr.status == NN_TRAIN_INTERRUPTED) {
            pthread_mutex_lock(&pl->lock);
            pl->failed = true;      /* like the serial loop: no model starts after this */
            pthread_mutex_unlock(&pl->lock);
        }
    }
}

/* ---- the run ---------------------------------------------------------------------------- */

int nn_run(nn_plan *p, const nn_run_opts *o, nn_run_result *r, nn_err *e)
{
    memset(r, 0, sizeof *r);
    r->status = NN_RUN_FAILED;
    prepared pr;
    manifest man = {0};
    int lock = -1;             /* the run directory's, held while the run writes it */
    clock_gettime(CLOCK_MONOTONIC, &man.m0);
    man.t0 = time(NULL);
    iso_time(man.started, sizeof man.started, man.t0);
    int rc = prepare(p, &pr, o->spec_file, e);
    if (!rc)
        rc = size_guard(p, &pr, o->spec_file, o->max_output, !o->no_plots,
                        !o->no_report && !o->no_plots, NULL, e);
    if (rc)
        goto out;
    if (o->stop && *o->stop) {          /* a signal while preparing: write nothing */
        r->status = NN_RUN_INTERRUPTED;
        rc = nn_err_set(e, NN_EINTR, "", "interrupted before anything was written");
        goto out;
    }
    if ((rc = nn_rundir_create(o->out_dir, o->force, &lock, e)))
        goto out;
    r->wrote = true;

    char path[4200];
    char *spec_text = nn_plan_to_json(p);
    if (!spec_text) {
        rc = nn_err_set(e, NN_ENOMEM, o->out_dir, "out of memory");
        goto out;
    }
    nn_sha256_hex(spec_text, strlen(spec_text), man.sha);
    /* the manifest first: a folder holding anything holds the manifest that says what it is
     * (a full disk must not leave a spec.json alone, which --force would then refuse) */
    nn_path_join(man.path, sizeof man.path, o->out_dir, "manifest.json");
    if ((rc = write_manifest(&man, o, "running", false, e))) {
        free(spec_text);
        nn_rundir_discard(o->out_dir, lock);   /* nothing written: no folder left */
        lock = -1;
        r->wrote = false;
        goto out;
    }
    nn_path_join(path, sizeof path, o->out_dir, "spec.json");
    rc = nn_write_text(path, spec_text, e);
    free(spec_text);
    if (rc)
        goto fail;
    nn_file w;
    nn_path_join(path, sizeof path, o->out_dir, "data.csv");
    if ((rc = nn_file_open(&w, path, e)))
        goto fail;
    if ((rc = nn_data_write_csv(w.f, &pr.data, e))) {
        nn_err_where(e, "%s", path);
        nn_file_abort(&w);
        goto fail;
    }
    if ((rc = nn_file_commit(&w, e)))
        goto fail;
    if (pr.test.n) {
        nn_path_join(path, sizeof path, o->out_dir, "test.csv");
        if ((rc = nn_file_open(&w, path, e)))
            goto fail;
        if ((rc = nn_data_write_csv(w.f, &pr.test, e))) {
            nn_err_where(e, "%s", path);
            nn_file_abort(&w);
            goto fail;
        }
        if ((rc = nn_file_commit(&w, e)))
            goto fail;
    }

    cJSON *summary = cJSON_CreateObject();
    cJSON_AddStringToObject(summary, "name", p->name);
    cJSON *models = cJSON_AddArrayToObject(summary, "models");
    nn_trainset tt = {pr.test.n, pr.test.d, pr.Xt, pr.test.y, pr.test.classify, NULL};
    nn_trainset ts = {pr.data.n, pr.data.d, pr.X, pr.data.y, pr.data.classify,
                      pr.test.n ? &tt : NULL};
    int status = NN_RUN_COMPLETE, trained = 0;
    long epochs[NN_MAX_MODELS];          /* each trained model's epochs_run */
    /* the models train independently: on up to o->threads threads, each model's files
     * written by the thread that trains it, then summarised in order, so the run directory
     * is the same bytes whatever the thread count */
    model_job *jobs = calloc((size_t)p->n_models, sizeof *jobs);
    if (!jobs) {
        rc = nn_err_set(e, NN_ENOMEM, o->out_dir, "out of memory");
        cJSON_Delete(summary);
        goto fail;
    }
    pool pl = {.jobs = jobs, .n = p->n_models, .p = p, .o = o, .pr = &pr, .ts = &ts};
    pthread_mutex_init(&pl.lock, NULL);
    int nt = o->threads > 1 ? (o->threads < p->n_models ? o->threads : p->n_models) : 1;
    pthread_t th[NN_MAX_THREADS];
    int started = 0;
    struct timespec tw0, tw1;
    clock_gettime(CLOCK_MONOTONIC, &tw0);
    /* When the pool takes every CPU the process may use, each thread on a CPU of its own, in
     * the order of the affinity set: left to the scheduler, the two threads of init.json
     * shared one CPU for a while in more than half the runs on a 2-core VM (its tanh model
     * 1.4 times slower). A pool using fewer CPUs than it may is not pinned, so that several
     * runs at once (a sweep's points under GNU parallel, say) do not all pile onto the first
     * CPUs. Results do not depend on it; NNLAB_NO_PIN=1 never pins. */
    cpu_set_t allowed, saved;
    int cpus[NN_MAX_THREADS], ncpu = 0;
    const bool pin = nt > 1 && !getenv("NNLAB_NO_PIN") &&
                     sched_getaffinity(0, sizeof allowed, &allowed) == 0 &&
                     CPU_COUNT(&allowed) == nt;
    for (int c = 0; pin && c < CPU_SETSIZE && ncpu < nt && ncpu < NN_MAX_THREADS; c++)
        if (CPU_ISSET(c, &allowed))
            cpus[ncpu++] = c;
    for (int t = 1; t < nt && t < NN_MAX_THREADS; t++) {
        pthread_attr_t at;
        pthread_attr_init(&at);
        if (t < ncpu) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpus[t], &one);
            pthread_attr_setaffinity_np(&at, sizeof one, &one);
        }
        if (pthread_create(&th[started], &at, pool_worker, &pl) == 0 ||
            pthread_create(&th[started], NULL, pool_worker, &pl) == 0)   /* unpinned, then */
            started++;
        pthread_attr_destroy(&at);
    }
    const bool self = ncpu > 0 && sched_getaffinity(0, sizeof saved, &saved) == 0;
    if (self) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpus[0], &one);
        sched_setaffinity(0, sizeof one, &one);
    }
    pool_worker(&pl);                       /* this thread works too */
    if (self)
        sched_setaffinity(0, sizeof saved, &saved);   /* the studies may use any CPU */
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &tw1);
    man.train_wall = (double)(tw1.tv_sec - tw0.tv_sec) + 1e-9 * (double)(tw1.tv_nsec - tw0.tv_nsec);
    man.threads = started + 1;
    pthread_mutex_destroy(&pl.lock);
    for (int i = 0; i < p->n_models; i++) {
        model_job *jb = &jobs[i];
        if (!jb->ran)
            continue;                       /* after an interruption or a failure */
        man.labels[man.n_models] = p->models[i].label;
        man.train_seconds[man.n_models++] = jb->seconds;
        if (jb->rc) {
            if (!rc) {
                rc = jb->rc;
                *e = jb->e;
            }
            continue;
        }
        if (rc)
            continue;
        const nn_train_result *tr = &jb->tr;
        epochs[trained++] = tr->epochs_run;
        const char *ms = tr->status == NN_TRAIN_DIVERGED      ? "diverged"
                         : tr->status == NN_TRAIN_INTERRUPTED ? "interrupted"
                                                              : "complete";
        cJSON *mj = cJSON_CreateObject();
        cJSON_AddStringToObject(mj, "label", p->models[i].label);
        cJSON_AddNumberToObject(mj, "seed", p->models[i].seed);
        cJSON_AddStringToObject(mj, "status", ms);
        cJSON_AddNumberToObject(mj, "epochs_run", (double)tr->epochs_run);
        cJSON_AddNumberToObject(mj, "iterations", (double)tr->iterations);
        cJSON_AddBoolToObject(mj, "converged", tr->converged);
        cJSON_AddItemToObject(mj, "converged_epoch", tr->converged
                                                         ? cJSON_CreateNumber((double)tr->converged_epoch)
                                                         : cJSON_CreateNull());
        if (tr->status == NN_TRAIN_DIVERGED)
            cJSON_AddNumberToObject(mj, "diverged_epoch", (double)tr->diverged_epoch);
        cJSON *fin = cJSON_AddObjectToObject(mj, "final");
        cJSON_AddItemToObject(fin, "loss", number_or_null(tr->final.loss));
        cJSON_AddItemToObject(fin, "mse", number_or_null(tr->final.mse));
        cJSON_AddItemToObject(fin, "error", number_or_null(tr->final.error));
        cJSON_AddItemToObject(fin, "test_error", number_or_null(tr->final.test_error));
        if (pr.test.n) {
            cJSON_AddItemToObject(fin, "test_loss", number_or_null(tr->final.test_loss));
            cJSON_AddItemToObject(fin, "test_mse", number_or_null(tr->final.test_mse));
        }
        cJSON *dr = cJSON_AddArrayToObject(mj, "init_draws");
        for (int l = 0; l < pr.models[i]->L; l++)
            cJSON_AddItemToArray(dr, cJSON_CreateNumber((double)pr.draws[i][l]));
        /* the model files' fingerprints: analyze knows them for this run's own */
        for (int f = 0; f < 2; f++) {
            char hex[65];
            if (file_sha256(o->out_dir, p->models[i].label, f ? "model.json" : "model-initial.json",
                            hex))
                cJSON_AddStringToObject(mj, f ? "model_sha256" : "initial_sha256", hex);
        }
        cJSON_AddItemToArray(models, mj);
        if (tr->status == NN_TRAIN_DIVERGED && status == NN_RUN_COMPLETE)
            status = NN_RUN_DIVERGED;
        if (tr->status == NN_TRAIN_INTERRUPTED)
            status = NN_RUN_INTERRUPTED;
    }
    if (o->stop && *o->stop && !rc)
        status = NN_RUN_INTERRUPTED;        /* models left untrained */
    free(jobs);
    cJSON_AddObjectToObject(summary, "analyses");
    /* the models' results stand on their own before any study runs */
    if (!rc)
        rc = write_summary(o->out_dir, summary, e);
    if (!rc && status != NN_RUN_INTERRUPTED) {
        nn_study_ctx sc = {.dir = o->out_dir, .plan = p, .n_models = trained, .draw = !o->no_plots,
                           .stop = o->stop, .fig = {p->fig_formats, p->fig_size, o->gnuplot}};
        for (int i = 0; i < trained; i++) {
            sc.models[i] = &p->models[i];
            sc.epochs_run[i] = epochs[i];
        }
        rc = run_studies(&sc, p->studies, p->n_studies, o->stop, summary, &status, e);
        r->gnuplot_missing = sc.gnuplot_missing;
        memcpy(r->undrawn, sc.undrawn, sizeof r->undrawn);
    }
    if (!rc && status == NN_RUN_INTERRUPTED)
        rc = write_summary(o->out_dir, summary, e);
    cJSON_Delete(summary);
    if (rc)
        goto fail;
    if (!o->no_report) {   /* the page, before the manifest says the run is over */
        const char *const dirs[1] = {o->out_dir};
        nn_report_opts ro = {.gnuplot = o->gnuplot, .status = nn_run_status_name(status),
                             .no_figures = o->no_plots, .stop = o->stop};
        if ((rc = nn_report_write(dirs, 1, NULL, &ro, NULL, 0, e)))
            goto fail;
    }
    r->status = status;
    r->wall_seconds = elapsed(&man);
    rc = write_manifest(&man, o, nn_run_status_name(status), true, e);
    goto out;
fail:
    r->status = NN_RUN_FAILED;
    if (rc == NN_ESPEC || rc == NN_EUSAGE)   /* exit 2 promises nothing was written */
        e->code = rc = NN_ERUN;
    {
        nn_err ignored;   /* the first error is the one to report */
        write_manifest(&man, o, "failed", true, &ignored);
        /* the page of what it did, when it can be had (a full disk: not) */
        if (!o->no_report && nn_path_exists(man.path)) {
            const char *const dirs[1] = {o->out_dir};
            nn_report_opts ro = {.gnuplot = o->gnuplot, .status = "failed", .no_figures = true};
            nn_report_write(dirs, 1, NULL, &ro, NULL, 0, &ignored);
        }
    }
out:
    nn_rundir_unlock(lock);
    prepared_free(&pr, p->n_models);
    return rc;
}
