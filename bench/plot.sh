#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# Plot eni-bench's JSON (eni-bench --json FILE). OUT.png holds the overview:
# the classifier by rule shape at the largest rule count (libeni's Mpps per
# shape and measure, and its ratio to the DPDK composite when the peer ran),
# the first format's classification against rule count when the file has it,
# then every other scenario's Mpps figures and its microsecond figures. Each
# rule shape also gets a chart of its own, OUT-SHAPE.png beside OUT.png
# (bench-eval-mix.png...): Mpps against rule count for dropped, new and
# established packets, libeni beside the composite and rte_acl alone. Only
# series that have data are drawn; a scenario with neither kind of figure is
# named on stderr.
#
#   bench/plot.sh [--print] [IN.json [OUT.png]]
#
# IN.json defaults to docs/bench-eval.json beside this script; OUT.png to
# bench-eval.png in the current directory (never the committed charts: name
# docs/bench-classify.png to refresh those). --print writes the gnuplot script
# to stdout instead of running gnuplot. Needs python3 and gnuplot (Debian:
# gnuplot-nox; GNUPLOT=/path/to/gnuplot picks another); without gnuplot it
# says so and exits 77 (skipped). Usage errors exit 2.
set -eu
me=$0
usage() {
  echo "usage: $me [--print] [IN.json [OUT.png]]"
  echo "  IN.json   eni-bench --json output (default: docs/bench-eval.json beside $me)"
  echo "  OUT.png   the overview chart (default: ./bench-eval.png); one chart per"
  echo "            rule shape goes beside it as OUT-SHAPE.png"
  echo "  --print   write the gnuplot script to stdout, run nothing"
}
print=false
case ${1-} in
  -h|--help) usage; exit 0 ;;
  --print) print=true; shift ;;
  --) shift ;;
  -?*) echo "$me: unknown option '$1'" >&2; usage >&2; exit 2 ;;
esac
if [ $# -gt 2 ]; then
  usage >&2
  exit 2
fi
in=${1:-$(dirname "$0")/../docs/bench-eval.json}
out=${2:-bench-eval.png}
gnuplot=${GNUPLOT:-gnuplot}

if ! command -v python3 >/dev/null 2>&1; then
  echo "$me: python3 not found; nothing plotted (skipped)" >&2
  exit 77
fi
# a usage error is one with or without gnuplot
if [ ! -r "$in" ] || [ -d "$in" ]; then
  echo "$me: cannot read '$in'" >&2
  exit 2
fi
if ! $print && ! command -v "$gnuplot" >/dev/null 2>&1; then
  echo "$me: gnuplot not found ('$gnuplot'; Debian: apt-get install gnuplot-nox); nothing plotted (skipped)" >&2
  exit 77
fi

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.outs"' EXIT
python3 - "$in" "$out" "$me" "$tmp.outs" > "$tmp" <<'PY'
import json, math, os, re, sys

src, out, me, outs_file = sys.argv[1:5]

def fail(msg):
    sys.stderr.write("%s: %s\n" % (me, msg))
    sys.exit(2)

try:
    with open(src) as f:
        doc = json.load(f)
except (OSError, ValueError) as e:
    fail("%s: not eni-bench JSON (%s)" % (src, e))
# {"meta": {...}, "results": [...]}, or the bare list of the first format
meta = doc.get("meta", {}) if isinstance(doc, dict) else {}
rows = doc.get("results") if isinstance(doc, dict) else doc
if not isinstance(rows, list) or not all(
        isinstance(r, dict) and {"scenario", "metric", "value"} <= r.keys() for r in rows):
    fail("%s: not eni-bench JSON (no list of scenario/metric/value records)" % src)

def q(s):
    """A gnuplot string literal (a newline stays one: gnuplot reads \\n in double quotes)."""
    return '"%s"' % str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
drawn = set()
outputs = [out]

# 1. the first format's classification: classify_<rules>, Mpps against rules
series_titles = {"libeni_mpps": "libeni", "rte_acl_sse_mpps": "rte_acl (sse)",
                 "rte_acl_avx2_mpps": "rte_acl (avx2)"}
classify = {}   # rules -> metric -> value
for r in rows:
    s = r["scenario"]
    if not re.fullmatch(r"classify_\d+", s) or not r["metric"].endswith("_mpps") or not num(r["value"]):
        continue
    classify.setdefault(int(r.get("rules", s.split("_", 1)[1])), {})[r["metric"]] = r["value"]
    drawn.add(s)
metrics = [m for m in series_titles if any(m in v for v in classify.values())]
metrics += sorted({m for v in classify.values() for m in v} - set(metrics))

# 2. the classifier by rule shape: shape -> rules -> (measure, metric) -> value;
# the shape's other records (verdict_mismatches, peer_skipped) are its checks
MEASURES = ("drop", "new", "established", "drop_after_churn")
SERIES = (("libeni_mpps", "libeni", 1), ("peer_mpps", "DPDK composite", 2),
          ("rte_acl_mpps", "rte_acl alone", 3))
shapes, checks = {}, {}
for r in rows:
    sh = r.get("shape")
    if not isinstance(sh, str) or not num(r["value"]):
        continue
    drawn.add(r["scenario"])
    shapes.setdefault(sh, {})
    if r.get("measure") in MEASURES and num(r.get("rules")):
        shapes[sh].setdefault(int(r["rules"]), {})[(r["measure"], r["metric"])] = r["value"]
    else:
        checks.setdefault(sh, {}).setdefault(r["metric"], []).append(r["value"])
shapes = {sh: d for sh, d in shapes.items() if d}
top = max((n for d in shapes.values() for n in d), default=None)
overview = [(sh, shapes[sh][top]) for sh in shapes if top in shapes[sh]]
ratios = [(sh, v) for sh, v in overview if any((m, "ratio_vs_peer") in v for m in MEASURES)]

# 3. and 4.: every other scenario's Mpps figures, then its microseconds
def bars(pred):
    out_rows = []
    for r in rows:
        if not r["scenario"].startswith("classify_") and pred(r["metric"]) and num(r["value"]):
            m = r["metric"][:-5] if r["metric"].endswith("_mpps") else r["metric"]
            label = r["scenario"] if m in ("libeni", "microseconds") else "%s: %s" % (r["scenario"], m)
            out_rows.append((label, r["value"]))
            drawn.add(r["scenario"])
    return out_rows
mpps = bars(lambda m: m.endswith("_mpps"))
usec = bars(lambda m: m == "microseconds")

skipped = [s for s in scenarios if s not in drawn]
if skipped:
    sys.stderr.write("%s: not plotted (no Mpps or microsecond figure): %s\n"
                     % (me, ", ".join(skipped)))
panels = (1 if metrics else 0) + (1 if overview else 0) + (1 if ratios else 0) \
    + (1 if mpps else 0) + (1 if usec else 0)
if not panels:
    sys.stderr.write("%s: %s: no figures to plot\n" % (me, src))
    sys.exit(1)

p = print
about = ", ".join(str(x) for x in (
    meta.get("git_commit") and "commit %s" % meta["git_commit"],
    meta.get("cpu_model"),
    meta.get("cpus") and "%s CPUs" % meta["cpus"],
    meta.get("repetitions") and "medians of %s" % meta["repetitions"],
    meta.get("date")) if x)
p("set terminal pngcairo size 1000,%d noenhanced" % (60 + 440 * panels))
p("set output %s" % q(out))
p("set multiplot layout %d,1 title %s" % (panels, q("eni-bench" + (": " + about if about else ""))))
p("set grid")
p("set yrange [0:*]")
if metrics:
    xs = sorted(classify)
    p("$classify << EOD")
    for n in xs:
        p(" ".join([str(n)] + [repr(float(classify[n][m])) if m in classify[n] else "NaN"
                               for m in metrics]))
    p("EOD")
    p("set title %s" % q("New-flow classification, one core (same rules and packets)"))
    p("set xlabel %s" % q("security-group rules"))
    p("set ylabel %s" % q("Mpps (higher is better)"))
    p("set logscale x")
    p("set xtics (%s)" % ", ".join(str(n) for n in xs))
    p("set xrange [%g:%g]" % (xs[0] / 1.3, xs[-1] * 1.3))
    p("set key top right")
    p("plot " + ", \\\n     ".join(
        "$classify using 1:%d with linespoints lw 2%s title %s"
        % (i + 2, " dt 2" if "avx2" in m else "", q(series_titles.get(m, m)))
        for i, m in enumerate(metrics)))
    p("unset logscale x")
    p("set xrange [*:*]")

def clustered(name, data, metric, title, ylabel):
    """One bar per measure for each shape (gnuplot's clustered histogram);
    a measure no shape has is left out (gnuplot refuses a column of NaN)."""
    ms = [m for m in MEASURES if any((m, metric) in v for _, v in data)]
    p("$%s << EOD" % name)
    for sh, v in data:
        p(" ".join([q(sh)] + [repr(float(v[(m, metric)])) if (m, metric) in v else "NaN"
                              for m in ms]))
    p("EOD")
    p("set title %s" % q(title))
    p("unset xlabel")
    p("set ylabel %s" % q(ylabel))
    p("set xtics rotate by -25 left")
    p("set xrange [*:*]")
    p("set style data histograms")
    p("set style histogram clustered gap 1")
    p("set style fill solid 0.6")
    p("set key top right")
    p("plot " + ", ".join("$%s using %d%s title %s" % (name, i + 2, ":xtic(1)" if i == 0 else "", q(m))
                          for i, m in enumerate(ms)))
    p("set style data points")

if overview:
    clustered("shapes", overview, "libeni_mpps",
              "libeni by rule shape, %d rules: Mpps, one core (eni_eval_burst)" % top,
              "Mpps (higher is better)")
if ratios:
    clustered("ratios", ratios, "ratio_vs_peer",
              "libeni against the DPDK composite, %d rules (above 1: libeni faster)" % top,
              "composite time / libeni time")
for name, data, title, ylabel in (
        ("mpps", mpps, "Throughput of the other scenarios", "Mpps (higher is better)"),
        ("usec", usec, "Rule-change publication", "microseconds (lower is better)")):
    if not data:
        continue
    p("$%s << EOD" % name)
    for label, v in data:
        p("%s %r" % (q(label), float(v)))
    p("EOD")
    p("set title %s" % q(title))
    p("unset xlabel")
    p("set ylabel %s" % q(ylabel))
    p("set xtics rotate by -25 left")
    p("set xrange [-0.6:%g]" % (len(data) - 0.4))
    p("set rmargin 16")
    p("set offsets 0, 0, graph 0.12, 0")
    p("set style fill solid 0.6")
    p("set boxwidth 0.6")
    p("unset key")
    p("plot $%s using 0:2:xtic(1) with boxes, '' using 0:2:(sprintf('%%.1f', $2)) "
      "with labels offset 0,0.8" % name)
p("unset multiplot")

# 5. one chart per shape, beside OUT.png
stem = out[:-4] if out.endswith(".png") else out
for i, (sh, data) in enumerate(shapes.items()):
    cols = [(m, metric, title, dt, k) for k, m in enumerate(MEASURES)
            for metric, title, dt in SERIES if any((m, metric) in v for v in data.values())]
    if not cols:
        continue
    xs = sorted(data)
    name = "shape%d" % i
    path = "%s-%s.png" % (stem, re.sub(r"[^A-Za-z0-9_-]", "_", sh))
    outputs.append(path)
    mism = checks.get(sh, {}).get("verdict_mismatches")
    verdicts = ("\nverdicts checked against the peer's: %d mismatches" % sum(mism)) if mism else ""
    if checks.get(sh, {}).get("peer_skipped"):
        verdicts += "\nthe peer was skipped at some sizes"
    p("reset")
    p("set terminal pngcairo size 1100,640 noenhanced")
    p("set output %s" % q(path))
    p("$%s << EOD" % name)
    for n in xs:
        p(" ".join([str(n)] + [repr(float(data[n][(m, metric)])) if (m, metric) in data[n] else "NaN"
                               for m, metric, _, _, _ in cols]))
    p("EOD")
    p("set title %s" % q("Rule shape %s: Mpps on one core, same rules and packets%s\n%s"
                         % (sh, verdicts, about)))
    p("set grid")
    p("set yrange [0:*]")
    p("set xlabel %s" % q("rules (their cost toward the rules-per-group quota)"))
    p("set ylabel %s" % q("Mpps (higher is better)"))
    p("set logscale x")
    p("set xtics (%s)" % ", ".join(str(n) for n in xs))
    p("set xrange [%g:%g]" % (xs[0] / 1.5, xs[-1] * 1.5))
    p("set key below vertical maxrows 4 font \",9\"")
    p("plot " + ", \\\n     ".join(
        "$%s using 1:%d with linespoints lw 2 lc %d dt %d title %s"
        % (name, j + 2, k + 1, dt, q("%s: %s" % (m, title)))
        for j, (m, metric, title, dt, k) in enumerate(cols)))

with open(outs_file, "w") as f:
    f.write("".join(o + "\n" for o in outputs))
PY

if $print; then
  cat "$tmp"
else
  "$gnuplot" "$tmp"
  while IFS= read -r f; do echo "wrote $f"; done < "$tmp.outs"
fi
