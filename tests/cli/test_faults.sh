#!/bin/sh
# Runtime faults and hostile input around a run (docs/failures.md): divergence, SIGINT and
# SIGTERM mid-run, a full disk or a file-size limit, an unwritable place, stdout that cannot
# be written, the output size guard, hostile directory names and labels that try to reach
# gnuplot or a shell, and byte-identical outputs whatever the working directory.
. tests/cli/lib.sh
ROOT=$(pwd)
case $NNLAB in /*) ;; *) NNLAB=$ROOT/$NNLAB ;; esac

# every CSV under $1 ends on a complete line and has as many fields in each row as in its
# header; no .part file is left
csv_complete() { # dir what
    bad=""
    for f in $(find "$1" -name '*.csv'); do
        [ -s "$f" ] || continue
        [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || bad="$bad $f(no newline)"
        awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$f" || bad="$bad $f(ragged)"
    done
    [ -z "$bad" ] && ok || no "$2: incomplete CSVs:$bad"
    [ -z "$(find "$1" -name '*.part')" ] && ok || no "$2: .part files left: $(find "$1" -name '*.part')"
}

# a run that records every epoch for long enough to be caught mid-way
LONG="--set train.max_epochs=200000 --set train.target_error=null --set record.weights=every"

# ---- divergence: that model stops with its epoch, the other goes on, CSVs complete -------
expect_exit 1 "$NNLAB" run tests/cli/diverge.json --out "$tmp/v" --quiet --no-plots \
    --set record.weights=every
ep=$("$J" "$tmp/v/summary.json" 'models[label=linear].diverged_epoch')
expect_eq "$("$J" "$tmp/v/summary.json" 'models[label=linear].status')" diverged "diverged model"
expect_eq "$("$J" "$tmp/v/summary.json" 'models[label=relu].epochs_run')" 200 "the other model trains on"
expect_eq "$(tail -1 "$tmp/v/linear/weights.csv" | cut -d, -f1)" "$ep" "weights.csv ends at the diverged epoch"
expect_eq "$(tail -1 "$tmp/v/linear/metrics.csv" | cut -d, -f1)" "$ep" "metrics.csv ends at the diverged epoch"
csv_complete "$tmp/v" "diverged run"

# ---- SIGINT and SIGTERM mid-run: interrupted, complete lines, 130 and 143 ----------------
for sig in INT TERM; do
    "$NNLAB" run experiments/oscillation.json --out "$tmp/s$sig" --quiet --no-plots $LONG &
    pid=$!
    # wait until training has written something
    wait_for "$tmp/s$sig/relu/weights.csv.part"
    sleep 0.5
    kill -$sig $pid
    wait $pid; rc=$?
    want=130; [ $sig = TERM ] && want=143
    expect_eq "$rc" "$want" "exit after SIG$sig"
    expect_eq "$("$J" "$tmp/s$sig/manifest.json" status)" interrupted "manifest after SIG$sig"
    expect_eq "$("$J" "$tmp/s$sig/summary.json" models.0.status)" interrupted "summary after SIG$sig"
    run=$("$J" "$tmp/s$sig/summary.json" models.0.epochs_run)
    [ "$run" -gt 0 ] && [ "$run" -lt 200000 ] && ok || no "SIG$sig: stopped mid-run ($run epochs)"
    expect_eq "$(tail -1 "$tmp/s$sig/relu/metrics.csv" | cut -d, -f1)" "$run" "SIG$sig: metrics end at epochs_run"
    expect_eq "$(tail -1 "$tmp/s$sig/relu/weights.csv" | cut -d, -f1)" "$run" "SIG$sig: weights end at epochs_run"
    csv_complete "$tmp/s$sig" "SIG$sig"
done

# ---- Ctrl-C while gnuplot draws: the terminal signals the whole process group, gnuplot dies
# of SIGINT and nnlab is told too: an interruption (130, "interrupted"), not a failed figure
cat > "$tmp/ctrl-c-gnuplot" <<'EOF2'
#!/bin/sh
kill -INT $PPID
kill -INT $$
EOF2
chmod +x "$tmp/ctrl-c-gnuplot"
NNLAB_GNUPLOT="$tmp/ctrl-c-gnuplot" "$NNLAB" run experiments/init.json --out "$tmp/cc" --quiet \
    --set train.max_epochs=20 2>"$tmp/err"; rc=$?
expect_eq "$rc" 130 "Ctrl-C during gnuplot: exit"
expect_eq "$("$J" "$tmp/cc/manifest.json" status)" interrupted "Ctrl-C during gnuplot: manifest"
[ -z "$(find "$tmp/cc" -name '*.part')" ] && ok || no "Ctrl-C during gnuplot left .part files"

# ---- a file that cannot grow (RLIMIT_FSIZE: EFBIG, as a full disk gives ENOSPC) ---------
# dash counts ulimit -f in 512-byte blocks: 400 KiB here, far less than weights.csv needs
(ulimit -f 800; exec "$NNLAB" run experiments/oscillation.json --out "$tmp/big" \
    --no-plots $LONG) >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_eq "$rc" 1 "a write that fails ends the run with 1"
expect_eq "$(wc -l < "$tmp/err")" 1 "one line: $(cat "$tmp/err")"
grep -q "relu/weights.csv: write failed: File too large" "$tmp/err" && ok || no "the file is named: $(cat "$tmp/err")"
expect_eq "$("$J" "$tmp/big/manifest.json" status)" failed "manifest says failed"
[ ! -e "$tmp/big/relu/weights.csv" ] && [ ! -e "$tmp/big/relu/metrics.csv" ] && ok \
    || no "a half-written table was presented as complete"
[ -z "$(find "$tmp/big" -name '*.part')" ] && ok || no ".part files left after a write failure"

# a real full disk, where we may mount one (root outside a locked-down container)
if [ "$(id -u)" = 0 ] && mkdir "$tmp/small" && mount -t tmpfs -o size=256k tmpfs "$tmp/small" 2>/dev/null; then
    expect_exit 1 "$NNLAB" run experiments/oscillation.json --out "$tmp/small/r" --no-plots $LONG
    grep -q "write failed: No space left on device" "$tmp/err" && ok || no "ENOSPC: $(cat "$tmp/err")"
    expect_eq "$("$J" "$tmp/small/r/manifest.json" status)" failed "manifest on a full disk"
    [ -z "$(find "$tmp/small" -name '*.part')" ] && ok || no ".part files left on a full disk"
    [ ! -e "$tmp/small/r/relu/weights.csv" ] && ok || no "half a weights.csv on a full disk"
    umount "$tmp/small"
else
    echo "test_faults: note: no tmpfs (not root, or mount not allowed); the size limit stands in for a full disk" >&2
fi

# an unwritable place: a path through a regular file
: > "$tmp/afile"
expect_exit 1 "$NNLAB" run experiments/init.json --out "$tmp/afile/run" --quiet
expect_eq "$(wc -l < "$tmp/err")" 1 "one line for an unwritable place"
grep -q "$tmp/afile/run" "$tmp/err" && ok || no "the place is named: $(cat "$tmp/err")"

# stdout that cannot be written is an error, not a silent success
if [ -c /dev/full ]; then
    "$NNLAB" check experiments/init.json > /dev/full 2>"$tmp/err"; rc=$?
    expect_eq "$rc" 1 "check > /dev/full"
    grep -q "standard output: write failed" "$tmp/err" && ok || no "says so: $(cat "$tmp/err")"
    "$NNLAB" list > /dev/full 2>/dev/null; expect_eq "$?" 1 "list > /dev/full"
    "$NNLAB" data wedges > /dev/full 2>/dev/null; expect_eq "$?" 1 "data > /dev/full"
fi

# ---- the output size guard ------------------------------------------------------------------
BIGREC="--set train.max_epochs=1000000 --set record.weights=every --set models.relu-he.hidden=[100,100]"
expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/huge" $BIGREC
[ ! -e "$tmp/huge" ] && ok || no "the size guard wrote something"
expect_eq "$(wc -l < "$tmp/err")" 1 "one line from the size guard"
grep -q "init.json: /record: the run would write about 212 GiB" "$tmp/err" && ok || no "estimate: $(cat "$tmp/err")"
grep -q -- "--max-output 234G" "$tmp/err" && ok || no "names the option that lifts it: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" check experiments/init.json $BIGREC
expect_exit 0 "$NNLAB" check experiments/init.json $BIGREC --max-output none
# a small run, measured against its estimate: refused below, written above
SMALL="--set train.max_epochs=3000 --set train.target_error=null --set record.weights=every"
expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/sm" --quiet --no-plots $SMALL --max-output 1M
[ ! -e "$tmp/sm" ] && ok || no "refused run wrote something"
expect_exit 0 "$NNLAB" run experiments/init.json --out "$tmp/sm" --quiet --no-plots $SMALL --max-output 10M
size=$(du -sb "$tmp/sm" | cut -f1)
[ "$size" -gt 1048576 ] && [ "$size" -lt 10485760 ] && ok || no "run size $size not between the limits"
expect_exit 2 "$NNLAB" run experiments/init.json --max-output 10X
expect_exit 2 "$NNLAB" run experiments/init.json --max-output -5G
expect_exit 2 "$NNLAB" run experiments/init.json --max-output nan
# a sweep whose points fit one by one but not together
expect_exit 2 "$NNLAB" sweep experiments/init.json --set seed=0:50 --out "$tmp/sw" $SMALL --max-output 20M
grep -q "the 50 points would write about" "$tmp/err" && ok || no "sweep total: $(cat "$tmp/err")"
[ ! -e "$tmp/sw" ] && ok || no "refused sweep wrote something"

# ---- hostile directory names and labels -------------------------------------------------------
# a run directory whose name tries backquotes, $(), quotes, a newline and a leading |, drawn
# with gnuplot: the figures come out and nothing runs
H="$tmp/a\`touch canary1\`b\$(touch canary2)'c\"d
system('touch canary3')|<e"
cd "$tmp" || exit 1
expect_exit 0 "$NNLAB" run "$ROOT/experiments/init.json" --out "$H" --quiet --set train.max_epochs=50
[ -f "$H/curves.png" ] && [ -f "$H/decision-relu-he.png" ] && ok || no "figures in a hostile folder"
expect_exit 0 "$NNLAB" collect "$H" --plot epochs_run
[ -f "$H/collect-epochs_run.png" ] && ok || no "collect --plot in a hostile folder"
cd "$ROOT" || exit 1
canaries() { find "$tmp" -name 'canary*'; find / "$ROOT" -maxdepth 1 -name 'canary*'; }
[ -z "$(canaries)" ] && ok || no "a hostile folder name ran a command: $(canaries)"
# labels that try the same, or to leave the run directory: refused before anything is written
for label in '`touch canary4`' "a'); system('touch canary5" '<touch canary6' '|touch canary7' \
    '../escape' '/tmp/abs' "$(printf 'tab\there')" '.hidden' '..' 'a/b'; do
    expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/hl" --set "models.relu-he.label=$label"
    grep -q "not a safe name\|control character" "$tmp/err" && ok || no "label '$label': $(cat "$tmp/err")"
    [ ! -e "$tmp/hl" ] && ok || no "label '$label' wrote something"
done
expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/hn" --set 'name=$(touch canary8)'
[ -z "$(canaries)" ] && ok || no "a hostile label ran a command: $(canaries)"

# ---- same spec, same bytes, whatever the working directory ---------------------------------------
mkdir -p "$tmp/w1/deep/er" "$tmp/w2"
(cd "$tmp/w1/deep/er" && "$NNLAB" run ../../../../../../"$ROOT"/tests/cli/csv-wedges.json --out out --quiet) \
    || no "run from a deep folder"
(cd "$tmp/w2" && "$NNLAB" run "$ROOT/tests/cli/csv-wedges.json" --out "$tmp/w2/out" --quiet) \
    || no "run from another folder"
# same_files A B WHY MIN: every file of run A but its manifest is byte for byte B's, and there
# are more than MIN of them
same_files() {
    n=0
    for f in $(cd "$1" && find . -type f ! -name manifest.json ! -name .nnlab.lock | sort); do
        n=$((n + 1))
        cmp -s "$1/$f" "$2/$f" || no "$f differs $3"
    done
    [ "$n" -gt "$4" ] && ok || no "only $n files compared"
}
same_files "$tmp/w2/out" "$tmp/w1/deep/er/out" "with the working directory" 5
expect_eq "$(cd "$tmp/w1/deep/er/out" && find . -type f | sort)" "$(cd "$tmp/w2/out" && find . -type f | sort)" \
    "same files whatever the working directory"

# ... and whatever the number of threads the models train on
"$NNLAB" run experiments/distribution.json --out "$tmp/th1" --quiet --threads 1 || no "--threads 1"
"$NNLAB" run experiments/distribution.json --out "$tmp/th2" --quiet --threads 2 || no "--threads 2"
same_files "$tmp/th1" "$tmp/th2" "between --threads 1 and 2" 20
expect_exit 2 "$NNLAB" run experiments/init.json --threads 0

# ... and whatever the vector width: layers of 16 and more units take 8-wide AVX-512 kernels
# where the machine has them; NNLAB_NO_AVX512 forces the 4-wide ones, same bits
cat > "$tmp/wide.json" <<'EOF2'
{ "name": "wide-bits", "seed": 5, "data": { "generator": "circles", "n": 150 },
  "train": { "optimizer": "sgd", "lr": 0.05, "loss": "l2", "batch": 100, "max_epochs": 15 },
  "model": { "label": "m", "hidden": [40, 33, 17], "activation": "tanh", "output": "sigmoid" },
  "record": { "weights": "every" }, "studies": [] }
EOF2
"$NNLAB" run "$tmp/wide.json" --out "$tmp/v8" --quiet --no-plots || no "wide run"
NNLAB_NO_AVX512=1 "$NNLAB" run "$tmp/wide.json" --out "$tmp/v4" --quiet --no-plots || no "wide run, 4-wide"
for f in m/weights.csv m/metrics.csv m/model.json; do
    cmp -s "$tmp/v8/$f" "$tmp/v4/$f" && ok || no "$f differs between 8-wide and 4-wide kernels"
done

finish faults
