#!/bin/sh
# nnlab against notebook 001's own algorithm in numpy, side by side in one session.
#   sh tests/bench/init_vs_numpy.sh [--quick]
# For every experiments/init*.json: nnlab's wall time for `run --no-plots` (median of 5)
# and its training time alone (manifest train_seconds), beside the seconds numpy spends in
# fit() for the same example (tests/bench/nb001_numpy.py, median of 3; one run for the
# 100000-epoch examples). --quick skips those two long examples on the numpy side.
# Needs Debian's python3-numpy for the numpy column (reported as skipped otherwise).
# Timings, not tests: never part of `make check`.
NNLAB=${NNLAB:-./nnlab}
PY=/usr/bin/python3
J=${TESTBIN:-build/release/tests}/jget
quick=0; [ "$1" = "--quick" ] && quick=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
have_numpy=0; $PY -c 'import numpy' 2>/dev/null && have_numpy=1
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now() { date +%s.%N; }
printf '%-20s %10s %10s %12s %9s %9s\n' experiment "nnlab wall" "nnlab train" "numpy fit" "x (wall)" "x (train)"
for pair in init:1 init-2:2 init-2-long:2-long init-3:3 init-3-deep:3-deep init-3-bias:3-bias init-3-bias-listed:3-bias-listed; do
    spec=${pair%%:*}; ex=${pair#*:}
    : > "$tmp/wall"; : > "$tmp/train"
    for r in 1 2 3 4 5; do
        rm -rf "$tmp/run"
        t0=$(now); "$NNLAB" run "experiments/$spec.json" --out "$tmp/run" --quiet --no-plots; t1=$(now)
        echo "$t1 - $t0" | bc -l >> "$tmp/wall"
        "$J" "$tmp/run/manifest.json" train_seconds | tr -d '{}' | tr ',' '\n' | cut -d: -f2 | paste -sd+ | bc -l >> "$tmp/train"
        case $spec in *long|*deep) break ;; esac
    done
    wall=$(median < "$tmp/wall"); train=$(median < "$tmp/train")
    np=skipped
    if [ $have_numpy = 1 ] && ! { [ $quick = 1 ] && case $spec in *long|*deep) true ;; *) false ;; esac; }; then
        reps=3; case $spec in *long|*deep) reps=1 ;; esac
        $PY tests/bench/nb001_numpy.py "$ex" --repeat $reps --stream per-model > "$tmp/np"
        np=$($PY -c "
import json,sys
v=sorted(sum(json.loads(l)[k]['fit_seconds'] for k in ('tanh','relu')) for l in open('$tmp/np'))
print(v[len(v)//2])")
    fi
    if [ "$np" = skipped ]; then rw=-; rt=-; else
        rw=$(echo "$np / $wall" | bc -l | xargs printf '%.1f'); rt=$(echo "$np / $train" | bc -l | xargs printf '%.1f'); fi
    printf '%-20s %9.3fs %9.3fs %11s %9s %9s\n' "$spec" "$wall" "$train" "$(case $np in skipped) echo skipped ;; *) printf '%.3fs' "$np" ;; esac)" "$rw" "$rt"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), numpy $($PY -c 'import numpy; print(numpy.__version__)' 2>/dev/null || echo absent)"
