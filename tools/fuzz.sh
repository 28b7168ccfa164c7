#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ (CI compiles with g++,
# which has no libFuzzer) and runs each for a bounded time.
#
#   tools/fuzz.sh [SECONDS] [BUILD_DIR]      # defaults: 60, build-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build_dir="${2:-build-fuzz}"
jobs="${NEWSFLOW_JOBS:-1}"

if ! command -v clang++ >/dev/null; then
  echo "skipped: clang++ is not installed"
  exit 77
fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DNEWSFLOW_BUILD_BENCH=OFF -DNEWSFLOW_FUZZ_SECONDS="$seconds" >/dev/null
ninja -C "$build_dir" -j"$jobs" newsflow_extract_fuzz newsflow_feed_fuzz
for target in extract feed; do
  corpus=$(mktemp -d)
  echo "== newsflow_${target}_fuzz, ${seconds} s"
  "$build_dir/tests/fuzz/newsflow_${target}_fuzz" "$corpus" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
  rm -rf "$corpus"
done
