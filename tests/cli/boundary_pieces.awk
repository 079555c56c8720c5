# boundary_pieces.awk: the boundary CSV's segments (two points, then a blank line): how many, and how many
# connected pieces they form (points joined when their coordinates are the same text)
function find(x) { while (p[x] != x) x = p[x]; return x }
BEGIN { FS = "," }
NR > 1 && NF == 2 { k = $1 "," $2; if (prev != "") { n++; a[n] = prev; b[n] = k; prev = "" } else prev = k; next }
{ prev = "" }
END {
    for (i = 1; i <= n; i++) { p[a[i]] = a[i]; p[b[i]] = b[i] }
    for (i = 1; i <= n; i++) { ra = find(a[i]); rb = find(b[i]); if (ra != rb) p[ra] = rb }
    for (x in p) if (find(x) == x) c++
    print n, c
}
