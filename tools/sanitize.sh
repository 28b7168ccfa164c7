#!/usr/bin/env bash
# Sanitizer builds.
#
#   tools/sanitize.sh [BUILD_DIR]          # default: build-asan
#   tools/sanitize.sh asan [BUILD_DIR]     # the same
#   tools/sanitize.sh tsan [BUILD_DIR]     # default: build-tsan
#
# asan: builds the untrusted-input parsers (feeds, pages) and their tests with
# AddressSanitizer + UBSan and runs them; the fixture sweeps inside them read
# ../shared/data when it is present.
#
# tsan: builds the daemons, the integration tests and the unit tests of the
# threaded parts (service group, ingest service, outbox, store service,
# enrich service) with clang's ThreadSanitizer and runs them; any data race
# fails the run (halt_on_error). libzmq, RocksDB and libcurl are not
# instrumented; tools/tsan.supp names the few reports inside them that are
# not newsflow's.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=asan
case "${1:-}" in
  asan|tsan) mode="$1"; shift ;;
esac
jobs="${JOBS:-$(nproc)}"

if [ "$mode" = asan ]; then
  build_dir="${1:-build-asan}"
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNEWSFLOW_SANITIZE=ON -DNEWSFLOW_BUILD_BENCH=OFF >/dev/null
  ninja -C "$build_dir" -j "$jobs" newsflow_feed_test newsflow_extract_test
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  "$build_dir/tests/services/ingest/feed/newsflow_feed_test"
  "$build_dir/tests/services/ingest/extract/newsflow_extract_test"
  exit 0
fi

build_dir="${1:-build-tsan}"
if ! command -v clang++ >/dev/null; then
  echo "skipped: clang++ is not installed"
  exit 77
fi
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# -O1 keeps the instrumented tests fast enough while the stacks stay readable.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DNEWSFLOW_SANITIZE_THREAD=ON -DNEWSFLOW_BUILD_BENCH=OFF >/dev/null
ninja -C "$build_dir" -j "$jobs" newsflow-store newsflow-ingest newsflow-enrich newsflow \
  newsflow_integration_test newsflow_common_test newsflow_ingest_test newsflow_store_test \
  newsflow_enrich_service_test
# The daemons the integration tests start inherit TSAN_OPTIONS: a race in any
# of them makes it exit with 66, which the tests see as a failed daemon; its
# report is in the daemon's log, which a failing test keeps.
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tools/tsan.supp"
"$build_dir/tests/common/newsflow_common_test" \
  --gtest_filter='ServiceGroup*:BlockStopSignals*:SignalWatcher*:Counters*:Logging*:Hangup*:RequestClient*:ZmqSocket*:BadInputReporter*:-*DeathTest*'
"$build_dir/tests/services/ingest/newsflow_ingest_test" --gtest_filter='IngestService*:Outbox*'
"$build_dir/tests/services/store/newsflow_store_test" \
  --gtest_filter='StoreService*:StoreTermCounts*:StreamSubscriber*'
"$build_dir/tests/services/enrich/newsflow_enrich_service_test"
ctest --test-dir "$build_dir" -L integration -LE chaos --output-on-failure -j 1
