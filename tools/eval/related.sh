#!/usr/bin/env bash
# Related-articles check on the DEV half of the BBC News articles: they are
# enriched and stored in a temporary database with `newsflow search --load`
# (as search.sh does), every article's top 5 related articles are computed
# with `newsflow related --all`, and the share of them in the article's own
# BBC category is reported, with the near-duplicates listed as related
# (which should be none). tools/eval/lib/related_eval.py says how.
#
#   tools/eval/related.sh [--newsflow PATH] [--check]
#
# The last line is one JSON object {"en": {...}}.
source "$(dirname "$0")/lib/common.bash"
eval_parse_args "$@"
eval_require_data summarization-bbc-news-summary

LIB="$(dirname "$0")/lib/related_eval.py"
"$EVAL_PY" "$LIB" input "$DATA_DIR" "$EVAL_TMP"
"$NEWSFLOW_BIN" --data-dir "$EVAL_TMP/en" search --load "$EVAL_TMP/en.load.jsonl"
"$NEWSFLOW_BIN" --data-dir "$EVAL_TMP/en" related --all --limit 5 >"$EVAL_TMP/en.related.jsonl"
out=$("$EVAL_PY" "$LIB" score "$DATA_DIR" "$EVAL_TMP/en.related.jsonl")
echo "$out"
eval_check_scores related "$(tail -n 1 <<<"$out")"
