#!/bin/sh
# Notebook 000's training-dynamics studies through the command line: the distribution
# study's printed figures, recording, replicates, nnlab analyze.
. tests/cli/lib.sh

# ---- distribution.json: notebook 000, "Coefficient distribution changes" -------------
D="$tmp/dist"
"$NNLAB" run experiments/distribution.json --out "$D" --quiet --no-plots || no "distribution run failed"
A="$D/summary.json"
# the notebook prints 0.0121, 0.0216 and 0.4291 (to four decimals)
close_to "$("$J" "$A" analyses.distribution.mean_change)" 0.0121 0.00005 "change in mean (printed)"
close_to "$("$J" "$A" analyses.distribution.std_change)" 0.0216 0.00005 "change in std (printed)"
close_to "$("$J" "$A" analyses.distribution.kw_p)" 0.4291 0.00005 "Kruskal-Wallis p (printed)"
# a reference run of the notebook's own code under numpy 1.24 (issue 3) gives these
expect_eq "$("$J" "$A" analyses.distribution.mean_change)" 0.012114983820633333 "mean change, all digits"
expect_eq "$("$J" "$A" analyses.distribution.std_change)" 0.021588577877636017 "std change, all digits"
close_to "$("$J" "$A" analyses.distribution.kw_h)" 0.6253846003170137 1e-13 "H"
close_to "$("$J" "$A" analyses.distribution.kw_p)" 0.429053344321083 1e-13 "p"
expect_eq "$("$J" "$A" analyses.distribution.weights)" 2700 "2700 working weights pooled"
epochs=""
for s in 0 1 2 3 4 5 6 7 8 9; do epochs="$epochs $("$J" "$A" "models[label=relu-s$s].converged_epoch")"; done
expect_eq "$epochs" " 435 354 709 602 519 511 686 560 529 562" "the ten replicates' converged epochs"
[ -f "$D/distribution-relu-weights.csv" ] && [ -f "$D/distribution-relu.gp" ] && ok || no "density table and script"
[ ! -e "$D/distribution-relu.png" ] && ok || no "--no-plots drew a figure"

# ---- nnlab analyze redoes a study from the recorded files, without training ----------
before=$(cksum < "$D/relu-s0/metrics.csv")
"$NNLAB" analyze "$D" --study distribution --quiet || no "analyze failed"
[ -f "$D/distribution-relu.png" ] && ok || no "analyze drew the figure"
expect_eq "$("$J" "$A" analyses.distribution.mean_change)" 0.012114983820633333 "analyze gives the same numbers"
expect_eq "$(cksum < "$D/relu-s0/metrics.csv")" "$before" "analyze trained nothing"
"$NNLAB" analyze "$D" --study nope >/dev/null 2>&1; expect_eq $? 2 "analyze: unknown study"
"$NNLAB" analyze "$tmp/none" >/dev/null 2>&1; expect_eq $? 2 "analyze: not a run directory"

# ---- recording: every epoch, every k, geometric; replicates' labels -------------------
"$NNLAB" run experiments/init.json --out "$tmp/r" --quiet --no-plots --set record.weights=every \
    --set record.raw=true --set 'models.relu-he.seeds=[3,4]' --set 'studies=[]' || no "record run"
expect_eq "$(head -1 "$tmp/r/relu-he-s3/weights.csv" | cut -d, -f1-3)" "epoch,w1_0_0,w1_0_1" "weights.csv header"
expect_eq "$(($(wc -l < "$tmp/r/relu-he-s3/weights.csv") - 1))" 1184 "epochs 0..1183 recorded"
expect_eq "$(tail -1 "$tmp/r/relu-he-s3/weights.csv" | cut -d, -f1)" 1183 "last row is the last epoch"
expect_eq "$(head -1 "$tmp/r/relu-he-s3/raw_weights.csv")" "$(head -1 "$tmp/r/relu-he-s3/weights.csv")" "raw header"
expect_eq "$(sed -n 2p "$tmp/r/relu-he-s3/raw_weights.csv")" "$(sed -n 2p "$tmp/r/relu-he-s3/weights.csv")" \
    "raw and averaged iterates both start at the initial weights"
[ -d "$tmp/r/tanh-xavier" ] && [ -d "$tmp/r/relu-he-s4" ] && ok || no "replicate labels"
"$NNLAB" run experiments/init.json --out "$tmp/g" --quiet --no-plots --set record.weights=geometric \
    --set record.growth=1.5 --set 'studies=[]' || no "geometric run"
expect_eq "$(cut -d, -f1 "$tmp/g/relu-he/weights.csv" | tr '\n' ' ')" \
    "epoch 0 1 2 4 7 11 17 26 40 61 92 139 209 314 472 709 1064 1183 " "geometric schedule (notebook 003: int(e * growth) + 1)"
"$NNLAB" run experiments/init.json --out "$tmp/k" --quiet --no-plots --set record.weights=every \
    --set record.every=500 --set 'studies=[]' || no "every-500 run"
expect_eq "$(cut -d, -f1 "$tmp/k/tanh-xavier/weights.csv" | tr '\n' ' ')" "epoch 0 500 1000 1500 2000 " "every 500"
# the final model is the last recorded row
last=$(tail -1 "$tmp/r/relu-he-s4/weights.csv" | cut -d, -f2)
first=$("$J" "$tmp/r/relu-he-s4/model.json" layers.0.weights.0.0)
expect_eq "$last" "$first" "weights.csv ends at model.json's weights"

# ---- memory stays flat however many epochs are recorded --------------------------------
"$NNLAB" run experiments/init-2-long.json --out "$tmp/m1" --quiet --no-plots --set train.max_epochs=20000 \
    --set record.weights=every || no "recording run"
"$NNLAB" run experiments/init-2-long.json --out "$tmp/m0" --quiet --no-plots --set train.max_epochs=20000 \
    || no "non-recording run"
r1=$("$J" "$tmp/m1/manifest.json" peak_rss_kb); r0=$("$J" "$tmp/m0/manifest.json" peak_rss_kb)
expect_eq "$(($(wc -l < "$tmp/m1/relu-he/weights.csv") - 1))" 20001 "every epoch recorded"
[ "$r1" -le $((2 * r0)) ] && ok || no "recording 20000 epochs took $r1 KB, not recording $r0 KB"

# ---- oscillation.json: every working weight's direction changes ------------------------
O="$tmp/osc"
"$NNLAB" run experiments/oscillation.json --out "$O" --quiet || no "oscillation run"
expect_eq "$("$J" "$O/summary.json" models.0.converged_epoch)" 354 "the seed-1 net converges in epoch 354"
expect_eq "$("$J" "$O/summary.json" analyses.oscillation.relu.weights)" 270 "270 working weights"
expect_eq "$("$J" "$O/summary.json" analyses.oscillation.relu.steps)" 353 "353 turning epochs"
expect_eq "$(head -1 "$O/oscillation-relu-events.csv" | cut -d, -f1-3)" "coefficient,1,2" "events header"
expect_eq "$(($(wc -l < "$O/oscillation-relu-events.csv") - 1))" 270 "one row per weight"
expect_eq "$(sed -n 2p "$O/oscillation-relu-events.csv" | cut -d, -f1)" w1_0_0 "input side first"
# the events table and the per-layer fractions agree: count layer 1's flips both ways
l1=$(sed -n '2,19p' "$O/oscillation-relu-events.csv" | cut -d, -f2- | tr -cd 1 | wc -c)
f1=$(awk -F, 'NR > 1 { s += $2 } END { printf "%.0f", s * 18 }' "$O/oscillation-relu-layers.csv")
expect_eq "$l1" "$f1" "layer 1's flips in the events and in the layer table"
for f in oscillation-relu.png oscillation-relu-magnitude.png oscillation-relu-layers.png; do
    [ -s "$O/$f" ] && ok || no "missing $f"
done

# ---- neuron-rank.json: ranks by three methods ---------------------------------------------
R="$tmp/rank"
"$NNLAB" run experiments/neuron-rank.json --out "$R" --quiet || no "neuron-rank run"
for m in mean mean-percent max; do
    expect_eq "$(head -1 "$R/neuron-rank-relu-$m.csv" | cut -d, -f1-3)" "epoch,h1_0,h1_1" "$m ranks header"
    expect_eq "$(($(wc -l < "$R/neuron-rank-relu-$m.csv") - 1))" 355 "$m: epochs 0..354"
    # each layer's ranks are a permutation of 0..8 at every epoch
    bad=$(awk -F, 'NR > 1 { for (l = 0; l < 4; l++) { s = 0; for (i = 0; i < 9; i++) s += 2 ^ $(2 + 9 * l + i); if (s != 511) n++ } } END { print n + 0 }' "$R/neuron-rank-relu-$m.csv")
    expect_eq "$bad" 0 "$m: ranks are permutations within each layer"
    [ -s "$R/neuron-rank-relu-$m.png" ] && ok || no "missing $m grid"
done

# ---- prune.json ---------------------------------------------------------------------------
P="$tmp/prune"
"$NNLAB" run experiments/prune.json --out "$P" --quiet || no "prune run"
expect_eq "$("$J" "$P/summary.json" analyses.prune.relu.fractions.8)" 0.88888888888888884 "fractions 0..8/9"
# pruning nothing changes nothing: the immediate error at fraction 0 is the trained net's
expect_eq "$("$J" "$P/summary.json" analyses.prune.relu.mean.immediate.0)" \
    "$("$J" "$P/summary.json" models.0.final.error)" "fraction 0 is the trained net"
expect_eq "$(grep -c '^ablation,' "$P/prune-relu.csv")" 27 "9 fractions x 3 phases for ablation"
expect_eq "$(awk -F, 'NR > 1 && ($5 < 0 || $5 > 1) { n++ } END { print n + 0 }' "$P/prune-relu.csv")" 0 "errors in [0, 1]"
[ -s "$P/prune-relu.png" ] && ok || no "missing prune figure"

finish dynamics
