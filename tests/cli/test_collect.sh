#!/bin/sh
# nnlab collect on damaged and hostile input: strings that reach the --plot script (column
# names, model labels, swept values, run paths) never run anything and never break the
# script or a CSV; big summaries (60,000 keys, 20,000 models) collect in linear time; --out
# never replaces a file nnlab keeps in a run or sweep directory; CSV headers are quoted as
# RFC 4180 says; an unreadable manifest, summary or sweep.json is said so, naming the
# file, and labelled; a FIFO at any file collect reads never blocks it.
. tests/cli/lib.sh
ROOT=$(pwd)
T=$((20 * SCALE))          # the generous limit every collect below runs under
FF=$(printf '\377')        # a byte that is not UTF-8

# csv_shape FILE: the distinct numbers of fields per record, reading the file as RFC 4180
# does (quoted fields may hold commas, quotes and line breaks); one number when every
# record has as many fields as the header
csv_shape() {
    LC_ALL=C awk 'BEGIN { RS = "\001" } {
        q = 0; f = 1; n = length($0)
        for (i = 1; i <= n; i++) {
            c = substr($0, i, 1)
            if (c == "\"") q = !q
            else if (!q && c == ",") f++
            else if (!q && c == "\n") { print f; f = 1 }
        } }' "$1" | sort -u | tr '\n' ' '
}
# mkrun DIR SUMMARY: a run directory by hand (collect reads its manifest and summary)
mkrun() {
    mkdir -p "$1"
    printf '{"nnlab_version": "0.1.0", "spec_sha256": "0", "status": "complete"}\n' > "$1/manifest.json"
    printf '%s\n' "$2" | LC_ALL=C sed "s/@FF@/$FF/g" > "$1/summary.json"
}
pwned() { find "$tmp" "$ROOT" -maxdepth 3 -name 'PWNED*' 2>/dev/null; }

# ---- 1. hostile strings reach the --plot script quoted, its files named safely ------------
# a summary key, a model label, a swept value and a point folder's name that each try a
# quote, a newline, system(), backquotes, $(), ]]> (an SVG's CDATA end), a trailing
# backslash (which would carry a # comment on into the next line) and a byte that is not UTF-8
key='q'"'"'\nsystem(\"touch PWNED1\")\n`touch PWNED2` $(touch PWNED3) ]]> @FF@ end\\'
col=$(printf 'analyses.x.q\047\nsystem("touch PWNED1")\n`touch PWNED2` $(touch PWNED3) ]]> \377 end\\')
long=$(printf 'L%.0s' $(seq 300))
point=$(printf 'p\047`touch PWNED4`$(touch PWNED5)\nq')
H="$tmp/hostile"
mkdir -p "$H"
cat > "$H/sweep.json" <<'EOF'
{"nnlab_version": "0.1.0", "n_points": 1, "points": [{"index": 0,
  "dir": "p'`touch PWNED4`$(touch PWNED5)\nq",
  "sets": ["description=d'\nsystem(\"touch PWNED6\")`touch PWNED7`]]>\\"], "status": "complete"}]}
EOF
mkrun "$H/$point" '{"models": [
  {"label": "m'"'"'\nsystem(\"touch PWNED8\")`touch PWNED9`]]>@FF@\\", "seed": 0, "final": {"loss": 0.5}},
  {"label": "plain", "seed": 0, "final": {"loss": 0.25}}],
 "analyses": {"x": {"'"$key"'": 1.5, "a b": 1, "a_b": 2, "'"$long"'": 3}}}'
cd "$tmp" || exit 1
timeout $T "$NNLAB" collect "$H" > "$tmp/h.csv" 2>"$tmp/err" && ok || no "collect a hostile sweep: $(cat "$tmp/err")"
expect_eq "$(csv_shape "$tmp/h.csv" | wc -w)" 1 "the hostile table's records all have the header's fields"
timeout $T "$NNLAB" collect "$H" --plot "$col" > /dev/null 2>"$tmp/err"; rc=$?
expect_eq "$rc" 0 "collect --plot by a hostile column's name: $(cat "$tmp/err")"
gp=$(ls "$H"/collect-analyses.x.q*.gp 2>/dev/null | head -1)
if [ -f "$gp" ]; then
    # outside its single-quoted strings (which gnuplot never expands) the script says nothing
    # of the hostile strings; no comment runs on into the next line
    unquoted() { LC_ALL=C sed "s/'[^']*'//g" "$gp" | grep 'system(\|`\|\$(\|^[^#]*PWNED'; }
    expect_eq "$(unquoted | wc -l)" 0 "hostile text outside the script's quoted strings: $(unquoted | head -3)"
    expect_eq "$(grep -c '^#.*\\$' "$gp")" 0 "a comment ending in a backslash"
    expect_eq "$(LC_ALL=C grep -c "$FF" "$gp")" 0 "bytes that are not UTF-8 in the script"
    grep -q "^set xlabel 'analyses.x.q.*end\\\\'$" "$gp" && ok || no "the x label, one quoted line: $(grep -A1 '^set xlabel' "$gp")"
    case $(basename "$gp") in
        collect-analyses.x.q_*-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].gp) ok ;;
        *) no "the script's name is not made safe: $(basename "$gp")" ;;
    esac
    expect_eq "$(csv_shape "${gp%.gp}.csv")" "2 " "the plot's table: group labels quoted"
else
    no "no script for the hostile column: $(ls "$H")"
fi
# a 300-byte name (a file name of over 255 bytes could not be written) and two names that
# differ only where they are made safe (they would share files)
for c in "analyses.x.$long" "analyses.x.a b" "analyses.x.a_b"; do
    timeout $T "$NNLAB" collect "$H" --plot "$c" > /dev/null 2>"$tmp/err" && ok \
        || no "collect --plot ${c%"${c#????????????????????}"}...: $(cat "$tmp/err")"
done
expect_eq "$(ls "$H" | grep -c '^collect-analyses\.x\.a_b.*\.csv$')" 2 "two columns, two tables: $(ls "$H" | grep 'a_b')"
if command -v "${NNLAB_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    expect_eq "$(ls "$H" | grep -c '^collect-.*\.png$')" 4 "every histogram drawn: $(ls "$H")"
fi
cd "$ROOT" || exit 1
expect_eq "$(pwned)" "" "a hostile string ran a command"

# ---- 2. big summaries in linear time --------------------------------------------------------
B="$tmp/big"
awk 'BEGIN { printf "{\"models\": [{\"label\": \"m\", \"seed\": 0, \"final\": {\"loss\": 1}}], ";
             printf "\"analyses\": {\"many\": {";
             for (i = 0; i < 60000; i++) printf "%s\"k%05d\": %d", (i ? ", " : ""), i, i;
             print "}}}" }' > "$tmp/keys.json"
mkrun "$B/keys" '{}' && mv "$tmp/keys.json" "$B/keys/summary.json"
awk 'BEGIN { printf "{\"models\": [";
             for (i = 0; i < 20000; i++) printf "%s{\"label\": \"m%05d\", \"seed\": %d, \"final\": {\"loss\": %d}}", (i ? ", " : ""), i, i, i;
             printf "], \"analyses\": {\"decision\": {\"shared\": 7";
             for (i = 0; i < 20000; i++) printf ", \"m%05d\": {\"error\": 0.5, \"wrong\": %d}", i, i;
             print "}}}" }' > "$tmp/models.json"
mkrun "$B/models" '{}' && mv "$tmp/models.json" "$B/models/summary.json"
timeout $T "$NNLAB" collect "$B/keys" > "$tmp/keys.csv" 2>"$tmp/err" && ok || no "collect 60,000 keys within ${T} s: $(cat "$tmp/err")"
expect_eq "$(head -1 "$tmp/keys.csv" | tr ',' '\n' | grep -c '^analyses\.many\.k')" 60000 "60,000 columns"
expect_eq "$(tail -1 "$tmp/keys.csv" | tr ',' '\n' | tail -1)" 59999 "the last key's value"
timeout $T "$NNLAB" collect "$B/models" > "$tmp/models.csv" 2>"$tmp/err" && ok || no "collect 20,000 models within ${T} s: $(cat "$tmp/err")"
expect_eq "$(($(wc -l < "$tmp/models.csv") - 1))" 20000 "a row per model"
# each row holds its own model's entry, and the study's shared one
expect_eq "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                     $c["model"] != sprintf("m%05d", $c["analyses.decision.wrong"]) || $c["analyses.decision.shared"] != 7 { bad++ }
                     END { print bad + 0 }' "$tmp/models.csv")" 0 "rows with another model's entries"
timeout $T "$NNLAB" collect "$B/models" --summary > "$tmp/ms.csv" 2>"$tmp/err" && ok || no "collect --summary of 20,000 models: $(cat "$tmp/err")"
timeout $T "$NNLAB" collect "$B/models" --format json > "$tmp/mj.json" 2>"$tmp/err" && ok || no "collect --format json of 20,000 models: $(cat "$tmp/err")"

# ---- 3. --out never replaces what nnlab keeps -------------------------------------------------
S="$tmp/sw"
SW="$NNLAB sweep experiments/init.json --set seed=0:2 --set train.max_epochs=5 --out $S --no-plots --quiet"
$SW || no "a small sweep"
P="$S/seed=0"
for f in "$S/sweep.json" "$P/manifest.json" "$P/summary.json" "$P/spec.json" "$P/data.csv" \
         "$P/relu-he/model.json" "$S/logs/seed=0.log"; do
    sum=$(md5sum < "$f")
    expect_exit 2 "$NNLAB" collect "$S" --out "$f"
    expect_eq "$(wc -l < "$tmp/err")" 1 "one line refusing --out $f: $(cat "$tmp/err")"
    expect_eq "$(md5sum < "$f")" "$sum" "--out replaced $f"
done
# names nnlab keeps though they are not there (yet): a point's folder, its files, the
# scripts --emit writes, a left-over .part that would block sweep.json, a file in a run
for f in "$S/seed=1" "$S/points.txt" "$S/sweep.json.part" "$S/logs/new.log" "$P/new.csv" "$P/relu-he/x.csv"; do
    rm -rf "$S/seed=1"
    expect_exit 2 "$NNLAB" collect "$S" --out "$f"
    [ ! -e "$f" ] && [ ! -e "$f.part" ] && ok || no "--out $f was written"
done
expect_exit 2 "$NNLAB" collect "$S" --out "$S/"
expect_exit 2 "$NNLAB" collect "$S" --out "$S/logs/../sweep.json"
# the sweep still resumes (its seed=1 point, removed above, runs again) ...
$SW && ok || no "the sweep no longer resumes"
expect_eq "$(grep -c '"status": "complete"' "$S/sweep.json")" 2 "sweep.json intact"
# ... and the user's own file beside it is written, and written again
expect_exit 0 "$NNLAB" collect "$S" --out "$S/table.csv"
expect_exit 0 "$NNLAB" collect "$S" --out "$S/table.csv"
expect_eq "$(($(wc -l < "$S/table.csv") - 1))" 4 "the table written beside the sweep"

# ---- 4. CSV headers quoted as RFC 4180 ------------------------------------------------------
mkrun "$tmp/hdr/r" '{"models": [{"label": "m", "seed": 0, "final": {"loss": 1}}],
  "analyses": {"x": {"a,b": 1, "q\"x": 2, "n\nl": 3}}}'
"$NNLAB" collect "$tmp/hdr" > "$tmp/hdr.csv" || no "collect odd column names"
expect_eq "$(csv_shape "$tmp/hdr.csv" | wc -w)" 1 "header and rows, field by field"
grep -q ',"analyses.x.a,b","analyses.x.q""x","analyses.x.n$' "$tmp/hdr.csv" && ok \
    || no "names quoted: $(head -2 "$tmp/hdr.csv")"
"$NNLAB" collect "$tmp/hdr" --summary > "$tmp/hdrs.csv" || no "collect --summary odd column names"
expect_eq "$(csv_shape "$tmp/hdrs.csv" | wc -w)" 1 "the summary's column field quoted"

# ---- 5 and 6. unreadable files are said so; a FIFO never blocks ------------------------------
# damaged copies of the sweep: each collect runs under timeout ($T s); 124 is a hang
S0="$tmp/sw0"              # a sweep of its own, untouched by the tests of --out above
"$NNLAB" sweep experiments/init.json --set seed=0:2 --set train.max_epochs=5 --out "$S0" --no-plots \
    --quiet || no "a second small sweep"
damaged() { # name: a fresh copy of that sweep in $tmp/name
    rm -rf "${tmp:?}/$1"
    cp -r "$S0" "$tmp/$1"
}
collect_in() { # dir [args]: collect, its status, stdout in $tmp/d.csv and stderr in $tmp/err
    timeout $T "$NNLAB" collect "$@" > "$tmp/d.csv" 2>"$tmp/err"; rc=$?
}
status_of() { # point: the status column of the point's rows
    awk -F, -v p="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                       index($1, p) { print $c["status"] }' "$tmp/d.csv" | sort -u | tr '\n' ' '
}
# a FIFO, a folder and a 300 MB (sparse) file as manifest.json
for kind in fifo dir big; do
    damaged "m$kind"
    M="$tmp/m$kind/seed=0/manifest.json"
    rm "$M"
    case $kind in
        fifo) mkfifo "$M" ;;
        dir) mkdir "$M" ;;
        big) truncate -s 300M "$M" ;;
    esac
    collect_in "$tmp/m$kind"
    expect_eq "$rc" 0 "collect with a $kind as a manifest: $(cat "$tmp/err")"
    expect_eq "$(status_of seed=0)" "unreadable " "a $kind manifest's rows"
    expect_eq "$(status_of seed=1)" "complete " "the other point's rows"
    expect_eq "$(wc -l < "$tmp/err")" 1 "one warning for the $kind manifest: $(cat "$tmp/err")"
    grep -q "^nnlab: $M: .*\(FIFO\|directory\|larger than\)" "$tmp/err" && ok || no "the $kind manifest's warning: $(cat "$tmp/err")"
done
# the run given itself
collect_in "$tmp/mfifo/seed=0"
expect_eq "$rc $(status_of seed=0)" "0 unreadable " "a run whose manifest is a FIFO: $(cat "$tmp/err")"
# a FIFO as summary.json: the point says complete, so its rows are incomplete
damaged sfifo
rm "$tmp/sfifo/seed=1/summary.json" && mkfifo "$tmp/sfifo/seed=1/summary.json"
collect_in "$tmp/sfifo"
expect_eq "$rc $(status_of seed=1)" "0 incomplete " "a FIFO as summary.json: $(cat "$tmp/err")"
grep -q "^nnlab: $tmp/sfifo/seed=1/summary.json: .*FIFO" "$tmp/err" && ok || no "the summary's warning: $(cat "$tmp/err")"
# a FIFO as spec.json: collect does not read it
damaged pfifo
rm "$tmp/pfifo/seed=0/spec.json" && mkfifo "$tmp/pfifo/seed=0/spec.json"
collect_in "$tmp/pfifo"
expect_eq "$rc $(status_of seed=0)" "0 complete " "a FIFO as spec.json"
# a FIFO as sweep.json, and one cut short: warned, naming it; the runs still collected, with
# their swept values read from the point folders' names
for kind in fifo cut; do
    damaged "w$kind"
    W="$tmp/w$kind/sweep.json"
    if [ $kind = fifo ]; then rm "$W" && mkfifo "$W"; else head -c 150 "$S0/sweep.json" > "$W"; fi
    collect_in "$tmp/w$kind"
    expect_eq "$rc" 0 "collect with a $kind sweep.json: $(cat "$tmp/err")"
    grep -q "^nnlab: $W.*: " "$tmp/err" && ok || no "the $kind sweep.json's warning: $(cat "$tmp/err")"
    expect_eq "$(head -1 "$tmp/d.csv" | cut -d, -f1-3)" "run,set.seed,status" "a $kind sweep.json's set.* columns"
    expect_eq "$(cut -d, -f2 "$tmp/d.csv" | sed 1d | tr '\n' ' ')" "0 0 1 1 " "a $kind sweep.json's points"
done
finish test_collect
