/* json.c: printing JSON (see json.h). */
#include "nnlab/json.h"

#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        snprintf(buf, 32, "%.17g", v);
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
