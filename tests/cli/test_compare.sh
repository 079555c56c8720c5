#!/bin/sh
# Notebook 000's distance between nets (second half) and the comparisons beyond it, through
# the command line: distance.json's printed figures, nnlab distance, barrier, seed pairs.
. tests/cli/lib.sh

# ---- distance.json: "Distance between neural nets", "Where do neural nets converge?" ----
D="$tmp/dist"
"$NNLAB" run experiments/distance.json --out "$D" --quiet --no-plots || no "distance run failed"
A="$D/summary.json"
# the notebook prints these; the final one's last digits depend on numpy's exp and sums
close_to "$("$J" "$A" analyses.distance.initial)" 0.3889833843193073 1e-12 "initial distance"
close_to "$("$J" "$A" analyses.distance.final)" 0.441161899184026 1e-6 "final distance"
expect_eq "$("$J" "$A" analyses.distance.reorder_needed_initial_vs_final)" false \
    "no reordering between the seed-3 net's initial and final weights"
# a reference run of the notebook's code (issue 4): epochs, and the distances unaligned
expect_eq "$("$J" "$A" 'models[label=relu-s3].converged_epoch')" 1755 "seed 3 converges in epoch 1755"
expect_eq "$("$J" "$A" 'models[label=relu-s13].converged_epoch')" 671 "seed 13 in epoch 671"
close_to "$("$J" "$A" analyses.distance.unaligned_initial)" 0.5619580971961873 1e-12 "unaligned initial"
close_to "$("$J" "$A" analyses.distance.unaligned_final)" 0.6927117157016202 1e-6 "unaligned final"
# raw against averaged iterates: one row per step, both start at the initial weights
expect_eq "$(($(wc -l < "$D/iterates-relu-s3.csv") - 1))" 1755 "one row per step"
expect_eq "$(head -1 "$D/iterates-relu-s3.csv")" \
    "epoch,distance_from_initial,distance_consecutive,cosine_averaged,cosine_raw" "iterates header"
expect_eq "$(awk -F, 'NR > 1 && ($4 > 1 + 1e-12 || $5 > 1 + 1e-12 || $2 < 0 || $3 < 0) { n++ } END { print n + 0 }' \
    "$D/iterates-relu-s3.csv")" 0 "distances >= 0, cosines <= 1"

# ---- nnlab distance on saved nets -----------------------------------------------------------
"$NNLAB" distance "$D/relu-s3" "$D/relu-s13" > "$tmp/d.json" || no "nnlab distance"
close_to "$("$J" "$tmp/d.json" distance)" 0.441161899184026 1e-6 "nnlab distance gives the study's final"
"$NNLAB" distance "$D/relu-s3/model.json" "$D/relu-s3" > "$tmp/same.json" || no "distance to itself"
expect_eq "$("$J" "$tmp/same.json" distance)" 0 "a net is 0.0 from itself"
expect_eq "$("$J" "$tmp/same.json" reorder_needed)" false "and needs no reordering"
"$NNLAB" distance "$D/relu-s3" "$D/relu-s13" --method weight-matching --metric l2 > "$tmp/wm.json" \
    || no "weight matching"
[ "$(awk -v a="$("$J" "$tmp/wm.json" distance)" -v b="$("$J" "$tmp/wm.json" unaligned)" 'BEGIN { print (a <= b) }')" = 1 ] \
    && ok || no "weight matching ends farther than no reordering"
expect_exit 2 "$NNLAB" distance "$D" "$D/relu-s3"
grep -q "name one" "$tmp/err" && ok || no "a run with two models asks which"
expect_exit 2 "$NNLAB" distance "$D/relu-s3" experiments/init.json
expect_exit 2 "$NNLAB" distance "$D/relu-s3"
expect_exit 2 "$NNLAB" distance "$D/relu-s3" "$D/relu-s13" --metric l3

# ---- barrier.json: linear mode connectivity ------------------------------------------------
B="$tmp/barrier"
"$NNLAB" run experiments/barrier.json --out "$B" --quiet --no-plots || no "barrier run"
expect_eq "$(($(wc -l < "$B/barrier-relu-s3-relu-s13.csv") - 1))" 25 "25 values of t"
expect_eq "$(sed -n 2p "$B/barrier-relu-s3-relu-s13.csv" | cut -d, -f1)" 0 "t starts at 0"
expect_eq "$(tail -1 "$B/barrier-relu-s3-relu-s13.csv" | cut -d, -f1)" 1 "and ends at 1"
# the ends are the two nets: aligning B cannot change its loss at t = 1
expect_eq "$(tail -1 "$B/barrier-relu-s3-relu-s13.csv" | awk -F, '{ d = $2 - $6; print (d < 1e-12 && d > -1e-12) }')" 1 \
    "the aligned net has the same loss"
[ "$(awk -v a="$("$J" "$B/summary.json" analyses.barrier.barrier_weight_matching)" \
         -v b="$("$J" "$B/summary.json" analyses.barrier.barrier)" 'BEGIN { print (a < b) }')" = 1 ] \
    && ok || no "aligning lowers this pair's barrier"

# ---- seed-pairs.json ----------------------------------------------------------------------
P="$tmp/pairs"
"$NNLAB" run experiments/seed-pairs.json --out "$P" --quiet --no-plots || no "seed-pairs run"
expect_eq "$("$J" "$P/summary.json" analyses.seed_pairs.pairs)" 45 "45 pairs of 10 seeds"
expect_eq "$(($(wc -l < "$P/seed-pairs.csv") - 1))" 45 "one row per pair"

finish compare
