#!/bin/sh
# Every experiment draws every figure in every format (issue 13's acceptance): each run with
# --format png,svg,pdf (training shortened: the figures, not the numbers, are under test).
# Every figure script has its PNG, SVG and PDF beside it, each whole: the PNG ends with its
# IEND chunk, the SVG is well-formed XML (xmllint, from libxml2-utils), the PDF starts with
# %PDF- and ends with %%EOF; an animation's script has its GIF. Every PNG that is not a
# raster layer (*.layer.png) was drawn by gnuplot from a script beside it, in the house
# typeface; the library has no font of its own.
. tests/cli/lib.sh
if command -v xmllint >/dev/null 2>&1; then xml=1; else
    echo "test_figures: xmllint not found (apt-get install libxml2-utils): SVGs are not parsed" >&2; xml=0
fi
png_whole() { [ "$(od -An -c -N4 "$1" | tr -d ' ')" = '211PNG' ] &&
              [ "$(tail -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ]; }
pdf_whole() { [ "$(head -c 5 "$1")" = '%PDF-' ] && tail -c 32 "$1" | grep -q '%%EOF'; }
for spec in experiments/*.json; do
    name=$(basename "$spec" .json)
    out="$tmp/$name"
    # short runs; the alignment frames and the movie need a few recorded rows
    "$NNLAB" run "$spec" --out "$out" --quiet --format png,svg,pdf --set train.max_epochs=60 \
        >"$tmp/out" 2>"$tmp/err" || { no "$name: exit $? ($(head -c 300 "$tmp/err"))"; continue; }
    n=0
    for gp in "$out"/*.gp; do
        [ -e "$gp" ] || continue
        base=${gp%.gp}
        case $gp in
        *-gif.gp)
            gif=${base%-gif}.gif
            [ "$(head -c 6 "$gif" 2>/dev/null)" = GIF89a ] && ok || no "$name: $(basename "$gif") missing"
            continue ;;
        esac
        n=$((n + 1))
        png_whole "$base.png" && ok || no "$name: $(basename "$base").png missing or not whole"
        pdf_whole "$base.pdf" && ok || no "$name: $(basename "$base").pdf missing or not a PDF"
        if [ -s "$base.svg" ] && tail -c 16 "$base.svg" | grep -q '</svg>'; then
            if [ $xml = 1 ]; then
                xmllint --noout "$base.svg" 2>"$tmp/x" && ok || no "$name: $(basename "$base").svg is not well-formed: $(head -c 200 "$tmp/x")"
            else ok; fi
        else no "$name: $(basename "$base").svg missing or not whole"; fi
        grep -q "DejaVu Sans" "$gp" && ok || no "$name: $(basename "$gp") does not use the house typeface"
    done
    [ $n -gt 0 ] && ok || no "$name: no figure"
    for png in "$out"/*.png; do
        case $png in *.layer.png) continue ;; esac
        [ -f "${png%.png}.gp" ] && ok || no "$name: $(basename "$png") has no gnuplot script"
    done
done
# the same spec and seed give the same bytes, figures included: cairo stamps a PDF with the
# time it was drawn, which nnlab sets to 1970 (two runs a second apart)
for k in 1 2; do
    "$NNLAB" run experiments/init.json --out "$tmp/same$k" --quiet --format png,svg,pdf \
        --set train.max_epochs=30 || no "run $k for the same bytes"
    [ $k = 1 ] && sleep 1.1
done
for f in "$tmp/same1"/*; do
    b=$(basename "$f")
    [ -f "$f" ] && [ "$b" != manifest.json ] || continue
    cmp -s "$f" "$tmp/same2/$b" && ok || no "$b differs between two runs of one spec"
done
grep -q 'CreationDate (D:19700101000000' "$tmp/same1/curves.pdf" && ok || no "the PDF's date stamp"
# the bitmap font is gone: no glyph table, no text on a raster canvas
if nm "$(dirname "$TESTBIN")/libnnlab.a" 2>/dev/null | grep -q 'nn_canvas_text\|glyphs'; then
    no "libnnlab.a still draws text of its own"
else ok; fi
# no `set terminal` outside the figure layer
if grep -rn "set term" src | grep -v '^src/figure/' >"$tmp/t"; then
    no "set terminal outside src/figure: $(head -3 "$tmp/t")"
else ok; fi
# the gallery: docs/gallery.md is what docs/gallery.tsv makes, and every figure the gallery
# and the README show is in docs/figures (make figures refreshes them)
awk -f docs/gallery.awk docs/gallery.tsv | cmp -s - docs/gallery.md && ok || no "docs/gallery.md is stale (make figures)"
for f in $(grep -o '(figures/[^)]*)' docs/gallery.md | tr -d '()'; grep -o '(docs/figures/[^)]*)' README.md | tr -d '()' | sed 's|^docs/||'); do
    [ -s "docs/$f" ] && ok || no "docs/$f, shown in the gallery or the README, is missing"
done
finish test_figures
