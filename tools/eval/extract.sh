#!/usr/bin/env bash
# Article-body extraction on the DEV half of the article-extraction-benchmark:
# `newsflow extract --jsonl` over every DEV page, scored with the benchmark's
# shingle F1 by ../shared/eval/score_extraction.py. The published outputs of
# the peer extractors (trafilatura, Readability.js, readability-lxml, ...) are
# scored in the same run and printed beside ours.
#
#   tools/eval/extract.sh [--newsflow PATH] [--peers] [--check]
source "$(dirname "$0")/lib/common.bash"
eval_parse_args "$@"
eval_require_data article-extraction-benchmark

dataset="$DATA_DIR/article-extraction-benchmark"

# {"id","html"} lines from the gzipped DEV pages listed in ids.dev.txt.
"$EVAL_PY" - "$dataset" >"$EVAL_TMP/pages.jsonl" <<'PY'
import gzip, json, os, sys
folder = sys.argv[1]
with open(os.path.join(folder, "ids.dev.txt")) as f:
    ids = [line.strip() for line in f if line.strip()]
for page_id in ids:
    with gzip.open(os.path.join(folder, "html", page_id + ".html.gz"), "rb") as f:
        html = f.read().decode("utf-8", "replace")
    sys.stdout.write(json.dumps({"id": page_id, "html": html}) + "\n")
PY

"$NEWSFLOW_BIN" extract --jsonl <"$EVAL_TMP/pages.jsonl" >"$EVAL_TMP/extracted.jsonl"

# The scorer reads {"id","articleBody"}; a page that failed counts as empty.
"$EVAL_PY" - "$EVAL_TMP/extracted.jsonl" >"$EVAL_TMP/pred.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    for line in f:
        if not line.strip():
            continue
        out = json.loads(line)
        sys.stdout.write(json.dumps({"id": out.get("id"), "articleBody": out.get("text") or ""}) + "\n")
PY

# The peers' published outputs first (their table), then our row in the same
# columns, then our scorer report whose last line is the JSON summary.
"$EVAL_PY" "$EVAL_DIR/score_extraction.py" --peer all --bootstrap 0 "$dataset" \
  | sed '$d' >"$EVAL_TMP/peers.txt"
"$EVAL_PY" "$EVAL_DIR/score_extraction.py" "$EVAL_TMP/pred.jsonl" "$dataset" --name newsflow \
  >"$EVAL_TMP/report.txt"
summary=$(tail -n 1 "$EVAL_TMP/report.txt")
cat "$EVAL_TMP/peers.txt"
"$EVAL_PY" - "$summary" <<'PY'
import json, sys
m = json.loads(sys.argv[1])
print(f'{"newsflow":22} {"(this build)":12} {m["f1"]:6.3f} {m["precision"]:6.3f} {m["recall"]:6.3f} '
      f'{m["accuracy"]:6.3f}')
PY
echo
cat "$EVAL_TMP/report.txt"
eval_check_scores extract "$summary"
