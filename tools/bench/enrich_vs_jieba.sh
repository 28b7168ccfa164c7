#!/usr/bin/env bash
# Chinese keyword extraction speed, side by side on the same text:
# `newsflow enrich --jsonl` (whole enrichment: language, tags, summary, key
# points, SimHash) against Debian's python3-jieba `jieba.analyse.extract_tags`
# (keywords only, dictionary loaded before timing). Prints MB/s of UTF-8 input
# for both and their ratio.
#
#   tools/bench/enrich_vs_jieba.sh [--newsflow PATH] [--repeat N]
#
# Text: the CSL DEV abstracts in ../shared/data (read at run time, never
# copied), or the Chinese sample feed's items when that data is absent.
set -euo pipefail

NEWSFLOW_BIN="build/services/cli/newsflow"
REPEAT=4
PY="${EVAL_PY:-/usr/bin/python3}"
DATA="${NEWSFLOW_SHARED:-../shared}/data/chinese-csl-keywords/chinese-csl-keywords.dev.jsonl.gz"
while [ $# -gt 0 ]; do
  case "$1" in
    --newsflow) NEWSFLOW_BIN="$2"; shift ;;
    --repeat) REPEAT="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if ! "$PY" -c 'import jieba' 2>/dev/null; then
  echo "skipped: $PY has no jieba (apt-get install python3-jieba)"
  exit 77
fi
[ -x "$NEWSFLOW_BIN" ] || { echo "newsflow binary not found at $NEWSFLOW_BIN" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# One JSONL input, repeated REPEAT times so both sides run long enough.
"$PY" - "$DATA" "samples/feeds/zh-keji.rss.xml" "$REPEAT" >"$TMP/in.jsonl" <<'PY'
import gzip, json, os, re, sys, html
data, feed, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = []
if os.path.exists(data):
    with gzip.open(data, 'rt', encoding='utf-8') as f:
        texts = [json.loads(line).get('text') or '' for line in f if line.strip()]
elif os.path.exists(feed):
    raw = open(feed, encoding='utf-8').read()
    for m in re.finditer(r'<description>(.*?)</description>', raw, re.S):
        t = html.unescape(re.sub(r'<!\[CDATA\[|\]\]>', '', m.group(1)))
        texts.append(re.sub(r'<[^>]+>', ' ', t).strip())
for r in range(repeat):
    for i, t in enumerate(texts):
        if t:
            print(json.dumps({'id': f'{r}-{i}', 'title': '', 'text': t}, ensure_ascii=False))
PY
docs=$(wc -l <"$TMP/in.jsonl")
[ "$docs" -gt 0 ] || { echo "no Chinese text found" >&2; exit 2; }

start=$(date +%s.%N)
"$NEWSFLOW_BIN" enrich --jsonl --max-tags 10 <"$TMP/in.jsonl" >"$TMP/out.jsonl"
end=$(date +%s.%N)

"$PY" - "$TMP/in.jsonl" "$start" "$end" "$docs" <<'PY'
import json, logging, sys, time
path, start, end, docs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
texts = [json.loads(line)['text'] for line in open(path, encoding='utf-8')]
mb = sum(len(t.encode('utf-8')) for t in texts) / 1e6
import jieba, jieba.analyse
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
jieba.analyse.extract_tags(texts[0], topK=10)  # loads the IDF table
t0 = time.perf_counter()
for t in texts:
    jieba.analyse.extract_tags(t, topK=10)
jieba_s = time.perf_counter() - t0
ours_s = end - start
print(f'text: {docs} documents, {mb:.2f} MB of UTF-8')
print(f'newsflow enrich --jsonl (whole enrichment, incl. start-up and JSON): '
      f'{mb / ours_s:7.2f} MB/s  ({docs / ours_s:,.0f} docs/s)')
print(f'jieba.analyse.extract_tags (keywords only, warm):                 '
      f'{mb / jieba_s:7.2f} MB/s  ({docs / jieba_s:,.0f} docs/s)')
print(f'ratio newsflow / jieba: {jieba_s / ours_s:.1f}x')
PY
