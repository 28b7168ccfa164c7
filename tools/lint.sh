#!/usr/bin/env bash
# Style and static checks over the project's C++ sources.
#
#   tools/lint.sh format            report every file clang-format would change (exit 1 if any)
#   tools/lint.sh format --fix      rewrite them in place
#   tools/lint.sh tidy [BUILD_DIR] [FILE...]
#                                   clang-tidy with .clang-tidy over FILEs, or over every
#                                   .cc file of common/, services/ and tools/ (exit 1 on a finding);
#                                   BUILD_DIR (default build) must hold compile_commands.json
#   tools/lint.sh tidy BUILD_DIR --changed REV
#                                   only the .cc files changed since REV (and those whose
#                                   header changed), for a quick check before a commit
#
# Both use the rules checked in at the top of the tree (.clang-format, .clang-tidy).
# Generated protobuf code and third-party headers are never checked.
set -euo pipefail
cd "$(dirname "$0")/.."

sources() { git ls-files -- '*.cc' '*.h' ':!:build*'; }

case "${1:-}" in
  format)
    if [ "${2:-}" = "--fix" ]; then
      sources | xargs -r clang-format -i
      exit 0
    fi
    bad=0
    while IFS= read -r f; do
      if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "needs clang-format: $f"
        bad=1
      fi
    done < <(sources)
    [ "$bad" -eq 0 ] && echo "format: every file follows .clang-format"
    exit "$bad"
    ;;
  tidy)
    build="${2:-build}"
    shift $(( $# >= 2 ? 2 : $# ))
    if [ ! -f "$build/compile_commands.json" ]; then
      echo "tidy: $build/compile_commands.json is missing (configure the build first)" >&2
      exit 2
    fi
    if [ "${1:-}" = "--changed" ]; then
      rev="${2:?--changed needs a revision}"
      mapfile -t changed < <(git diff --name-only "$rev" -- '*.cc' '*.h')
      files=()
      for f in "${changed[@]}"; do
        [ -f "$f" ] || continue
        case "$f" in
          *.cc) files+=("$f") ;;
          *.h) [ -f "${f%.h}.cc" ] && files+=("${f%.h}.cc") ;;
        esac
      done
      mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u | grep -v '^$' || true)
    elif [ $# -gt 0 ]; then
      files=("$@")
    else
      mapfile -t files < <(git ls-files -- 'common/*.cc' 'services/*.cc' 'tools/*.cc')
    fi
    if [ "${#files[@]}" -eq 0 ]; then
      echo "tidy: nothing to check"
      exit 0
    fi
    echo "tidy: ${#files[@]} files"
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    status=0
    printf '%s\n' "${files[@]}" | xargs -r -P "${NEWSFLOW_JOBS:-$(nproc)}" -n 1 \
      clang-tidy --quiet --use-color=false -p "$build" >"$log" 2>&1 || status=$?
    grep -v -E '^([0-9]+ warnings?( and [0-9]+ errors?)? generated\.?|Suppressed [0-9]+ warnings|Use -header-filter|Error while processing .*\.)$' \
      "$log" || true
    [ "$status" -eq 0 ] && echo "tidy: no findings"
    exit "$status"
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
