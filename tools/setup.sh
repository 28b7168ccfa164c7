#!/usr/bin/env bash
# newsflow set-up on a fresh Debian 12 machine.
#
#   tools/setup.sh run    install what is missing, build, run the pipeline on the bundled samples
#   tools/setup.sh test   install what is missing, build, run the whole test suite
#   tools/setup.sh build  install what is missing and build
#
# Every dependency is a Debian package; nothing is downloaded at build time.
# wordnet-base (English word classes and lemmas) and python3-jieba (its Chinese
# dictionary with word frequencies and classes) are data compiled into the
# enrichment core at build time.
# python3-nltk and python3-chardet are for the quality scorers that ctest runs when
# ../shared is present (the feed scorer evaluates fixtures' chardet conditions).
# python3-yaml is for tools/check_deploy.py (deploy/'s monitoring files).
# `test` also installs test_packages: chromium, chromium-driver and
# python3-selenium drive the web reader's browser test
# (tests/integration/web_reader_test.py); fonts-wqy-microhei gives the
# headless browser Chinese glyphs for its screenshots.
# Environment: BUILD_DIR (default: build), JOBS (default: number of cores).
set -euo pipefail

cd "$(dirname "$0")/.."
mode="${1:-build}"
shift || true
build_dir="${BUILD_DIR:-build}"
jobs="${JOBS:-$(nproc)}"

packages=(
  build-essential cmake ninja-build pkg-config
  libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler libspdlog-dev librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev libicu-dev libcld2-dev libstemmer-dev
  libxml2-dev libgumbo-dev libcurl4-openssl-dev libmicrohttpd-dev libcpp-httplib-dev libcli11-dev
  libyaml-cpp-dev nlohmann-json3-dev libabsl-dev libsodium-dev libxxhash-dev zlib1g-dev libre2-dev
  liburiparser-dev libxapian-dev libsystemd-dev
  wordnet-base python3-jieba
  python3 python3-nltk python3-chardet python3-yaml
)
test_packages=(chromium chromium-driver python3-selenium fonts-wqy-microhei)

install_packages() {
  local missing=()
  for p in "${packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

build() {
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build_dir" -j "$jobs"
}

case "$mode" in
  run)
    install_packages
    build
    exec "$build_dir/services/cli/newsflow" run "$@"
    ;;
  test)
    install_packages "${test_packages[@]}"
    build
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" "$@"
    ;;
  build)
    install_packages
    build
    ;;
  *)
    echo "usage: tools/setup.sh run|test|build" >&2
    exit 2
    ;;
esac
