#!/usr/bin/env bash
# Article extraction speed, newsflow against its peers, in one run on the same
# pages (the DEV half of ../shared/data/article-extraction-benchmark):
#   - newsflow:          `newsflow extract --jsonl`, pinned to one core when
#                        taskset is available; wall time of the whole command
#                        (process start, JSON in and out included)
#   - readability-lxml:  ../shared/eval/baselines/extract_readability_lxml.py
#                        (Debian's python3-readability), its own timed loop
#   - Readability.js:    ../shared/eval/js/readability_extract.js with jsdom,
#                        installed with npm into a writable copy of that folder
# Each is run 3 times and the median is reported (the peers time only their
# extraction loop over pages already in memory, which favours them). A peer
# that is not available is skipped with a note.
#
#   tools/bench/extract_vs_peers.sh [--newsflow PATH] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/../.."

NEWSFLOW_BIN="build/services/cli/newsflow"
RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --newsflow) NEWSFLOW_BIN="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

PY="${EVAL_PY:-/usr/bin/python3}"
SHARED_DIR="${NEWSFLOW_SHARED:-../shared}"
DATASET="$SHARED_DIR/data/article-extraction-benchmark"
JS_DIR="${NEWSFLOW_READABILITY_JS_DIR:-${TMPDIR:-/tmp}/newsflow-readability-js}"
if [ ! -d "$DATASET" ]; then
  echo "skipped: $DATASET is absent"
  exit 77
fi
if [ ! -x "$NEWSFLOW_BIN" ]; then
  echo "newsflow binary not found at $NEWSFLOW_BIN (build first, or pass --newsflow)" >&2
  exit 2
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$PY" - "$DATASET" "$TMP/pages.jsonl" >"$TMP/size" <<'PY'
import gzip, json, os, sys
folder, out = sys.argv[1], sys.argv[2]
ids = [l.strip() for l in open(os.path.join(folder, "ids.dev.txt")) if l.strip()]
total = 0
with open(out, "w") as f:
    for i in ids:
        html = gzip.open(os.path.join(folder, "html", i + ".html.gz")).read().decode("utf-8", "replace")
        total += len(html.encode("utf-8"))
        f.write(json.dumps({"id": i, "html": html}) + "\n")
print(len(ids), total)
PY
read -r PAGES BYTES <"$TMP/size"

# name pages_per_s mb_per_s, one line per system that ran
: >"$TMP/results"

pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s.%N)
  "${pin[@]}" "$NEWSFLOW_BIN" extract --jsonl <"$TMP/pages.jsonl" >"$TMP/newsflow.jsonl"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "newsflow $(echo "$PAGES / $median" | bc -l) $(echo "$BYTES / 1000000 / $median" | bc -l)" >>"$TMP/results"

if "$PY" -c 'import readability, lxml' 2>/dev/null; then
  "$PY" "$SHARED_DIR/eval/baselines/extract_readability_lxml.py" "$DATASET" "$TMP/lxml.jsonl" \
    --runs "$RUNS" >"$TMP/lxml.log" 2>&1 || true
  "$PY" - "$TMP/lxml.log" >>"$TMP/results" <<'PY' || echo "note: readability-lxml failed" >&2
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("readability-lxml", s["pages_per_s"], s["mb_per_s"])
PY
else
  echo "note: readability-lxml skipped (apt-get install python3-readability)"
fi

if command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -d "$JS_DIR/node_modules/jsdom" ]; then
    mkdir -p "$JS_DIR"
    cp "$SHARED_DIR/eval/js/package.json" "$SHARED_DIR/eval/js/readability_extract.js" "$JS_DIR/"
    npm install --prefix "$JS_DIR" --no-audit --no-fund >"$TMP/npm.log" 2>&1 ||
      echo "note: npm install failed, see $TMP/npm.log" >&2
  fi
  if [ -d "$JS_DIR/node_modules/jsdom" ]; then
    node "$JS_DIR/readability_extract.js" "$DATASET" dev "$TMP/js.jsonl" "$RUNS" \
      >"$TMP/js.log" 2>/dev/null || true
    "$PY" - "$TMP/js.log" >>"$TMP/results" <<'PY' || echo "note: Readability.js failed" >&2
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("readability.js+jsdom", s["pages_per_s"], s["mb_per_s"])
PY
  else
    echo "note: Readability.js skipped (jsdom not installed)"
  fi
else
  echo "note: Readability.js skipped (node/npm absent)"
fi

"$PY" - "$TMP/results" "$PAGES" "$BYTES" <<'PY'
import json, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
pages, nbytes = int(sys.argv[2]), int(sys.argv[3])
speed = {r[0]: (float(r[1]), float(r[2])) for r in rows}
print(f"{pages} pages, {nbytes / 1e6:.1f} MB (DEV half of article-extraction-benchmark)")
print(f'{"system":22} {"pages/s":>9} {"MB/s":>8} {"newsflow is":>12}')
ours = speed.get("newsflow", (0, 0))[0]
for name, (pps, mbs) in speed.items():
    ratio = "" if name == "newsflow" or pps == 0 else f"{ours / pps:10.1f}x"
    print(f"{name:22} {pps:9.1f} {mbs:8.2f} {ratio:>12}")
summary = {"pages": pages, "bytes": nbytes,
           **{name: {"pages_per_s": round(p, 2), "mb_per_s": round(m, 3)} for name, (p, m) in speed.items()}}
for name, (pps, _) in speed.items():
    if name != "newsflow" and pps > 0:
        summary[f"ratio_vs_{name}"] = round(ours / pps, 2)
print(json.dumps(summary))
PY
