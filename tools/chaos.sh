#!/usr/bin/env bash
# Chaos run of the real daemons on loopback with seeded faults (kill -9,
# SIGTERM, SIGSTOP, a full disk, a poison article, hostile feeds); see
# tests/chaos/chaos_test.cc. Prints the seed and a summary table.
#
#   tools/chaos.sh [short|long] [SEED]     # short: ~2,000 articles, 8 faults, a few minutes
#                                          # long: 20,000 articles, 36 faults, ~15 minutes
# BUILD_DIR (default build) must be configured already (tools/setup.sh does it).
# The disk-full episode needs root (it mounts a tmpfs).
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-short}"
case "$profile" in short|long) ;; *) echo "usage: tools/chaos.sh [short|long] [SEED]" >&2; exit 2 ;; esac
build_dir="${BUILD_DIR:-build}"
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}" --target newsflow_chaos_test
export NEWSFLOW_CHAOS_PROFILE="$profile"
[ -n "${2:-}" ] && export NEWSFLOW_CHAOS_SEED="$2"
exec "$build_dir/tests/chaos/newsflow_chaos_test"
