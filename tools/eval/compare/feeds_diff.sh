#!/usr/bin/env bash
# Compares the feedparser-shaped output (`parse-feed --format=feedparser`) of
# two newsflow binaries fixture by fixture over the DEV half of feedparser's
# test fixtures, e.g. a build of main against the working tree's, to see
# what a change to the parser or the formatter does beyond the pass rate.
# Prints how many fixtures give identical JSON, the differing key paths by
# frequency (list indexes folded to [*]) and the first differences of a few
# fixtures.
#
# The last line also counts the fixtures that differ only in the text of
# bozo_exception.message (free text: the two parsers word their errors
# differently; feedparser's Expect lines test the exception's type).
#
#   tools/eval/compare/feeds_diff.sh --a OLD_NEWSFLOW [--newsflow NEW_NEWSFLOW]
#                                    [--only SUBSTRING] [--show N]
source "$(dirname "$0")/../lib/common.bash"
ONLY=""
SHOW=10
BIN_A=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY="$2"; shift ;;
    --show) SHOW="$2"; shift ;;
    --a) BIN_A="$2"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
eval_parse_args "${args[@]+"${args[@]}"}"
eval_require_data feedparser-tests
if [ -z "$BIN_A" ] || [ ! -x "$BIN_A" ]; then
  echo "feeds_diff.sh: --a must name the newsflow binary to compare against" >&2
  exit 2
fi

"$EVAL_PY" - "$EVAL_DIR" "$DATA_DIR/feedparser-tests" "$EVAL_TMP" "$BIN_A" "$NEWSFLOW_BIN" \
    "$ONLY" "$SHOW" <<'PY'
import collections, json, os, re, sys
eval_dir, dataset, tmp, bin_a, bin_b, only, show = sys.argv[1:]
sys.path.insert(0, eval_dir)
import score_feeds
from evallib import read_jsonl, resolve_dataset

exp_file, split = resolve_dataset(dataset, None, patterns=('expectations.{split}.jsonl.gz',))
expectations = read_jsonl(exp_file)
if only:
    expectations = [e for e in expectations if only in e['path']]
root = os.path.join(tmp, 'fixtures')
os.makedirs(root)
score_feeds.safe_extract(os.path.join(os.path.dirname(exp_file), f'feedparser-tests.{split}.tar.gz'), root)
reqs = score_feeds.build_requests(expectations, root, tmp)
a = score_feeds.run_batch(f'{bin_a} parse-feed --format=feedparser --batch', reqs, 1800)
b = score_feeds.run_batch(f'{bin_b} parse-feed --format=feedparser --batch', reqs, 1800)

def diffs(x, y, path, out):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            p = f'{path}.{k}'
            if k not in x:
                out.append((p, 'only in B', None, y[k]))
            elif k not in y:
                out.append((p, 'only in A', x[k], None))
            else:
                diffs(x[k], y[k], p, out)
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            out.append((path, f'length {len(x)} != {len(y)}', x, y))
        for i, (u, v) in enumerate(zip(x, y)):
            diffs(u, v, f'{path}[{i}]', out)
    elif x != y:
        out.append((path, 'value', x, y))

same = 0
only_messages = 0
by_path = collections.Counter()
shown = 0
differing = []
for r in reqs:
    (ra, ea), (rb, eb) = a[r['id']], b[r['id']]
    out = []
    diffs({'result': ra, 'error': ea}, {'result': rb, 'error': eb}, '', out)
    if not out:
        same += 1
        continue
    differing.append(r['path'])
    if all(p == '.result.bozo_exception.message' for p, _, _, _ in out):
        only_messages += 1
    keys = set()
    for p, kind, _, _ in out:
        keys.add((re.sub(r'\[\d+\]', '[*]', p), kind if kind in ('only in A', 'only in B', 'value') else 'length'))
    for k in keys:
        by_path[k] += 1
    if shown < int(show):
        shown += 1
        print(f'--- {r["path"]}')
        for p, kind, x, y in out[:6]:
            print(f'  {p}: {kind}: A={json.dumps(x, ensure_ascii=False)[:160]} B={json.dumps(y, ensure_ascii=False)[:160]}')
print()
print('differing key paths (fixtures):')
for (p, kind), n in by_path.most_common(60):
    print(f'  {n:5d}  {p}  ({kind})')
print()
print(json.dumps({'fixtures': len(reqs), 'identical': same, 'differing': len(reqs) - same,
                  'differing_only_in_exception_message': only_messages,
                  'a': bin_a, 'b': bin_b}))
PY
