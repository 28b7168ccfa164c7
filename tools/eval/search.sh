#!/usr/bin/env bash
# Full-text search sanity check (known-item search) on the DEV halves: the
# BBC News articles (English) and the CSL abstracts (Chinese) are enriched
# and stored in a temporary database with `newsflow search --load`, then
# 100 BBC headlines and 100 CSL opening phrases are searched with
# `newsflow search`; the share whose article comes first is reported
# (tools/eval/lib/search_eval.py says how the queries are made).
#
#   tools/eval/search.sh [--newsflow PATH] [--check]
#
# The last line is one JSON object {"en": {...}, "zh": {...}}.
source "$(dirname "$0")/lib/common.bash"
eval_parse_args "$@"
eval_require_data summarization-bbc-news-summary chinese-csl-keywords

LIB="$(dirname "$0")/lib/search_eval.py"
"$EVAL_PY" "$LIB" input "$DATA_DIR" "$EVAL_TMP"
for lang in en zh; do
  t0=$(date +%s.%N)
  "$NEWSFLOW_BIN" --data-dir "$EVAL_TMP/$lang" search --load "$EVAL_TMP/$lang.load.jsonl"
  t1=$(date +%s.%N)
  n=$(wc -l <"$EVAL_TMP/$lang.load.jsonl")
  "$EVAL_PY" -c "import sys; n,a,b=map(float,sys.argv[1:]); print(f'$lang: loaded {n:.0f} articles in {b-a:.1f} s (enrich + store + index)')" "$n" "$t0" "$t1"
done
out=$("$EVAL_PY" "$LIB" run "$NEWSFLOW_BIN" "$EVAL_TMP" "$EVAL_TMP")
echo "$out"
eval_check_scores search "$(tail -n 1 <<<"$out")"
