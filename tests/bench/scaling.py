#!/usr/bin/env python3
"""How nnlab's time grows: per epoch against hidden width and against the number of
samples, and the permutation alignment against width beside the notebook's n! enumeration.

    /usr/bin/python3 tests/bench/scaling.py [--out DIR] [--quick]

Writes DIR/scaling-width.csv, scaling-samples.csv, scaling-align.csv and scaling.gp, and
draws DIR/scaling.png with gnuplot (default DIR: build/bench). Each nnlab point is the
median of 3 runs of `nnlab run --no-plots` (training time from the manifest, divided by the
epochs run). The net is 2 -> w -> w -> 1 (ReLU, sigmoid output, SGD, full batch) on
notebook 004's circles; widths 8 to 1024 at 1024 samples, and 64 to 65536 samples at width
32. The alignment: two nets with one hidden layer of n units, aligned by `nnlab distance`
(the whole process), against enumerating all n! orders of the hidden units in numpy and
taking the closest (notebook 000's method; tests/bench needs python3-numpy for it), for n up
to 9 (8 with --quick). Timings, not tests: never part of `make check`.
"""
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NNLAB = os.path.abspath(os.environ.get('NNLAB', os.path.join(ROOT, 'nnlab')))


def run_epoch_time(tmp, width, n, epochs):
    model = {'label': 'relu', 'hidden': [width, width], 'activation': 'relu',
             'output': 'sigmoid', 'bias': True}
    spec = {'name': 'scaling', 'seed': 0, 'data': {'generator': 'circles', 'n': n // 2},
            'train': {'optimizer': 'sgd', 'lr': 0.01, 'loss': 'l2', 'batch': 'full',
                      'shuffle': False, 'max_epochs': epochs},
            'models': [model], 'studies': []}
    path = os.path.join(tmp, 'spec.json')
    with open(path, 'w') as f:
        json.dump(spec, f)
    times = []
    for _ in range(3):
        out = os.path.join(tmp, 'run')
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([NNLAB, 'run', path, '--out', out, '--quiet', '--no-plots'], check=True)
        with open(os.path.join(out, 'manifest.json')) as f:
            man = json.load(f)
        with open(os.path.join(out, 'summary.json')) as f:
            ep = json.load(f)['models'][0]['epochs_run']
        times.append(man['train_wall_seconds'] / ep)
    return statistics.median(times)


def epochs_for(width, n):
    """about 0.2 s of work at 10 GFlop/s, at least 3 epochs"""
    flops = 6.0 * n * (2 * width + width * width + width)
    return max(3, min(2000, int(2e9 / flops)))


def make_net(n_hidden, seed):
    import numpy as np
    rng = np.random.RandomState(seed)
    return {'format': 'nnlab-model', 'version': 1, 'label': 'net', 'inputs': 2,
            'hidden': [n_hidden], 'outputs': 1, 'activation': 'relu', 'output': 'sigmoid',
            'bias': True, 'output_bias': True,
            'layers': [{'weights': rng.normal(size=(n_hidden, 2)).tolist(),
                        'bias': rng.normal(size=n_hidden).tolist()},
                       {'weights': rng.normal(size=(1, n_hidden)).tolist(),
                        'bias': rng.normal(size=1).tolist()}]}


def enumerate_align(a, b):
    """notebook 000's method for one hidden layer: every order of b's hidden units, the
    mean absolute difference of all weights, the least kept"""
    import numpy as np
    wa = [np.array(l['weights']) for l in a['layers']]
    ba = [np.array(l['bias']) for l in a['layers']]
    wb = [np.array(l['weights']) for l in b['layers']]
    bb = [np.array(l['bias']) for l in b['layers']]
    best = None
    for p in itertools.permutations(range(len(ba[0]))):
        p = list(p)
        d = np.concatenate([np.abs(wa[0] - wb[0][p]).ravel(), np.abs(ba[0] - bb[0][p]),
                            np.abs(wa[1] - wb[1][:, p]).ravel(), np.abs(ba[1] - bb[1])]).mean()
        if best is None or d < best:
            best = d
    return best


def main():
    args = sys.argv[1:]
    out_dir = args[args.index('--out') + 1] if '--out' in args else os.path.join(ROOT, 'build', 'bench')
    quick = '--quick' in args
    os.makedirs(out_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='nnlab-scaling-')
    try:
        with open(os.path.join(out_dir, 'scaling-width.csv'), 'w') as f:
            f.write('width,samples,epochs,seconds_per_epoch\n')
            t = 0
            for w in (8, 16, 32, 64, 128, 256, 512, 1024):
                e = epochs_for(w, 1024)
                t = run_epoch_time(tmp, w, 1024, e)
                f.write('%d,1024,%d,%.9g\n' % (w, e, t))
                print('width %5d, 1024 samples: %.3g ms per epoch' % (w, t * 1e3), flush=True)
            t_wide = t   # the widest point anchors the w^2 guide line
        with open(os.path.join(out_dir, 'scaling-samples.csv'), 'w') as f:
            f.write('width,samples,epochs,seconds_per_epoch\n')
            for n in (64, 256, 1024, 4096, 16384, 65536):
                e = epochs_for(32, n)
                t = run_epoch_time(tmp, 32, n, e)
                f.write('32,%d,%d,%.9g\n' % (n, e, t))
                print('width 32, %6d samples: %.3g ms per epoch' % (n, t * 1e3), flush=True)
        have_np = True
        try:
            import numpy  # noqa: F401
        except ImportError:
            have_np = False
        with open(os.path.join(out_dir, 'scaling-align.csv'), 'w') as f:
            f.write('units,nnlab_seconds,enumeration_seconds\n')
            for n in range(2, (9 if quick else 10)):
                if not have_np:
                    break
                a, b = make_net(n, 1), make_net(n, 2)
                pa, pb = os.path.join(tmp, 'a.json'), os.path.join(tmp, 'b.json')
                for p, m in ((pa, a), (pb, b)):
                    with open(p, 'w') as g:
                        json.dump(m, g)
                tn = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    subprocess.run([NNLAB, 'distance', pa, pb], check=True, capture_output=True)
                    tn.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                enumerate_align(a, b)
                te = time.perf_counter() - t0
                f.write('%d,%.9g,%.9g\n' % (n, statistics.median(tn), te))
                print('align %d units: nnlab %.3g ms, %d! orders in numpy %.3g s'
                      % (n, statistics.median(tn) * 1e3, n, te), flush=True)
        gp = os.path.join(out_dir, 'scaling.gp')
        with open(gp, 'w') as f:
            f.write("""# nnlab: how time grows (tests/bench/scaling.py). Redraw with: gnuplot scaling.gp
if (!exists("outfile")) outfile = 'scaling.png'
set terminal pngcairo size 1300,440 noenhanced font 'sans,10'
set output outfile
set datafile separator ','
set logscale xy
set grid
set key top left reverse Left
set format y '%%.0e'
set multiplot layout 1,3 title 'nnlab scaling (2 cores)'
set title 'time per epoch against width (2-w-w-1, 1024 samples)'
set xlabel 'hidden width w'
set ylabel 'seconds per epoch'
plot 'scaling-width.csv' skip 1 using 1:4 with linespoints lw 2 pt 7 title 'nnlab', \\
     %.9g * (x / 1024.0)**2 with lines dt 2 lc rgb 'gray50' title 'proportional to w^2'
set title 'time per epoch against samples (width 32)'
set xlabel 'samples'
plot 'scaling-samples.csv' skip 1 using 2:4 with linespoints lw 2 pt 7 title 'nnlab'
set title 'aligning two nets of n hidden units'
set xlabel 'hidden units n'
set ylabel 'seconds'
set xrange [1.8:10]
unset logscale x
set key top left reverse Left
plot 'scaling-align.csv' skip 1 using 1:3 with linespoints lw 2 pt 7 title 'n! orders in numpy (notebook 000)', \\
     '' skip 1 using 1:2 with linespoints lw 2 pt 5 title 'nnlab distance (whole process)'
unset multiplot
""" % t_wide)
        if shutil.which('gnuplot'):
            subprocess.run(['gnuplot', 'scaling.gp'], cwd=out_dir, check=True)
            print('wrote %s' % os.path.join(out_dir, 'scaling.png'))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
