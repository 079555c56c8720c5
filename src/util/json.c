/* json.c: reading JSON strictly and printing it (see json.h). */
#include "nnlab/json.h"
#include "nnlab/names.h"

#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/err.h"
#include "nnlab/fmt.h"

/* ---- reading ------------------------------------------------------------------------------- */

static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (text[i] != '\r') {
            (*col)++;
        }
    }
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* ---- strict syntax --------------------------------------------------------------------------
 * cJSON reads more than JSON (007, 1., -.5 and a \u escape without four hex digits all
 * parse, and any control character passes for white space), and on a mistake it says only
 * where it stopped, often a character or a bracket past the mistake. So the text is first read here against JSON's grammar (RFC 8259) by a
 * small state machine that knows what it expected, and the first mistake is reported where
 * it is, saying what is wrong: a decimal comma, a trailing comma, a comment, single quotes,
 * NaN, a number JSON does not allow. Raw control characters inside strings are left to the
 * spec reader, which names the key they are in. */

typedef struct lint {
    const char *t;
    size_t len;
    size_t at;              /* where the mistake is */
    char msg[300];
} lint;

static int lint_fail(lint *l, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int lint_fail(lint *l, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->msg, sizeof l->msg, fmt, ap);
    va_end(ap);
    l->at = at;
    return 1;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

#define UNQUOTED "unquoted word (strings and keys take double quotes; true, false and null are " \
                 "lower case)"

/* The length of the longest prefix of t[0..n) that is a JSON number (0: none):
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static size_t number_prefix(const char *t, size_t n)
{
    size_t p = 0;
    if (p < n && t[p] == '-')
        p++;
    if (p >= n || !is_digit(t[p]))
        return 0;
    if (t[p] == '0')
        p++;
    else
        while (p < n && is_digit(t[p]))
            p++;
    if (p + 1 < n && t[p] == '.' && is_digit(t[p + 1]))
        for (p += 2; p < n && is_digit(t[p]); p++) {}
    if (p < n && (t[p] == 'e' || t[p] == 'E')) {
        size_t q = p + 1;
        if (q < n && (t[q] == '+' || t[q] == '-'))
            q++;
        if (q < n && is_digit(t[q]))
            for (p = q; p < n && is_digit(t[p]); p++) {}
    }
    return p;
}

static bool is_number(const char *s) { size_t n = strlen(s); return n && number_prefix(s, n) == n; }

static bool is_nan_inf(const char *t, size_t n)
{
    static const char *const words[] = {"nan", "inf", "infinity"};
    for (int w = 0; w < 3; w++)
        if (n == strlen(words[w])) {
            size_t k = 0;
            while (k < n && (t[k] | 0x20) == words[w][k])
                k++;
            if (k == n)
                return true;
        }
    return false;
}

/* Where the number-like token starting at t[s] ends: what a user may have meant as one
 * number (1e+5, 0x10, 1_000, 0.2.5 and 10k included). */
static size_t number_end(const char *t, size_t len, size_t s)
{
    size_t k = s;
    while (k < len && (is_digit(t[k]) || is_alpha(t[k]) || t[k] == '.' || t[k] == '_' ||
                       t[k] == '+' || t[k] == '-'))
        k++;
    return k;
}

/* The token t[s..k) where JSON wants a value and a number was meant: fine, or what is wrong
 * with it and, where it is clear, how to write it. */
static int lint_number(lint *l, size_t s, size_t k)
{
    const char *t = l->t, *tok = t + s;
    size_t n = k - s;
    if (number_prefix(tok, n) == n)
        return 0;
    int w = n > 40 ? 40 : (int)n;      /* the token as shown */
    char fix[128];
    fix[0] = '\0';
    if (tok[0] == '+') {
        snprintf(fix, sizeof fix, "%.*s", w - 1, tok + 1);
        if (is_number(fix))
            return lint_fail(l, s, "a number cannot start with '+' (\"%.*s\"); write %s", w, tok, fix);
        return lint_fail(l, s, "a number cannot start with '+' (\"%.*s\")", w, tok);
    }
    bool neg = tok[0] == '-';
    size_t p = s + neg;
    const char *sign = neg ? "-" : "";
    if (p == k || (!is_digit(t[p]) && t[p] != '.')) {
        if (p < k && is_nan_inf(t + p, k - p))
            return lint_fail(l, s, "NaN and Infinity are not JSON numbers");
        return lint_fail(l, s, "a '-' must be followed by a digit (\"%.*s\")", w, tok);
    }
    if (t[p] == '.') {
        snprintf(fix, sizeof fix, "%s0%.*s", sign, (int)(k - p) > 40 ? 40 : (int)(k - p), t + p);
        if (is_number(fix))
            return lint_fail(l, s, "a number needs a digit before its decimal point (\"%.*s\"); "
                             "write %s", w, tok, fix);
        return lint_fail(l, s, "a number needs a digit before its decimal point (\"%.*s\")", w, tok);
    }
    if (t[p] == '0' && p + 1 < k && (t[p + 1] == 'x' || t[p + 1] == 'X')) {
        size_t q = p + 2;
        unsigned long long v = 0;
        while (q < k && is_hex(t[q]) && q - p < 2 + 15) {
            v = v * 16 + (unsigned)(is_digit(t[q]) ? t[q] - '0' : (t[q] | 0x20) - 'a' + 10);
            q++;
        }
        if (q == k && q > p + 2)
            return lint_fail(l, s, "hexadecimal numbers are not JSON (\"%.*s\"); write %s%llu", w,
                             tok, sign, v);
        return lint_fail(l, s, "hexadecimal numbers are not JSON (\"%.*s\")", w, tok);
    }
    if (t[p] == '0' && p + 1 < k && is_digit(t[p + 1])) {
        size_t q = p;
        while (q + 1 < k && t[q] == '0' && is_digit(t[q + 1]))
            q++;
        snprintf(fix, sizeof fix, "%s%.*s", sign, (int)(k - q) > 40 ? 40 : (int)(k - q), t + q);
        if (is_number(fix))
            return lint_fail(l, s, "a number cannot start with a zero (\"%.*s\"); write %s", w, tok,
                             fix);
        return lint_fail(l, s, "a number cannot start with a zero (\"%.*s\")", w, tok);
    }
    size_t v = s + number_prefix(tok, n);   /* the first character that does not fit */
    char c = t[v];
    if (c == '.') {
        if ((v + 1 >= k || !is_digit(t[v + 1])) && !memchr(tok, '.', v - s)) {
            snprintf(fix, sizeof fix, "%.*s.0%.*s", (int)(v - s) > 40 ? 40 : (int)(v - s), tok,
                     (int)(k - v - 1) > 40 ? 40 : (int)(k - v - 1), t + v + 1);
            if (is_number(fix))
                return lint_fail(l, v, "a number needs a digit after its decimal point (\"%.*s\"); "
                                 "write %s", w, tok, fix);
            return lint_fail(l, v, "a number needs a digit after its decimal point (\"%.*s\")", w,
                             tok);
        }
        return lint_fail(l, v, "a number cannot have two decimal points (\"%.*s\")", w, tok);
    }
    if (c == 'e' || c == 'E') {
        size_t q = v + 1;
        if (q < k && (t[q] == '+' || t[q] == '-'))
            q++;
        if (q >= k || !is_digit(t[q]))
            return lint_fail(l, v, "a number's exponent needs digits (\"%.*s\")", w, tok);
    }
    if (c == '_') {
        size_t f = 0;
        for (size_t q = s; q < k && f + 1 < sizeof fix; q++)
            if (t[q] != '_')
                fix[f++] = t[q];
        fix[f] = '\0';
        if (is_number(fix))
            return lint_fail(l, v, "a number cannot contain '_' (\"%.*s\"); write %s", w, tok, fix);
        return lint_fail(l, v, "a number cannot contain '_' (\"%.*s\")", w, tok);
    }
    return lint_fail(l, v, "\"%.*s\" is not a number (unexpected '%c')", w, tok, c);
}

/* A digit right after "NUMBER," where an object wants its next key: the comma was meant
 * inside the number (0,25 or 1.000,5 for a decimal comma, 1,000.5 or 1,000,000 for
 * thousands). t[s..e) is the number, t[e] the comma. */
static int lint_comma_number(lint *l, size_t s, size_t e)
{
    const char *t = l->t;
    size_t len = l->len, b = e + 1;
    while (b < len && is_digit(t[b]))
        b++;
    size_t bl = b - e - 1, r = b;
    bool a_dot = memchr(t + s, '.', e - s) != NULL, a_exp = false, groups = false;
    for (size_t q = s; q < e; q++)
        a_exp |= t[q] == 'e' || t[q] == 'E';
    while (r + 3 < len && t[r] == ',' && is_digit(t[r + 1]) && is_digit(t[r + 2]) &&
           is_digit(t[r + 3]) && (r + 4 >= len || !is_digit(t[r + 4]))) {
        r += 4;
        groups = true;
    }
    bool frac = r + 1 < len && t[r] == '.' && is_digit(t[r + 1]);
    if (frac)
        for (r += 2; r < len && is_digit(t[r]); r++) {}
    size_t al = e - s;
    bool zero = (al == 1 && t[s] == '0') || (al == 2 && t[s] == '-' && t[s + 1] == '0');
    if (a_exp || al + bl > 60 || r - s > 60)
        return lint_fail(l, e, "expected a key in double quotes after ',', got '%c'", t[e + 1]);
    char lit[64], fix[64];
    size_t f = 0;
    if (!a_dot && !zero && bl == 3 && (groups || frac)) {   /* 1,000.5 or 1,000,000 */
        for (size_t q = s; q < r; q++)
            if (t[q] != ',')
                fix[f++] = t[q];
        fix[f] = '\0';
        return lint_fail(l, e, "a number cannot have a thousands separator (\"%.*s\"); write %s",
                         (int)(r - s), t + s, fix);
    }
    snprintf(lit, sizeof lit, "%.*s", (int)(b - s), t + s);
    if (!a_dot && !zero && bl == 3)                          /* 1,000: which was meant? */
        return lint_fail(l, e, "a number cannot contain a comma (\"%s\"); write %.*s%.*s, or "
                         "%.*s.%.*s if the comma is a decimal point", lit, (int)al, t + s, 3,
                         t + e + 1, (int)al, t + s, 3, t + e + 1);
    for (size_t q = s; q < e; q++)                           /* 0,25 and 1.000,5 */
        if (t[q] != '.')
            fix[f++] = t[q];
    snprintf(fix + f, sizeof fix - f, ".%.*s", (int)bl, t + e + 1);
    return lint_fail(l, e, "a number cannot have a decimal comma (\"%s\"); write %s", lit, fix);
}

static bool hex4(const char *t, size_t len, size_t at, unsigned *cp)
{
    if (at + 4 > len)
        return false;
    *cp = 0;
    for (size_t q = at; q < at + 4; q++) {
        if (!is_hex(t[q]))
            return false;
        *cp = *cp * 16 + (unsigned)(is_digit(t[q]) ? t[q] - '0' : (t[q] | 0x20) - 'a' + 10);
    }
    return true;
}

/* The string that starts at t[*i] (a '"'); *i is moved past its closing quote. */
static int lint_string(lint *l, size_t *i)
{
    const char *t = l->t;
    size_t len = l->len, s = *i, k = s + 1;
    for (;;) {
        if (k >= len)
            return lint_fail(l, s, "this string never ends (a missing '\"'?)");
        char c = t[k];
        if (c == '"') {
            *i = k + 1;
            return 0;
        }
        if (c != '\\') {
            k++;
            continue;
        }
        if (k + 1 >= len)
            return lint_fail(l, s, "this string never ends (a missing '\"'?)");
        char d = t[k + 1];
        if (d == '"' || d == '\\' || d == '/' || d == 'b' || d == 'f' || d == 'n' || d == 'r' ||
            d == 't') {
            k += 2;
            continue;
        }
        if (d != 'u') {
            if ((unsigned char)d >= 0x20 && (unsigned char)d < 0x7f)
                return lint_fail(l, k, "invalid escape \"\\%c\" in a string (a backslash is "
                                 "written \\\\ in JSON)", d);
            return lint_fail(l, k, "invalid escape in a string: a backslash before byte 0x%02x "
                             "(a backslash is written \\\\ in JSON)", (unsigned char)d);
        }
        unsigned cp, lo;
        if (!hex4(t, len, k + 2, &cp))
            return lint_fail(l, k, "invalid escape in a string: \\u takes four hexadecimal digits");
        if (cp == 0)   /* cJSON would end the string there: "tanh\u0000x" read as "tanh" */
            return lint_fail(l, k, "\\u0000 (a NUL character) in a string: no name, label or "
                             "value may hold one");
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return lint_fail(l, k, "\\u%.4s in a string is the second half of a UTF-16 surrogate "
                             "pair, without the first", t + k + 2);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!(k + 7 < len && t[k + 6] == '\\' && t[k + 7] == 'u' && hex4(t, len, k + 8, &lo) &&
                  lo >= 0xDC00 && lo <= 0xDFFF))
                return lint_fail(l, k, "\\u%.4s in a string is the first half of a UTF-16 "
                                 "surrogate pair, without the second", t + k + 2);
            k += 12;
            continue;
        }
        k += 6;
    }
}

enum { L_VALUE, L_FIRST_VALUE, L_NEXT_VALUE, L_FIRST_KEY, L_NEXT_KEY, L_COLON, L_IN_OBJECT,
       L_IN_LIST, L_DONE };

/* 0 when t[0..len) is one JSON value (white space around it), else 1 with l->at and l->msg. */
static int lint_json(lint *l)
{
    const char *t = l->t;
    size_t len = l->len, i = 0, comma = 0, num_s = 0, num_e = (size_t)-1, key_s = 0, key_e = 0;
    size_t open[CJSON_NESTING_LIMIT];   /* where each open bracket is */
    int depth = 0, state = L_VALUE;
    for (;;) {
        while (i < len && is_ws(t[i]))
            i++;
        if (i >= len) {
            if (state == L_DONE)
                return 0;
            return lint_fail(l, len, "unexpected end of file (an unclosed object, list or string?)");
        }
        char c = t[i];
        unsigned char u = (unsigned char)c;
        if ((c == '/' && i + 1 < len && (t[i + 1] == '/' || t[i + 1] == '*')) || c == '#')
            return lint_fail(l, i, "comments are not allowed in JSON");
        if (state == L_DONE)
            return lint_fail(l, i, "text after the end of the top-level object");
        if (c == '\'')
            return lint_fail(l, i, "strings take double quotes in JSON");
        if (u < 0x20)
            return lint_fail(l, i, "control character 0x%02x (only spaces, tabs and line ends "
                             "may stand between JSON values)", u);
        if (u >= 0x80)
            return lint_fail(l, i, "unexpected non-ASCII character outside a string");
        bool value = false;             /* a value ended just before t[i] */
        switch (state) {
        case L_VALUE:
        case L_FIRST_VALUE:
        case L_NEXT_VALUE:
            if (c == ']' && state == L_FIRST_VALUE) {
                depth--;
                i++;
                value = true;
            } else if (c == ']' && state == L_NEXT_VALUE) {
                return lint_fail(l, comma, "trailing comma before the closing bracket");
            } else if (c == '{' || c == '[') {
                if (depth >= CJSON_NESTING_LIMIT)
                    return lint_fail(l, i, "nested more than %d levels deep", CJSON_NESTING_LIMIT);
                open[depth++] = i++;
                state = c == '{' ? L_FIRST_KEY : L_FIRST_VALUE;
            } else if (c == '"') {
                if (lint_string(l, &i))
                    return 1;
                value = true;
            } else if (c == '-' || c == '+' || c == '.' || is_digit(c)) {
                size_t k = number_end(t, len, i);
                if (lint_number(l, i, k))
                    return 1;
                num_s = i;
                num_e = i = k;
                value = true;
            } else if (is_alpha(c)) {
                size_t k = i;
                while (k < len && (is_alpha(t[k]) || is_digit(t[k]) || t[k] == '_'))
                    k++;
                if ((k - i == 4 && !memcmp(t + i, "true", 4)) ||
                    (k - i == 5 && !memcmp(t + i, "false", 5)) ||
                    (k - i == 4 && !memcmp(t + i, "null", 4))) {
                    i = k;
                    value = true;
                } else if (is_nan_inf(t + i, k - i)) {
                    return lint_fail(l, i, "NaN and Infinity are not JSON numbers");
                } else {
                    return lint_fail(l, i, UNQUOTED);
                }
            } else if (state == L_VALUE && depth > 0) {
                return lint_fail(l, i, "expected a value after ':', got '%c'", c);
            } else {
                return lint_fail(l, i, "expected a value, got '%c'", c);
            }
            break;
        case L_FIRST_KEY:
        case L_NEXT_KEY:
            if (c == '"') {
                key_s = i;
                if (lint_string(l, &i))
                    return 1;
                key_e = i;
                state = L_COLON;
            } else if (c == '}' && state == L_FIRST_KEY) {
                depth--;
                i++;
                value = true;
            } else if (c == '}') {
                return lint_fail(l, comma, "trailing comma before the closing bracket");
            } else if (state == L_NEXT_KEY && is_digit(c) && comma == num_e && i == comma + 1) {
                return lint_comma_number(l, num_s, num_e);
            } else if (is_alpha(c) || c == '_') {
                return lint_fail(l, i, UNQUOTED);
            } else {
                return lint_fail(l, i, "expected a key in double quotes, got '%c'", c);
            }
            break;
        case L_COLON:
            if (c == ':') {
                i++;
                state = L_VALUE;
                break;
            }
            {
                bool plain = key_e - key_s <= 42;   /* show the key when it is short and plain */
                for (size_t q = key_s + 1; plain && q + 1 < key_e; q++)
                    plain = t[q] >= 0x20 && t[q] < 0x7f && t[q] != '\\';
                if (plain)
                    return lint_fail(l, i, "expected ':' after the key %.*s, got '%c'",
                                     (int)(key_e - key_s), t + key_s, c);
                return lint_fail(l, i, "expected ':' after the key, got '%c'", c);
            }
        case L_IN_OBJECT:
        case L_IN_LIST: {
            bool obj = state == L_IN_OBJECT;
            if (c == ',') {
                comma = i++;
                state = obj ? L_NEXT_KEY : L_NEXT_VALUE;
            } else if (c == (obj ? '}' : ']')) {
                depth--;
                i++;
                value = true;
            } else if (c == (obj ? ']' : '}')) {
                size_t line, col;
                line_col(t, open[depth - 1], &line, &col);
                return lint_fail(l, i, "'%c' where '%c' should close the %s opened at %zu:%zu",
                                 c, obj ? '}' : ']', obj ? "object" : "list", line, col);
            } else if (is_alpha(c)) {
                return lint_fail(l, i, UNQUOTED);
            } else {
                return lint_fail(l, i, "expected ',' or '%c' after %s, got '%c' (a missing ','?)",
                                 obj ? '}' : ']', obj ? "a value" : "a list element", c);
            }
            break;
        }
        }
        if (value)
            state = depth == 0 ? L_DONE : t[open[depth - 1]] == '{' ? L_IN_OBJECT : L_IN_LIST;
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first key that appears twice in one object, as a JSON path into path. cJSON keeps
 * both and reads the first, silently. Sorted, so a huge object costs n log n. */
static int first_duplicate(const cJSON *j, char *path, size_t cap, size_t used)
{
    if (cJSON_IsObject(j)) {
        int n = cJSON_GetArraySize(j), k = 0;
        const char **names = malloc((size_t)(n ? n : 1) * sizeof *names);
        if (!names)
            return -1;
        for (const cJSON *a = j->child; a; a = a->next)
            names[k++] = a->string;
        qsort(names, (size_t)n, sizeof *names, by_name);
        for (int i = 1; i < n; i++)
            if (strcmp(names[i - 1], names[i]) == 0) {
                snprintf(path + used, cap - used, "/%.60s", names[i]);
                free(names);
                return 1;
            }
        free(names);
        for (const cJSON *a = j->child; a; a = a->next) {
            size_t u = used + (size_t)snprintf(path + used, cap - used, "/%.60s", a->string);
            int rc = u < cap ? first_duplicate(a, path, cap, u) : 0;
            if (rc)
                return rc;
        }
    } else if (cJSON_IsArray(j)) {
        int i = 0;
        for (const cJSON *a = j->child; a; a = a->next, i++) {
            size_t u = used + (size_t)snprintf(path + used, cap - used, "/%d", i);
            int rc = u < cap ? first_duplicate(a, path, cap, u) : 0;
            if (rc)
                return rc;
        }
    }
    path[used] = '\0';
    return 0;
}

cJSON *nn_json_parse(const char *text, size_t len, const char *name, const char *what, nn_err *e)
{
    char where[600];
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF) {
        text += 3;                              /* a UTF-8 byte order mark: allowed */
        len -= 3;
    }
    size_t line, col;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        line_col(text, (size_t)(nul - text), &line, &col);
        snprintf(where, sizeof where, "%s:%zu:%zu", name, line, col);
        nn_err_set(e, NN_ESPEC, where, "NUL byte in the %s (not a text file?)", what);
        return NULL;
    }
    size_t i = 0;
    while (i < len && is_ws(text[i]))
        i++;
    if (i == len) {
        nn_err_set(e, NN_ESPEC, name, "%s is empty (expected a JSON object)", what);
        return NULL;
    }
    lint l = {.t = text, .len = len};
    if (lint_json(&l)) {
        line_col(text, l.at, &line, &col);
        snprintf(where, sizeof where, "%s:%zu:%zu", name, line, col);
        nn_err_set(e, NN_ESPEC, where, "invalid JSON: %s", l.msg);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {                 /* should not happen: the text was read as JSON above */
        size_t off = end && end >= text && end < text + len ? (size_t)(end - text) : len;
        line_col(text, off, &line, &col);
        snprintf(where, sizeof where, "%s:%zu:%zu", name, line, col);
        nn_err_set(e, NN_ESPEC, where, "invalid JSON: cJSON could not read it from here");
        return NULL;
    }
    size_t off = (size_t)(end - text);          /* anything but white space after it? */
    while (off < len && is_ws(text[off]))
        off++;
    if (off < len) {
        cJSON_Delete(root);
        line_col(text, off, &line, &col);
        snprintf(where, sizeof where, "%s:%zu:%zu", name, line, col);
        nn_err_set(e, NN_ESPEC, where, "invalid JSON: text after the end of the top-level "
                   "object");
        return NULL;
    }
    char path[512];
    int dup = first_duplicate(root, path, sizeof path, 0);
    if (dup) {
        cJSON_Delete(root);
        if (dup < 0) {
            nn_err_set(e, NN_ENOMEM, "", "out of memory");
            return NULL;
        }
        const char *key = strrchr(path, '/') + 1;
        snprintf(where, sizeof where, "%.300s: %.290s", name, path);
        nn_err_set(e, NN_ESPEC, where, "key \"%s\" appears twice in the same object", key);
        return NULL;
    }
    return root;
}

/* ---- printing ------------------------------------------------------------------------------ */

static void grow(nn_buf *b, size_t need)
{
    if (b->failed || b->len + need + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        free(b->p);
        b->p = NULL;
        b->failed = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

void nn_buf_putn(nn_buf *b, const char *s, size_t n)
{
    grow(b, n);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void nn_buf_puts(nn_buf *b, const char *s) { nn_buf_putn(b, s, strlen(s)); }

void nn_buf_printf(nn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    if (b->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void nn_buf_json_string(nn_buf *b, const char *s)
{
    nn_buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': nn_buf_puts(b, "\\\""); break;
        case '\\': nn_buf_puts(b, "\\\\"); break;
        case '\n': nn_buf_puts(b, "\\n"); break;
        case '\r': nn_buf_puts(b, "\\r"); break;
        case '\t': nn_buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                nn_buf_printf(b, "\\u%04x", *p);
            } else {
                size_t k = nn_utf8_char(p);     /* invalid UTF-8 (a Latin-1 key): U+FFFD */
                char c[5] = {0};
                memcpy(c, p, k ? k : 0);
                nn_buf_puts(b, k ? c : "\\ufffd");
                p += k ? k - 1 : 0;
            }
        }
    }
    nn_buf_puts(b, "\"");
}

void nn_json_number(char *buf, double v, int numbers)
{
    if (!isfinite(v)) {
        strcpy(buf, "null");
        return;
    }
    if (numbers == NN_JSON_DIGITS17) {
        nn_fmt17(buf, v);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static int is_flat(const cJSON *a)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, a) if (cJSON_IsObject(c) || cJSON_IsArray(c)) return 0;
    return 1;
}

static void indent(nn_buf *b, int depth)
{
    nn_buf_puts(b, "\n");
    for (int i = 0; i < depth; i++)
        nn_buf_puts(b, "  ");
}

static void emit(nn_buf *b, const cJSON *j, int depth, int numbers)
{
    char num[40];
    if (cJSON_IsNull(j) || cJSON_IsInvalid(j)) {
        nn_buf_puts(b, "null");
    } else if (cJSON_IsTrue(j)) {
        nn_buf_puts(b, "true");
    } else if (cJSON_IsFalse(j)) {
        nn_buf_puts(b, "false");
    } else if (cJSON_IsNumber(j)) {
        nn_json_number(num, j->valuedouble, numbers);
        nn_buf_puts(b, num);
    } else if (cJSON_IsString(j)) {
        nn_buf_json_string(b, j->valuestring);
    } else if (cJSON_IsArray(j)) {
        if (!j->child) {
            nn_buf_puts(b, "[]");
            return;
        }
        int flat = is_flat(j);
        nn_buf_puts(b, "[");
        for (const cJSON *c = j->child; c; c = c->next) {
            if (flat)
                nn_buf_puts(b, c == j->child ? "" : ", ");
            else
                indent(b, depth + 1);
            emit(b, c, depth + 1, numbers);
            if (!flat && c->next)
                nn_buf_puts(b, ",");
        }
        if (!flat)
            indent(b, depth);
        nn_buf_puts(b, "]");
    } else if (cJSON_IsObject(j)) {
        if (!j->child) {
            nn_buf_puts(b, "{}");
            return;
        }
        nn_buf_puts(b, "{");
        for (const cJSON *c = j->child; c; c = c->next) {
            indent(b, depth + 1);
            nn_buf_json_string(b, c->string);
            nn_buf_puts(b, ": ");
            emit(b, c, depth + 1, numbers);
            if (c->next)
                nn_buf_puts(b, ",");
        }
        indent(b, depth);
        nn_buf_puts(b, "}");
    }
}

char *nn_json_print(const cJSON *root, int numbers)
{
    nn_buf b = {0};
    emit(&b, root, 0, numbers);
    nn_buf_puts(&b, "\n");
    return b.failed ? NULL : b.p;
}
