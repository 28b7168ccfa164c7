#!/usr/bin/env bash
# Well-formedness of tags on the DEV halves, beside the F1 scores of
# tools/eval/enrich.sh: English news (KPCrowd), long English news (BBC, no
# keyphrase labels) and Chinese abstracts (CSL).
#
#   tools/eval/tags.sh [--newsflow PATH] [--check]
#
# Each set runs through `newsflow enrich --jsonl`; tools/eval/lib/tag_wellformedness.py
# judges the top 5 tags of every article against references that are not
# newsflow's own: jieba's segmentation and word classes for Chinese (fragments
# that cut a word, function words or verbs at an edge), WordNet for English
# (words with no noun or adjective sense, pieces of longer names). It prints
# the rates per set, 20 sample articles with their tags and marks, and ends
# with a one-line JSON summary. --check compares the rates with
# tools/eval/baselines/tags.json (levels with "max": lower is better).
source "$(dirname "$0")/lib/common.bash"
eval_parse_args "$@"
eval_require_data keyphrase-500N-KPCrowd chinese-csl-keywords summarization-bbc-news-summary
if ! "$EVAL_PY" -c 'import jieba' 2>/dev/null || [ ! -f "${WNSEARCHDIR:-/usr/share/wordnet}/index.noun" ]; then
  echo "skipped: python3-jieba or WordNet (wordnet-base) is absent"
  exit 77
fi

LIB="$(dirname "$0")/lib"
specs=()
for s in kpcrowd:en bbc:en csl:zh; do
  name=${s%%:*}
  "$EVAL_PY" "$LIB/enrich_eval.py" input "$name" "$DATA_DIR" "$EVAL_TMP/$name.in.jsonl"
  "$NEWSFLOW_BIN" enrich --jsonl --max-tags 10 <"$EVAL_TMP/$name.in.jsonl" >"$EVAL_TMP/$name.out.jsonl"
  specs+=("$name:${s#*:}:$EVAL_TMP/$name.in.jsonl:$EVAL_TMP/$name.out.jsonl")
done

out=$("$EVAL_PY" "$LIB/tag_wellformedness.py" "${specs[@]}" --samples 20 --top 5)
summary=$(tail -n 1 <<<"$out")
printf '%s\n\n' "$(sed '$d' <<<"$out")"
status=0
eval_check_scores tags "$summary" || status=1
echo "$summary"
exit "$status"
