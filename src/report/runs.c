/* runs.c: run and sweep directories, read for a page. A page is also for a damaged,
 * interrupted or failed run, so nothing here fails the page: what cannot be read is kept
 * as a sentence (why) and the rest is shown. Every file goes through nn_read_file (a FIFO
 * or a device under a file's name is refused at once). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nnlab/files.h"
#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/record.h"
#include "rep.h"

#define JSON_MAX ((size_t)1 << 28)

static void add_why(char *why, size_t cap, const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(why);
    if (n + 4 < cap)
        snprintf(why + n, cap - n, n ? "; " : "%s", "");
    n = strlen(why);
    if (n + 1 < cap)
        snprintf(why + n, cap - n, fmt, a, b);
}

/* name's JSON in dir; NULL (and a sentence in why, unless it is simply absent and quiet) */
static cJSON *load_json(const char *dir, const char *name, bool quiet_absent, char *why,
                        size_t cap)
{
    char path[4400];
    nn_path_join(path, sizeof path, dir, name);
    nn_err e = {0};
    size_t len;
    char *text = nn_read_file(path, JSON_MAX, name, &len, &e);
    if (!text) {
        if (!(quiet_absent && errno == ENOENT))
            add_why(why, cap, "%s: %s", name, e.msg[0] ? e.msg : "cannot be read");
        return NULL;
    }
    cJSON *j = nn_json_parse(text, len, name, "file", &e);   /* as analyze reads it */
    free(text);
    if (!j || !cJSON_IsObject(j)) {
        add_why(why, cap, "%s: %s", name, "not a JSON object (damaged?)");
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static const char *str(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Is the spec's model m replicated (its own "seeds", or the top level's when it names
 * neither seed nor seeds)? */
static bool replicated(const cJSON *spec, const cJSON *m)
{
    if (cJSON_GetObjectItemCaseSensitive(m, "seeds"))
        return true;
    return !cJSON_GetObjectItemCaseSensitive(m, "seed") &&
           cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(spec, "seeds"));
}

/* the spec model a summary label replicates: "relu" for "relu-s3" when relu is replicated */
static void group_of(const cJSON *spec, const char *label, char *out, size_t cap)
{
    snprintf(out, cap, "%s", label);
    const char *dash = strrchr(label, '-');
    if (!spec || !dash || dash[1] != 's' || !dash[2] || strspn(dash + 2, "0123456789") != strlen(dash + 2))
        return;
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(spec, "models"), *m;
    const cJSON *one = cJSON_GetObjectItemCaseSensitive(spec, "model");
    size_t n = (size_t)(dash - label);
    cJSON_ArrayForEach(m, ms) {
        const char *l = str(m, "label");
        if (l && strlen(l) == n && !strncmp(l, label, n) && replicated(spec, m)) {
            snprintf(out, cap, "%.*s", (int)n, label);
            return;
        }
    }
    if (cJSON_IsObject(one)) {
        const char *l = str(one, "label");
        if (l && strlen(l) == n && !strncmp(l, label, n) && replicated(spec, one))
            snprintf(out, cap, "%.*s", (int)n, label);
    }
}

void rep_run_load(rrun *r, const char *dir, const char *status_override)
{
    memset(r, 0, sizeof *r);
    r->point = -1;
    r->point_ok = true;
    r->dir = strdup(dir);
    const char *slash = strrchr(dir, '/');
    while (slash && !slash[1] && slash > dir) {   /* "runs/x/" names x */
        const char *p = slash - 1;
        while (p > dir && *p != '/')
            p--;
        slash = *p == '/' ? p : NULL;
    }
    r->name = strdup(slash ? slash + 1 : dir);
    if (r->name) {
        size_t n = strlen(r->name);
        while (n > 1 && r->name[n - 1] == '/')
            r->name[--n] = '\0';
    }
    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        snprintf(r->status, sizeof r->status, "missing");
        snprintf(r->why, sizeof r->why, "no run folder here");
        return;
    }
    r->manifest = load_json(dir, "manifest.json", false, r->why, sizeof r->why);
    r->spec = load_json(dir, "spec.json", false, r->why, sizeof r->why);
    r->summary = load_json(dir, "summary.json", true, r->why, sizeof r->why);
    const char *st_m = r->manifest ? str(r->manifest, "status") : NULL;
    if (status_override)
        snprintf(r->status, sizeof r->status, "%s", status_override);
    else if (!r->manifest)
        snprintf(r->status, sizeof r->status, "unreadable");
    else if (!st_m)
        snprintf(r->status, sizeof r->status, "unknown");
    else if (!strcmp(st_m, "running"))   /* its lock says whether it still is */
        snprintf(r->status, sizeof r->status, "%s",
                 nn_rundir_probe(dir) == 0 ? "killed" : "running");
    else
        snprintf(r->status, sizeof r->status, "%.39s", st_m);
    const cJSON *ms = r->summary ? cJSON_GetObjectItemCaseSensitive(r->summary, "models") : NULL;
    int n = cJSON_GetArraySize(ms);
    if (n > 0 && (r->models = calloc((size_t)n, sizeof *r->models))) {
        const cJSON *m;
        int dropped = 0;
        cJSON_ArrayForEach(m, ms) {
            const char *l = str(m, "label");
            if (!l || !*l || strchr(l, '/') || !strcmp(l, ".") || !strcmp(l, "..")) {
                dropped++;   /* a label names a folder: never one outside the run */
                continue;
            }
            rmodel *rm = &r->models[r->n_models++];
            rm->label = l;
            rm->j = m;
            group_of(r->spec, l, rm->group, sizeof rm->group);
        }
        if (dropped) {
            char count[40];
            snprintf(count, sizeof count, "%d", dropped);
            add_why(r->why, sizeof r->why, "summary.json: %s model entries have no label that "
                    "names a folder of the run (damaged?); they are left out%s", count, "");
        }
    }
}

void rep_run_free(rrun *r)
{
    free(r->dir);
    free(r->name);
    cJSON_Delete(r->manifest);
    cJSON_Delete(r->spec);
    cJSON_Delete(r->summary);
    free(r->models);
    memset(r, 0, sizeof *r);
}

bool rep_is_sweep(const char *dir)
{
    char path[4400];
    nn_path_join(path, sizeof path, dir, "sweep.json");
    struct stat st;
    return !lstat(path, &st);
}

int rep_sweep_load(rsweep *s, const char *dir, nn_err *e)
{
    memset(s, 0, sizeof *s);
    s->dir = strdup(dir);
    s->j = load_json(dir, "sweep.json", false, s->why, sizeof s->why);
    if (!s->dir || !s->j)
        return nn_err_set(e, NN_ESPEC, dir, "sweep.json cannot be read: %s",
                          s->why[0] ? s->why : "out of memory");
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(s->j, "points"), *p;
    int n = cJSON_GetArraySize(pts);
    if (!cJSON_IsArray(pts))
        return nn_err_set(e, NN_ESPEC, dir, "sweep.json: /points: expected the list of points");
    s->points = calloc((size_t)(n ? n : 1), sizeof *s->points);
    if (!s->points)
        return nn_err_set(e, NN_ENOMEM, dir, "out of memory");
    cJSON_ArrayForEach(p, pts) {
        const char *d = str(p, "dir");
        rrun *r = &s->points[s->n];
        char path[4400];
        /* a point's folder is one name inside the sweep's */
        bool ok = d && *d && !strchr(d, '/') && strcmp(d, ".") && strcmp(d, "..");
        nn_path_join(path, sizeof path, dir, ok ? d : "(bad point folder)");
        rep_run_load(r, path, NULL);
        if (!ok) {
            snprintf(r->why, sizeof r->why, "sweep.json names no folder for this point");
            r->point_ok = false;
        }
        r->sets = cJSON_GetObjectItemCaseSensitive(p, "sets");
        const cJSON *ix = cJSON_GetObjectItemCaseSensitive(p, "index");
        bool whole = cJSON_IsNumber(ix) && ix->valuedouble >= 0 && ix->valuedouble < 1e9 &&
                     ix->valuedouble == floor(ix->valuedouble);
        r->point = whole ? (int)ix->valuedouble : s->n;
        const char *sw = str(p, "status");   /* the sweep's word when the folder says nothing */
        if (sw && (!strcmp(r->status, "missing") || !strcmp(r->status, "unreadable")) &&
            strcmp(sw, "complete"))
            snprintf(r->status, sizeof r->status, "%.39s", sw);
        s->n++;
    }
    return NN_OK;
}

void rep_sweep_free(rsweep *s)
{
    for (int i = 0; i < s->n; i++)
        rep_run_free(&s->points[i]);
    free(s->points);
    free(s->dir);
    cJSON_Delete(s->j);
    memset(s, 0, sizeof *s);
}

const char *rep_status_class(const char *s)
{
    if (!strcmp(s, "complete"))
        return "ok";
    if (!strcmp(s, "diverged") || !strcmp(s, "interrupted") || !strcmp(s, "stale") ||
        !strcmp(s, "pending"))
        return "warn";
    if (!strcmp(s, "running") || !strcmp(s, "running elsewhere"))
        return "live";
    return "bad";
}

double rep_num(const cJSON *j, const char *path)
{
    char key[64];
    while (j && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)(n < 63 ? n : 63), path);
        j = cJSON_GetObjectItemCaseSensitive(j, key);
        path += n + (path[n] == '.');
    }
    return cJSON_IsNumber(j) && isfinite(j->valuedouble) ? j->valuedouble : NAN;
}

bool rep_seed_path(const char *path)
{
    const char *last = strrchr(path, '.');
    last = last ? last + 1 : path;
    return !strcmp(last, "seed") || !strcmp(last, "seeds");
}
