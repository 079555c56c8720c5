/* sweep.c: a sweep's axes and points (see sweep.h). */
#include "nnlab/sweep.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nn_sweep_free(nn_sweep *s)
{
    for (int i = 0; i < s->n_fixed; i++)
        free(s->fixed[i]);
    for (int a = 0; a < s->n_axes; a++) {
        for (int v = 0; v < s->axes[a].n; v++)
            free(s->axes[a].values[v]);
        free(s->axes[a].values);
        free(s->axes[a].path);
    }
    memset(s, 0, sizeof *s);
}

/* A decimal integer filling [p, end): *out. */
static bool whole(const char *p, const char *end, long long *out)
{
    if (p == end || end - p > 19)
        return false;
    const char *q = p;
    if (*q == '-' || *q == '+')
        q++;
    if (q == end)
        return false;
    for (const char *c = q; c < end; c++)
        if (!isdigit((unsigned char)*c))
            return false;
    char buf[32];
    memcpy(buf, p, (size_t)(end - p));
    buf[end - p] = '\0';
    errno = 0;
    *out = strtoll(buf, NULL, 10);
    return errno == 0;
}

static int add_value(nn_sweep_axis *ax, const char *v, size_t len, nn_err *e)
{
    if (ax->n % 64 == 0) {
        char **nv = realloc(ax->values, (size_t)(ax->n + 64) * sizeof *nv);
        if (!nv)
            return nn_err_set(e, NN_ENOMEM, "", "out of memory");
        ax->values = nv;
    }
    if (!(ax->values[ax->n] = strndup(v, len)))
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    ax->n++;
    return NN_OK;
}

/* Is value an axis, and if so fill ax: 1 a list, 2 a range, 0 fixed, <0 error. */
static int parse_axis(const char *set, const char *value, nn_sweep_axis *ax, nn_err *e)
{
    if (!*value || strchr("[{\"", value[0]))
        return 0;
    const char *c1 = strchr(value, ':'), *comma = strchr(value, ',');
    if (c1 && !comma) {
        const char *c2 = strchr(c1 + 1, ':'), *end = value + strlen(value);
        long long a, b, step = 1;
        if (!whole(value, c1, &a) || !whole(c1 + 1, c2 ? c2 : end, &b) ||
            (c2 && !whole(c2 + 1, end, &step)))
            return 0;   /* not a range of integers: a fixed string such as a time */
        if (step <= 0 || b <= a)
            return -nn_err_set(e, NN_EUSAGE, "--set", "%s: a range start:stop[:step] needs "
                               "start < stop and step >= 1 (stop is excluded)", set);
        /* in unsigned arithmetic: b - a and a + k step cannot overflow */
        unsigned long long span = (unsigned long long)b - (unsigned long long)a;
        unsigned long long count = span / (unsigned long long)step + (span % (unsigned long long)step != 0);
        if (count > NN_SWEEP_MAX_POINTS)
            return -nn_err_set(e, NN_EUSAGE, "--set", "%s: more than %d values", set,
                               NN_SWEEP_MAX_POINTS);
        for (unsigned long long k = 0; k < count; k++) {
            char buf[32];
            long long x = (long long)((unsigned long long)a + k * (unsigned long long)step);
            int n = snprintf(buf, sizeof buf, "%lld", x);
            if (add_value(ax, buf, (size_t)n, e))
                return -NN_ENOMEM;
        }
        return 2;   /* a range: its values cannot repeat */
    }
    if (!comma)
        return 0;
    const char *p = value;
    for (;;) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        while (len && isspace((unsigned char)*p))
            p++, len--;
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        if (!len)
            return -nn_err_set(e, NN_EUSAGE, "--set", "%s: an empty value in the list", set);
        if (add_value(ax, p, len, e))
            return -NN_ENOMEM;
        if (!q)
            break;
        p = q + 1;
    }
    return 1;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A value that appears twice in a list (n log n), or NULL. */
static const char *repeated(char *const *values, int n)
{
    static char buf[512];
    char **v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    memcpy(v, values, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, by_str);
    const char *r = NULL;
    for (int i = 1; i < n && !r; i++)
        if (!strcmp(v[i - 1], v[i]))
            r = v[i];
    if (r) {
        snprintf(buf, sizeof buf, "%s", r);
        r = buf;
    }
    free(v);
    return r;
}

int nn_sweep_parse(nn_sweep *s, const char *const *sets, int n_sets, nn_err *e)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < n_sets; i++) {
        const char *set = sets[i], *eq = strchr(set, '=');
        if (!eq || eq == set)
            return nn_err_set(e, NN_EUSAGE, "--set", "\"%s\": expected PATH=VALUE", set);
        nn_sweep_axis ax = {0};
        int rc = parse_axis(set, eq + 1, &ax, e);
        if (rc < 0) {
            for (int v = 0; v < ax.n; v++)
                free(ax.values[v]);
            free(ax.values);
            return -rc;
        }
        if (rc == 0) {
            if (s->n_fixed >= NN_SWEEP_MAX_SETS)
                return nn_err_set(e, NN_EUSAGE, "--set", "more than %d fixed overrides",
                                  NN_SWEEP_MAX_SETS);
            if (!(s->fixed[s->n_fixed++] = strdup(set)))
                return nn_err_set(e, NN_ENOMEM, "", "out of memory");
            continue;
        }
        const char *twice = rc == 1 ? repeated(ax.values, ax.n) : NULL;
        if (twice) {
            nn_err_set(e, NN_EUSAGE, "--set", "%s: \"%s\" is listed twice", set, twice);
            for (int q = 0; q < ax.n; q++)
                free(ax.values[q]);
            free(ax.values);
            return NN_EUSAGE;
        }
        ax.path = strndup(set, (size_t)(eq - set));
        const char *why = !ax.path ? "out of memory" : s->n_axes >= NN_SWEEP_MAX_AXES ? "too many axes" : NULL;
        for (int a = 0; a < s->n_axes && !why; a++)
            if (!strcmp(s->axes[a].path, ax.path))
                why = "twice";
        if (why) {
            if (!strcmp(why, "twice"))
                nn_err_set(e, NN_EUSAGE, "--set", "%s is swept twice; give its values in one "
                           "list", ax.path);
            else if (ax.path)
                nn_err_set(e, NN_EUSAGE, "--set", "more than %d swept overrides",
                           NN_SWEEP_MAX_AXES);
            else
                nn_err_set(e, NN_ENOMEM, "", "out of memory");
            for (int v = 0; v < ax.n; v++)
                free(ax.values[v]);
            free(ax.values);
            free(ax.path);
            return e->code;
        }
        s->axes[s->n_axes++] = ax;
    }
    if (s->n_axes == 0)
        return nn_err_set(e, NN_EUSAGE, "--set", "no override sweeps anything: give a range "
                          "(seed=0:100) or a list (train.lr=0.1,0.25,1)");
    /* a point's axis values come after the fixed overrides: a fixed value of a swept path
     * would never take effect */
    for (int i = 0; i < s->n_fixed; i++)
        for (int a = 0; a < s->n_axes; a++) {
            size_t len = strlen(s->axes[a].path);
            if (!strncmp(s->fixed[i], s->axes[a].path, len) && s->fixed[i][len] == '=')
                return nn_err_set(e, NN_EUSAGE, "--set", "%s: %s is also swept; give it once",
                                  s->fixed[i], s->axes[a].path);
        }
    long n = 1;
    for (int a = 0; a < s->n_axes; a++) {
        if (n > NN_SWEEP_MAX_POINTS / s->axes[a].n)
            return nn_err_set(e, NN_EUSAGE, "--set", "the sweep has more than %d points",
                              NN_SWEEP_MAX_POINTS);
        n *= s->axes[a].n;
    }
    s->n_points = n;
    return NN_OK;
}

void nn_sweep_index(const nn_sweep *s, long k, int *idx)
{
    for (int a = s->n_axes - 1; a >= 0; a--) {
        idx[a] = (int)(k % s->axes[a].n);
        k /= s->axes[a].n;
    }
}

int nn_sweep_sets(const nn_sweep *s, long k, char bufs[][512], const char **out)
{
    int idx[NN_SWEEP_MAX_AXES], n = 0;
    nn_sweep_index(s, k, idx);
    for (int i = 0; i < s->n_fixed; i++)
        out[n++] = s->fixed[i];
    for (int a = 0; a < s->n_axes; a++) {
        snprintf(bufs[a], 512, "%s=%s", s->axes[a].path, s->axes[a].values[idx[a]]);
        out[n++] = bufs[a];
    }
    return n;
}

int nn_sweep_name(const nn_sweep *s, long k, char *buf, size_t cap, nn_err *e)
{
    int idx[NN_SWEEP_MAX_AXES];
    nn_sweep_index(s, k, idx);
    size_t len = 0;
    for (int a = 0; a < s->n_axes; a++) {
        const char *parts[2] = {s->axes[a].path, s->axes[a].values[idx[a]]};
        if (a && len + 1 < cap)
            buf[len++] = ',';
        for (int p = 0; p < 2; p++) {
            if (p && len + 1 < cap)
                buf[len++] = '=';
            for (const unsigned char *c = (const unsigned char *)parts[p]; *c; c++) {
                bool plain = isalnum(*c) || strchr("._+-", *c);
                if (plain && len + 1 < cap)
                    buf[len++] = (char)*c;
                else if (!plain && len + 3 < cap)
                    len += (size_t)snprintf(buf + len, cap - len, "%%%02X", *c);
                else
                    len = cap;
                if (len >= cap)
                    break;
            }
        }
    }
    if (len >= cap || len > 240)
        return nn_err_set(e, NN_EUSAGE, "--set", "point directory names would be longer than 240 "
                          "bytes; sweep fewer or shorter values");
    buf[len] = '\0';
    return NN_OK;
}
