#!/usr/bin/env bash
# Builds the Debian package from an existing build folder and checks what it
# installs, without installing it on this machine:
#   1. cpack -G DEB in the build folder (cmake/newsflow_package.cmake);
#   2. dpkg -x into a temporary root; the files are where Debian expects them
#      (binaries in /usr/bin, units in /lib/systemd/system, the config in
#      /etc/newsflow as a conffile) and the maintainer scripts are valid sh;
#   3. systemd-analyze verify on the installed units (their ExecStart= pointed
#      at the extracted binaries) and systemd-analyze security --offline;
#   4. every installed binary accepts the installed config (--check-config),
#      and the installed newsflow-store starts against it (ports made free
#      ones, a temporary data dir), reports ready on /readyz and stops
#      cleanly on SIGTERM.
#
#   tools/package.sh [BUILD_DIR]      (default: build, as tools/setup.sh makes it)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
[ -x "$build_dir/services/store/newsflow-store" ] || { echo "package: build $build_dir first" >&2; exit 2; }
# systemd-analyze: a minimal Debian 12 (a container image) lacks systemd.
if ! command -v systemd-analyze >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq systemd >/dev/null
fi

(cd "$build_dir" && cpack -G DEB >/dev/null)
deb="$(ls -t "$build_dir"/newsflow_*.deb | head -1)"
echo "package: $deb"

tmp="$(mktemp -d)"
store_pid=""
cleanup() {
  [ -n "$store_pid" ] && kill "$store_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
root="$tmp/root"
dpkg -x "$deb" "$root"
mkdir -p "$tmp/control"
dpkg-deb -e "$deb" "$tmp/control"

fail() { echo "package: $*" >&2; exit 1; }
for f in usr/bin/newsflow usr/bin/newsflow-ingest usr/bin/newsflow-enrich usr/bin/newsflow-store \
         lib/systemd/system/newsflow-store.service lib/systemd/system/newsflow-ingest.service \
         lib/systemd/system/newsflow-enrich@.service etc/newsflow/newsflow.yaml; do
  [ -e "$root/$f" ] || fail "missing /$f"
done
grep -qx /etc/newsflow/newsflow.yaml "$tmp/control/conffiles" || fail "/etc/newsflow/newsflow.yaml is no conffile"
grep -q "adduser --system" "$tmp/control/postinst" || fail "postinst creates no system user"
for s in postinst prerm postrm; do sh -n "$tmp/control/$s"; done
dpkg-deb -f "$deb" Depends | grep -q "librocksdb" || fail "Depends lacks the shared libraries"

# The units, with their ExecStart= on the extracted binaries.
mkdir -p "$tmp/units"
for u in "$root"/lib/systemd/system/*.service; do
  sed "s#/usr/bin/newsflow#$root/usr/bin/newsflow#g" "$u" >"$tmp/units/$(basename "$u")"
done
systemd-analyze verify "$tmp"/units/*.service
for u in "$tmp"/units/*.service; do
  systemd-analyze security --offline=true --no-pager "$u" | tail -1
done

config="$root/etc/newsflow/newsflow.yaml"
for b in newsflow-store newsflow-ingest newsflow-enrich; do
  "$root/usr/bin/$b" --config "$config" --check-config >/dev/null || fail "$b rejects the installed config"
done
"$root/usr/bin/newsflow" --config "$config" check-config >/dev/null || fail "newsflow rejects the installed config"

# A short start of the installed store on the installed config, with free
# ports so that it runs beside anything else on this machine.
sed -e 's#\(tcp://127\.0\.0\.1\):[0-9]*#\1:*#' -e 's#^\(\s*port:\) [0-9]*#\1 0#' "$config" >"$tmp/newsflow.yaml"
"$root/usr/bin/newsflow-store" --config "$tmp/newsflow.yaml" --data-dir "$tmp/data" \
  --endpoints-file "$tmp/endpoints.json" 2>"$tmp/store.log" &
store_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/endpoints.json" ] && break
  kill -0 "$store_pid" 2>/dev/null || { cat "$tmp/store.log" >&2; fail "the installed store exited"; }
  sleep 0.1
done
[ -s "$tmp/endpoints.json" ] || fail "the installed store did not get ready"
http="$(sed -n 's/.*"store.http": "\(.*\)".*/\1/p' "$tmp/endpoints.json")"
ready="$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/readyz").read().decode())' "$http")"
echo "$ready" | grep -q '"ready":true' || fail "the installed store is not ready: $ready"
kill -TERM "$store_pid"
wait "$store_pid" || { cat "$tmp/store.log" >&2; fail "the installed store did not stop cleanly"; }
store_pid=""
echo "package: ok"
