/* names.c: looking names up, listing them, suggesting the nearest, checking labels
 * (see names.h). */
#include "nnlab/names.h"

#include <stdio.h>
#include <string.h>

int nn_name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* Edit distance counting an adjacent transposition as one edit (optimal string
 * alignment), capped at 64 characters: "modles" is one edit from "models". */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *nn_suggest(const char *word, const char *const *candidates, int n)
{
    const char *best = NULL;
    int bestd = 99;
    size_t lw = strlen(word);
    for (int i = 0; i < n; i++) {
        int d = distance(word, candidates[i]);
        /* a prefix of a long enough name counts as close ("asg" -> "asgd") */
        if (lw >= 3 && strncmp(word, candidates[i], lw) == 0 && d > 1)
            d = 1;
        if (d < bestd) {
            bestd = d;
            best = candidates[i];
        }
    }
    int limit = lw <= 4 ? 1 : lw <= 8 ? 2 : 3;
    return bestd <= limit ? best : NULL;
}

void nn_join(char *buf, size_t cap, const char *const *items, int n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && k + 1 < cap; i++) {
        int w = snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", items[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

bool nn_label_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > NN_LABEL_MAX || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

size_t nn_utf8_char(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)))
        return 0;                           /* overlong, or a surrogate */
    if (n == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)))
        return 0;
    return n;
}
