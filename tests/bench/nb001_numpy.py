#!/usr/bin/env python3
"""Notebook 001's training algorithm, re-implemented in numpy for timing and cross-checks.

This is an independent re-implementation (not the notebook's code) that performs the same
numpy work per step as notebook 001's NeuralNet/SingleActivatorNN classes: weights kept as
full matrices that include the constant units, activations applied one neuron at a time,
one matmul per layer forward and two per layer backward, the averaged-SGD update, the train
error measured after every step and, with save_data (as the notebook's examples use), the
raw output, squared error and a copy of the weights stored every epoch.

Usage: nb001_numpy.py EXAMPLE [--stream notebook|per-model] [--bias-init V] [--repeat N]
EXAMPLE: 1, 2, 2-long, 3, 3-deep, 3-bias, 3-bias-listed.
Prints one JSON line per run with converged epochs and seconds spent in fit().
Needs Debian's python3-numpy (run with /usr/bin/python3). Not part of `make check`.
"""
import json
import sys
import time

import numpy as np


# ---- datasets (notebook 001, "Generating data") -------------------------------------
def zscore(x):
    mu = x.mean(axis=0)
    sd = x.std(axis=0, ddof=1)
    return (x - mu) / sd


def wedges(seed=8):
    np.random.seed(seed)
    a = np.random.normal(0, 1, size=(50, 2)) - (0, 2.5)
    pos = [p for p in a if p[1] < p[0] - .25 and p[1] < -p[0] - .25]
    parts = []
    b = np.random.normal(0, 1, size=(50, 2)) + (0, 2.5)
    parts += [p for p in b if p[1] > p[0] + .25 and p[1] > -p[0] + .25]
    b = np.random.normal(0, 1, size=(50, 2)) + (2.5, 0)
    parts += [p for p in b if p[1] > -p[0] + .25 and p[1] < p[0] - .25]
    b = np.random.normal(0, 1, size=(50, 2)) - (2.5, 0)
    parts += [p for p in b if p[1] > p[0] + .25 and p[1] < -p[0] - .25]
    x = np.array(pos + parts)
    y = np.r_[np.ones(len(pos)), np.zeros(len(parts))]
    return x, y


def disk_ring(seed=3, n_pos=40, n_neg=300):
    np.random.seed(seed)
    p = np.random.normal(0, .75, size=(n_pos, 2))
    p = p[p[:, 0] ** 2 + p[:, 1] ** 2 < 4]
    q = np.random.uniform(-5, 5, size=(n_neg, 2))
    r = q[:, 0] ** 2 + q[:, 1] ** 2
    q = q[(r > 6.25) & (r < 16)]
    return np.r_[p, q], np.r_[np.ones(len(p)), np.zeros(len(q))]


def stripes(seed=6):
    np.random.seed(seed)
    a = np.random.uniform(-5, 5, size=(400, 2))
    pos = [p for p in a if abs(p[0] - 2.5) < .7 or abs(p[0] + 2.5) < .7]
    b = np.random.uniform(-5, 5, size=(400, 2))
    neg = [p for p in b if abs(p[0] - 2.5) > 1.25 and abs(p[0] + 2.5) > 1.25]
    return np.array(pos + neg), np.r_[np.ones(len(pos)), np.zeros(len(neg))]


# ---- network ---------------------------------------------------------------------------
def f_relu(v): return v * (v > 0) + 0 * (v <= 0)
def d_relu(v): return 1 * (v > 0) + 0 * (v <= 0)
def f_tanh(v): return np.tanh(v)
def d_tanh(v): return 1 - np.power(np.tanh(v), 2)
def f_sig(v): return 1 / (1 + np.exp(-v))
def d_sig(v): return f_sig(v) * (1 - f_sig(v))
def f_id(v): return v
def f_one(v): return np.ones(v.shape)
def d_zero(v): return np.zeros(v.shape)


class Net:
    """widths count the constant unit when bias is on, as the notebook does."""

    def __init__(self, hidden, act, scheme, seed, bias, bias_init=0.1, tol=0.05):
        np.random.seed(seed)
        f, d = (f_tanh, d_tanh) if act == 'tanh' else (f_relu, d_relu)
        n_in = 3 if bias else 2
        self.units = [[(f_id, None)] * n_in]
        if bias:
            self.units[0][-1] = (f_one, d_zero)
        for n in hidden:
            layer = [(f, d)] * n
            if bias:
                layer[-1] = (f_one, d_zero)
            self.units.append(layer)
        self.units.append([(f_sig, d_sig)])
        self.has_const = [bias] * (len(hidden) + 1) + [False]
        self.draws = []
        self.w = []
        for i in range(len(self.units) - 1):
            cols = len(self.units[i]) - (1 if self.has_const[i] else 0)
            rows = len(self.units[i + 1]) - (1 if self.has_const[i + 1] else 0)
            std = np.sqrt(2.0 / (cols + rows)) if scheme == 'xavier' else np.sqrt(2.0 / cols)
            m = np.random.normal(0, std, size=(rows, cols))
            k = 1
            while abs(np.std(m) - std) > tol or abs(np.mean(m)) > tol:
                m = np.random.normal(0, std, size=(rows, cols))
                k += 1
            self.draws.append(k)
            full = np.full((len(self.units[i + 1]), len(self.units[i])), bias_init)
            if self.has_const[i + 1]:
                full[-1, :] = 0
            full[:rows, :cols] = m
            self.w.append(full)

    def _apply(self, layer, z, deriv):
        return np.array([(u[1] if deriv else u[0])(z[j]) for j, u in enumerate(layer)])

    def forward(self, x):
        a = [x]
        o = [self._apply(self.units[0], x, False)]
        for i in range(1, len(self.units)):
            a.append(np.matmul(self.w[i - 1], o[i - 1]))
            o.append(self._apply(self.units[i], a[i], False))
        return a, o

    def grad(self, a, o, y):
        n = y.shape[1]
        sp = [None] + [self._apply(self.units[i], a[i], True) for i in range(1, len(self.units))]
        delta = [None] * len(self.units)
        delta[-1] = o[-1] - y
        for i in range(len(self.units) - 2, 0, -1):
            delta[i] = np.matmul(self.w[i].T, sp[i + 1] * delta[i + 1])
        return [np.matmul(sp[i + 1] * delta[i + 1], o[i].T) / n for i in range(len(self.w))]

    def fit(self, x, y, lr, target, max_epochs, batch, save=True):
        xt = x.T
        yc = y.reshape(-1, 1)
        n = len(y)
        per_epoch = np.floor(n / batch)
        raw = [m.copy() for m in self.w]

        def err():
            out = self.forward(xt)[1][-1].T
            return np.sum(np.abs(yc - (1 * (out >= .5)))) / n

        def snap():
            out = self.forward(xt)[1][-1].T
            return {'epoch': epoch, 'mse': np.mean((out - yc) ** 2), 'error': e,
                    'w': [m.copy() for m in self.w]}

        it, epoch, b = 1, 1, 0
        order = np.arange(n)
        e = err()
        saved = [snap()] if save else None
        going = True
        while going:
            if b == 0:
                np.random.shuffle(order)
            idx = order[b * batch:(b + 1) * batch]
            a, o = self.forward(xt[:, idx])
            g = self.grad(a, o, yc[idx, :].T)
            raw = [raw[i] - lr * g[i] for i in range(len(raw))]
            self.w = [(it * self.w[i] + raw[i]) / (it + 1) for i in range(len(self.w))]
            e = err()
            it += 1
            b = int((b + 1) % per_epoch)
            if b == 0:
                epoch += 1
                if save:
                    saved.append(snap())
            going = e >= target and epoch <= max_epochs
        converged = None if epoch > max_epochs else epoch - 1
        return converged, e, saved


EXAMPLES = {  # data, hidden (notebook counting), lr, epochs, seed, bias
    '1': (wedges, [6, 3], [6, 3], .25, 2000, 3, False),
    '2': (disk_ring, [6, 3], [6, 3], .25, 2000, 3, False),
    '2-long': (disk_ring, [6, 3], [6, 3], 1, 100000, 3, False),
    '3': (stripes, [6, 3], [6, 3], 1, 20000, 3, False),
    '3-deep': (stripes, [10, 10, 10, 10, 5], [10, 10, 10, 10, 5], 1, 100000, 3, False),
    '3-bias': (stripes, [12, 6], [6, 3], 1, 5000, 10, True),
    '3-bias-listed': (stripes, [12, 6], [6, 3], 1, 5000, 10, True),
}


def main():
    args = sys.argv[1:]
    ex = args[0]
    stream = 'notebook'
    bias_init = 1.0 if ex == '3-bias' else 0.1
    repeat = 1
    max_epochs_override = None
    if '--stream' in args:
        stream = args[args.index('--stream') + 1]
    if '--bias-init' in args:
        bias_init = float(args[args.index('--bias-init') + 1])
    if '--repeat' in args:
        repeat = int(args[args.index('--repeat') + 1])
    if '--max-epochs' in args:
        max_epochs_override = int(args[args.index('--max-epochs') + 1])
    gen, h_tanh, h_relu, lr, epochs, seed, bias = EXAMPLES[ex]
    if max_epochs_override:
        epochs = max_epochs_override
    for _ in range(repeat):
        out = {'example': ex, 'stream': stream, 'bias_init': bias_init}
        spec = [('tanh', h_tanh, 'xavier'), ('relu', h_relu, 'he')]
        if stream == 'notebook':
            # the notebook builds both nets, then the data (re-seeding), then fits in turn
            nets = [Net(h, act, sch, seed, bias, bias_init) for act, h, sch in spec]
            x, y = gen()
            xn = zscore(x)
            if bias:
                xn = np.c_[xn, np.ones(len(y))]
            for (act, _, _), net in zip(spec, nets):
                t = time.perf_counter()
                c, e, _ = net.fit(xn, y, lr, 1e-4, epochs, len(y))
                out[act] = {'converged_epoch': c, 'final_error': e, 'draws': net.draws,
                            'fit_seconds': time.perf_counter() - t}
        else:
            x, y = gen()
            xn = zscore(x)
            if bias:
                xn = np.c_[xn, np.ones(len(y))]
            for act, h, sch in spec:
                net = Net(h, act, sch, seed, bias, bias_init)
                t = time.perf_counter()
                c, e, _ = net.fit(xn, y, lr, 1e-4, epochs, len(y))
                out[act] = {'converged_epoch': c, 'final_error': e, 'draws': net.draws,
                            'fit_seconds': time.perf_counter() - t}
        print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
