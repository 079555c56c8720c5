#!/usr/bin/env python3
"""Notebook 000's 10-seed weight-distribution study, trained with the notebooks' numpy
algorithm (tests/bench/nb001_numpy.py's Net: notebook 000 builds its ReLUNet from the same
classes as notebook 001), for timing beside `nnlab run experiments/distribution.json`.

Usage: /usr/bin/python3 tests/bench/nb000_numpy.py [--repeat N] [--seeds K]
ReLUNet([10, 10, 10, 10]) (the notebook's counting: 9 working units and a constant unit per
hidden layer), He init with the redraw rule, biases 0.1, on disk_ring(seed 3, 100 / 1000
draws, 393 points), averaged SGD at lr 0.25, full batch, until the train error is below
1e-4 or 2000 epochs, for seeds 0..K-1 (10). Prints one JSON line per repeat with every
seed's converged epoch and the seconds spent in fit() in all. Not part of `make check`.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nb001_numpy import Net, disk_ring, zscore  # noqa: E402

import numpy as np  # noqa: E402


def main():
    args = sys.argv[1:]
    repeat = int(args[args.index('--repeat') + 1]) if '--repeat' in args else 1
    seeds = int(args[args.index('--seeds') + 1]) if '--seeds' in args else 10
    for _ in range(repeat):
        x, y = disk_ring(3, 100, 1000)
        xn = np.c_[zscore(x), np.ones(len(y))]
        conv, total = [], 0.0
        for seed in range(seeds):
            net = Net([10, 10, 10, 10], 'relu', 'he', seed, True, 0.1)
            t = time.perf_counter()
            c, e, _ = net.fit(xn, y, 0.25, 1e-4, 2000, len(y))
            total += time.perf_counter() - t
            conv.append(c)
        print(json.dumps({'converged_epochs': conv, 'fit_seconds': total, 'n_points': len(y)}),
              flush=True)


if __name__ == '__main__':
    main()
