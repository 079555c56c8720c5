/* html.c: the text the pages are made of. Every string from a run (names, descriptions,
 * labels, folder names, --set values, column names) reaches a page through rb_esc or
 * rb_href, never raw. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nnlab/names.h"
#include "rep.h"

void rb_escn(rb *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        const unsigned char *q = p;   /* a run of bytes that need nothing */
        while (q < end && *q >= 0x20 && *q < 0x7f && !strchr("&<>\"'", *q))
            q++;
        rb_addn(b, (const char *)p, (size_t)(q - p));
        if (q == end)
            break;
        p = q;
        switch (*p) {
        case '&': rb_add(b, "&amp;"); p++; continue;
        case '<': rb_add(b, "&lt;"); p++; continue;
        case '>': rb_add(b, "&gt;"); p++; continue;
        case '"': rb_add(b, "&quot;"); p++; continue;
        case '\'': rb_add(b, "&#39;"); p++; continue;
        case '\n': case '\t': rb_addn(b, (const char *)p, 1); p++; continue;
        default: break;
        }
        if (*p < 0x20 || *p == 0x7f) {   /* other control characters: dropped */
            p++;
            continue;
        }
        /* a UTF-8 character must be whole and inside the string */
        size_t k = nn_utf8_char(p);
        bool whole = k > 0 && k <= (size_t)(end - p);
        for (size_t i = 1; whole && i < k; i++)
            whole = p[i] != 0;
        if (whole) {
            rb_addn(b, (const char *)p, k);
            p += k;
        } else {
            rb_add(b, "\xef\xbf\xbd");
            p++;
        }
    }
}

void rb_esc(rb *b, const char *s)
{
    if (s)
        rb_escn(b, s, strlen(s));
}

void rb_num(rb *b, double v)
{
    if (isnan(v))
        rb_add(b, "nan");
    else if (isinf(v))
        rb_add(b, v > 0 ? "inf" : "-inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        rb_printf(b, "%.0f", v);
    else
        rb_printf(b, "%.6g", v);
}

void rb_b64(rb *b, const unsigned char *d, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char out[4 * 1024];
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)d[i + 1] << 8;
        if (i + 2 < n)
            v |= d[i + 2];
        out[o++] = A[(v >> 18) & 63];
        out[o++] = A[(v >> 12) & 63];
        out[o++] = i + 1 < n ? A[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? A[v & 63] : '=';
        if (o + 4 > sizeof out) {
            rb_addn(b, out, o);
            o = 0;
        }
    }
    rb_addn(b, out, o);
}

void rb_href(rb *b, const char *path)
{
    const unsigned char *p = (const unsigned char *)path;
    bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                 (*p >= '0' && *p <= '9') || *p == '.';
    if (!plain)
        rb_add(b, "./");
    for (; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("._~/-", *p))
            rb_addn(b, (const char *)p, 1);
        else
            rb_printf(b, "%%%02X", *p);
    }
}

void rb_free(rb *b)
{
    free(b->p);
    *b = (rb){0};
}

/* path made absolute and cleaned of ".", ".." and repeated slashes (lexically: the pages
 * link as the user named things) */
static void absolute(char *out, size_t cap, const char *path)
{
    char cwd[PATH_MAX] = "/", raw[2 * PATH_MAX + 2];
    if (path[0] != '/' && !getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    snprintf(raw, sizeof raw, "%s/%s", path[0] == '/' ? "" : cwd, path);
    size_t o = 0;
    out[0] = '\0';
    for (char *save = NULL, *t = strtok_r(raw, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..")) {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            out[o] = '\0';
            continue;
        }
        int w = snprintf(out + o, cap - o, "/%s", t);
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
    }
    if (!o)
        snprintf(out, cap, "/");
}

void rep_relpath(char *buf, size_t cap, const char *from_dir, const char *to)
{
    char a[PATH_MAX + 8], t[PATH_MAX + 8];
    absolute(a, sizeof a, from_dir);
    absolute(t, sizeof t, to);
    if (!strcmp(a, "/"))
        a[0] = '\0';
    size_t common = 0;   /* the longest shared run of whole components */
    for (size_t i = 0;; i++) {
        if ((a[i] == '/' || a[i] == '\0') && (t[i] == '/' || t[i] == '\0'))
            common = i;
        if (!a[i] || !t[i] || a[i] != t[i])
            break;
    }
    size_t o = 0;
    buf[0] = '\0';
    for (const char *p = a + common; *p; p++)   /* up once per component left in from_dir */
        if (*p == '/' && o + 4 < cap)
            o += (size_t)snprintf(buf + o, cap - o, "../");
    const char *rest = t + common + (t[common] == '/');
    snprintf(buf + o, cap - o, "%s", rest);
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '/')
        buf[n - 1] = '\0';
}
