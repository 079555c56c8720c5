#!/bin/sh
# Command-line behaviour: exit codes, files, --set, refusal to overwrite, --force,
# byte-identical reruns, gnuplot missing, and notebook 001's printed outcomes read back
# from summary.json. Runs from the project root with $NNLAB and $TESTBIN (for jget).
. tests/cli/lib.sh

# ---- usage and help --------------------------------------------------------------
expect_exit 0 "$NNLAB" --version
expect_eq "$(cat "$tmp/out")" "nnlab 0.1.0" "--version"
expect_exit 2 "$NNLAB"
expect_exit 2 "$NNLAB" rnu
grep -q 'did you mean "run"' "$tmp/err" && ok || no "no suggestion for rnu"
expect_exit 0 "$NNLAB" run --help
grep -q "usage: nnlab run" "$tmp/out" && ok || no "run --help"
expect_exit 0 "$NNLAB" help check
grep -q "usage: nnlab check" "$tmp/out" && ok || no "help check"
expect_exit 2 "$NNLAB" run
expect_exit 2 "$NNLAB" run experiments/init.json --ouput x
grep -q 'did you mean "--out"' "$tmp/err" && ok || no "no suggestion for --ouput"
expect_exit 2 "$NNLAB" run experiments/no-such-spec.json --out "$tmp/none"
[ ! -e "$tmp/none" ] && ok || no "missing spec wrote a directory"
expect_exit 0 "$NNLAB" list
grep -q "wedges" "$tmp/out" && ok || no "list shows generators"
expect_exit 2 "$NNLAB" list gens

# ---- data -----------------------------------------------------------------------
# sizes and class counts from a reference run of notebook 001 (issue 2)
expect_exit 0 "$NNLAB" data wedges
expect_eq "$(wc -l < "$tmp/out")" 180 "wedges seed 8: 179 points and a header"
expect_eq "$(grep -c ',1$' "$tmp/out")" 41 "wedges seed 8: 41 positive"
expect_eq "$(head -1 "$tmp/out")" "x1,x2,y" "data header"
expect_exit 0 "$NNLAB" data disk_ring --seed 3
expect_eq "$(grep -c ',1$' "$tmp/out")/$(($(wc -l < "$tmp/out") - 1))" "40/131" "disk_ring seed 3"
expect_exit 0 "$NNLAB" data stripes
expect_eq "$(grep -c ',1$' "$tmp/out")/$(($(wc -l < "$tmp/out") - 1))" "105/301" "stripes seed 6"
expect_exit 0 "$NNLAB" data disk_ring --set pos_draws=100 --set neg_draws=1000
expect_eq "$(($(wc -l < "$tmp/out") - 1))" 393 "notebook 000's disk and ring"
expect_exit 2 "$NNLAB" data wedge
expect_exit 2 "$NNLAB" data wedges --seed -1
expect_exit 2 "$NNLAB" data wedges --set pos_draws=5

# ---- check ------------------------------------------------------------------------
expect_exit 0 "$NNLAB" check experiments/init.json --set train.lr=0.5
expect_eq "$("$J" "$tmp/out" train.lr)" 0.5 "check prints the resolved spec"
expect_eq "$("$J" "$tmp/out" models.0.init.redraw_max)" 1000000 "defaults filled in"
[ ! -e runs/init-check-probe ] && ok || no "check wrote something"

# ---- a run and its files ----------------------------------------------------------
A="$tmp/a"
expect_exit 0 "$NNLAB" run experiments/init.json --out "$A" --quiet
[ ! -s "$tmp/out" ] && ok || no "run printed on stdout"
[ ! -s "$tmp/err" ] && ok || no "--quiet printed on stderr"
for f in spec.json manifest.json summary.json data.csv curves.gp curves.png \
         tanh-xavier/metrics.csv tanh-xavier/model.json relu-he/metrics.csv relu-he/model.json \
         decision-tanh-xavier.png decision-tanh-xavier.csv decision-relu-he-points.csv; do
    [ -s "$A/$f" ] && ok || no "missing $f"
done
[ -z "$(find "$A" -name '*.part')" ] && ok || no "temporary files left behind"
expect_eq "$("$J" "$A/manifest.json" status)" complete "manifest status"
expect_eq "$(head -1 "$A/relu-he/metrics.csv")" "epoch,loss,mse,error" "metrics header"
expect_eq "$(sed -n 2p "$A/relu-he/metrics.csv" | cut -d, -f1)" 0 "row 0 is the state before training"
# notebook 001, Example 1 prints: relu converged during epoch 1183; tanh did not converge
expect_eq "$("$J" "$A/summary.json" 'models[label=relu-he].converged_epoch')" 1183 "001 Example 1 relu"
expect_eq "$("$J" "$A/summary.json" 'models[label=tanh-xavier].converged')" false "001 Example 1 tanh"
expect_eq "$("$J" "$A/summary.json" 'models[label=tanh-xavier].converged_epoch')" null "001 Example 1 tanh epoch"
expect_eq "$(tail -1 "$A/relu-he/metrics.csv" | cut -d, -f1)" 1183 "metrics stop at the converged epoch"
# the redraw rule takes the 2nd, 8th and 127th draw (reference run of notebook 001)
expect_eq "$("$J" "$A/summary.json" 'models[label=relu-he].init_draws')" "[2,8,127]" "redraws"
# the decision boundary: the ReLU net's wedge is one unbroken line (its two crossings of a
# shared grid edge are the same point); the tanh net's two arms are one piece too
expect_eq "$(awk -f tests/cli/boundary_pieces.awk "$A/decision-relu-he-boundary.csv" | cut -d' ' -f2)" 1 "relu boundary in one piece"
expect_eq "$(awk -f tests/cli/boundary_pieces.awk "$A/decision-tanh-xavier-boundary.csv" | cut -d' ' -f2)" 1 "tanh boundary in one piece"
# notebook 001's Example 3 ReLU net outputs exactly 0.5 on 5647 of its 22500 grid points
# (dead units): those regions are class 1 by the prediction rule, so they get an edge and
# no speckle: 8 straight pieces from the centre, as the figure shows
expect_exit 0 "$NNLAB" run experiments/init-3.json --out "$tmp/i3" --quiet --set 'studies=[{"name":"decision","range":[-5,5]}]'
expect_eq "$(awk -F, 'NR > 1 && $3 == 0.5' "$tmp/i3/decision-relu-he.csv" | wc -l | tr -d ' ')" 5647 "grid points at exactly 0.5"
expect_eq "$(awk -f tests/cli/boundary_pieces.awk "$tmp/i3/decision-relu-he-boundary.csv" | cut -d' ' -f2)" 8 "the plateaus' edges, 8 pieces"
# a CSV's own column names stay: in data.csv, the tables and the figures' axes
printf 'sepal,petal,label\n' > "$tmp/named.csv"
tail -n +2 data/wedges-seed8.csv >> "$tmp/named.csv"
cat > "$tmp/named.json" <<EOF2
{ "data": { "generator": "csv", "path": "$tmp/named.csv", "target": "label" },
  "train": { "max_epochs": 5 }, "model": { "hidden": [3] }, "studies": ["dataset", "decision"] }
EOF2
expect_exit 0 "$NNLAB" run "$tmp/named.json" --out "$tmp/named" --quiet
expect_eq "$(head -1 "$tmp/named/data.csv")" "sepal,petal,label" "data.csv keeps the names"
expect_eq "$(head -1 "$tmp/named/decision-model-points.csv")" "sepal,petal,label,output,predicted,correct" "points table"
grep -q "^set xlabel 'sepal'" "$tmp/named/decision-model.gp" && grep -q "^set ylabel 'petal'" "$tmp/named/decision-model.gp" \
    && grep -q "^set xlabel 'sepal'" "$tmp/named/dataset.gp" && ok || no "the axes keep the names"
expect_exit 0 "$NNLAB" analyze "$tmp/named" --quiet

# ---- never overwrite; --force only over a run --------------------------------------
before=$(cksum < "$A/summary.json")
expect_exit 2 "$NNLAB" run experiments/init.json --out "$A"
grep -q "already exists" "$tmp/err" && ok || no "refusal message"
expect_eq "$(cksum < "$A/summary.json")" "$before" "refused run left files alone"
expect_exit 0 "$NNLAB" run experiments/init.json --out "$A" --force --quiet --no-plots
[ ! -e "$A/curves.png" ] && ok || no "--force left old files in place"
mkdir "$tmp/precious" && echo keep > "$tmp/precious/thesis.tex"
expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/precious" --force
[ -f "$tmp/precious/thesis.tex" ] && ok || no "--force deleted a folder that was not a run"

# --force never replaces a folder that merely has some manifest.json, '.', or a link
mkdir -p "$tmp/webapp/src" && echo '{}' > "$tmp/webapp/manifest.json" && echo x > "$tmp/webapp/src/app.js"
expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/webapp" --force
[ -f "$tmp/webapp/src/app.js" ] && ok || no "--force deleted a folder with a foreign manifest.json"
ln -s "$A" "$tmp/link"
expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/link/" --force
[ -f "$A/summary.json" ] && ok || no "--force followed a symbolic link"
expect_exit 2 sh -c "cd '$A' && '$NNLAB' run '$(pwd)/experiments/init.json' --out . --force"
[ -f "$A/summary.json" ] && ok || no "--force --out . deleted the working directory"

# ---- the same spec and seed give the same bytes -------------------------------------
expect_exit 0 "$NNLAB" run experiments/init.json --out "$tmp/b" --quiet
expect_exit 0 "$NNLAB" run experiments/init.json --out "$tmp/c" --quiet
expect_exit 0 "$NNLAB" run "$tmp/b/spec.json" --out "$tmp/d" --quiet
for f in data.csv summary.json spec.json tanh-xavier/metrics.csv relu-he/metrics.csv \
         tanh-xavier/model.json relu-he/model.json decision-relu-he.csv \
         decision-tanh-xavier-points.csv decision-relu-he.png curves.gp; do
    cmp -s "$tmp/b/$f" "$tmp/c/$f" && ok || no "$f differs between two runs"
    cmp -s "$tmp/b/$f" "$tmp/d/$f" && ok || no "$f differs when rerun from spec.json"
done

# ---- a CSV data set trains exactly as the generator it was written from ---------------
expect_exit 0 "$NNLAB" run tests/cli/csv-wedges.json --out "$tmp/csv" --quiet
cmp -s "$tmp/csv/relu-he/metrics.csv" "$tmp/b/relu-he/metrics.csv" && ok || no "CSV data trains differently"
case $("$J" "$tmp/csv/spec.json" data.path) in /*) ok ;; *) no "data.path not absolute in spec.json" ;; esac
"$NNLAB" data wedges --seed 8 | cmp -s - data/wedges-seed8.csv && ok || no "data/wedges-seed8.csv is stale"

# ---- --set ------------------------------------------------------------------------
expect_exit 0 "$NNLAB" run experiments/init.json --out "$tmp/s" --quiet --no-plots \
    --set models.relu-he.seed=7 --set train.max_epochs=5 --set 'models.tanh-xavier.hidden=[4,2]'
expect_eq "$("$J" "$tmp/s/summary.json" 'models[label=relu-he].seed')" 7 "--set by label"
expect_eq "$("$J" "$tmp/s/summary.json" 'models[label=tanh-xavier].seed')" 3 "other model untouched"
expect_eq "$("$J" "$tmp/s/summary.json" 'models[label=tanh-xavier].epochs_run')" 5 "--set train.max_epochs"
expect_eq "$("$J" "$tmp/s/spec.json" 'models.0.hidden')" "[4,2]" "--set a JSON list"
expect_exit 0 "$NNLAB" run experiments/init.json --out "$tmp/t" --quiet --no-plots \
    --set seed=5 --set train.max_epochs=2
expect_eq "$("$J" "$tmp/t/summary.json" models.0.seed),$("$J" "$tmp/t/summary.json" models.1.seed)" \
    "5,5" "--set seed= sets every model's default"
expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/u" --set train.lr=abc
[ ! -e "$tmp/u" ] && ok || no "bad --set wrote something"
expect_exit 0 "$NNLAB" check experiments/init.json --set name=007
expect_eq "$("$J" "$tmp/out" name)" 007 "--set value 007 is a string, not the number 7"
expect_exit 0 "$NNLAB" check "$tmp/b/spec.json" --set seed=9
grep -q "changes no model" "$tmp/err" && ok || no "--set seed= on a spec where every model has a seed says so"

# ---- notebook 001: Example 2 and Example 3 with biases ------------------------------
expect_exit 0 "$NNLAB" run experiments/init-2.json --out "$tmp/e2" --quiet --no-plots
expect_eq "$("$J" "$tmp/e2/summary.json" models.0.converged),$("$J" "$tmp/e2/summary.json" models.1.converged)" \
    "false,false" "001 Example 2: neither converges"
expect_exit 0 "$NNLAB" run experiments/init-3-bias.json --out "$tmp/e3" --quiet --no-plots
expect_eq "$("$J" "$tmp/e3/summary.json" 'models[label=tanh-xavier].converged_epoch')" 4165 "001 Example 3 biases, tanh"
expect_eq "$("$J" "$tmp/e3/summary.json" 'models[label=relu-he].converged_epoch')" 1029 "001 Example 3 biases, relu"

# ---- without gnuplot: the run succeeds, scripts stay, one line says so -------------
NNLAB_GNUPLOT=/nonexistent/gnuplot "$NNLAB" run experiments/init.json --out "$tmp/g" \
    --set train.max_epochs=3 >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_eq "$rc" 0 "run without gnuplot"
[ -f "$tmp/g/curves.gp" ] && [ ! -e "$tmp/g/curves.png" ] && [ -f "$tmp/g/decision-relu-he.gp" ] \
    && [ -f "$tmp/g/decision-relu-he.layer.png" ] && [ ! -e "$tmp/g/decision-relu-he.png" ] \
    && ok || no "without gnuplot: scripts and raster layers kept, no figure"
grep -q 'decision-relu-he.png (decision-relu-he.gp)' "$tmp/err" && ok || no "the line names the undrawn figures"
expect_eq "$(grep -c 'gnuplot not found' "$tmp/err")" 1 "one line about gnuplot"

# ---- a diverging model: status, exit 1, the other model goes on --------------------
expect_exit 1 "$NNLAB" run tests/cli/diverge.json --out "$tmp/v" --quiet
expect_eq "$("$J" "$tmp/v/manifest.json" status)" diverged "manifest says diverged"
expect_eq "$("$J" "$tmp/v/summary.json" 'models[label=linear].status')" diverged "model status"
expect_eq "$("$J" "$tmp/v/summary.json" 'models[label=relu].status')" complete "other model completes"
ep=$("$J" "$tmp/v/summary.json" 'models[label=linear].diverged_epoch')
expect_eq "$(tail -1 "$tmp/v/linear/metrics.csv" | cut -d, -f1)" "$ep" "metrics end at the diverged epoch"
# with mini-batches it blows up mid-epoch: the model keeps its last finite weights, so
# model.json loads and the decision study still runs; exit 1, not 2 (files were written)
expect_exit 1 "$NNLAB" run tests/cli/diverge.json --out "$tmp/v2" --quiet --set 'studies=["decision"]' \
    --set train.batch=1 --set train.lr=1e6
expect_eq "$("$J" "$tmp/v2/summary.json" 'models[label=linear].status')" diverged "mid-epoch divergence"
[ -f "$tmp/v2/decision-linear.png" ] && ok || no "studies run on a diverged model's last finite weights"
grep -q -- "-nan" "$tmp/v2"/*.csv "$tmp/v2"/*/*.csv && no "a CSV holds -nan" || ok

# ---- SIGINT: interrupted, complete lines, exit 130 ---------------------------------
"$NNLAB" run experiments/init-3-deep.json --out "$tmp/i" --quiet --no-plots &
pid=$!
wait_for "$tmp/i/tanh-xavier/metrics.csv.part"
sleep 0.5
kill -INT $pid
wait $pid; rc=$?
expect_eq "$rc" 130 "exit after SIGINT"
expect_eq "$("$J" "$tmp/i/manifest.json" status)" interrupted "manifest after SIGINT"
[ "$(tail -c 1 "$tmp/i/tanh-xavier/metrics.csv" | od -An -c | tr -d ' ')" = '\n' ] && ok \
    || no "metrics.csv does not end on a complete line"

finish cli
