/* err.h: the error record every fallible library call fills.
 *
 * The library never prints and never exits (FANN's error record, without its global
 * state): a function that can fail returns a status and, on failure, fills the
 * caller-owned nn_err with a code, the place the problem is (a file, file:line:col, or a
 * JSON path such as /models/1/activation) and one sentence saying what was expected.
 * Only the command layer turns a record into a line on stderr and an exit status.
 */
#ifndef NNLAB_ERR_H
#define NNLAB_ERR_H

enum nn_status {
    NN_OK = 0,
    NN_EUSAGE,     /* bad command line                          -> exit 2 */
    NN_ESPEC,      /* bad spec, model file or data file          -> exit 2 */
    NN_EIO,        /* the run could not read or write something  -> exit 1 */
    NN_ENOMEM,     /* out of memory                              -> exit 1 */
    NN_ERUN,       /* the run itself failed (diverged, ...)      -> exit 1 */
    NN_EINTR       /* interrupted by a signal                    -> exit 130/143 */
};

typedef struct nn_err {
    int code;          /* enum nn_status */
    char where[512];   /* file, file:line:col, or "file: /json/path"; may be empty */
    char msg[1024];    /* what went wrong and what was expected, one line */
} nn_err;

/* Fill e (when not NULL) and return code. printf-style message. */
int nn_err_set(nn_err *e, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Replace e->where (printf-style), keeping the code and message. */
void nn_err_where(nn_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Change e's code (when e is not NULL) and return it: a reader's NN_ESPEC is a failed run
 * when the file is one the run wrote. */
int nn_err_recode(nn_err *e, int code);

/* Clear a record to NN_OK. */
void nn_err_clear(nn_err *e);

/* Prefix e->where with "prefix: " (e.g. the spec file name in front of a JSON path). */
void nn_err_prefix(nn_err *e, const char *prefix);

#endif
