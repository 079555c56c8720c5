#!/usr/bin/env python3
"""make bench: nnlab beside the alternatives on the same work, in one session.

    /usr/bin/python3 tests/bench/bench.py [--repeat N] [--quick] [--csv FILE] [--only TEXT]

Every case runs once to warm up, then N times (default 5; peers that take seconds a run,
3); the table gives the median and the spread (min-max) of each, and the ratio of the
medians. nnlab is timed two ways: `train`, the training loop's wall time from the run's
manifest (train_wall_seconds: the models of a run train on the machine's cores), and
`wall`, the whole `nnlab run --no-plots` process (start-up, data, every CSV written). Peers
time their training loops only, so `train` is the like-for-like ratio and `wall` the
conservative one. A peer that is not installed is reported as skipped, never estimated.

Peers (Debian packages, for /usr/bin/python3):
  numpy   (python3-numpy): the notebooks' own algorithms re-implemented in
          tests/bench/nb001_numpy.py (notebook 001, Example 1) and nb000_numpy.py
          (notebook 000's 10-seed distribution study).
  OpenBLAS (libopenblas-dev): the wide case 2-256-256-256-1 (tests/bench/wide.json, batch
          1024): nnlab's whole training step beside dgemm on that step's matrix products
          (tests/bench/wide_roofline.c), one thread and all threads.
  torch   (python3-torch): tests/bench/nb5_torch.py, notebook 003's alignment run and
          notebook 004's circles classifier at widths 3 and 5, float32 as the notebooks,
          one thread and all threads.
Timings, not tests: never part of `make check`.
"""
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
PY = '/usr/bin/python3'
BENCH = os.path.join(ROOT, 'tests', 'bench')


def have(module):
    return subprocess.run([PY, '-c', 'import ' + module], capture_output=True).returncode == 0


def stats(v):
    return statistics.median(v), min(v), max(v)


def nnlab_case(spec, sets, repeat, with_loops=False):
    """(train seconds, wall seconds) lists over repeat runs after one warm-up, and with
    with_loops the models' own training loops (nn_train alone, summed over the models)."""
    train, wall, loops = [], [], []
    tmp = tempfile.mkdtemp(prefix='nnlab-bench-')
    try:
        for r in range(repeat + 1):
            out = os.path.join(tmp, 'run')
            shutil.rmtree(out, ignore_errors=True)
            cmd = [NNLAB, 'run', os.path.join(ROOT, spec), '--out', out, '--quiet', '--no-plots']
            for s in sets:
                cmd += ['--set', s]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            t1 = time.perf_counter()
            with open(os.path.join(out, 'manifest.json')) as f:
                man = json.load(f)
            if r:
                train.append(man['train_wall_seconds'])
                wall.append(t1 - t0)
                loops.append(sum(man['train_seconds'].values()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return (train, wall, loops) if with_loops else (train, wall)


def peer(cmd, key, repeat):
    """A peer's own training-loop seconds (JSON lines, field key) over repeat runs after a
    warm-up, run in one process so its imports are paid once."""
    res = subprocess.run([PY] + cmd + ['--repeat', str(repeat + 1)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    lines = [json.loads(l) for l in res.stdout.splitlines() if l.strip()]
    return [key(l) for l in lines[1:]]


def fmt(v):
    if v is None:
        return 'skipped'
    m, lo, hi = stats(v)
    unit, k = ('ms', 1e3) if m < 1 else ('s', 1)
    return '%.3g %s (%.3g-%.3g)' % (m * k, unit, lo * k, hi * k)


def main():
    args = sys.argv[1:]
    repeat = int(args[args.index('--repeat') + 1]) if '--repeat' in args else 5
    quick = '--quick' in args
    csv_path = args[args.index('--csv') + 1] if '--csv' in args else None
    slow = 1 if quick else 3
    np_ok, torch_ok = have('numpy'), have('torch')
    nproc = os.cpu_count() or 1
    only = args[args.index('--only') + 1] if '--only' in args else None

    def model(w, rng=''):
        return ('models=[{"label":"sigmoid-w%d","hidden":[%d],"activation":"sigmoid",'
                '"init":{"scheme":"torch"%s}}]' % (w, w, rng))

    # PyTorch's arithmetic (issue 16): torch's initial weights and float32 training
    f32 = ['train.precision=float32']

    def torch_peers(args):
        """PyTorch on one thread and on all of them, for nb5_torch.py ARGS"""
        return [('torch %d thread%s' % (t, 's' if t > 1 else ''), torch_ok,
                 ['tests/bench/nb5_torch.py'] + args + ['--threads', str(t)],
                 lambda l: l['seconds'], slow) for t in (1, nproc)]

    cases = [
        ('001 Example 1 (init.json)', 'experiments/init.json', [],
         [('numpy', np_ok, ['tests/bench/nb001_numpy.py', '1', '--stream', 'per-model'],
           lambda l: l['tanh']['fit_seconds'] + l['relu']['fit_seconds'], repeat)]),
        ('000 distribution, 10 seeds', 'experiments/distribution.json', ['studies=[]'],
         [('numpy', np_ok, ['tests/bench/nb000_numpy.py'], lambda l: l['fit_seconds'], slow)]),
        ('003 alignment', 'experiments/alignment.json', ['studies=[]'], torch_peers(['alignment'])),
        ('004 circles, width 3', 'experiments/circles.json', [model(3), 'studies=[]'],
         torch_peers(['circles', '--width', '3'])),
        ('004 circles, width 5', 'experiments/circles.json', [model(5), 'studies=[]'],
         torch_peers(['circles', '--width', '5'])),
        ('003 alignment, float32', 'experiments/alignment.json',
         ['studies=[]', 'model.init.rng=torch'] + f32, torch_peers(['alignment'])),
        ('004 circles w3, float32', 'experiments/circles.json',
         [model(3, ',"rng":"torch"'), 'studies=[]'] + f32, torch_peers(['circles', '--width', '3'])),
        ('004 circles w5, float32', 'experiments/circles.json',
         [model(5, ',"rng":"torch"'), 'studies=[]'] + f32, torch_peers(['circles', '--width', '5'])),
    ]
    if only:   # --only TEXT: the cases whose name holds TEXT, and nothing else
        cases = [c for c in cases if only in c[0]]
    # the wide case: nnlab's whole training step against OpenBLAS's dgemm on that step's
    # matrix products alone (tests/bench/wide_roofline.c, built here when libopenblas-dev is)
    rf = None
    if os.path.exists('/usr/include/x86_64-linux-gnu/cblas.h') or os.path.exists('/usr/include/cblas.h'):
        rf = os.path.join(tempfile.mkdtemp(prefix='nnlab-bench-'), 'wide_roofline')
        if subprocess.run(['cc', '-O2', os.path.join(BENCH, 'wide_roofline.c'), '-o', rf,
                           '-lopenblas'], capture_output=True).returncode != 0:
            rf = None
    rows = []
    head = '%-28s %-26s %-26s %-16s %-26s %8s %8s' % (
        'case', 'nnlab train', 'nnlab wall', 'peer', 'peer train', 'x train', 'x wall')
    print(head)
    print('-' * len(head))
    for name, spec, sets, peers in cases:
        train, wall = nnlab_case(spec, sets, 3 * repeat)   # nnlab runs are short: more of them
        for pname, ok, cmd, key, reps in peers:
            pv = peer(cmd, key, reps) if ok else None
            xt = stats(pv)[0] / stats(train)[0] if pv else None
            xw = stats(pv)[0] / stats(wall)[0] if pv else None
            print('%-28s %-26s %-26s %-16s %-26s %8s %8s' % (
                name, fmt(train), fmt(wall), pname, fmt(pv),
                '%.1f' % xt if xt else '-', '%.1f' % xw if xw else '-'), flush=True)
            rows.append((name, stats(train)[0], stats(wall)[0], pname,
                         stats(pv)[0] if pv else '', xt or '', xw or ''))
    if only:
        return 0
    # one step: the training loop's time for 60 steps less its time for 20, over 40, so the
    # run's fixed costs (the first forward pass, writing 6 MB of model files) drop out
    reps = max(3, repeat // 2)
    l20 = nnlab_case('tests/bench/wide.json', [], reps, True)[2]
    l60 = nnlab_case('tests/bench/wide.json', ['train.max_epochs=60'], reps, True)[2]
    m20 = statistics.median(l20)
    step = [(t - m20) / 40 for t in l60]
    for threads in (1, nproc):
        pv = None
        if rf:
            pv = []
            for _ in range(3):
                r = subprocess.run([rf, str(threads)], capture_output=True, text=True, check=True)
                pv.append(json.loads(r.stdout)['seconds'])
        xt = stats(step)[0] / stats(pv)[0] if pv else None
        name = 'wide 2-256x3-1, one step'
        print('%-28s %-26s %-26s %-16s %-26s %8s %8s' % (
            name, fmt(step), '', 'OpenBLAS %d thr' % threads, fmt(pv),
            '%.2f' % (1 / xt) if xt else '-', ''), flush=True)
        rows.append((name, stats(step)[0], '', 'OpenBLAS dgemm, %d threads' % threads,
                     stats(pv)[0] if pv else '', 1 / xt if xt else '', ''))
    print('(wide: the ratio is OpenBLAS time / nnlab time for one step: 0.5 is "within 2x")')
    # the circles run's floor: what its unavoidable float64 work takes with nnlab's own
    # kernels (tests/bench/circles_floor.c: the sigmoids, the loss, the ordered sums)
    lib = os.path.join(ROOT, 'libnnlab.a')
    if os.path.exists(lib):
        cf = os.path.join(tempfile.mkdtemp(prefix='nnlab-bench-'), 'circles_floor')
        if subprocess.run(['cc', '-O2', '-I' + os.path.join(ROOT, 'include'),
                           os.path.join(BENCH, 'circles_floor.c'), lib, '-lm', '-o', cf],
                          capture_output=True).returncode == 0:
            fl = [json.loads(subprocess.run([cf], capture_output=True, text=True,
                                            check=True).stdout) for _ in range(3)]
            part = {k: statistics.median(f[k] for f in fl)
                    for k in ('sigmoids', 'bce', 'ordered_sums', 'total')}
            tc = [r for r in rows if r[0].startswith('004 circles, width 3') and r[4]]
            budget = ' ; 30x torch (1 thread) needs <= %.0f ms in all' % (
                tc[0][4] / 30 * 1e3) if tc else ''
            print('circles w3 floor, 10000 epochs: sigmoids %.0f ms + bce %.0f ms + ordered '
                  'sums %.0f ms = %.0f ms%s' % (part['sigmoids'] * 1e3, part['bce'] * 1e3,
                                               part['ordered_sums'] * 1e3,
                                               part['total'] * 1e3, budget))
            rows.append(('circles w3 floor (sigmoids+bce+ordered sums)', part['total'], '',
                         '', '', '', ''))
    cpu = 'unknown'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    vers = []
    for mod in ('numpy', 'torch'):
        r = subprocess.run([PY, '-c', 'import %s; print(%s.__version__)' % (mod, mod)],
                           capture_output=True, text=True)
        vers.append('%s %s' % (mod, r.stdout.strip() if r.returncode == 0 else 'absent'))
    blas = 'unknown'
    r = subprocess.run(['update-alternatives', '--query', 'libblas.so.3-x86_64-linux-gnu'],
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith('Value:'):
            blas = line.split(':', 1)[1].strip()
    print('machine: %d cores, %s; %s (numpy\'s BLAS: %s); medians after a warm-up of %d nnlab '
          'runs, %d of numpy\'s Example 1, %d of the peers taking seconds' % (
              nproc, cpu, ', '.join(vers), blas, 3 * repeat, repeat, slow))
    if csv_path:
        with open(csv_path, 'w') as f:
            f.write('case,nnlab_train_s,nnlab_wall_s,peer,peer_s,ratio_train,ratio_wall\n')
            for r in rows:
                f.write(','.join('"%s"' % x if isinstance(x, str) else '%.6g' % x for x in r) + '\n')


if __name__ == '__main__':
    main()
