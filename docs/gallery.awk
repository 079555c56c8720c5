# gallery.awk: docs/gallery.md from docs/gallery.tsv (make figures runs it); see the .tsv.
BEGIN {
    FS = "\t"
    print "# Gallery"
    print ""
    print "Every study's figures, from the experiments in `experiments/`, as `make figures` draws"
    print "them (this page and `docs/figures/` are its output; edit `docs/gallery.tsv`). Each"
    print "comes with the command that draws it into `runs/<name>/`, beside its gnuplot script"
    print "and the tables it was drawn from; `--format png,svg,pdf` draws it in every format."
}
/^#/ || /^[ \t]*$/ { next }
/^== / { print ""; print "## " substr($0, 4); next }
/^-- / { print ""; print substr($0, 4); next }
NF == 6 {
    print ""
    print "![" $5 "](figures/" $3 ")"
    print ""
    line = $5 " Drawn by `" $4 "`."
    if ($6 != "-") line = line " The notebook's figure: " $6 "."
    print line
}
