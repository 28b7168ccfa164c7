# Shared by tools/eval/*.sh (sourced, not run). Parses the common flags, finds
# the evaluation data and Debian's Python, and checks scores against
# tools/eval/baselines/<name>.json.
#
#   source "$(dirname "$0")/lib/common.bash"
#   eval_parse_args "$@"
#   eval_require_data keyphrase-inspec
#   summary=$(... scorer ... | tail -n 1)
#   eval_check_scores enrich_inspec "$summary"

set -euo pipefail

EVAL_CHECK=0
EVAL_PEERS=0
NEWSFLOW_BIN="build/services/cli/newsflow"
EVAL_PY="${EVAL_PY:-/usr/bin/python3}"
SHARED_DIR="${NEWSFLOW_SHARED:-../shared}"
EVAL_DIR="$SHARED_DIR/eval"
DATA_DIR="$SHARED_DIR/data"
EVAL_TMP=""

eval_parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --check) EVAL_CHECK=1 ;;
      --peers) EVAL_PEERS=1 ;;
      --newsflow) NEWSFLOW_BIN="$2"; shift ;;
      *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
  done
  EVAL_TMP=$(mktemp -d)
  trap 'rm -rf "$EVAL_TMP"' EXIT
}

# Exits 77 (skipped) unless the data set, the scorers and Debian's Python
# with NLTK are all present.
eval_require_data() {
  local set
  for set in "$@"; do
    if [ ! -d "$DATA_DIR/$set" ]; then
      echo "skipped: $DATA_DIR/$set is absent"
      exit 77
    fi
  done
  if [ ! -d "$EVAL_DIR" ] || [ ! -x "$EVAL_PY" ] || ! "$EVAL_PY" -c 'import nltk' 2>/dev/null; then
    echo "skipped: the scorers in $EVAL_DIR or $EVAL_PY with python3-nltk are absent"
    exit 77
  fi
  if [ ! -x "$NEWSFLOW_BIN" ]; then
    echo "newsflow binary not found at $NEWSFLOW_BIN (build first, or pass --newsflow)" >&2
    exit 2
  fi
}

# eval_check_scores NAME SUMMARY_JSON: with --check, compares every metric
# listed in tools/eval/baselines/NAME.json ({"metric.path": {"min": x,
# "tolerance": t}}, a dotted path into the scorer's summary) with the summary
# and fails on a drop below min - tolerance; a level with "max" instead (a
# rate where lower is better) fails on a rise above max + tolerance.
eval_check_scores() {
  local name="$1" summary="$2"
  [ "$EVAL_CHECK" -eq 1 ] || return 0
  "$EVAL_PY" - "$name" "$summary" "$(dirname "${BASH_SOURCE[0]}")/../baselines/$name.json" <<'PY'
import json, os, sys
name, summary, baseline_path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
levels = json.load(open(baseline_path)) if os.path.exists(baseline_path) else {}
if not levels:
    print(f"check {name}: no recorded levels")
    sys.exit(0)
failed = False
for path, level in levels.items():
    value = summary
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if "max" in level:
        bound = level["max"] + level.get("tolerance", 0.0)
        ok = isinstance(value, (int, float)) and value <= bound
        told = f"recorded {level['max']}, ceiling {bound:.4f}"
    else:
        bound = level["min"] - level.get("tolerance", 0.0)
        ok = isinstance(value, (int, float)) and value >= bound
        told = f"recorded {level['min']}, floor {bound:.4f}"
    failed |= not ok
    print(f"check {name} {path}: {value} ({told}) {'ok' if ok else 'REGRESSION'}")
sys.exit(1 if failed else 0)
PY
}
