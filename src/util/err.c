/* err.c: filling error records (see err.h). */
#include "nnlab/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Messages and places stay on one line, whatever user data went into them, and say nothing
 * to the terminal: every control character (newline, escape, bell, ...) becomes a space. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

int nn_err_set(nn_err *e, int code, const char *where, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    snprintf(e->where, sizeof e->where, "%s", where ? where : "");
    one_line(e->where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    one_line(e->msg);
    return code;
}

void nn_err_where(nn_err *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->where, sizeof e->where, fmt, ap);
    va_end(ap);
    one_line(e->where);
}

void nn_err_clear(nn_err *e)
{
    if (e) {
        e->code = NN_OK;
        e->where[0] = e->msg[0] = '\0';
    }
}

void nn_err_prefix(nn_err *e, const char *prefix)
{
    if (!e || !prefix || !*prefix)
        return;
    char tmp[sizeof e->where];
    size_t cap = sizeof tmp - 1, k = 0;
    for (const char *p = prefix; *p && k < cap; p++)
        tmp[k++] = *p;
    if (e->where[0])
        for (const char *p = ": "; *p && k < cap; p++)
            tmp[k++] = *p;
    for (const char *p = e->where; *p && k < cap; p++)
        tmp[k++] = *p;
    tmp[k] = '\0';
    memcpy(e->where, tmp, k + 1);
    one_line(e->where);
}

int nn_err_recode(nn_err *e, int code)
{
    if (e)
        e->code = code;
    return code;
}
