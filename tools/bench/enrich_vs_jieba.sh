#!/usr/bin/env bash
# Chinese enrichment speed side by side with jieba, on the same text, in one
# run:
#   newsflow   the whole enrichment of each article (language, words, tags,
#              summary, key points, SimHash) in process, through
#              tests/bench/newsflow_enrich_throughput;
#   jieba      Debian's python3-jieba `jieba.analyse.extract_tags(text,
#              topK=10)` (keywords only) in process, dictionary and IDF table
#              loaded before timing.
# Both sides are timed in CPU time (user + system), which other jobs on a
# shared machine disturb far less than wall time: each run repeats passes
# over all texts until it has used --min-time seconds, after one warm-up
# pass, and the rates come from the median of --runs runs. A third row times
# `newsflow enrich --jsonl` as a process (start-up, JSON in and out
# included) for reference. Prints MB/s of UTF-8 input and the ratios, then
# one JSON summary line.
#
#   tools/bench/enrich_vs_jieba.sh [--newsflow PATH] [--throughput PATH]
#       [--runs N] [--min-time SECONDS]
#
# --throughput defaults to tests/bench/newsflow_enrich_throughput in the
# build directory of --newsflow (build/services/cli/newsflow by default).
# Text: the CSL DEV abstracts in ../shared/data (read at run time, never
# copied), or the Chinese sample feed's items when that data is absent.
set -euo pipefail

NEWSFLOW_BIN="build/services/cli/newsflow"
THROUGHPUT_BIN=""
RUNS=5
MIN_TIME=0.5
PY="${EVAL_PY:-/usr/bin/python3}"
DATA="${NEWSFLOW_SHARED:-../shared}/data/chinese-csl-keywords/chinese-csl-keywords.dev.jsonl.gz"
while [ $# -gt 0 ]; do
  case "$1" in
    --newsflow) NEWSFLOW_BIN="$2"; shift ;;
    --throughput) THROUGHPUT_BIN="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --min-time) MIN_TIME="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$THROUGHPUT_BIN" ]; then
  THROUGHPUT_BIN="$(dirname "$(dirname "$(dirname "$NEWSFLOW_BIN")")")/tests/bench/newsflow_enrich_throughput"
fi
if ! "$PY" -c 'import jieba' 2>/dev/null; then
  echo "skipped: $PY has no jieba (apt-get install python3-jieba)"
  exit 77
fi
[ -x "$NEWSFLOW_BIN" ] || { echo "newsflow binary not found at $NEWSFLOW_BIN" >&2; exit 2; }
[ -x "$THROUGHPUT_BIN" ] || { echo "newsflow_enrich_throughput not found at $THROUGHPUT_BIN" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$PY" - "$DATA" "samples/feeds/zh-keji.rss.xml" >"$TMP/in.jsonl" <<'PY'
import gzip, json, os, re, sys, html
data, feed = sys.argv[1], sys.argv[2]
texts = []
if os.path.exists(data):
    with gzip.open(data, 'rt', encoding='utf-8') as f:
        texts = [json.loads(line).get('text') or '' for line in f if line.strip()]
elif os.path.exists(feed):
    raw = open(feed, encoding='utf-8').read()
    for m in re.finditer(r'<description>(.*?)</description>', raw, re.S):
        t = html.unescape(re.sub(r'<!\[CDATA\[|\]\]>', '', m.group(1)))
        texts.append(re.sub(r'<[^>]+>', ' ', t).strip())
for i, t in enumerate(texts):
    if t:
        print(json.dumps({'id': str(i), 'title': '', 'text': t}, ensure_ascii=False))
PY
[ -s "$TMP/in.jsonl" ] || { echo "no Chinese text found" >&2; exit 2; }

"$THROUGHPUT_BIN" --max-tags 10 --runs "$RUNS" --min-time "$MIN_TIME" "$TMP/in.jsonl" >"$TMP/ours.json"

"$PY" - "$TMP/in.jsonl" "$TMP/ours.json" "$NEWSFLOW_BIN" "$RUNS" "$MIN_TIME" <<'PY'
import json, logging, resource, statistics, subprocess, sys, time
path, ours_path, newsflow, runs, min_time = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
texts = [json.loads(line)['text'] for line in open(path, encoding='utf-8')]
mb = sum(len(t.encode('utf-8')) for t in texts) / 1e6
ours = json.load(open(ours_path))
import jieba, jieba.analyse
jieba.setLogLevel(logging.WARNING)
jieba.initialize()

def one_pass():
    for t in texts:
        jieba.analyse.extract_tags(t, topK=10)

one_pass()  # warm-up: loads the IDF table
per_pass = []
for _ in range(runs):
    passes, c0 = 0, time.process_time()
    while True:
        one_pass()
        passes += 1
        elapsed = time.process_time() - c0
        if elapsed >= min_time:
            break
    per_pass.append(elapsed / passes)
jieba_s = statistics.median(per_pass)

# The CLI as a process, for reference: one run over the same JSONL.
payload = open(path, 'rb').read()
cli = []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([newsflow, 'enrich', '--jsonl', '--max-tags', '10'], input=payload,
                   stdout=subprocess.DEVNULL, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
cli_s = statistics.median(cli)
ours_s = ours['median_s']
docs = len(texts)
print(f'text: {docs} documents, {mb:.2f} MB of UTF-8 (CPU time, median of {runs} runs)')
print(f'newsflow whole enrichment, in process:            {mb / ours_s:7.2f} MB/s  ({docs / ours_s:9,.0f} docs/s)')
print(f'jieba.analyse.extract_tags (keywords only):       {mb / jieba_s:7.2f} MB/s  ({docs / jieba_s:9,.0f} docs/s)')
print(f'newsflow enrich --jsonl, one process per run:     {mb / cli_s:7.2f} MB/s  ({docs / cli_s:9,.0f} docs/s)')
print(f'ratio newsflow / jieba: {jieba_s / ours_s:.1f}x in process, {jieba_s / cli_s:.1f}x with process start and JSON')
print(json.dumps({'task': 'enrich_vs_jieba', 'docs': docs, 'mb': round(mb, 3), 'runs': runs,
                  'newsflow_cpu_s': round(ours_s, 6), 'jieba_cpu_s': round(jieba_s, 6),
                  'newsflow_cli_cpu_s': round(cli_s, 6),
                  'ratio_in_process': round(jieba_s / ours_s, 2), 'ratio_cli': round(jieba_s / cli_s, 2)}))
PY
