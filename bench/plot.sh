#!/bin/sh
# Plot eni-bench's JSON: new-flow classification throughput against rule
# count, libeni beside rte_acl (when the peer ran), as a PNG.
#   bench/plot.sh docs/bench-eval.json docs/bench-classify.png
# Needs gnuplot (Debian: gnuplot-nox) and python3.
set -eu
in=${1:-docs/bench-eval.json}
out=${2:-docs/bench-classify.png}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
python3 - "$in" > "$tmp" <<'PY'
import json, sys
rows = {}
for r in json.load(open(sys.argv[1])):
    s = r["scenario"]
    if s.startswith("classify_"):
        rows.setdefault(int(s.split("_")[1]), {})[r["metric"]] = r["value"]
for n in sorted(rows):
    m = rows[n]
    print(n, m.get("libeni_mpps", "NaN"), m.get("rte_acl_sse_mpps", "NaN"),
          m.get("rte_acl_avx2_mpps", "NaN"))
PY
gnuplot <<GP
set terminal pngcairo size 900,520 noenhanced
set output "$out"
set title "New-flow classification, one core (eni-bench, same rules and packets)"
set xlabel "security-group rules"
set ylabel "Mpps (higher is better)"
set logscale x
set xtics (10, 100, 1000, 5000)
set xrange [8:6500]
set yrange [0:*]
set grid
set key top right
plot "$tmp" using 1:2 with linespoints lw 2 title "libeni", \
     "$tmp" using 1:3 with linespoints lw 2 title "rte_acl (sse)", \
     "$tmp" using 1:4 with linespoints lw 2 dt 2 title "rte_acl (avx2)"
GP
echo "wrote $out"
