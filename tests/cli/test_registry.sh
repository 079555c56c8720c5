#!/bin/sh
# The study registry as users see it: docs/spec.md's studies section is exactly what
# `nnlab list studies --markdown` prints from the registry; `nnlab list studies` names every
# study once; every study's summary appears in both.
. tests/cli/lib.sh
doc=$(awk '/^<!-- end of studies -->/ { on = 0 } on && !/^     tests\/cli/ { print } /^<!-- studies: generated/ { on = 1 }' docs/spec.md)
gen=$("$NNLAB" list studies --markdown)
if [ "$doc" = "$gen" ]; then ok; else
    no "docs/spec.md's studies section differs from nnlab list studies --markdown (regenerate it)"
    printf '%s\n' "$gen" > "$tmp/gen"; printf '%s\n' "$doc" > "$tmp/doc"; diff "$tmp/doc" "$tmp/gen" >&2 | head -20
fi
n=$("$NNLAB" list studies | grep -c '^  [a-z_0-9]\{2,\} ')
m=$(printf '%s\n' "$gen" | grep -c '^### `')
expect_eq "$n" "$m" "nnlab list studies and the docs list the same studies"
[ "$n" -ge 15 ] && ok || no "at least the 15 studies of the notebooks ($n)"
expect_exit 2 "$NNLAB" list studies --markdwon
finish test_registry
