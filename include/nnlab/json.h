/* json.h: reading JSON strictly, and writing it with control over how numbers look.
 *
 * nn_json_parse reads what users hand to nnlab (specs, model files): cJSON underneath,
 * after a strict check of the text against JSON's grammar (RFC 8259) that finds the first
 * mistake where it is and says what it is (a decimal comma, a trailing comma, a comment,
 * single quotes, NaN, 007, +1, 1., .5, 1e, 0x10), plus the checks cJSON leaves out (NUL
 * bytes, text after the value, duplicate keys). cJSON prints nothing of ours: summaries
 * and manifests print every number with 17 significant digits (round-trip exact, as the
 * contract promises); resolved specs use the shortest form that reads back to the same
 * double (0.1, not 0.10000000000000001). Non-finite numbers become null. Objects are
 * indented two spaces; arrays of plain numbers or strings stay on one line. Returned
 * strings are the caller's to free.
 */
#ifndef NNLAB_JSON_H
#define NNLAB_JSON_H

#include <stddef.h>

typedef struct cJSON cJSON;
typedef struct nn_err nn_err;

/* Parse len bytes of text (name and what, e.g. "spec" or "model file", for messages).
 * A UTF-8 byte order mark and CRLF line ends are accepted; NUL bytes, an empty text,
 * anything JSON's grammar does not allow (numbers included: cJSON alone would read 007,
 * 1. and -.5), nesting deeper than cJSON's limit, text after the value and a key twice in
 * one object are NN_ESPEC errors naming name:line:col (the mistake itself: the comma of
 * "0,25", the trailing comma, the opening quote of a string that never ends) or
 * name: /json/path, with a one-line message saying what is wrong and, where it is clear,
 * how to write it ("write 0.25"). Control characters inside strings are left to the
 * caller. Returns the tree (the caller's, cJSON_Delete) or NULL with e set. */
cJSON *nn_json_parse(const char *text, size_t len, const char *name, const char *what, nn_err *e);

enum nn_json_numbers { NN_JSON_SHORTEST, NN_JSON_DIGITS17 };

/* The tree as text ending in a newline, or NULL when memory runs out. */
char *nn_json_print(const cJSON *root, int numbers);

/* One number as it would be printed (buf of at least 32 bytes). */
void nn_json_number(char *buf, double v, int numbers);

/* A growable string. */
typedef struct nn_buf {
    char *p;
    size_t len, cap;
    int failed;    /* an allocation failed; p is then NULL */
} nn_buf;

void nn_buf_puts(nn_buf *b, const char *s);
void nn_buf_putn(nn_buf *b, const char *s, size_t n);   /* n bytes of s */
void nn_buf_printf(nn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string literal, quotes included */
void nn_buf_json_string(nn_buf *b, const char *s);

#endif
