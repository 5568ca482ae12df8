#!/usr/bin/env bash
# Coverage-guided fuzzing of Pinset's parsers with AFL++ (Debian's afl++) through SharpFuzz, for a bounded time.
#   eng/fuzz.sh TARGET [SECONDS]     TARGET: certificate | policy | android | text; SECONDS default 600
# Output in artifacts/fuzz/TARGET/: the corpus AFL++ grew, any crashes (inputs that made an undocumented exception
# escape), and a summary line. Crashes are replayed at the end with the exception each one raised.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: eng/fuzz.sh certificate|policy|android|text [SECONDS]}
seconds=${2:-600}
out=artifacts/fuzz/$target
bin=artifacts/fuzz/bin

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "afl-fuzz is not installed; install Debian's 'afl++' package (apt-get install -y afl++)." >&2
  exit 1
fi

# SharpFuzz's instrumenter, as a local tool (the version the package list serves).
if [ ! -x .tools/sharpfuzz ]; then
  dotnet tool install --tool-path .tools SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

echo "== Publishing the harness, writing the seeds, instrumenting Pinset.dll"
rm -rf "$bin"
dotnet publish test/Pinset.Fuzz -c Release -o "$bin" --nologo -v quiet
rm -rf "$out" && mkdir -p "$out"
# Seeds first: the instrumented assembly only runs under afl-fuzz, which provides its coverage map.
dotnet "$bin/Pinset.Fuzz.dll" seed "$target" "$out/seeds"
.tools/sharpfuzz "$bin/Pinset.dll"

echo "== afl-fuzz on '$target' for $seconds s"
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
set +e
afl-fuzz -i "$out/seeds" -o "$out/findings" -V "$seconds" -t 5000 -m none -- dotnet "$bin/Pinset.Fuzz.dll" "$target" > "$out/afl.log" 2>&1
status=$?
set -e
stats="$out/findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "afl-fuzz did not start (exit $status); its log:" >&2
  tail -40 "$out/afl.log" >&2
  exit 1
fi

value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(find "$out/findings/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$out/findings/default/hangs" -type f -name 'id:*' | wc -l)
echo "target=$target seconds=$seconds execs=$(value execs_done) execs_per_sec=$(value execs_per_sec) corpus=$(value corpus_count) edges_found=$(value edges_found) crashes=$crashes hangs=$hangs" | tee "$out/summary.txt"
if [ "$crashes" -gt 0 ]; then
  dotnet "$bin/Pinset.Fuzz.dll" replay "$target" "$out/findings/default/crashes" || true
  exit 1
fi
