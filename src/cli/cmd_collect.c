/* cmd_collect.c: `nnlab collect`, one table from many run directories (docs/sweep.md).
 *
 * Rows are models of runs, in the order the directories are named (a sweep's in point
 * order, a folder's runs by name). Columns are the union over the rows, in the order they
 * are first met: run, the swept values (set.<path>), status, model, seed, the summary's
 * converged, converged_epoch, epochs_run, iterations, every final metric, then every
 * scalar under analyses (nested keys and list positions joined by dots; lists of more
 * than 64 items are left out). --summary reduces each numeric column per group (model
 * and the swept values that are not seeds): count, missing, mean, median, quartiles
 * (numpy's linear interpolation), min and max.
 *
 * The files read are a user's to damage: every read goes through nn_read_file (a FIFO,
 * a device or a folder under a file's name is refused at once), and a file that cannot be
 * read or parsed is said so on stderr, naming it, and labelled in the rows, never taken
 * silently for an absent one. Work is linear in the size of the summaries: columns are
 * found by hash, a row keeps its cells by column, and a study's per-model entries are
 * indexed once per run (a summary of 20,000 models is not scanned once per model).
 * Strings that reach the --plot script (column names, group labels) are quoted by
 * nn_gp_quote; its file names are nnlab's own ([A-Za-z0-9._-], bounded in length).
 * --out never replaces a file nnlab keeps in a run or sweep directory.
 */
#include <cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "nnlab/figure.h"
#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/record.h"
#include "nnlab/report.h"
#include "nnlab/spec.h"

/* The largest file collect reads (a manifest keeps the whole command line). */
#define READ_MAX ((size_t)1 << 28)

/* ---- small tools: growing strings, paths, a string -> index map --------------------------- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

static void sb_cut(sbuf *b, size_t len)
{
    if (b->s && len <= b->len)
        b->s[b->len = len] = '\0';
}

/* One line on stderr, "nnlab: " and the message, with any control character in it (a path
 * or a summary key may hold a newline) shown as '?', so a warning stays one line. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (char *c = buf; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    fprintf(stderr, "nnlab: %s\n", buf);
}

/* "a/b", malloc'd (NULL when memory runs out): no fixed buffer to cut a long path short. */
static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = malloc(na + nb + 2);
    if (p) {
        memcpy(p, a, na);
        p[na] = '/';
        memcpy(p + na + 1, b, nb + 1);
    }
    return p;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Strings, each once, in the order added; found by open addressing. */
typedef struct names {
    char **s;
    int n, cap;
    int *slot;          /* index + 1; 0 is empty */
    size_t n_slots;     /* a power of 2, at least twice n */
} names;

static int names_find(const names *m, const char *s)
{
    if (!m->n_slots)
        return -1;
    for (size_t i = fnv1a(s) & (m->n_slots - 1);; i = (i + 1) & (m->n_slots - 1)) {
        int k = m->slot[i];
        if (!k)
            return -1;
        if (!strcmp(m->s[k - 1], s))
            return k - 1;
    }
}

/* s's index, added when new; -1 when memory runs out. */
static int names_add(names *m, const char *s)
{
    int k = names_find(m, s);
    if (k >= 0)
        return k;
    if ((size_t)(m->n + 1) * 2 > m->n_slots) {
        size_t ns = m->n_slots ? 2 * m->n_slots : 64;
        int *sl = calloc(ns, sizeof *sl);
        if (!sl)
            return -1;
        for (int j = 0; j < m->n; j++) {
            size_t i = fnv1a(m->s[j]) & (ns - 1);
            while (sl[i])
                i = (i + 1) & (ns - 1);
            sl[i] = j + 1;
        }
        free(m->slot);
        m->slot = sl;
        m->n_slots = ns;
    }
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 64;
        char **p = realloc(m->s, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        m->s = p;
        m->cap = cap;
    }
    if (!(m->s[m->n] = strdup(s)))
        return -1;
    size_t i = fnv1a(s) & (m->n_slots - 1);
    while (m->slot[i])
        i = (i + 1) & (m->n_slots - 1);
    m->slot[i] = m->n + 1;
    return m->n++;
}

static void names_free(names *m)
{
    for (int i = 0; i < m->n; i++)
        free(m->s[i]);
    free(m->s);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

/* ---- the table ---------------------------------------------------------------------------- */

typedef struct cell {
    int col;
    const cJSON *v;        /* owned by the row's object */
} cell;

typedef struct trow {
    cJSON *obj;            /* the row as --format json prints it (keys in the order put) */
    cell *cells;           /* sorted by column once the table is whole */
    int n, cap;
} trow;

typedef struct table {
    cJSON *rows;           /* array of the rows' objects */
    trow *r;
    size_t n_rows, cap_rows;
    names cols;
    size_t *seen;          /* per column: 1 + the last row that has it (a row keeps the first) */
    size_t cap_seen;
    bool oom;
} table;

static trow *new_row(table *t)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 64;
        trow *p = realloc(t->r, cap * sizeof *p);
        if (!p)
            return t->oom = true, NULL;
        t->r = p;
        t->cap_rows = cap;
    }
    trow *r = &t->r[t->n_rows];
    memset(r, 0, sizeof *r);
    if (!(r->obj = cJSON_CreateObject()))
        return t->oom = true, NULL;
    cJSON_AddItemToArray(t->rows, r->obj);
    t->n_rows++;
    return r;
}

/* key = v in the last row; the first value a row gets under a key stays. Takes v. */
static void put(table *t, const char *key, cJSON *v)
{
    trow *r = t->n_rows ? &t->r[t->n_rows - 1] : NULL;
    int c = r && v ? names_add(&t->cols, key) : -1;
    if (c < 0) {
        cJSON_Delete(v);
        t->oom = true;
        return;
    }
    if ((size_t)c >= t->cap_seen) {
        size_t cap = t->cap_seen ? 2 * t->cap_seen : 64;
        while (cap <= (size_t)c)
            cap *= 2;
        size_t *p = realloc(t->seen, cap * sizeof *p);
        if (!p) {
            cJSON_Delete(v);
            t->oom = true;
            return;
        }
        memset(p + t->cap_seen, 0, (cap - t->cap_seen) * sizeof *p);
        t->seen = p;
        t->cap_seen = cap;
    }
    if (t->seen[c] == t->n_rows) {      /* this row has it already */
        cJSON_Delete(v);
        return;
    }
    if (r->n == r->cap) {
        int cap = r->cap ? 2 * r->cap : 16;
        cell *p = realloc(r->cells, (size_t)cap * sizeof *p);
        if (!p) {
            cJSON_Delete(v);
            t->oom = true;
            return;
        }
        r->cells = p;
        r->cap = cap;
    }
    t->seen[c] = t->n_rows;
    /* the key is the column's own string, which outlives the rows */
    cJSON_AddItemToObjectCS(r->obj, t->cols.s[c], v);
    r->cells[r->n].col = c;
    r->cells[r->n++].v = v;
}

static int by_col(const void *a, const void *b)
{
    int x = ((const cell *)a)->col, y = ((const cell *)b)->col;
    return (x > y) - (x < y);
}

/* The value of row r in column c, or NULL (cells sorted). */
static const cJSON *get(const trow *r, int c)
{
    int lo = 0, hi = r->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (r->cells[mid].col < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && r->cells[lo].col == c ? r->cells[lo].v : NULL;
}

static void table_free(table *t)
{
    cJSON_Delete(t->rows);       /* before the column names its keys point at */
    for (size_t i = 0; i < t->n_rows; i++)
        free(t->r[i].cells);
    free(t->r);
    free(t->seen);
    names_free(&t->cols);
}

/* ---- reading a run ------------------------------------------------------------------------ */

/* path parsed; NULL when it is absent (*absent) or cannot be read or parsed: then why is
 * the line to print after "nnlab: ", naming the file (and the place, for bad JSON). */
static cJSON *read_json(const char *path, bool *absent, char *why, size_t cap)
{
    size_t n;
    nn_err e = {0};
    *absent = false;
    errno = 0;
    char *text = nn_read_file(path, READ_MAX, "the file", &n, &e);
    if (!text) {
        *absent = errno == ENOENT || errno == ENOTDIR;
        snprintf(why, cap, "%s: %s", path, e.msg);
        return NULL;
    }
    cJSON *j = nn_json_parse(text, n, path, "file", &e);
    free(text);
    if (!j)
        snprintf(why, cap, "%s: %s", e.where[0] ? e.where : path, e.msg);
    return j;
}

/* A swept value as the run received it (nn_set_value: "0x10" and "007" stay strings); a
 * list or object is its JSON text. */
static cJSON *typed(const char *s)
{
    cJSON *v = nn_set_value(s);
    if (v && (cJSON_IsArray(v) || cJSON_IsObject(v))) {
        cJSON_Delete(v);
        v = cJSON_CreateString(s);
    }
    return v;
}

static bool over_64(const cJSON *a)
{
    int n = 0;
    for (const cJSON *c = a->child; c; c = c->next)
        if (++n > 64)
            return true;
    return false;
}

/* A study's entries (an object at depth 2 under analyses), indexed once per run: the
 * shared ones in order, and those named after a model sorted by (model, position), so a
 * row visits its own without passing every other model's. */
typedef struct kid {
    int label, pos;
    const cJSON *c;
} kid;

typedef struct study_ix {
    kid *plain, *own;
    int n_plain, n_own;
} study_ix;

typedef struct run_ix {
    names labels;          /* the run's model labels */
    study_ix *s;
    int n, cap;
    bool oom;
} run_ix;

static int by_label(const void *a, const void *b)
{
    const kid *x = a, *y = b;
    return x->label != y->label ? (x->label > y->label) - (x->label < y->label)
                                : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Index the depth-2 objects under j, in the order flatten meets them. */
static void index_tree(run_ix *ix, const cJSON *j, int depth)
{
    if (ix->oom)
        return;
    if (cJSON_IsObject(j) && depth == 2) {
        if (ix->n == ix->cap) {
            int cap = ix->cap ? 2 * ix->cap : 16;
            study_ix *p = realloc(ix->s, (size_t)cap * sizeof *p);
            if (!p) {
                ix->oom = true;
                return;
            }
            ix->s = p;
            ix->cap = cap;
        }
        study_ix *s = &ix->s[ix->n++];
        memset(s, 0, sizeof *s);
        int n = 0;
        for (const cJSON *c = j->child; c; c = c->next)
            n++;
        s->plain = malloc((size_t)(n + 1) * sizeof *s->plain);
        s->own = malloc((size_t)(n + 1) * sizeof *s->own);
        if (!s->plain || !s->own) {
            ix->oom = true;
            return;
        }
        int pos = 0;
        for (const cJSON *c = j->child; c; c = c->next, pos++) {
            int l = c->string ? names_find(&ix->labels, c->string) : -1;
            kid k = {l, pos, c};
            if (l < 0)
                s->plain[s->n_plain++] = k;
            else
                s->own[s->n_own++] = k;
        }
        qsort(s->own, (size_t)s->n_own, sizeof *s->own, by_label);
    } else if (cJSON_IsObject(j) || (cJSON_IsArray(j) && !over_64(j))) {
        if (depth < 2)
            for (const cJSON *c = j->child; c; c = c->next)
                index_tree(ix, c, depth + 1);
    }
}

static void run_ix_free(run_ix *ix)
{
    for (int i = 0; i < ix->n; i++) {
        free(ix->s[i].plain);
        free(ix->s[i].own);
    }
    free(ix->s);
    names_free(&ix->labels);
}

/* Scalars under j as key.key...; in a study, an entry named after a model of the run
 * belongs to that model's row only (label: its index, -1 for none) and loses its label
 * (analyses.decision.error). next counts the studies met, as index_tree met them. */
static void flatten(table *t, sbuf *key, const cJSON *j, int depth, const run_ix *ix, int label,
                    int *next)
{
    size_t len = key->len;
    char num[24];
    if (cJSON_IsObject(j) && depth == 2) {
        if (*next >= ix->n)
            return;
        const study_ix *s = &ix->s[(*next)++];
        /* this model's entries: a run in own, sorted by label */
        int lo = 0, hi = s->n_own;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (s->own[mid].label < label)
                lo = mid + 1;
            else
                hi = mid;
        }
        int o = label >= 0 ? lo : s->n_own, p = 0;
        while (p < s->n_plain || (o < s->n_own && s->own[o].label == label)) {
            bool mine = o < s->n_own && s->own[o].label == label &&
                        (p == s->n_plain || s->own[o].pos < s->plain[p].pos);
            const cJSON *c = mine ? s->own[o++].c : s->plain[p++].c;
            if (!mine) {
                sb_add(key, ".");
                sb_add(key, c->string ? c->string : "");
            }
            flatten(t, key, c, depth + 1, ix, label, next);
            sb_cut(key, len);
        }
    } else if (cJSON_IsObject(j)) {
        for (const cJSON *c = j->child; c; c = c->next) {
            sb_add(key, ".");
            sb_add(key, c->string ? c->string : "");
            flatten(t, key, c, depth + 1, ix, label, next);
            sb_cut(key, len);
        }
    } else if (cJSON_IsArray(j)) {
        if (over_64(j))
            return;
        int i = 0;
        for (const cJSON *c = j->child; c; c = c->next) {
            snprintf(num, sizeof num, ".%d", i++);
            sb_add(key, num);
            flatten(t, key, c, depth + 1, ix, label, next);
            sb_cut(key, len);
        }
    } else if (key->oom) {
        t->oom = true;
    } else {
        put(t, key->s, cJSON_Duplicate(j, 1));
    }
}

static bool finished_status(const char *s)
{
    return !strcmp(s, "complete") || !strcmp(s, "diverged") || !strcmp(s, "interrupted");
}

/* The rows of one run directory; sets is an array of "path=value" or NULL; fallback is the
 * status its sweep gave the point, or NULL. */
static void add_run(table *t, const char *dir, const cJSON *sets, const char *fallback)
{
    char *mpath = join(dir, "manifest.json"), *spath = join(dir, "summary.json");
    if (!mpath || !spath) {
        free(mpath);
        free(spath);
        t->oom = true;
        return;
    }
    char mwhy[2048], swhy[2048] = "";
    bool m_absent, s_absent = true;
    struct stat sb;
    bool here = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
    cJSON *man = read_json(mpath, &m_absent, mwhy, sizeof mwhy);
    cJSON *sum = here ? read_json(spath, &s_absent, swhy, sizeof swhy) : NULL;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(man, "status");
    /* the status the rows carry: the run's own word, unless its files say otherwise */
    const char *status;
    if (!here) {
        status = fallback ? fallback : "missing";
        if (!fallback || finished_status(fallback)) {
            status = "missing";
            say("%s: missing (its rows have no values)", dir);
        }
    } else if (cJSON_IsString(st)) {
        status = st->valuestring;
    } else if (man) {
        status = "unknown";
        say("%s: %s (its rows say unknown)", mpath,
            cJSON_IsObject(man) ? "names no status" : "is not a JSON object");
    } else if (m_absent) {
        status = fallback ? fallback : "missing";
        if (!fallback)
            say("%s: no such file (its rows say missing)", mpath);
    } else {
        status = "unreadable";
        say("%s (its rows say unreadable)", mwhy);
    }
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(sum, "models");
    if (here && !cJSON_IsArray(models)) {
        char what[2200];
        if (sum)
            snprintf(what, sizeof what, "%s: %s", spath, cJSON_IsObject(sum) ? "holds no list of "
                     "models" : "is not a JSON object");
        else if (s_absent)
            snprintf(what, sizeof what, "%s: no such file", spath);
        else
            snprintf(what, sizeof what, "%s", swhy);
        if (finished_status(status)) {
            say("%s; the run says %s, so its rows say incomplete", what, status);
            status = "incomplete";
        } else if (!s_absent) {
            say("%s (its rows have no values)", what);
        }
    }
    /* the analyses indexed once: a study's per-model entries found by label */
    run_ix ix = {0};
    const cJSON *m, *analyses = cJSON_GetObjectItemCaseSensitive(sum, "analyses");
    if (cJSON_IsArray(models))
        cJSON_ArrayForEach(m, models) {
            const cJSON *l = cJSON_GetObjectItemCaseSensitive(m, "label");
            if (cJSON_IsString(l) && names_add(&ix.labels, l->valuestring) < 0)
                ix.oom = true;
        }
    if (analyses)
        index_tree(&ix, analyses, 1);
    t->oom |= ix.oom;
    sbuf key = {0};
    const cJSON *mj = cJSON_IsArray(models) ? models->child : NULL;
    do {
        if (!new_row(t))
            break;
        put(t, "run", cJSON_CreateString(dir));
        const cJSON *s;
        cJSON_ArrayForEach(s, sets) {
            const char *eq = cJSON_IsString(s) ? strchr(s->valuestring, '=') : NULL;
            if (!eq)
                continue;
            sb_cut(&key, 0);
            sb_add(&key, "set.");
            sb_addn(&key, s->valuestring, (size_t)(eq - s->valuestring));
            if (key.oom)
                t->oom = true;
            else
                put(t, key.s, typed(eq + 1));
        }
        put(t, "status", cJSON_CreateString(status));
        static const char *const keys[] = {"label", "seed", "converged", "converged_epoch",
                                           "epochs_run", "iterations"};
        for (int k = 0; k < 6; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(mj, keys[k]);
            put(t, k ? keys[k] : "model", v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
        }
        const cJSON *fin = cJSON_GetObjectItemCaseSensitive(mj, "final"), *f;
        if (cJSON_IsObject(fin))
            cJSON_ArrayForEach(f, fin)
                put(t, f->string, cJSON_Duplicate(f, 1));
        const cJSON *lab = cJSON_GetObjectItemCaseSensitive(mj, "label");
        int label = cJSON_IsString(lab) ? names_find(&ix.labels, lab->valuestring) : -1;
        if (analyses) {
            int next = 0;
            sb_cut(&key, 0);
            sb_add(&key, "analyses");
            flatten(t, &key, analyses, 1, &ix, label, &next);
        }
        mj = mj ? mj->next : NULL;
    } while (mj && !t->oom);
    free(key.s);
    run_ix_free(&ix);
    cJSON_Delete(man);
    cJSON_Delete(sum);
    free(mpath);
    free(spath);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A point folder's name back into its --set values: PATH=VALUE joined by commas, any byte
 * outside [A-Za-z0-9._+-] written %XX (nn_sweep_name), so ',' and '=' are separators. NULL
 * when the name is not one. */
static cJSON *sets_from_name(const char *name)
{
    if (!strchr(name, '='))
        return NULL;
    cJSON *a = cJSON_CreateArray();
    char *buf = malloc(strlen(name) + 1);
    bool ok = a && buf;
    for (const char *p = name; ok && *p;) {
        size_t n = 0;
        bool eq = false;
        for (; *p && *p != ','; p++) {
            if (*p == '=' && !eq) {
                eq = true;
                buf[n++] = '=';
            } else if (*p == '%' && isxdigit((unsigned char)p[1]) &&
                       isxdigit((unsigned char)p[2])) {
                char hex[3] = {p[1], p[2], '\0'};
                buf[n++] = (char)strtol(hex, NULL, 16);
                p += 2;
            } else if (isalnum((unsigned char)*p) || strchr("._+-", *p)) {
                buf[n++] = *p;
            } else {
                ok = false;
                break;
            }
        }
        buf[n] = '\0';
        ok = ok && eq && buf[0] != '=' && !memchr(buf, '\0', n);
        if (ok)
            cJSON_AddItemToArray(a, cJSON_CreateString(buf));
        if (*p == ',')
            p++;
    }
    free(buf);
    if (!ok) {
        cJSON_Delete(a);
        return NULL;
    }
    return a;
}

/* The runs in dir's sub-folders, by name; with from_names, each folder's name read as a
 * sweep point's (its set.* columns). */
static int add_folder(table *t, const char *dir, bool from_names)
{
    DIR *d = opendir(dir);
    if (!d) {
        say("%s: cannot list the folder: %s", dir, strerror(errno));
        return 2;
    }
    struct dirent *de;
    char **nm = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *sub = join(dir, de->d_name), *man = sub ? join(sub, "manifest.json") : NULL;
        bool run = man && nn_path_exists(man);
        free(man);
        free(sub);
        if (!run)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **p = realloc(nm, cap * sizeof *p);
            if (!p) {
                rc = 1;
                break;
            }
            nm = p;
        }
        if (!(nm[n] = strdup(de->d_name))) {
            rc = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (!rc && n == 0) {
        say("%s: holds no nnlab run (no sweep.json or manifest.json)", dir);
        rc = 2;
    }
    if (!rc) {
        qsort(nm, n, sizeof *nm, by_name);
        for (size_t i = 0; i < n && !t->oom; i++) {
            char *sub = join(dir, nm[i]);
            cJSON *sets = from_names ? sets_from_name(nm[i]) : NULL;
            if (sub)
                add_run(t, sub, sets, NULL);
            else
                t->oom = true;
            cJSON_Delete(sets);
            free(sub);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(nm[i]);
    free(nm);
    if (rc == 1)
        t->oom = true;
    return rc == 2 ? 2 : 0;
}

/* A sweep, a run, or a folder of runs. */
static int add_dir(table *t, const char *dir)
{
    struct stat st;
    int err = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (err) {
        say("%s: %s", dir, err == ENOTDIR ? "not a directory" : strerror(err));
        return 2;
    }
    char *swp = join(dir, "sweep.json"), why[2048];
    if (!swp)
        return t->oom = true, 0;
    bool absent;
    cJSON *sw = read_json(swp, &absent, why, sizeof why);
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(sw, "points");
    if (cJSON_IsArray(points)) {
        const cJSON *p;
        int k = 0;
        cJSON_ArrayForEach(p, points) {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "dir");
            if (!cJSON_IsString(d) || !d->valuestring[0] || strchr(d->valuestring, '/') ||
                d->valuestring[0] == '.') {
                say("%s: points[%d] names no point folder (its dir is %s); left out", swp, k,
                    cJSON_IsString(d) ? "not a plain name" : "missing");
                k++;
                continue;
            }
            char *path = join(dir, d->valuestring);
            const cJSON *ps = cJSON_GetObjectItemCaseSensitive(p, "status");
            if (path)
                add_run(t, path, cJSON_GetObjectItemCaseSensitive(p, "sets"),
                        cJSON_IsString(ps) ? ps->valuestring : NULL);
            else
                t->oom = true;
            free(path);
            k++;
            if (t->oom)
                break;
        }
        cJSON_Delete(sw);
        free(swp);
        return 0;
    }
    char *man = join(dir, "manifest.json");
    bool run = man && nn_path_exists(man);
    free(man);
    if (!absent)
        say("%s%s; %s", sw ? swp : why, sw ? ": holds no list of points" : "",
            run ? "collecting the folder as a run" : "collecting the folder's runs by name, "
            "their set.* columns read from the point folders' names");
    cJSON_Delete(sw);
    free(swp);
    if (run) {
        add_run(t, dir, NULL, NULL);
        return 0;
    }
    return add_folder(t, dir, !absent);
}

/* ---- output ------------------------------------------------------------------------------ */


static void csv_field(FILE *f, const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsNumber(v))
        nn_csv_num(f, v->valuedouble);
    else if (cJSON_IsBool(v))
        fputs(cJSON_IsTrue(v) ? "true" : "false", f);
    else if (cJSON_IsString(v))
        nn_csv_str(f, v->valuestring);
}

static void write_csv(FILE *f, const table *t)
{
    for (int c = 0; c < t->cols.n; c++) {
        if (c)
            fputc(',', f);
        nn_csv_str(f, t->cols.s[c]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->n_rows; i++) {
        const trow *r = &t->r[i];
        int k = 0;
        for (int c = 0; c < t->cols.n; c++) {
            if (c)
                fputc(',', f);
            if (k < r->n && r->cells[k].col == c)
                csv_field(f, r->cells[k++].v);
        }
        fputc('\n', f);
    }
}

static bool seed_axis(const char *col)
{
    if (strncmp(col, "set.", 4))
        return false;
    const char *last = strrchr(col, '.');
    return !strcmp(last + 1, "seed") || !strcmp(last + 1, "seeds");
}

static bool is_group_col(const char *col) { return !strncmp(col, "set.", 4) && !seed_axis(col); }

static bool numeric(const cJSON *v, double *x)
{
    if (cJSON_IsNumber(v))
        return *x = v->valuedouble, isfinite(*x);
    if (cJSON_IsBool(v))
        return *x = cJSON_IsTrue(v), true;
    return false;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *s, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    return s[lo] + (s[hi] - s[lo]) * (pos - (double)lo);
}

/* The groups (a row's model and non-seed swept values): each row's group, numbered in the
 * order groups first appear, and each group's first row. Returns the number of groups, or
 * -1 when memory runs out. gcols receives the group columns (the caller frees). */
static long find_groups(const table *t, size_t *gid, size_t **first, int **gcols, int *n_g)
{
    int model = names_find(&t->cols, "model"), ng = 0;
    *gcols = malloc(((size_t)t->cols.n + 1) * sizeof **gcols);
    *first = NULL;
    if (!*gcols)
        return -1;
    for (int c = 0; c < t->cols.n; c++)
        if (c == model || is_group_col(t->cols.s[c]))
            (*gcols)[ng++] = c;
    *n_g = ng;
    names keys = {0};
    sbuf key = {0};
    size_t cap = 0;
    long n = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        sb_cut(&key, 0);
        sb_add(&key, "");
        for (int g = 0; g < ng; g++) {
            const cJSON *v = get(&t->r[i], (*gcols)[g]);
            char *s = v ? cJSON_PrintUnformatted(v) : NULL;   /* escapes \x1f: no ambiguity */
            sb_add(&key, s ? s : "");
            sb_add(&key, "\x1f");
            free(s);
        }
        int k = key.oom ? -1 : names_add(&keys, key.s);
        if (k < 0) {
            n = -1;
            break;
        }
        if (k == n) {
            if ((size_t)n == cap) {
                cap = cap ? 2 * cap : 64;
                size_t *p = realloc(*first, cap * sizeof *p);
                if (!p) {
                    n = -1;
                    break;
                }
                *first = p;
            }
            (*first)[n++] = i;
        }
        gid[i] = (size_t)k;
    }
    names_free(&keys);
    free(key.s);
    return n;
}

static bool write_summary(FILE *f, const table *t)
{
    for (int c = 0; c < t->cols.n; c++)
        if (is_group_col(t->cols.s[c])) {
            nn_csv_str(f, t->cols.s[c]);
            fputc(',', f);
        }
    fputs("model,column,count,missing,mean,median,q1,q3,min,max\n", f);
    /* rows by group (a counting sort), then per group one pass over its rows' cells into a
     * list of values per column: linear in the cells, not a scan per group and column */
    size_t n_rows = t->n_rows, *gid = malloc((n_rows + 1) * sizeof *gid), *first = NULL;
    int *gcols = NULL, n_g = 0, n_cols = t->cols.n, model = names_find(&t->cols, "model");
    long ng = gid ? find_groups(t, gid, &first, &gcols, &n_g) : -1;
    size_t *start = ng >= 0 ? calloc((size_t)ng + 2, sizeof *start) : NULL;
    size_t *order = malloc((n_rows + 1) * sizeof *order);
    bool *stat_col = calloc((size_t)n_cols + 1, sizeof *stat_col);
    double **vals = calloc((size_t)n_cols + 1, sizeof *vals);
    size_t *nv = calloc((size_t)n_cols + 1, sizeof *nv);         /* values per column */
    size_t *capv = calloc((size_t)n_cols + 1, sizeof *capv);
    bool ok = ng >= 0 && start && order && stat_col && vals && nv && capv;
    for (size_t i = 0; ok && i < n_rows; i++)
        for (int k = 0; k < t->r[i].n; k++)
            stat_col[t->r[i].cells[k].col] |= cJSON_IsNumber(t->r[i].cells[k].v) ||
                                               cJSON_IsBool(t->r[i].cells[k].v);
    for (int c = 0; ok && c < n_cols; c++) {
        const char *col = t->cols.s[c];
        if (!strncmp(col, "set.", 4) || !strcmp(col, "run") || !strcmp(col, "status") ||
            !strcmp(col, "model") || !strcmp(col, "seed"))
            stat_col[c] = false;
    }
    if (ok) {
        for (size_t i = 0; i < n_rows; i++)
            start[gid[i] + 1]++;
        for (long g = 0; g < ng; g++)
            start[g + 1] += start[g];
        size_t *fill = calloc((size_t)ng + 1, sizeof *fill);
        ok = fill != NULL;
        for (size_t i = 0; ok && i < n_rows; i++)
            order[start[gid[i]] + fill[gid[i]]++] = i;
        free(fill);
    }
    for (long g = 0; ok && g < ng; g++) {
        size_t size = start[g + 1] - start[g];
        for (size_t p = start[g]; ok && p < start[g + 1]; p++) {
            const trow *r = &t->r[order[p]];
            for (int k = 0; k < r->n; k++) {
                int c = r->cells[k].col;
                double x;
                if (!stat_col[c] || !numeric(r->cells[k].v, &x))
                    continue;
                if (nv[c] == capv[c]) {
                    size_t cap = capv[c] ? 2 * capv[c] : 16;
                    double *q = realloc(vals[c], cap * sizeof *q);
                    if (!q) {
                        ok = false;
                        break;
                    }
                    vals[c] = q;
                    capv[c] = cap;
                }
                vals[c][nv[c]++] = x;
            }
        }
        const trow *r0 = &t->r[first[g]];
        for (int c = 0; ok && c < n_cols; c++) {
            if (!stat_col[c])
                continue;
            for (int k = 0; k < n_g; k++)
                if (gcols[k] != model) {
                    csv_field(f, get(r0, gcols[k]));
                    fputc(',', f);
                }
            csv_field(f, model >= 0 ? get(r0, model) : NULL);
            fputc(',', f);
            nn_csv_str(f, t->cols.s[c]);
            size_t n = nv[c];
            fprintf(f, ",%zu,%zu", n, size - n);
            if (n) {
                double *v = vals[c];
                qsort(v, n, sizeof *v, cmp_double);
                double sum = 0;
                for (size_t q = 0; q < n; q++)
                    sum += v[q];
                double s[6] = {sum / (double)n, quantile(v, n, 0.5), quantile(v, n, 0.25),
                               quantile(v, n, 0.75), v[0], v[n - 1]};
                for (int q = 0; q < 6; q++) {
                    fputc(',', f);
                    nn_csv_num(f, s[q]);
                }
            } else {
                fputs(",,,,,,", f);
            }
            fputc('\n', f);
            nv[c] = 0;
        }
    }
    for (int c = 0; vals && c < n_cols; c++)
        free(vals[c]);
    free(vals);
    free(nv);
    free(capv);
    free(stat_col);
    free(order);
    free(start);
    free(first);
    free(gcols);
    free(gid);
    if (!ok)
        say("collect: out of memory");
    return ok;
}

/* collect-<name>: the --plot files' base name, from the column's name made safe (a summary
 * key may hold any byte: a quote, a newline, a slash): [A-Za-z0-9._-], at most 100 of them,
 * and when anything had to change, 8 hex digits of the name's hash, so two columns never
 * share files. */
static void plot_base(const char *col, char *base, size_t cap)
{
    char safe[101];
    size_t k = 0;
    bool same = true;
    for (const char *c = col; *c; c++) {
        bool ok = (isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.') &&
                  !(k == 0 && *c == '.');
        same &= ok;
        if (k + 1 < sizeof safe)
            safe[k++] = ok ? *c : '_';
        else
            same = false;
    }
    safe[k] = '\0';
    if (same && k)
        snprintf(base, cap, "collect-%s", safe);
    else
        snprintf(base, cap, "collect-%s-%08x", safe, (unsigned)(fnv1a(col) & 0xffffffffu));
}

/* collect-<col>.csv/.gp/.png in dir: a histogram of col per group. */
static int plot(const table *t, const char *col, const char *dir)
{
    char base[200], name[220];
    int ci = names_find(&t->cols, col);
    if (ci < 0) {
        say("collect: --plot %s: no such column (nnlab collect prints them in its header)", col);
        return 2;
    }
    plot_base(col, base, sizeof base);
    snprintf(name, sizeof name, "%s.csv", base);
    nn_err e = {0};
    char *path = join(dir, name);
    if (!path || strlen(path) + 8 > sizeof ((nn_file *)0)->final) {
        free(path);
        say("%s: the folder's path is too long to write %s into", dir, name);
        return 1;
    }
    nn_file w;
    int rc = nn_file_open(&w, path, &e);
    free(path);
    if (rc)
        return cli_fail(&e);
    fputs("group,value\n", w.f);
    /* groups in order of appearance, 32 drawn; the legend says how many rows have a value */
    enum { MAXG = 32, BINS = 20 };
    size_t n_rows = t->n_rows, *gid = malloc((n_rows + 1) * sizeof *gid), *first = NULL;
    int *gcols = NULL, n_g = 0, model = names_find(&t->cols, "model");
    long ng = gid ? find_groups(t, gid, &first, &gcols, &n_g) : -1;
    char *labels[MAXG] = {NULL};
    struct { int k; double x; } *vals = malloc((n_rows + 1) * sizeof *vals);
    bool ok = ng >= 0 && vals;
    /* each group's label: its model and PATH=VALUE of the swept values, strings as they
     * are (no JSON escapes); the script gets it through nn_gp_quote, the CSV quoted */
    for (long g = 0; ok && g < ng && g < MAXG; g++) {
        sbuf l = {0};
        sb_add(&l, "");
        for (int k = 0; k < n_g; k++) {
            const cJSON *v = get(&t->r[first[g]], gcols[k]);
            char *s = v && !cJSON_IsString(v) ? cJSON_PrintUnformatted(v) : NULL;
            if (l.len)
                sb_add(&l, " ");
            if (gcols[k] != model) {
                sb_add(&l, t->cols.s[gcols[k]] + 4);
                sb_add(&l, "=");
            }
            sb_add(&l, cJSON_IsString(v) ? v->valuestring : s ? s : "");
            free(s);
        }
        ok = !l.oom;
        labels[g] = l.s;
    }
    size_t have[MAXG] = {0}, total[MAXG] = {0}, all = 0, dropped = 0, n_vals = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; ok && i < n_rows; i++) {
        size_t k = gid[i];
        all++;
        if (k >= MAXG) {
            dropped++;
            continue;
        }
        total[k]++;
        double x;
        if (numeric(get(&t->r[i], ci), &x)) {
            nn_csv_str(w.f, labels[k]);
            fputc(',', w.f);
            nn_csv_num(w.f, x);
            fputc('\n', w.f);
            have[k]++;
            lo = fmin(lo, x), hi = fmax(hi, x);
            vals[n_vals].k = (int)k, vals[n_vals++].x = x;
        }
    }
    free(gid);
    free(first);
    free(gcols);
    long (*counts)[BINS] = ok ? calloc(MAXG, sizeof *counts) : NULL, most = 0;
    if (!counts) {
        free(vals);
        for (int g = 0; g < MAXG; g++)
            free(labels[g]);
        nn_file_abort(&w);
        nn_err_set(&e, NN_ENOMEM, "collect", "out of memory");
        return cli_fail(&e);
    }
    if (nn_file_commit(&w, &e)) {
        free(vals);
        free(counts);
        for (int g = 0; g < MAXG; g++)
            free(labels[g]);
        return cli_fail(&e);
    }
    if (!(lo <= hi))          /* no number in the column: an empty histogram on [0, 1] */
        lo = 0, hi = 1;
    double width = hi > lo ? hi / 20 - lo / 20 : 1;   /* (hi - lo) / 20 can overflow */
    if (hi == lo) {           /* one value: its bar in the middle, a tenth of it wide */
        width = fabs(lo) > 0 && isfinite(fabs(lo) / 10 * 10.5) ? fabs(lo) / 10 : 1;
        lo -= 10.5 * width;
    }
    if (dropped)
        say("collect: --plot %s: more than %d groups; the first %d are drawn, %zu rows of the "
            "others are left out", col, MAXG, MAXG, dropped);
    /* the counts, binned here rather than by gnuplot's smooth frequency, which counts each run
     * of consecutive rows apart (groups interleave in a sweep); the last bin holds hi */
    for (size_t i = 0; i < n_vals; i++) {
        double b = floor((vals[i].x - lo) / width);
        int bi = b < 0 ? 0 : b >= BINS ? BINS - 1 : (int)b;
        if (++counts[vals[i].k][bi] > most)
            most = counts[vals[i].k][bi];
    }
    free(vals);
    int shown = ng < MAXG ? (int)ng : MAXG;
    char q[600], tt[1200];
    nn_gp g;
    /* the comment names nnlab's own file only: a column's name could end it (a newline) or
     * run it on into the next line (a backslash) */
    snprintf(tt, sizeof tt, "a histogram of a summary column per group, from %s", name);
    nn_fig_opts fo = {0};
    fo.gnuplot = getenv("NNLAB_GNUPLOT");
    if (nn_gp_begin(&g, dir, base, tt, 820, 480, &fo, &e)) {
        free(counts);
        for (int k = 0; k < MAXG; k++)
            free(labels[k]);
        return cli_fail(&e);
    }
    snprintf(tt, sizeof tt, "%s over %zu rows (a row is a model of a run)", col, all - dropped);
    nn_gp_title(&g, tt, NULL);
    fputs("set xlabel ", g.f);
    nn_gp_str(&g, col);
    fprintf(g.f, "\nset ylabel 'models'\nset yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\n"
                 "set key below center horizontal maxrows 4\n"
                 "set ytics %ld\nset mytics 1\n"
                 "set style fill transparent solid 0.55 border\nset boxwidth %.17g\n",
            most <= 10 ? 1 : most <= 20 ? 2 : most <= 50 ? 5 : most <= 100 ? 10
                         : (long)pow(10, floor(log10((double)most / 5))),
            width);
    /* each group's bins, written here: bin centre, count (the values are in the CSV) */
    bool drawn[MAXG] = {false};
    for (int k = 0; k < shown; k++) {
        for (int b = 0; b < BINS; b++)
            drawn[k] |= counts[k][b] > 0;
        if (!drawn[k])
            continue;
        fprintf(g.f, "$bins%d << EOD\n", k);
        for (int b = 0; b < BINS; b++)
            if (counts[k][b])
                fprintf(g.f, "%.17g,%ld\n", lo + width * (b + 0.5), counts[k][b]);
        fputs("EOD\n", g.f);
    }
    free(counts);
    double x0 = lo, x1 = lo + BINS * width;
    double step = pow(10, floor(log10((x1 - x0) / 8)));  /* widen to round tics, as autoscale */
    step *= (x1 - x0) / step > 40 ? 5 : (x1 - x0) / step > 16 ? 2 : 1;
    if (isfinite(step) && step > 0 && isfinite(floor(x0 / step) * step) &&
        isfinite(ceil(x1 / step) * step)) {
        x0 = floor(x0 / step) * step;
        x1 = ceil(x1 / step) * step;
    }
    /* the line y = 0 over the axis draws nothing new, and keeps a plot of keyentry items alone
     * from tripping gnuplot 5.4 (a column with no number) */
    fprintf(g.f, "set xrange [%.17g:%.17g]\nplot 0 with lines lc rgb INK lw 1 notitle", x0, x1);
    for (int k = 0; k < shown; k++) {
        /* the label cut to 250 bytes (nn_gp_quote keeps whole characters) */
        char lab[256];
        nn_gp_quote(lab, sizeof lab, labels[k]);
        lab[strlen(lab) - 1] = '\0';
        snprintf(tt, sizeof tt, "%s (%zu of %zu have a value)", lab + 1, have[k], total[k]);
        nn_gp_quote(q, sizeof q, tt);
        char style[80];
        nn_gp_series(style, sizeof style, k);
        if (!drawn[k])
            fprintf(g.f, ", \\\n     keyentry with boxes %s title %s", style, q);
        else
            fprintf(g.f, ", \\\n     $bins%d using 1:2 with boxes %s title %s", k, style, q);
    }
    fputc('\n', g.f);
    for (int k = 0; k < MAXG; k++)
        free(labels[k]);
    if (nn_gp_end(&g, &e))
        return cli_fail(&e);
    bool missing = false;
    char drawn_name[600];
    if (nn_gp_draw(dir, base, false, &fo, &missing, drawn_name, sizeof drawn_name, &e)) {
        if (missing) {
            say("gnuplot not found, so %s/%s.png was not drawn; its script is %s/%s.gp "
                "(apt-get install gnuplot-nox)", dir, base, dir, base);
            return 0;
        }
        return cli_fail(&e);
    }
    return 0;
}

/* --curves: the seed bands of every model and setting, as collect-curves.csv and .png in the
 * first DIR (docs/report.md) */
static int write_curves(const char *const *dirs, int n)
{
    bool missing = false;
    char note[300];
    nn_err e = {0};
    if (nn_report_curves(dirs, n, dirs[0], "collect-curves", getenv("NNLAB_GNUPLOT"), &missing,
                         note, sizeof note, &e))
        return cli_fail(&e);
    if (note[0])
        say("collect: --curves: %s", note);
    if (missing)
        say("gnuplot not found, so %s/collect-curves.png was not drawn; its script is "
            "%s/collect-curves.gp (apt-get install gnuplot-nox)", dirs[0], dirs[0]);
    return 0;
}

/* ---- where --out may write ---------------------------------------------------------------- */

/* Does dir hold name as nnlab's: a JSON object naming nnlab_version, or a file there that
 * cannot be read or parsed (a damaged manifest is still taken for nnlab's)? A web app's
 * manifest.json is not. */
static bool nnlab_file(const char *dir, const char *name)
{
    char *p = join(dir, name);
    struct stat st;
    bool ours = false;
    if (p && lstat(p, &st) == 0) {
        bool absent;
        char why[2048];
        cJSON *j = read_json(p, &absent, why, sizeof why);
        ours = !j || cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "nnlab_version"));
        cJSON_Delete(j);
    }
    free(p);
    return ours;
}

/* Is name, an entry of the sweep directory dir, one the sweep keeps: sweep.json, its lock,
 * logs/, the scripts --emit writes, a point's folder (listed in sweep.json; when that
 * cannot be read, any name with '=', as every point's has), a hidden name (.lock,
 * .stale-*), or any of these with nnlab's .part (a left-over .part blocks the real one)? */
static bool sweep_keeps(const char *dir, const char *name)
{
    static const char *const own[] = {"sweep.json", "sweep.sbatch", "points.txt", "parallel.sh",
                                      "parallel.joblog", "logs", "index.html"};
    size_t n = strlen(name);
    char *bare = strdup(name);
    if (!bare)
        return true;
    if (n > 5 && !strcmp(bare + n - 5, ".part"))
        bare[n - 5] = '\0';
    bool keep = bare[0] == '.';
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        keep |= !strcmp(bare, own[i]);
    char *swp = join(dir, "sweep.json"), why[2048];
    bool absent;
    cJSON *sw = swp ? read_json(swp, &absent, why, sizeof why) : NULL;
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(sw, "points"), *p;
    if (!cJSON_IsArray(points))
        keep |= strchr(bare, '=') != NULL;
    cJSON_ArrayForEach(p, points) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "dir");
        keep |= cJSON_IsString(d) && !strcmp(d->valuestring, bare);
    }
    cJSON_Delete(sw);
    free(swp);
    free(bare);
    return keep;
}

/* --out must not replace what nnlab keeps: anything in a run directory (the run owns it
 * all: --force or a sweep's rerun replaces the folder whole, and its studies name files
 * freely), a sweep's own files and points, or the files --plot writes. Says why (exit 2)
 * before anything is read or written; 0 when out may be written. */
static int check_out(const char *out, const char *plot_dir, const char *plot_col)
{
    size_t len = strlen(out);
    const char *slash = strrchr(out, '/');
    const char *base = slash ? slash + 1 : out;
    if (!len || out[len - 1] == '/' || !strcmp(base, ".") || !strcmp(base, "..")) {
        say("--out %s: names a folder; give the table's file name", out);
        return 2;
    }
    if (len + 8 > sizeof ((nn_file *)0)->final) {
        say("--out: the path is %zu bytes long, too long to write", len);
        return 2;
    }
    char *parent = slash ? strndup(out, slash == out ? 1 : (size_t)(slash - out)) : strdup(".");
    char *rp = parent ? realpath(parent, NULL) : NULL;
    free(parent);
    if (!rp)
        return 0;           /* no such folder: the write says so */
    int rc = 0;
    char *full = join(rp, base), *d = strdup(rp), *entry = strdup(base);
    struct stat st;
    if (!full || !d || !entry) {
        rc = 1;
        say("collect: out of memory");
    } else if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
        say("--out %s: is a folder%s; give the table's file name", out,
            nnlab_file(full, "manifest.json") ? " (an nnlab run directory)"
            : nnlab_file(full, "sweep.json") ? " (an nnlab sweep directory)" : "");
        rc = 2;
    } else if (lstat(full, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* the table is written beside and renamed into place: over a device, a FIFO or a
         * link that would replace the thing itself (as root, /dev/null) */
        say("--out %s: is %s, not a file; collect writes only a regular file (print the table "
            "to standard output, without --out, to send it elsewhere)", out,
            S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISFIFO(st.st_mode) ? "a FIFO"
            : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a socket");
        rc = 2;
    }
    /* from the file's folder up to the root: entry is the name in d on the way to it */
    while (!rc) {
        if (nnlab_file(d, "manifest.json")) {
            say("--out %s: is inside the run directory %s, which belongs to nnlab (--force or "
                "a sweep's rerun replaces it whole); write the table elsewhere", out, d);
            rc = 2;
        } else if (nnlab_file(d, "sweep.json") && sweep_keeps(d, entry)) {
            say("--out %s: %s belongs to the sweep in %s (nnlab keeps sweep.json, its scripts, "
                "logs/ and every point there); write the table under another name or elsewhere",
                out, entry, d);
            rc = 2;
        }
        if (rc || !strcmp(d, "/"))
            break;
        char *cut = strrchr(d, '/');
        free(entry);
        entry = strdup(cut + 1);
        if (cut == d)
            cut[1] = '\0';
        else
            *cut = '\0';
        if (!entry) {
            rc = 1;
            break;
        }
    }
    /* the files --plot is about to write beside the table */
    char *pd = !rc && plot_col ? realpath(plot_dir, NULL) : NULL;
    if (pd && !strcmp(pd, rp)) {
        char pb[200], nm[220];
        plot_base(plot_col, pb, sizeof pb);
        static const char *const ext[] = {".csv", ".gp", ".png", ".csv.part", ".gp.part",
                                          ".png.part"};
        for (int i = 0; i < 6 && !rc; i++) {
            snprintf(nm, sizeof nm, "%s%s", pb, ext[i]);
            if (!strcmp(base, nm)) {
                say("--out %s: --plot writes that file; write the table elsewhere", out);
                rc = 2;
            }
        }
    }
    free(pd);
    free(full);
    free(d);
    free(entry);
    free(rp);
    return rc;
}

int cmd_collect(int argc, char **argv)
{
    const char *dirs[256], *fmt = "csv", *col = NULL, *out = NULL;
    int n_dirs = 0;
    bool summary = false, curves = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--format") ? &fmt : !strcmp(a, "--plot") ? &col
                            : !strcmp(a, "--out") ? &out : NULL;
        if (slot) {
            if (i + 1 >= argc)
                return cli_usage("collect", "%s needs a value", a);
            *slot = argv[++i];
        } else if (!strncmp(a, "--format=", 9)) {
            fmt = a + 9;
        } else if (!strncmp(a, "--plot=", 7)) {
            col = a + 7;
        } else if (!strncmp(a, "--out=", 6)) {
            out = a + 6;
        } else if (!strcmp(a, "--summary")) {
            summary = true;
        } else if (!strcmp(a, "--curves")) {
            curves = true;
        } else if (a[0] == '-') {
            static const char *const known[] = {"--format", "--summary", "--plot", "--out",
                                                "--curves"};
            const char *s = nn_suggest(a, known, 5);
            return cli_usage("collect", "unknown option \"%s\"%s%s%s (see nnlab collect --help)", a,
                             s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        } else if (n_dirs < 256) {
            dirs[n_dirs++] = a;
        } else {
            return cli_usage("collect", "at most 256 directories");
        }
    }
    if (strcmp(fmt, "csv") && strcmp(fmt, "json"))
        return cli_usage("collect", "--format expects csv or json, got \"%s\"", fmt);
    if (!n_dirs)
        return cli_usage("collect", "missing DIR (usage: nnlab collect DIR... [--summary])");
    if (summary && !strcmp(fmt, "json")) {
        say("collect: --summary prints CSV; drop --format json");
        return 2;
    }
    int rc = out ? check_out(out, dirs[0], col) : 0;
    if (!rc && out && curves)
        rc = check_out(out, dirs[0], "curves");
    if (rc)
        return rc;
    table t = {.rows = cJSON_CreateArray()};
    if (!t.rows)
        t.oom = true;
    for (int i = 0; i < n_dirs && !rc && !t.oom; i++)
        rc = add_dir(&t, dirs[i]);
    for (size_t i = 0; i < t.n_rows; i++)
        qsort(t.r[i].cells, (size_t)t.r[i].n, sizeof *t.r[i].cells, by_col);
    if (!rc && t.oom) {
        say("collect: out of memory");
        rc = 1;
    }
    if (!rc && col && names_find(&t.cols, col) < 0) {     /* before anything is written */
        say("collect: --plot %s: no such column (nnlab collect prints them in its header)", col);
        rc = 2;
    }
    FILE *f = stdout;
    nn_file w = {0};
    nn_err e = {0};
    if (!rc && out) {
        if (nn_file_open(&w, out, &e))
            rc = cli_fail(&e);
        f = w.f;
    }
    if (!rc) {
        if (summary) {
            if (!write_summary(f, &t))
                rc = 1;
        } else if (!strcmp(fmt, "json")) {
            char *text = nn_json_print(t.rows, NN_JSON_DIGITS17);
            if (text)
                fputs(text, f);
            else
                rc = 1, say("collect: out of memory");
            free(text);
        } else {
            write_csv(f, &t);
        }
    }
    if (!rc && out && nn_file_commit(&w, &e))
        rc = cli_fail(&e);
    else if (rc && out)
        nn_file_abort(&w);
    if (!rc && !out && (fflush(stdout) != 0 || ferror(stdout))) {
        say("collect: cannot write to stdout");
        rc = 1;
    }
    if (!rc && col)
        rc = plot(&t, col, dirs[0]);
    table_free(&t);
    if (!rc && curves)
        rc = write_curves(dirs, n_dirs);
    return rc;
}
