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
"$NNLAB" run experiments/barrier.json --out "$B" --quiet || no "barrier run"
expect_eq "$(($(wc -l < "$B/barrier-relu-s3-relu-s13.csv") - 1))" 25 "25 values of t"
expect_eq "$(sed -n 2p "$B/barrier-relu-s3-relu-s13.csv" | cut -d, -f1)" 0 "t starts at 0"
expect_eq "$(tail -1 "$B/barrier-relu-s3-relu-s13.csv" | cut -d, -f1)" 1 "and ends at 1"
# the ends are the two nets: aligning B cannot change its loss at t = 1
expect_eq "$(tail -1 "$B/barrier-relu-s3-relu-s13.csv" | awk -F, '{ d = $2 - $6; print (d < 1e-12 && d > -1e-12) }')" 1 \
    "the aligned net has the same loss"
[ "$(awk -v a="$("$J" "$B/summary.json" analyses.barrier.barrier_weight_matching)" \
         -v b="$("$J" "$B/summary.json" analyses.barrier.barrier)" 'BEGIN { print (a < b) }')" = 1 ] \
    && ok || no "aligning lowers this pair's barrier"
# the figure: one key, off the data in a column of its own; t says which end is which net
BG="$B/barrier-relu-s3-relu-s13.gp"
expect_eq "$(grep -c '^set key at screen' "$BG")" 1 "one key, placed in the right-hand column"
expect_eq "$(grep -c 'keyentry' "$BG")" 3 "the key names the three alignments"
grep -q "set xlabel 't (0: relu-s3, 1: relu-s13)'" "$BG" && ok || no "the x axis says t runs from A to B"
expect_eq "$(grep 'using 1:' "$BG" | grep -c ' title ')" 0 "the curves themselves carry no key entries"
if command -v gnuplot > /dev/null; then
    expect_eq "$(head -c 4 "$B/barrier-relu-s3-relu-s13.png" | tail -c 3)" PNG "barrier figure drawn"
fi

# ---- seed-pairs.json ----------------------------------------------------------------------
P="$tmp/pairs"
"$NNLAB" run experiments/seed-pairs.json --out "$P" --quiet || no "seed-pairs run"
expect_eq "$("$J" "$P/summary.json" analyses.seed_pairs.pairs)" 45 "45 pairs of 10 seeds"
expect_eq "$(($(wc -l < "$P/seed-pairs.csv") - 1))" 45 "one row per pair"
# seed-pairs-matrix.csv: seed-pairs.csv in square form, every ordered pair (a, b) with the
# pair's values under both orders, 0 on the diagonal
M="$P/seed-pairs-matrix.csv"
expect_eq "$(head -1 "$M")" "i,j,a,b,$(head -1 "$P/seed-pairs.csv" | cut -d, -f4-)" "matrix header"
expect_eq "$(($(wc -l < "$M") - 1))" 100 "10 x 10 cells"
expect_eq "$(awk -F, 'NR == FNR { if (FNR > 1) { v = $4; for (k = 5; k <= 11; k++) v = v "," $k
                                                  p[$2 "," $3] = v; p[$3 "," $2] = v }; next }
    FNR > 1 { v = $5; for (k = 6; k <= 12; k++) v = v "," $k
              if ($3 == $4) { if (v != "0,0,0,0,0,0,0,0") bad++ }
              else if (p[$3 "," $4] != v) bad++
              if ($1 != (FNR - 2) % 10 || $2 != int((FNR - 2) / 10)) bad++
              n++ }
    END { print n " " bad + 0 }' "$P/seed-pairs.csv" "$M")" "100 0" "every cell is its pair's row of seed-pairs.csv"
# a few cells by hand: (relu-s3, relu-s7) and (relu-s7, relu-s3), barrier after weight matching
want=$(awk -F, '$2 == "relu-s3" && $3 == "relu-s7" { print $11 }' "$P/seed-pairs.csv")
[ -n "$want" ] && ok || no "seed-pairs.csv has the pair relu-s3, relu-s7"
expect_eq "$(awk -F, '$1 == 3 && $2 == 7 { print $12 }' "$M")" "$want" "cell (3, 7)"
expect_eq "$(awk -F, '$1 == 7 && $2 == 3 { print $12 }' "$M")" "$want" "cell (7, 3)"
expect_eq "$(awk -F, '$1 == 4 && $2 == 4 { print $8 }' "$M")" 0 "the diagonal: a net is 0 from itself"
# the figure: four seed x seed matrices drawn from it, each with a colour bar, values printed
SG="$P/seed-pairs.gp"
expect_eq "$(grep -c "^plot 'seed-pairs-matrix.csv' .* with image pixels" "$SG")" 4 "four matrices"
for k in 8 10 11 12; do
    grep -q "cell($k)" "$SG" && ok || no "a matrix of column $k of the matrix table"
done
expect_eq "$(grep -c 'set colorbox' "$SG")" 4 "a colour bar per panel"
expect_eq "$(grep -c 'with labels' "$SG")" 4 "values printed in the cells"
grep -q "set xtics ('0' 0, '1' 1, .*'8' 8)" "$SG" && ok || no "columns labelled by seed"
grep -q "set ytics ('1' 1, '2' 2, .*'9' 9)" "$SG" && ok || no "rows labelled by seed"
grep -q "pair of seeds" "$SG" && no "the old x axis, an arbitrary pair index" || ok
# the panels showing one quantity share a colour range
expect_eq "$(grep '^set cbrange' "$SG" | sort -u | wc -l)" 2 "two colour ranges: distance, barrier"
expect_eq "$(grep '^set cbrange' "$SG" | sed -n 1p)" "$(grep '^set cbrange' "$SG" | sed -n 2p)" \
    "both distance matrices on one range"
if command -v gnuplot > /dev/null; then
    expect_eq "$("$J" "$P/summary.json" analyses.seed_pairs.figure)" seed-pairs.png "seed-pairs figure drawn"
    expect_eq "$(head -c 4 "$P/seed-pairs.png" | tail -c 3)" PNG "a PNG"
fi

# ---- iterates-10.json: notebook 000's larger net, its raw iterates not reordered ---------------
I="$tmp/it10"
"$NNLAB" run experiments/iterates-10.json --out "$I" --quiet || no "iterates-10 run"
# the seed-1 net of oscillation.json, trained the same way
expect_eq "$("$J" "$I/summary.json" 'models.0.converged_epoch')" 354 "the seed-1 [9, 9, 9, 9] net converges in epoch 354"
expect_eq "$("$J" "$I/summary.json" analyses.iterates.relu.epochs)" 354 "every epoch compared"
expect_eq "$(($(wc -l < "$I/iterates-relu.csv") - 1))" 354 "one row per epoch"
grep -q "hidden units not reordered" "$I/iterates-relu.gp" && ok || no "the notebook does not reorder for this net"
for g in iterates-relu iterates-relu-cosine; do
    grep -q "^set xlabel 'epoch (one full-batch step each)'" "$I/$g.gp" && ok || no "$g: x axis in epochs"
    grep -qi "xlabel '\(step\|iteration\)" "$I/$g.gp" && no "$g: x axis in steps" || ok
done
grep -q '^set key at screen' "$I/iterates-relu-cosine.gp" && ok || no "the cosine key off the data"
grep -q 'set yrange \[0:1.1\]' "$I/iterates-relu-cosine.gp" && ok || no "cosines on the notebook's 0 to 1.1"
if command -v gnuplot > /dev/null; then
    expect_eq "$("$J" "$I/summary.json" analyses.iterates.relu.figure)" iterates-relu.png "distances drawn"
    expect_eq "$("$J" "$I/summary.json" analyses.iterates.relu.figure_cosine)" iterates-relu-cosine.png \
        "cosines drawn"
    for g in iterates-relu iterates-relu-cosine; do
        expect_eq "$(head -c 4 "$I/$g.png" | tail -c 3)" PNG "$g.png"
    done
fi

# ---- regression data: no error panel, and nothing gnuplot refuses ----------------------------
R="$tmp/reg"
cat > "$tmp/reg.json" <<'EOF'
{ "name": "reg", "seeds": [1, 2],
  "data": { "generator": "regression", "half_width": 2, "step": 0.25 },
  "train": { "optimizer": "asgd", "lr": 0.05, "loss": "l2", "max_epochs": 8 },
  "models": [ { "label": "r", "hidden": [3], "activation": "tanh", "output": "identity" } ],
  "record": { "weights": "every", "raw": true },
  "studies": ["barrier", "seed_pairs", "distance", "iterates"] }
EOF
expect_exit 0 "$NNLAB" run "$tmp/reg.json" --out "$R" --quiet
grep -q "train error" "$R/barrier-r-s1-r-s2.gp" && no "an error panel for regression data" || ok
expect_exit 1 "$J" "$R/summary.json" 'analyses.barrier.pairs.0.none.error_barrier_chord'
if command -v gnuplot > /dev/null; then
    expect_eq "$("$J" "$R/summary.json" 'analyses.barrier.pairs.0.figure')" barrier-r-s1-r-s2.png "drawn"
fi
expect_eq "$("$J" "$R/summary.json" analyses.barrier.weight_matching_capped)" 0 "weight matching converged"

# ---- the iterates study needs both trajectories row for row -----------------------------------
cp "$R/r-s1/raw_weights.csv" "$tmp/raw.bak"
head -5 "$tmp/raw.bak" > "$R/r-s1/raw_weights.csv"
expect_exit 1 "$NNLAB" analyze "$R" --force --study iterates
grep -q "raw_weights.csv: ends after 4 rows, but .*weights.csv goes on" "$tmp/err" && ok \
    || no "a short raw_weights.csv is named: $(cat "$tmp/err")"
expect_eq "$(wc -l < "$tmp/err")" 1 "one line"
cp "$R/r-s1/weights.csv" "$tmp/w.bak"
cp "$tmp/raw.bak" "$R/r-s1/raw_weights.csv"
head -5 "$tmp/w.bak" > "$R/r-s1/weights.csv"
expect_exit 1 "$NNLAB" analyze "$R" --force --study iterates
# cut at a line end: the last row is no longer model.json's final weights
grep -q "r-s1/weights.csv:5: the last row is not the final weights in model.json" "$tmp/err" && ok \
    || no "a short weights.csv is named: $(cat "$tmp/err")"
cp "$tmp/w.bak" "$R/r-s1/weights.csv"
rm "$R/r-s1/raw_weights.csv"
expect_exit 1 "$NNLAB" analyze "$R" --force --study iterates
grep -q "record.raw in the spec" "$tmp/err" && ok || no "a missing raw_weights.csv names record.raw"
cp "$tmp/raw.bak" "$R/r-s1/raw_weights.csv"
expect_exit 0 "$NNLAB" analyze "$R" --force --study iterates
expect_eq "$("$J" "$R/summary.json" analyses.iterates.r-s1.epochs)" 8 "all epochs compared"
# a diverged run's last row may hold nan: no alignment there, nan distances, no failure
awk -F, -v OFS=, 'NR == 10 { $2 = "nan" } { print }' "$tmp/raw.bak" > "$R/r-s1/raw_weights.csv"
expect_exit 0 timeout -k 5 $((20 * SCALE)) "$NNLAB" analyze "$R" --force --study iterates
expect_eq "$(tail -1 "$R/iterates-r-s1.csv" | cut -d, -f1-3)" "8,nan,nan" "nan distances in the last row"
expect_eq "$("$J" "$R/summary.json" analyses.iterates.r-s1.final_distance_from_initial)" null "null in JSON"
cp "$tmp/raw.bak" "$R/r-s1/raw_weights.csv"

# ---- losses that overflow: barriers are nan/null, means over the finite pairs -----------------
# scale FILE FACTOR: every number after "layers" in a model file times FACTOR
scale() {
    awk -v f="$2" '/"layers"/ { L = 1 }
        L { out = ""; while (match($0, /-?[0-9][0-9.]*([eE][-+]?[0-9]+)?/)) {
                out = out substr($0, 1, RSTART - 1) sprintf("%.17g", substr($0, RSTART, RLENGTH) * f)
                $0 = substr($0, RSTART + RLENGTH) }
            $0 = out $0 } { print }' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}
H="$tmp/huge"
cat > "$tmp/huge.json" <<'EOF'
{ "name": "huge", "seeds": [1, 2, 3], "data": { "generator": "wedges" },
  "train": { "optimizer": "sgd", "lr": 0.01, "loss": "l2", "max_epochs": 3 },
  "models": [ { "label": "m", "hidden": [4, 4, 4], "activation": "relu", "output": "identity" } ],
  "studies": ["barrier", "seed_pairs"] }
EOF
expect_exit 0 "$NNLAB" run "$tmp/huge.json" --out "$H" --quiet --no-plots
scale "$H/m-s1/model.json" 1e40          # its loss overflows to inf
expect_exit 0 "$NNLAB" analyze "$H" --force --study seed_pairs --no-plots
expect_eq "$(cut -d, -f10,11 "$H/seed-pairs.csv" | sed -n 2,3p | tr '\n' ' ')" "nan,nan nan,nan " \
    "barriers with the overflowing net are nan"
expect_eq "$("$J" "$H/summary.json" analyses.seed_pairs.pairs_nonfinite.barrier_none)" 2 "two pairs left out"
expect_eq "$("$J" "$H/summary.json" analyses.seed_pairs.pairs_nonfinite.final_notebook)" 0 "no distance left out"
expect_eq "$("$J" "$H/summary.json" analyses.seed_pairs.mean.barrier_none)" \
    "$(sed -n 4p "$H/seed-pairs.csv" | cut -d, -f10)" "the mean of the one finite pair"
expect_exit 0 "$NNLAB" analyze "$H" --force --study barrier --no-plots
expect_eq "$("$J" "$H/summary.json" analyses.barrier.barrier)" null "barrier null"
expect_eq "$("$J" "$H/summary.json" 'analyses.barrier.pairs.1.weight-matching.barrier_chord')" null "chord null"
expect_eq "$(sed -n 2p "$H/barrier-m-s1-m-s2.csv" | cut -d, -f2)" inf "L(0) is inf in the table"
scale "$H/m-s2/model.json" 1e40          # now no pair has a finite barrier
expect_exit 0 "$NNLAB" analyze "$H" --force --study seed_pairs
expect_eq "$("$J" "$H/summary.json" analyses.seed_pairs.mean.barrier_none)" null "no finite barrier: null"
grep -q "cell(1[12])" "$H/seed-pairs.gp" && no "an all-nan column handed to gnuplot" || ok
grep -q "cell(10)" "$H/seed-pairs.gp" && ok || no "the distances stay"
expect_eq "$("$J" "$H/summary.json" analyses.seed_pairs.not_plotted.0)" \
    "loss barrier between the trained nets: no finite value, panel not drawn" "and said so"
expect_exit 0 "$NNLAB" analyze "$H" --force --study barrier
grep -q "1:2 " "$H/barrier-m-s1-m-s2.gp" && no "an all-inf loss handed to gnuplot" || ok
grep -q "1:3 " "$H/barrier-m-s1-m-s2.gp" && ok || no "the error panel stays"
expect_eq "$("$J" "$H/summary.json" 'analyses.barrier.pairs.0.not_plotted.0')" \
    "training loss: no finite value, panel not drawn" "and said so"
if command -v gnuplot > /dev/null; then
    expect_eq "$("$J" "$H/summary.json" analyses.seed_pairs.figure)" seed-pairs.png "the rest drawn"
    expect_eq "$("$J" "$H/summary.json" 'analyses.barrier.pairs.0.figure')" barrier-m-s1-m-s2.png "drawn"
fi
# weights whose products overflow: the study fails with one line naming the pair
scale "$H/m-s2/model.json" 1e120
scale "$H/m-s3/model.json" 1e160
expect_exit 1 timeout -k 5 $((20 * SCALE)) "$NNLAB" analyze "$H" --force --study seed_pairs
grep -q "m-s2 and m-s3: weights too large to align" "$tmp/err" && ok || no "overflow in a study: $(cat "$tmp/err")"
expect_eq "$(wc -l < "$tmp/err")" 1 "one line"

# ---- nnlab distance on weights too large, a FIFO, leaky_relu slopes ---------------------------
# net FILE W11 W12 W21 W22 [activation]: 2 inputs, hidden [2], no biases, output weights [1, 1]
net() {
    printf '{"format":"nnlab-model","version":1,"label":"m","inputs":2,"hidden":[2],"outputs":1,"activation":"%s","output":"sigmoid","bias":false,"output_bias":false,"layers":[{"weights":[[%s,%s],[%s,%s]]},{"weights":[[1,1]]}]}\n' \
        "${6:-relu}" "$2" "$3" "$4" "$5" > "$1"
}
net "$tmp/h1.json" 1.5e308 1.5e308 1e308 -1e308       # sums of differences overflow
net "$tmp/h2.json" -1.5e308 -1.5e308 -1e308 1e308
net "$tmp/g1.json" 1e160 2e160 -1e160 3e160           # products and squares overflow
net "$tmp/g2.json" -1e160 1e160 2e160 -3e160
for pair in "h1 h2" "g1 g2"; do
    for how in "--metric mean-abs" "--metric l2" "--method weight-matching"; do
        expect_exit 1 timeout -k 5 $((20 * SCALE)) "$NNLAB" distance "$tmp/${pair% *}.json" "$tmp/${pair#* }.json" $how
        grep -q "weights too large" "$tmp/err" && ok || no "$pair $how: $(cat "$tmp/err")"
        expect_eq "$(wc -l < "$tmp/err")" 1 "one line"
    done
done
net "$tmp/k1.json" 1e300 0 0 0                       # aligns, but (x - y)^2 overflows
net "$tmp/k2.json" -1e300 0 0 0
expect_exit 1 "$NNLAB" distance "$tmp/k1.json" "$tmp/k2.json"
grep -q "weights too large: the distance overflows" "$tmp/err" && ok || no "distance overflow: $(cat "$tmp/err")"
mkfifo "$tmp/fifo"
expect_exit 2 timeout -k 5 $((10 * SCALE)) "$NNLAB" distance "$tmp/fifo" "$tmp/k1.json"
grep -q "not a regular file" "$tmp/err" && ok || no "a FIFO is refused: $(cat "$tmp/err")"
mkdir "$tmp/fifodir" && mkfifo "$tmp/fifodir/model.json"
expect_exit 2 timeout -k 5 $((10 * SCALE)) "$NNLAB" distance "$tmp/k1.json" "$tmp/fifodir"
net "$tmp/l.json" 1 2 3 4 leaky_relu
sed 's/"activation":"leaky_relu"/&,"leaky_slope":0.01/' "$tmp/l.json" > "$tmp/l1.json"
sed 's/"activation":"leaky_relu"/&,"leaky_slope":0.5/' "$tmp/l.json" > "$tmp/l2.json"
expect_exit 2 "$NNLAB" distance "$tmp/l1.json" "$tmp/l2.json"
grep -q "slope" "$tmp/err" && ok || no "leaky_relu slopes differ: $(cat "$tmp/err")"
expect_exit 0 "$NNLAB" distance "$tmp/l1.json" "$tmp/l1.json" --method weight-matching
expect_eq "$("$J" "$tmp/out" converged)" true "weight matching says it converged"

finish compare
