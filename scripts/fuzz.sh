#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for SECONDS, starting from
# its seeds in fuzz/seeds/<name>/ plus, where one exists, the matching folder of the shared spec
# corpus. A crash stops the run with the input saved under build-fuzz/artifacts/<name>/; once
# fixed, that input goes into fuzz/seeds/<name>/ as a regression seed.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default 60 s each, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${FUZZ_BUILD_DIR:-build-fuzz}
corpus_dir=${AGORA_CORPUS_DIR:-../shared/corpus}

cmake -S . -B "$build" -G Ninja -DAGORA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} >/dev/null
cmake --build "$build" --target fuzzers -j "$(nproc)"

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=($(ls fuzz/seeds))

# Extra starting points from the shared spec corpus, by target.
extra_seeds() {
  case "$1" in
    raml) echo "$corpus_dir/raml $corpus_dir/raml-fragments" ;;
    oas) echo "$corpus_dir/oas" ;;
    wsdl) echo "$corpus_dir/wsdl" ;;
  esac
}

# The target's dictionary (keywords its mutations should insert), when it has one.
dictionary() {
  [ -f "fuzz/$1.dict" ] && echo "-dict=fuzz/$1.dict"
  return 0
}

# Leak checking by target. The http target's server keeps live objects on suspended fiber stacks,
# which LeakSanitizer does not scan, so it would report them as leaks; the server's leaks are
# checked where it stops cleanly instead (`make test-sanitize` runs every e2e test's server under
# ASan, which checks for leaks at exit).
detect_leaks() {
  case "$1" in
    http) echo 0 ;;
    *) echo 1 ;;
  esac
}

summary=()
for target in "${targets[@]}"; do
  work="$build/corpus/$target"
  artifacts="$build/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  dirs=("$work" "fuzz/seeds/$target")
  for d in $(extra_seeds "$target"); do [ -d "$d" ] && dirs+=("$d"); done
  log="$build/$target.log"
  echo "fuzz: $target for ${seconds}s"
  if ! ASAN_OPTIONS="detect_leaks=$(detect_leaks "$target")" "$build/fuzz_$target" -detect_leaks="$(detect_leaks "$target")" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       $(dictionary "$target") -artifact_prefix="$artifacts" "${dirs[@]}" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $target FAILED; the input is in $artifacts" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  summary+=("$target: $runs inputs in ${seconds}s, no failure")
done
printf 'fuzz: %s\n' "${summary[@]}"
