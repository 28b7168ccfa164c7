#!/usr/bin/env bash
# Enrichment quality on the DEV halves: keyphrases (KPCrowd news, Inspec
# abstracts, CSL Chinese abstracts) and extractive summaries (BBC News).
#
#   tools/eval/enrich.sh [--newsflow PATH] [--peers] [--check]
#
# Each set is converted to newsflow's JSONL input, run through
# `newsflow enrich --jsonl`, converted back to the scorer's prediction format
# and scored by ../shared/eval. Summaries are scored at 3 sentences and at
# k = the reference's sentence count (the documents are grouped by k and
# each group is run with --summary-sentences k). Key points of the BBC run
# are measured too (length, and the share that repeat the summary or the
# title, lean on another sentence or cut a quotation), with a few samples.
# --peers also runs the
# reference baselines of ../shared/eval/baselines on the same data and prints
# their rows beside ours. The last line is one JSON object holding every
# scorer summary of our runs, keyed by check name.
source "$(dirname "$0")/lib/common.bash"
eval_parse_args "$@"
eval_require_data keyphrase-500N-KPCrowd keyphrase-inspec chinese-csl-keywords \
  summarization-bbc-news-summary

LIB="$(dirname "$0")/lib/enrich_eval.py"
ROWS="$EVAL_TMP/rows.tsv"
: >"$ROWS"
declare -A SUMMARY

now() { date +%s.%N; }
rate() {  # rate DOCS START END -> docs/s
  "$EVAL_PY" -c "import sys; n,a,b=map(float,sys.argv[1:]); print(f'{n/max(b-a,1e-9):.0f}')" "$@"
}

# score_kp SETNAME DATA SYSTEM PRED SPEED: scores keyphrases, records a row,
# prints the report; the summary goes to $LAST.
score_kp() {
  local out
  out=$("$EVAL_PY" "$EVAL_DIR/score_keyphrases.py" "$4" "$DATA_DIR/$2" --name "$3" 2>/dev/null)
  LAST=$(tail -n 1 <<<"$out")
  printf '%s\t%s\t%s\t%s\n' "$1" "$3" "$LAST" "$5" >>"$ROWS"
}

score_sum() {
  local out
  out=$("$EVAL_PY" "$EVAL_DIR/score_summaries.py" "$4" "$DATA_DIR/$2" --name "$3" 2>/dev/null)
  LAST=$(tail -n 1 <<<"$out")
  printf '%s\t%s\t%s\t%s\n' "$1" "$3" "$LAST" "$5" >>"$ROWS"
}

# Our keyphrases on one set.
run_kp() {  # run_kp NAME SETDIR
  local name="$1" set="$2" in="$EVAL_TMP/$1.in.jsonl" out="$EVAL_TMP/$1.out.jsonl"
  "$EVAL_PY" "$LIB" input "$name" "$DATA_DIR" "$in"
  local n t0 t1
  n=$(wc -l <"$in")
  t0=$(now)
  "$NEWSFLOW_BIN" enrich --jsonl --max-tags 10 <"$in" >"$out"
  t1=$(now)
  "$EVAL_PY" "$LIB" predictions keyphrases "$EVAL_TMP/$name.pred.jsonl" "$out"
  score_kp "$name" "$set" "newsflow enrich" "$EVAL_TMP/$name.pred.jsonl" "$(rate "$n" "$t0" "$t1")"
  SUMMARY[$name]="$LAST"
}

run_kp kpcrowd keyphrase-500N-KPCrowd
run_kp inspec keyphrase-inspec
run_kp csl chinese-csl-keywords

# Our summaries: 3 sentences, then k = reference sentence count.
BBC=summarization-bbc-news-summary
"$EVAL_PY" "$LIB" input bbc "$DATA_DIR" "$EVAL_TMP/bbc.in.jsonl"
n=$(wc -l <"$EVAL_TMP/bbc.in.jsonl")
t0=$(now)
"$NEWSFLOW_BIN" enrich --jsonl --max-tags 10 --summary-sentences 3 <"$EVAL_TMP/bbc.in.jsonl" \
  >"$EVAL_TMP/bbc.out.jsonl"
t1=$(now)
"$EVAL_PY" "$LIB" predictions summary "$EVAL_TMP/bbc.pred.jsonl" "$EVAL_TMP/bbc.out.jsonl"
score_sum bbc-3 "$BBC" "newsflow enrich (3 sentences)" "$EVAL_TMP/bbc.pred.jsonl" "$(rate "$n" "$t0" "$t1")"
SUMMARY[bbc]="$LAST"

"$EVAL_PY" "$LIB" key-points "$EVAL_TMP/bbc.in.jsonl" "$EVAL_TMP/bbc.out.jsonl" 3 >"$EVAL_TMP/kp.txt"
SUMMARY[key_points]=$(tail -n 1 "$EVAL_TMP/kp.txt")

"$EVAL_PY" "$LIB" bbc-budgets "$DATA_DIR" "$EVAL_DIR" "$EVAL_TMP/bbck"
for f in "$EVAL_TMP"/bbck/k*.jsonl; do
  k=$(basename "$f" .jsonl)
  k=${k#k}
  [ "$k" -le 50 ] || k=50  # the CLI's upper bound
  "$NEWSFLOW_BIN" enrich --jsonl --max-tags 10 --summary-sentences "$k" <"$f" >"$f.out"
done
"$EVAL_PY" "$LIB" predictions summary "$EVAL_TMP/bbck.pred.jsonl" "$EVAL_TMP"/bbck/*.out
score_sum bbc-k "$BBC" "newsflow enrich (k sentences)" "$EVAL_TMP/bbck.pred.jsonl" "-"
SUMMARY[bbc_k]="$LAST"

# The ceiling of any 3-sentence extract: 3 of the reference's own sentences
# (the references hold ~8, so sentence recall, and F1, stay well below 1).
"$EVAL_PY" "$LIB" bbc-ceiling "$DATA_DIR" "$EVAL_DIR" "$EVAL_TMP/bbc.ceiling.jsonl"
score_sum bbc-3 "$BBC" "ceiling: 3 reference sentences" "$EVAL_TMP/bbc.ceiling.jsonl" "-"

if [ "$EVAL_PEERS" -eq 1 ]; then
  B="$EVAL_DIR/baselines"
  peer() {  # peer SCRIPT METHOD SETDIR OUT -> docs/s of the baseline (own timing)
    "$EVAL_PY" "$B/$1" --method "$2" --runs 1 "$DATA_DIR/$3" "$4" | tail -n 1 |
      "$EVAL_PY" -c "import json,sys; print(f\"{json.load(sys.stdin)['docs_per_s']:.0f}\")"
  }
  for m in tfidf textrank; do
    for s in kpcrowd:keyphrase-500N-KPCrowd inspec:keyphrase-inspec; do
      p="$EVAL_TMP/peer.${s%%:*}.$m.jsonl"
      speed=$(peer keyphrases_en.py "$m" "${s#*:}" "$p")
      score_kp "${s%%:*}" "${s#*:}" "$m (baselines)" "$p" "$speed"
    done
    p="$EVAL_TMP/peer.csl.$m.jsonl"
    speed=$(peer keyphrases_zh.py "$m" chinese-csl-keywords "$p")
    score_kp csl chinese-csl-keywords "jieba $m" "$p" "$speed"
  done
  for m in lead3 textrank3; do
    p="$EVAL_TMP/peer.bbc.$m.jsonl"
    speed=$(peer summarize.py "$m" "$BBC" "$p")
    score_sum bbc-3 "$BBC" "$m (baselines)" "$p" "$speed"
  done
  for m in leadk textrankk; do
    p="$EVAL_TMP/peer.bbc.$m.jsonl"
    speed=$(peer summarize.py "$m" "$BBC" "$p")
    score_sum bbc-k "$BBC" "$m (baselines)" "$p" "$speed"
  done
fi

# Rows sorted by set so that peers sit beside ours.
sort -s -t $'\t' -k1,1 "$ROWS" >"$ROWS.sorted"
"$EVAL_PY" "$LIB" table "$ROWS.sorted"
echo
echo "key points (BBC DEV, beside 3-sentence summaries)"
cat "$EVAL_TMP/kp.txt"
echo

status=0
eval_check_scores enrich_kpcrowd "${SUMMARY[kpcrowd]}" || status=1
eval_check_scores enrich_inspec "${SUMMARY[inspec]}" || status=1
eval_check_scores enrich_csl "${SUMMARY[csl]}" || status=1
eval_check_scores enrich_bbc "${SUMMARY[bbc]}" || status=1

"$EVAL_PY" -c '
import json, sys
names = sys.argv[1::2]
print(json.dumps({n: json.loads(s) for n, s in zip(names, sys.argv[2::2])}, separators=(",", ":")))
' enrich_kpcrowd "${SUMMARY[kpcrowd]}" enrich_inspec "${SUMMARY[inspec]}" enrich_csl "${SUMMARY[csl]}" \
  enrich_bbc "${SUMMARY[bbc]}" enrich_bbc_k "${SUMMARY[bbc_k]}" enrich_key_points "${SUMMARY[key_points]}"
exit "$status"
