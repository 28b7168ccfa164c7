#!/usr/bin/env bash
# Builds the untrusted-input parsers (feeds, pages) and their tests with
# AddressSanitizer + UBSan in build-asan/ and runs them; the fixture sweeps
# inside them read ../shared/data when it is present.
#
#   tools/sanitize.sh [BUILD_DIR]      # default: build-asan
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build-asan}"
jobs="${JOBS:-$(nproc)}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNEWSFLOW_SANITIZE=ON -DNEWSFLOW_BUILD_BENCH=OFF >/dev/null
ninja -C "$build_dir" -j "$jobs" newsflow_feed_test newsflow_extract_test
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$build_dir/tests/services/ingest/feed/newsflow_feed_test"
"$build_dir/tests/services/ingest/extract/newsflow_extract_test"
