#!/bin/sh
# Notebooks 002, 003 and 004 through the command line: each experiment's acceptance
# numbers (issue 5), the split, the recording schedule, the animations, determinism.
. tests/cli/lib.sh
gt() { # a b what: a > b
    if awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; then ok; else no "$3: $1 is not above $2"; fi
}
gif_frames() { # a GIF's images, counted by walking its blocks (no ImageMagick); -1 if malformed
    od -An -v -tu1 "$1" | awk '
        { for (i = 1; i <= NF; i++) b[n++] = $i }
        function table(p) { return p >= 128 ? 3 * 2 ^ (p % 8 + 1) : 0 }   # a colour table
        function blocks() { while (p < n && b[p] != 0) p += b[p] + 1; p++ }  # data sub-blocks
        END {
            p = 13 + table(b[10]); frames = 0        # header, screen descriptor, global table
            while (p < n) {
                if (b[p] == 59) { print frames; exit }                           # the trailer
                if (b[p] == 33) { p += 2; blocks(); continue }                   # an extension
                if (b[p] != 44) break
                p += 10 + table(b[p + 9]) + 1; blocks(); frames++               # an image
            }
            print -1 }'
}

# ---- notebook 002: mass shuffling in logistic regression -------------------------------
M="$tmp/ms"
"$NNLAB" run experiments/mass-shuffle.json --out "$M" --quiet --no-plots || no "mass-shuffle run"
S="$M/summary.json"
# the notebook's story: accuracy (its printed 1.0 and 0.995 come from its own draw)
gt "$(awk -v e="$("$J" "$S" models.0.final.error)" 'BEGIN { print 1 - e }')" 0.99 "train accuracy"
gt "$(awk -v e="$("$J" "$S" models.0.final.test_error)" 'BEGIN { print 1 - e }')" 0.99 "test accuracy"
gt "$("$J" "$S" analyses.movie.logit.w0_final)" "$("$J" "$S" analyses.movie.logit.w0_initial)" "W[0] grows"
gt "$("$J" "$S" analyses.movie.logit.w0_final)" 1 "W[0] ends clearly positive"
gt 0.05 "$("$J" "$S" analyses.movie.logit.w1_over_w0_final)" "|W[1]| / W[0] ends below 0.05"
# the stratified 80/20 split: scikit-learn's counts for 476 positives of 1000
expect_eq "$(($(wc -l < "$M/data.csv") - 1)) $(($(wc -l < "$M/test.csv") - 1))" "800 200" "split sizes"
expect_eq "$(awk -F, 'NR > 1 { p += $16 } END { print p }' "$M/data.csv") $(awk -F, 'NR > 1 { p += $16 } END { print p }' "$M/test.csv")" \
    "381 95" "each part keeps the class proportion (0.476)"
expect_eq "$(head -1 "$M/logit/metrics.csv")" "epoch,loss,mse,error,test_error,test_loss,test_mse" "metrics has the test columns"
# the movie: every 40th step, first and last rows, the trajectory table
expect_eq "$(($(wc -l < "$M/logit/weights.csv") - 1))" 751 "weights every 40 steps of 30000"
expect_eq "$(head -1 "$M/movie-logit.csv")" "frame,epoch,row,col,weight" "movie table header"
expect_eq "$(($(wc -l < "$M/movie-logit.csv") - 1))" $((751 * 15)) "15 weights per frame"
expect_eq "$(tail -1 "$M/movie-logit-trajectory.csv" | cut -d, -f1)" 30000 "trajectory ends at the last step"
# every weight over training (the notebook's cell 27): one column per weight, every recorded row
expect_eq "$(head -1 "$M/movie-logit-weights.csv")" "epoch$(seq 0 14 | sed 's/^/,w/' | tr -d '\n')" \
    "the all-weights table has a column per weight"
expect_eq "$(($(wc -l < "$M/movie-logit-weights.csv") - 1))" 751 "the all-weights table has every recorded row"
expect_eq "$("$J" "$S" analyses.movie.logit.layer_weights) $("$J" "$S" analyses.movie.logit.weights_drawn)" \
    "15 15" "all 15 weights drawn"
expect_eq "$(sed -n 752p "$M/movie-logit-weights.csv" | cut -d, -f2,3)" \
    "$(sed -n 752p "$M/movie-logit-trajectory.csv" | cut -d, -f2,3)" "its W[0] and W[1] are the trajectory's"
# the averaged movie (cell 30): W[0], W[1] and the mean of the other 13, a row per frame
expect_eq "$(head -1 "$M/movie-logit-averaged.csv")" "frame,epoch,w0,w1,rest" "averaged movie table header"
expect_eq "$(($(wc -l < "$M/movie-logit-averaged.csv") - 1))" 751 "the averaged movie has a row per frame"
close_to "$(tail -1 "$M/movie-logit-averaged.csv" | cut -d, -f5)" \
    "$(awk -F, '$1 == 750 && $4 >= 2 { s += $5; n++ } END { printf "%.17g", s / n }' "$M/movie-logit.csv")" \
    1e-12 "its rest is the mean of the last frame's other 13 weights"
expect_eq "$(tail -1 "$M/movie-logit-averaged.csv" | cut -d, -f2-4)" \
    "$(tail -1 "$M/movie-logit-trajectory.csv" | cut -d, -f1-3)" "its last frame is the last step's W[0], W[1]"
for f in movie-logit-weights.gp movie-logit-averaged-gif.gp movie-logit-averaged-frames.gp \
         movie-logit-frames.layer.png movie-logit-averaged-frames.layer.png; do
    [ -s "$M/$f" ] && ok || no "$f missing"
done
grep -q "title 'W\[14\]'" "$M/movie-logit-weights.gp" && ok || no "the all-weights figure labels W[14]"
# both movies and their stills on the signed map (purple to green) over [-max |w|, max |w|]
m=$(awk -v a="$("$J" "$S" analyses.movie.logit.colour_scale.0)" -v b="$("$J" "$S" analyses.movie.logit.colour_scale.1)" \
    'BEGIN { a = a < 0 ? -a : a; b = b < 0 ? -b : b; printf "%.17g", (a > b ? a : b) }')
for f in movie-logit-gif.gp movie-logit-averaged-gif.gp movie-logit-frames.gp movie-logit-averaged-frames.gp; do
    expect_eq "$(grep -c "^set palette defined (0 '#762a83'.* 1 '#1b7837')" "$M/$f")" 1 "$f: the signed map"
    r=$(sed -n 's/^set cbrange \[\(.*\)\]$/\1/p' "$M/$f")
    close_to "${r%%:*}" "-$m" 1e-12 "$f: the colour scale from -max |w|"
    close_to "${r#*:}" "$m" 1e-12 "$f: the colour scale to max |w|"
done
# at most max_frames frames, evenly spaced, first and last kept; analyze recomputes from files
"$NNLAB" analyze "$M" --study movie --no-plots >/dev/null 2>&1 || no "analyze movie"
expect_eq "$("$J" "$S" analyses.movie.logit.frames)" 751 "every recorded row is a frame"
cp -R "$M" "$tmp/ms100"
sed 's/"max_frames": 1000/"max_frames": 100/' "$M/spec.json" > "$tmp/ms100/spec.json"
"$NNLAB" analyze "$tmp/ms100" --study movie --no-plots --force >/dev/null 2>&1 || no "analyze movie, 100 frames"
expect_eq "$("$J" "$tmp/ms100/summary.json" analyses.movie.logit.frames)" 100 "max_frames caps the frames"
expect_eq "$(sed -n 2p "$tmp/ms100/movie-logit.csv" | cut -d, -f2) $(tail -1 "$tmp/ms100/movie-logit.csv" | cut -d, -f1-2)" \
    "0 99,30000" "first and last rows kept"
expect_eq "$(sed 1d "$tmp/ms100/movie-logit.csv" | cut -d, -f1 | sort -un | wc -l)" 100 "frames numbered 0-99"
expect_eq "$(($(wc -l < "$tmp/ms100/movie-logit-averaged.csv") - 1))" 100 "the averaged movie follows max_frames"
# a layer of more than 20 weights: the first 20 drawn, and said so
"$NNLAB" run experiments/alignment.json --out "$tmp/al60" --quiet --no-plots --set train.max_epochs=50 \
    --set 'studies=[{"name": "movie", "layer": 2}]' || no "movie of a 60-weight layer"
expect_eq "$("$J" "$tmp/al60/summary.json" analyses.movie.relu.layer_weights) $("$J" "$tmp/al60/summary.json" analyses.movie.relu.weights_drawn)" \
    "60 20" "a 60-weight layer: 20 drawn"
expect_eq "$(head -1 "$tmp/al60/movie-relu-weights.csv" | tr ',' '\n' | wc -l)" 21 "its table: epoch and 20 weights"
grep -q "the first 20 of the 60 weights" "$tmp/al60/movie-relu-weights.gp" && ok || no "the figure says 20 of 60"
# adam and adam_tf are different algorithms (eps placement), seen in the first steps
"$NNLAB" run experiments/mass-shuffle.json --out "$tmp/pt" --quiet --no-plots --set train.optimizer=adam \
    --set train.max_epochs=50 --set 'studies=[]' --set record.weights=none || no "adam run"
"$NNLAB" run experiments/mass-shuffle.json --out "$tmp/tf" --quiet --no-plots \
    --set train.max_epochs=50 --set 'studies=[]' --set record.weights=none || no "adam_tf run"
[ "$(tail -1 "$tmp/pt/logit/metrics.csv")" != "$(tail -1 "$tmp/tf/logit/metrics.csv")" ] && ok \
    || no "adam and adam_tf trained identically"
# the curved boundary: a line cannot follow it
"$NNLAB" run experiments/mass-shuffle-curved.json --out "$tmp/cv" --quiet --no-plots || no "curved run"
gt "$("$J" "$tmp/cv/summary.json" models.0.final.error)" 0.05 "the curved boundary costs accuracy"
gt 0.2 "$("$J" "$tmp/cv/summary.json" models.0.final.error)" "but a line still gets most points"

# ---- notebook 003: neuron alignment -----------------------------------------------------
A="$tmp/al"
"$NNLAB" run experiments/alignment.json --out "$A" --quiet --no-plots || no "alignment run"
S="$A/summary.json"
P=analyses.alignment.relu
close_to "$("$J" "$S" $P.plateaus.0.loss_start)" 1 0.01 "first plateau near the initial loss 1"
close_to "$("$J" "$S" $P.plateaus.1.loss_start)" 0.5 0.05 "second plateau near 0.5: one point fitted"
gt "$("$J" "$S" $P.plateaus.1.start)" "$("$J" "$S" $P.plateaus.0.end)" "the plateaus come in order"
gt 1e-8 "$("$J" "$S" $P.final_loss)" "the loss ends below 1e-8"
gt 20001 "$("$J" "$S" $P.first_epoch_below_1e-8)" "within 20000 steps"
gt "$("$J" "$S" $P.neurons_grown)" 0 "some neurons grew"
expect_eq "$("$J" "$S" $P.grown_active_on_exactly_one)" "$("$J" "$S" $P.neurons_grown)" \
    "every grown neuron is active on exactly one of the two inputs"
# the notebook's frame schedule: 0, 1, then int(1.05 t) + 1
expect_eq "$(cut -d, -f1 "$A/relu/weights.csv" | sed -n '2,26p' | tr '\n' ' ')" \
    "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 22 24 26 28 " "frame schedule"
expect_eq "$(($(wc -l < "$A/relu/weights.csv") - 1))" 154 "154 frames over 20000 steps"
expect_eq "$(($(wc -l < "$A/alignment-relu-neurons.csv") - 1))" $((154 * 60)) "a row per neuron per frame"
# analyze redraws from the recorded files alone, to the same numbers
cp "$S" "$tmp/al-summary.json"
"$NNLAB" analyze "$A" --study alignment --no-plots >/dev/null 2>&1 || no "analyze alignment"
expect_eq "$("$J" "$S" $P.plateaus.1.end)" "$("$J" "$tmp/al-summary.json" $P.plateaus.1.end)" "analyze agrees"
"$NNLAB" run experiments/alignment-5pt.json --out "$tmp/a5" --quiet --no-plots || no "5-point run"
close_to "$("$J" "$tmp/a5/summary.json" models.0.final.loss)" 0.0636316 1e-6 "5 points: a partial fit"

# ---- notebook 004: what hidden units do -------------------------------------------------
C="$tmp/circles"
"$NNLAB" run experiments/circles.json --out "$C" --quiet --no-plots || no "circles run"
S="$C/summary.json"
expect_eq "$("$J" "$S" 'models[label=sigmoid-w3].final.error') $("$J" "$S" 'models[label=sigmoid-w5].final.error')" \
    "0 0" "3 and 5 units reach train error 0 within 10000 epochs"
gt "$("$J" "$S" 'models[label=sigmoid-w1].final.error')" 0.1 "1 unit does not"
gt "$("$J" "$S" 'models[label=sigmoid-w2].final.error')" 0.01 "nor do 2"
expect_eq "$(($(wc -l < "$C/unit-lines-sigmoid-w5.csv") - 1))" 5 "a line per unit"
expect_eq "$("$J" "$S" analyses.hidden_3d.sigmoid-w5.triples)" 10 "C(5, 3) triples"
expect_eq "$(head -1 "$C/hidden-3d-sigmoid-w3.csv")" "h0,h1,h2,y" "activations table"
for f in regression regression-flipped; do
    "$NNLAB" run experiments/$f.json --out "$tmp/$f" --quiet --no-plots || no "$f run"
    gt 0.4 "$("$J" "$tmp/$f/summary.json" analyses.fit.sigmoid.mse)" "$f: mse below 0.4"
done
S="$tmp/regression/summary.json"
gt "$("$J" "$S" analyses.fit.sigmoid.r2_left)" "$("$J" "$S" analyses.fit.sigmoid.r2_right)" \
    "the original fits its left half better"
S="$tmp/regression-flipped/summary.json"
gt "$("$J" "$S" analyses.fit.sigmoid.r2_right)" "$("$J" "$S" analyses.fit.sigmoid.r2_left)" \
    "the flipped one its right half"

# ---- animations and determinism ----------------------------------------------------------
if command -v "${NNLAB_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    for out in g1 g2; do
        "$NNLAB" run experiments/alignment.json --out "$tmp/$out" --quiet || no "alignment with figures"
    done
    expect_eq "$(head -c 6 "$tmp/g1/alignment-relu.gif")" "GIF89a" "the animation is a GIF"
    for f in alignment-relu.gif alignment-relu.png alignment-relu-loss.png alignment-relu-neurons.csv \
             alignment-relu-function.csv relu/weights.csv; do
        cmp -s "$tmp/g1/$f" "$tmp/g2/$f" && ok || no "$f differs between two runs of one spec"
    done
    expect_eq "$("$J" "$tmp/g1/summary.json" analyses.alignment.relu.figures.0)" alignment-relu.gif \
        "the GIF is listed"
    # the weight movies: the averaged one has a frame for each of the full one's
    "$NNLAB" analyze "$tmp/ms100" --study movie --force >/dev/null 2>&1 || no "movie with figures"
    expect_eq "$(gif_frames "$tmp/ms100/movie-logit.gif") $(gif_frames "$tmp/ms100/movie-logit-averaged.gif")" \
        "100 100" "each movie has a frame per frame"
    expect_eq "$("$J" "$tmp/ms100/summary.json" analyses.movie.logit.figures)" \
        '["movie-logit.gif","movie-logit-frames.png","movie-logit-trajectory.png","movie-logit-weights.png","movie-logit-averaged.gif","movie-logit-averaged-frames.png"]' \
        "the movie's figures, listed"
fi
finish test_notebooks5
