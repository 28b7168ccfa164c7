#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ (CI compiles with g++,
# which has no libFuzzer) and runs each for a bounded time: the page
# extractor, the feed parser, the envelope codec, OPML import and the store's
# query path.
#
#   tools/fuzz.sh [SECONDS] [BUILD_DIR] [TARGET...]   # defaults: 60 s each, build-fuzz, all
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build_dir="${2:-build-fuzz}"
shift $(( $# < 2 ? $# : 2 ))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(extract feed envelope opml query)
jobs="${NEWSFLOW_JOBS:-1}"

if ! command -v clang++ >/dev/null; then
  echo "skipped: clang++ is not installed"
  exit 77
fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DNEWSFLOW_BUILD_BENCH=OFF -DNEWSFLOW_FUZZ_SECONDS="$seconds" >/dev/null
ninja -C "$build_dir" -j"$jobs" $(printf "newsflow_%s_fuzz " "${targets[@]}")
for target in "${targets[@]}"; do
  corpus=$(mktemp -d)
  echo "== newsflow_${target}_fuzz, ${seconds} s"
  "$build_dir/tests/fuzz/newsflow_${target}_fuzz" "$corpus" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
  rm -rf "$corpus"
done
