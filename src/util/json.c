/* json.c: reading JSON strictly and printing it (see json.h). */
#include "nnlab/json.h"

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

/* A hint for a JSON syntax error near text[*off], where cJSON stopped (it may stop on
 * the offending character or one past it, and on the last byte when input runs out).
 * *off is moved to the character the hint is about. */
static const char *syntax_hint(const char *text, size_t len, size_t *off, char *buf, size_t cap)
{
    size_t i = *off < len ? *off : len;
    size_t j = i;
    while (j < len && is_ws(text[j]))
        j++;
    size_t p = i;                                   /* last non-space before i */
    while (p > 0 && is_ws(text[p - 1]))
        p--;
    if (j >= len) {                                 /* only white space is left */
        if (p > 0 && (text[p - 1] == '}' || text[p - 1] == ']')) {
            size_t q = p - 1;
            while (q > 0 && is_ws(text[q - 1]))
                q--;
            if (q > 0 && text[q - 1] == ',') {
                *off = q - 1;
                return "trailing comma before the closing bracket";
            }
        }
        *off = len;
        return "unexpected end of file (an unclosed object, list or string?)";
    }
    for (size_t k = i > 0 ? i - 1 : i; k <= j && k < len; k++) {
        if (text[k] == '/' && k + 1 < len && (text[k + 1] == '/' || text[k + 1] == '*')) {
            *off = k;
            return "comments are not allowed in JSON";
        }
        if (text[k] == '\'') {
            *off = k;
            return "strings take double quotes in JSON";
        }
    }
    char c = text[j];
    if (c == '}' || c == ']') {
        size_t q = j;
        while (q > 0 && is_ws(text[q - 1]))
            q--;
        if (q > 0 && text[q - 1] == ',') {
            *off = q - 1;
            return "trailing comma before the closing bracket";
        }
    }
    *off = j;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        size_t rest = len - j;   /* the text need not end in a NUL */
        if ((rest >= 3 && !memcmp(text + j, "NaN", 3)) || (rest >= 3 && !memcmp(text + j, "nan", 3)) ||
            (rest >= 3 && !memcmp(text + j, "inf", 3)) || (rest >= 3 && !memcmp(text + j, "Inf", 3)))
            return "NaN and Infinity are not JSON numbers";
        return "unquoted word (strings and keys take double quotes; true, false and null are "
               "lower case)";
    }
    if ((unsigned char)c < 0x20) {
        snprintf(buf, cap, "control character 0x%02x", (unsigned char)c);
        return buf;
    }
    if ((unsigned char)c >= 0x80)
        return "unexpected non-ASCII character outside a string";
    char before = p > 0 ? text[p - 1] : '\0';
    if (before == '"' || before == '}' || before == ']' || (before >= '0' && before <= '9') ||
        before == 'e' || before == 'l')          /* after a value or a key: true, null */
        snprintf(buf, cap, "unexpected '%c' (a missing ':' or ',' before it?)", c);
    else
        snprintf(buf, cap, "unexpected '%c'", c);
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* How deep the brackets are open at text[off], strings skipped. */
static size_t depth_at(const char *text, size_t off)
{
    size_t d = 0;
    bool str = false;
    for (size_t i = 0; i < off; i++) {
        char c = text[i];
        if (str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                str = false;
        } else if (c == '"') {
            str = true;
        } else if (c == '[' || c == '{') {
            d++;
        } else if ((c == ']' || c == '}') && d) {
            d--;
        }
    }
    return d;
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
    char where[600], hint[80];
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
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        const char *why;
        if (off < len && (text[off] == '[' || text[off] == '{') &&
            depth_at(text, off) >= CJSON_NESTING_LIMIT)
            snprintf(hint, sizeof hint, "nested more than %d levels deep", CJSON_NESTING_LIMIT),
                why = hint;
        else
            why = syntax_hint(text, len, &off, hint, sizeof hint);
        line_col(text, off, &line, &col);
        snprintf(where, sizeof where, "%s:%zu:%zu", name, line, col);
        nn_err_set(e, NN_ESPEC, where, "invalid JSON: %s", why);
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

void nn_buf_puts(nn_buf *b, const char *s)
{
    size_t n = strlen(s);
    grow(b, n);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

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
                char c[2] = {(char)*p, 0};
                nn_buf_puts(b, c);
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
