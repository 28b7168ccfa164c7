#!/usr/bin/env bash
# Feed parsing conformance: runs `newsflow parse-feed --format=feedparser --batch`
# over the DEV half of feedparser's test fixtures (../shared/data/feedparser-tests)
# and scores each fixture's Expect expression with ../shared/eval/score_feeds.py.
# Prints the pass rate per folder (rss, atom10, sanitize, ...) and per suite
# (wellformed, illformed, entities, encoding).
#
#   tools/eval/feeds.sh [--newsflow PATH] [--peers] [--check]
#
# --peers also scores Python's feedparser (Debian python3-feedparser) through the
# reference adapter in the same run. --check compares our summary with
# tools/eval/baselines/feeds.json.
source "$(dirname "$0")/lib/common.bash"
eval_parse_args "$@"
eval_require_data feedparser-tests

DATASET="$DATA_DIR/feedparser-tests"

suite_table() {  # prints "suite run pass rate" rows from a summary line
  "$EVAL_PY" - "$1" <<'PY'
import json, sys
s = json.loads(sys.argv[1])
print("%-28s %5s %5s %7s" % ("suite", "run", "pass", "rate"))
for name, d in s["by_suite"].items():
    print("%-28s %5d %5d %7.3f" % (name, d["run"], d["passed"], d["pass_rate"] or 0))
print("%-28s %5d %5d %7.3f" % ("ALL", s["run"], s["passed"], s["pass_rate"] or 0))
PY
}

if [ "$EVAL_PEERS" -eq 1 ]; then
  if "$EVAL_PY" -c 'import feedparser' 2>/dev/null; then
    echo "== peer: Python feedparser (reference adapter)"
    "$EVAL_PY" "$EVAL_DIR/score_feeds.py" "$DATASET" --name feedparser-python --show-failures 10 \
      --batch-cmd "$EVAL_PY $EVAL_DIR/adapters/feedparser_json.py --batch" > "$EVAL_TMP/peer.txt"
    head -n -1 "$EVAL_TMP/peer.txt"
    suite_table "$(tail -n 1 "$EVAL_TMP/peer.txt")"
    echo
  else
    echo "== peer: Python feedparser not installed (apt-get install python3-feedparser); skipped"
  fi
fi

echo "== newsflow parse-feed --format=feedparser"
"$EVAL_PY" "$EVAL_DIR/score_feeds.py" "$DATASET" --name newsflow --show-failures 30 \
  --batch-cmd "$NEWSFLOW_BIN parse-feed --format=feedparser --batch" > "$EVAL_TMP/ours.txt"
head -n -1 "$EVAL_TMP/ours.txt"
summary=$(tail -n 1 "$EVAL_TMP/ours.txt")
suite_table "$summary"
rc=0
eval_check_scores feeds "$summary" || rc=$?
echo "$summary"
exit "$rc"
