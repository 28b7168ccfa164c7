#!/usr/bin/env bash
# The HTTP API under slow and idle clients, for each server candidate:
# tests/bench/newsflow_http_load opens --slow slowloris connections and --idle
# idle keep-alive connections on loopback, then measures /healthz and a by-tag
# query (fresh connection each, 2 s timeout) p50/p99/max and failures.
#
#   tools/bench/http_slow_clients.sh [--load PATH] [--slow N] [--idle N] [--requests N]
#
# Candidates: mhd (newsflow's HttpServer on libmicrohttpd, what the daemons
# run), httplib-tuned (cpp-httplib with one thread per connection: a pool of
# slow+idle+64, keep-alive/read timeouts, payload limit, TCP_NODELAY) and
# httplib (cpp-httplib as configured before: 8 threads). The untuned httplib
# run uses 100 + 100 connections: beyond its listen backlog (5) every further
# connect waits for its timeout, and 8 connections already stall it.
set -euo pipefail
cd "$(dirname "$0")/../.."
load=build/tests/bench/newsflow_http_load
slow=1000
idle=1000
requests=200
while [ $# -gt 0 ]; do
  case "$1" in
    --load) load="$2"; shift 2 ;;
    --slow) slow="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
"$load" --server mhd --slow "$slow" --idle "$idle" --requests "$requests" 2>/dev/null
"$load" --server httplib-tuned --slow "$slow" --idle "$idle" --requests "$requests" 2>/dev/null
"$load" --server httplib --slow 100 --idle 100 --requests 20 2>/dev/null
