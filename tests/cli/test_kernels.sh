#!/bin/sh
# The float64 kernels (src/core/mat_f64_*.c) and the reference loops (src/core/mat_ref.c)
# give the same bits through whole runs: every file of a run with NNLAB_KERNELS=reference,
# and with NNLAB_NO_AVX512=1 (the 4-wide code where AVX-512 is there), is byte for byte the
# default run's. The experiments cover every shape class: two samples (alignment), narrow
# layers (circles, init), 9-wide layers (distribution), wide layers (mass-shuffle's 64).
. tests/cli/lib.sh
for e in alignment circles distribution mass-shuffle init; do
    for mode in default reference no512; do
        case $mode in
            default) env= ;;
            reference) env=NNLAB_KERNELS=reference ;;
            no512) env=NNLAB_NO_AVX512=1 ;;
        esac
        env $env "$NNLAB" run experiments/$e.json --out "$tmp/$e-$mode" --quiet --no-plots \
            --no-report --set train.max_epochs=300 --max-output none || no "$e $mode run"
    done
    for mode in reference no512; do
        n=0 d=0
        for f in $(cd "$tmp/$e-default" && find . -type f ! -name manifest.json ! -name .nnlab.lock); do
            n=$((n + 1))
            cmp -s "$tmp/$e-default/$f" "$tmp/$e-$mode/$f" || { d=$((d + 1)); echo "$e $mode: $f differs" >&2; }
        done
        [ $n -gt 3 ] && [ $d -eq 0 ] && ok || no "$e with $mode kernels: $d of $n files differ"
    done
done
finish test_kernels
