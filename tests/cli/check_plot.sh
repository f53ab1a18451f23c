#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# bench/plot.sh: usage errors exit 2, a missing gnuplot is said and exits 77,
# only series with data are plotted, every scenario of the JSON is plotted,
# every rule shape gets its chart, the first format is still read, and the
# default output is in the current directory, never docs/.
#   check_plot.sh PLOT_SH BENCH_EVAL_JSON
. "$(dirname "$0")/lib.sh"
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
plot=$(abs "$1") committed=$(abs "$2")
if ! command -v python3 >/dev/null 2>&1; then
  echo "1..0 # SKIP python3 is missing"
  exit 0
fi

expect 0 out '^usage: .*plot[.]sh \[--print\] \[IN[.]json \[OUT[.]png\]\]' -- sh "$plot" --help
expect 2 err "unknown option '--bogus'" -- sh "$plot" --bogus
expect 2 err '^usage:' -- sh "$plot" a.json b.png c
expect 2 err "cannot read '$cli_tmp/none[.]json'" -- sh "$plot" "$cli_tmp/none.json"
echo '{"not": "a bench"}' > "$cli_tmp/bad.json"
expect 2 err 'not eni-bench JSON' -- sh "$plot" --print "$cli_tmp/bad.json"
expect 77 err 'gnuplot not found' -- env GNUPLOT=/nonexistent/gnuplot sh "$plot" "$committed" "$cli_tmp/x.png"

# the committed JSON: every scenario drawn, and a chart for every rule shape
expect 0 out '^set output "bench-eval[.]png"$' -- sh "$plot" --print "$committed"
lacks err 'not plotted' 'every scenario of the committed JSON is plotted'
for s in established_1m threads churn mix_90_10 frames publish_1000 publish_1000_15_interfaces; do
  has out "^\"$s[\":]" "$s is plotted"
done
for s in tcpudp mix icmp all groupref prefixlist acl; do
  for f in "$s" "v6-$s"; do
    has out "^set output \"bench-eval-$f[.]png\"\$" "rule shape $f has its chart"
  done
done
has out '^set xtics \(10, 100, 1000\)$' 'the shapes are drawn against their rule counts'
has out 'title "new: DPDK composite"' 'the peer is plotted'
has out "verdicts checked against the peer's: 0 mismatches" 'the cross-check is in the title'
has out 'title "libeni against the DPDK composite, 1000 rules' 'the overview has the ratios'

# the first format (a bare list) is still read
cat > "$cli_tmp/first.json" <<'JSON'
[
  {"scenario": "classify_10", "metric": "libeni_mpps", "value": 190.0},
  {"scenario": "classify_10", "metric": "rte_acl_avx2_mpps", "value": 49.0},
  {"scenario": "classify_5000", "metric": "libeni_mpps", "value": 60.0},
  {"scenario": "classify_5000", "metric": "rte_acl_avx2_mpps", "value": 48.0},
  {"scenario": "established_1m", "metric": "libeni_mpps", "value": 40.0},
  {"scenario": "publish_1000", "metric": "microseconds", "value": 550.0}
]
JSON
expect 0 out '^set xtics \(10, 5000\)$' -- sh "$plot" --print "$cli_tmp/first.json"
has out 'title "rte_acl \(avx2\)"' 'the first format: the peer is plotted'
has out '^"publish_1000" 550[.]0$' 'the first format: publish_1000 is plotted'
lacks out 'set output "bench-eval-' 'the first format: no shape charts'

# without the peer: no rte_acl or rte_hash entries; rule counts from the data
cat > "$cli_tmp/nopeer.json" <<'JSON'
{"meta": {"git_commit": "abc1234", "cpu_model": "Test CPU", "cpus": 2, "repetitions": 1,
          "date": "2026-01-01T00:00:00Z"},
 "results": [
  {"scenario": "classify_10", "metric": "libeni_mpps", "value": 100.0, "rules": 10},
  {"scenario": "classify_20000", "metric": "libeni_mpps", "value": 20.0, "rules": 20000},
  {"scenario": "established_100k", "metric": "libeni_mpps", "value": 30.0, "flows": 100000},
  {"scenario": "established_100k", "metric": "bytes_per_ipv4_flow", "value": 51.0, "flows": 100000},
  {"scenario": "threads", "metric": "scaling", "value": 2.0, "flows": 100000},
  {"scenario": "classify_mix_drop", "metric": "libeni_mpps", "value": 20.0, "shape": "mix", "measure": "drop", "rules": 10},
  {"scenario": "classify_mix_new", "metric": "libeni_mpps", "value": 15.0, "shape": "mix", "measure": "new", "rules": 10},
  {"scenario": "classify_mix_new", "metric": "libeni_mpps", "value": 12.0, "shape": "mix", "measure": "new", "rules": 100}
 ]}
JSON
expect 0 out '^set xtics \(10, 20000\)$' -- sh "$plot" --print "$cli_tmp/nopeer.json"
lacks out 'rte_acl|rte_hash|DPDK|mismatches' 'no legend entry without data'
has out '^set output "bench-eval-mix[.]png"$' 'a shape without the peer has its chart'
has out '^10 20[.]0 15[.]0$' 'a measure missing at a rule count is drawn where it has data'
has out '^100 NaN 12[.]0$' 'a missing figure is NaN'
has out '^"established_100k" 30[.]0$' 'established_100k is plotted'
has out 'commit abc1234, Test CPU, 2 CPUs, medians of 1' 'the metadata is in the title'
has err 'not plotted .*: threads$' 'a scenario with nothing to plot is named'

# a real chart, by default in the current directory
if command -v "${GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
  docs_png=$(dirname "$committed")/bench-classify.png
  before=$(cksum < "$docs_png" 2>/dev/null)
  mkdir "$cli_tmp/cwd"
  expect 0 out '^wrote bench-eval[.]png$' -- sh -c 'cd "$1" && sh "$2" "$3"' sh "$cli_tmp/cwd" "$plot" "$committed"
  has out '^wrote bench-eval-v6-acl[.]png$' 'the shape charts are written beside it'
  expect 0 out PNG -- head -c 8 "$cli_tmp/cwd/bench-eval.png"
  expect 0 out PNG -- head -c 8 "$cli_tmp/cwd/bench-eval-groupref.png"
  expect 0 out "^wrote $cli_tmp/np[.]png\$" -- sh "$plot" "$cli_tmp/nopeer.json" "$cli_tmp/np.png"
  expect 0 out PNG -- head -c 8 "$cli_tmp/np.png"
  after=$(cksum < "$docs_png" 2>/dev/null)
  if [ "$before" = "$after" ]; then cli_result ok 'the committed chart is left alone'
  else cli_result no 'the committed chart is left alone' 'it changed'; fi
else
  skip 'plot.sh draws a PNG' 'gnuplot is missing (Debian: gnuplot-nox)'
fi
finish
