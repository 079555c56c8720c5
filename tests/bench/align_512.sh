#!/bin/sh
# Aligning two nets with three hidden layers of width 512 (issue 4: under a second).
#   sh tests/bench/align_512.sh
# Makes two such nets (one epoch of training each, seeds 1 and 2), then times nnlab distance
# with the notebook's alignment and with weight matching, the median of 5 runs each.
NNLAB=${NNLAB:-./nnlab}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/wide.json" <<'SPEC'
{ "name": "wide", "seeds": [1, 2], "data": { "generator": "disk_ring" },
  "train": { "optimizer": "asgd", "lr": 0.1, "max_epochs": 1 },
  "models": [ { "label": "w", "hidden": [512, 512, 512], "bias": true } ], "studies": [] }
SPEC
"$NNLAB" run "$tmp/wide.json" --out "$tmp/run" --quiet --no-plots || exit 1
for method in notebook weight-matching; do
    : > "$tmp/t"
    for r in 1 2 3 4 5; do
        s=$(date +%s.%N)
        "$NNLAB" distance "$tmp/run/w-s1" "$tmp/run/w-s2" --method $method > "$tmp/out.json" || exit 1
        e=$(date +%s.%N)
        echo "$e - $s" | bc -l >> "$tmp/t"
    done
    printf '%-16s %.3f s (median of 5, model loading included)\n' "$method" "$(sort -g "$tmp/t" | sed -n 3p)"
done
