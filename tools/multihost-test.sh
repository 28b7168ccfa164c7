#!/usr/bin/env bash
# The pipeline across five simulated hosts (network namespaces: ingest,
# store, three enrich workers), CurveZMQ on every link between them; see
# tests/integration/multihost_test.cc. Builds the test and the daemons, then
# runs every phase: the links alone, clean links, slow and lossy links
# (50 ms, 2% per direction of each link), and a worker cut off and restored
# mid-run. Each phase prints its articles, lost, duplicated and time.
#
#   tools/multihost-test.sh [ARTICLES]     # articles per phase, default 5000
#
# Needs root and network namespaces (it exits 77, skipped, otherwise).
# Nothing outlives the run: the hosts exist only in namespaces of the test
# process. BUILD_DIR (default build) must be configured already
# (tools/setup.sh does it); the same phases run in ctest under label
# multihost.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}" --target newsflow_multihost_test
[ -n "${1:-}" ] && export NEWSFLOW_MULTIHOST_ARTICLES="$1"
exec "$build_dir/tests/integration/newsflow_multihost_test"
