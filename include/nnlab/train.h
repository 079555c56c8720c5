/* train.h: the training loop of notebooks 000/001, step for step.
 *
 * At the start of every epoch the sample order is shuffled from the model's stream
 * (numpy's shuffle of arange(n)), unless shuffle is off (the data's order); an epoch is floor(n / batch) steps over consecutive
 * slices of that order (leftovers dropped). Each step takes the gradient of the batch
 * (the sum over its samples in that order, then divided by the batch size), lets the
 * optimizer move, and measures the train error over all samples at the new weights.
 * Training stops when the error falls below target_error (converged, in the epoch
 * being run, counted from 1), after max_epochs epochs, after max_iter steps, after a
 * step that leaves a weight, an output or the loss non-finite (diverged: the model is
 * put back to its weights after the last finite step, and res->final describes them),
 * or when *stop becomes nonzero (interrupted; a stop that arrives on the step that ends
 * training anyway does not count).
 *
 * With a test set, its loss, mse and error are measured with every reported row (they
 * never influence training).
 *
 * One forward pass over all samples per step serves both the error measurement and,
 * gathered in batch order, the next step's gradient: per-sample activations do not
 * depend on which batch a sample is in. The loop allocates nothing once it starts.
 */
#ifndef NNLAB_TRAIN_H
#define NNLAB_TRAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "nnlab/err.h"
#include "nnlab/loss.h"
#include "nnlab/model.h"
#include "nnlab/optim.h"
#include "nnlab/rng.h"

typedef struct nn_train_cfg {
    nn_loss loss;
    nn_optim_cfg opt;
    size_t batch;          /* samples per step; 0 = all (full batch) */
    bool shuffle;          /* reshuffle the sample order every epoch (else data order) */
    long max_epochs;       /* >= 1 */
    long max_iter;         /* 0 = no limit */
    double target_error;   /* < 0 = never stop early */
    bool float32;          /* train in float32 as PyTorch does (nn_train_f32) */
} nn_train_cfg;

/* Training data, already normalised, feature-major. */
typedef struct nn_trainset {
    size_t n;
    int d;
    const double *X;       /* (d, n) */
    const double *y;       /* (n) */
    bool classify;         /* targets are 0/1: error rates apply */
    const struct nn_trainset *test;   /* held-out points measured with every row, or NULL */
} nn_trainset;

typedef struct nn_epoch_stats {
    long epoch;            /* 0 = before training */
    long iter;             /* steps taken so far */
    double loss, mse;
    double error;          /* NAN when not classifying */
    double test_loss, test_mse, test_error;   /* on the test set; NAN without one */
    bool last;             /* the last row training will report */
} nn_epoch_stats;

typedef struct nn_train_hooks {
    void *ctx;
    /* After the state before training (epoch 0) and after every epoch, including a
     * last partial one. A nonzero return stops training with that status (e filled). */
    int (*on_epoch)(void *ctx, const nn_model *m, const nn_optim *o,
                    const nn_epoch_stats *st, nn_err *e);
    volatile const int *stop;   /* becomes nonzero to interrupt (e.g. from a signal) */
} nn_train_hooks;

enum nn_train_status { NN_TRAIN_COMPLETE, NN_TRAIN_DIVERGED, NN_TRAIN_INTERRUPTED };

typedef struct nn_train_result {
    int status;                 /* enum nn_train_status */
    long epochs_run;            /* epochs in which at least one step was taken */
    long iterations;
    bool converged;
    long converged_epoch;       /* valid when converged */
    long diverged_epoch;        /* valid when diverged */
    nn_epoch_stats final;       /* at the model's final (for diverged: last finite) weights */
} nn_train_result;

/* Train m in place; the optimizer o must have been created for m's parameters. r is
 * the model's stream (after initialisation). Returns NN_OK (see res->status), an
 * error from the hook, or NN_ENOMEM. */
int nn_train(nn_model *m, nn_optim *o, nn_rng *r, const nn_train_cfg *c,
             const nn_trainset *d, const nn_train_hooks *h, nn_train_result *res,
             nn_err *e);

/* The same loop in float32 as PyTorch 1.13 computes it (train_f32.c): full batch, sgd or
 * adam, mse or bce, identity, relu, tanh or sigmoid units, no test set (the spec reader
 * refuses the rest). The model's double weights are set from the float ones before every
 * reported row. */
int nn_train_f32(nn_model *m, nn_optim *o, const nn_train_cfg *c, const nn_trainset *d,
                 const nn_train_hooks *h, nn_train_result *res, nn_err *e);

/* The loss, mse and error (NAN when not classifying) of m on the whole set, and on its
 * test set when it has one. */
int nn_evaluate(const nn_model *m, nn_loss loss, const nn_trainset *d, nn_epoch_stats *st,
                nn_err *e);

/* Bytes of scratch nn_train allocates for architecture a on n samples (batch 0 = all),
 * so callers can refuse a run that cannot fit before anything is allocated or written. */
size_t nn_train_scratch_bytes(const nn_arch *a, size_t n, size_t batch);

/* The loss gradient of the whole set at the current weights (no shuffling): grad has
 * m->n_params entries. For gradient checks and analyses. */
int nn_gradient(const nn_model *m, nn_loss loss, const nn_trainset *d, double *grad,
                double *loss_value, nn_err *e);

#endif
