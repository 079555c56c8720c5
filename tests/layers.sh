#!/bin/sh
# The layers of src/ (src/LAYERS): every object of a folder may use symbols defined in the
# folders its line names and no other. Reads the objects of $BUILD (default build/release)
# with nm; prints each forbidden use (object, symbol, the folder defining it) and exits 1.
BUILD=${BUILD:-build/release}
[ -d "$BUILD/src" ] || { echo "layers: no objects under $BUILD/src (run make first)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# folder<TAB>symbol for every external definition, object<TAB>symbol for every use
for o in "$BUILD"/src/*/*.o; do
    f=$(basename "$(dirname "$o")")
    nm "$o" | awk -v f="$f" -v o="${o#"$BUILD"/}" '
        NF == 3 && $2 ~ /^[TDBRVWC]$/ { print f "\t" $3 > "/dev/stderr" }
        NF == 2 && $1 == "U" { print o "\t" $2 }' 2>>"$tmp/defs" >>"$tmp/uses"
done
awk -F'\t' '
    FILENAME == ARGV[1] {               # src/LAYERS: "folder: uses ... # what it holds"
        sub(/#.*/, "")
        if ($0 !~ /:/) next
        split($0, a, ":"); folder = a[1]
        n = split(a[2], w, /[ \t]+/)
        known[folder] = 1
        for (i = 1; i <= n; i++)
            if (w[i] != "" && w[i] != "-") allow[folder, w[i]] = 1
        next
    }
    FILENAME == ARGV[2] { def[$2] = $1; next }
    {
        split($1, p, "/"); from = p[2]; to = def[$2]
        if (!(from in known)) { print "layers: src/" from " is not in src/LAYERS"; bad = 1; known[from] = 1 }
        if (to != "" && to != from && !((from, to) in allow)) {
            print "layers: " $1 " uses " $2 " from src/" to " (src/LAYERS: " from " may not use " to ")"
            bad = 1
        }
    }
    END { exit bad }' src/LAYERS "$tmp/defs" "$tmp/uses"
