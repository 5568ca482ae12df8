#!/usr/bin/env bash
# The test suite, as the README's quick start runs it and CI runs it (.ci/run calls this unchanged).
#   eng/test.sh                      every test project of Pinset.slnx
#   eng/test.sh --filter Resumption  arguments go to `dotnet test` (paths relative to the repository root)
#   eng/test.sh --check-tools        only say which packages are missing (exit 2) or that none is (exit 0)
# It first checks the Debian packages of every tool the tests start (eng/test-tools.tsv) and installs the missing ones:
# as root with apt-get; otherwise it prints the exact `sudo apt-get install` line and stops. Then it restores the .NET
# tools of .config/dotnet-tools.json (PowerShell). The tests start and stop
# every server they need themselves (nginx, mitmproxy, openssl s_server); nothing is started by hand. It ends with one
# line: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian puts nginx in /usr/sbin and PostgreSQL's server programs in /usr/lib/postgresql/<version>/bin, which are not on
# every user's PATH; the tests look there too.
pg_bins=$(printf '%s:' /usr/lib/postgresql/*/bin)
installed() { PATH="$PATH:/usr/sbin:/usr/local/sbin:$pg_bins" command -v "$1" >/dev/null 2>&1; }
list=${PINSET_TEST_TOOLS:-eng/test-tools.tsv}
missing=() commands=()
while IFS=$'\t' read -r command package; do
  case "$command" in ''|'#'*) continue ;; esac
  commands+=("$command")
  installed "$command" || missing+=("$package")
done < "$list"

if [ "${1:-}" = "--check-tools" ]; then
  if ((${#missing[@]})); then
    echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 2
  fi
  echo "Every tool the tests start is installed: ${commands[*]}."
  exit 0
fi

if ((${#missing[@]})); then
  line="apt-get install -y ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing the Debian packages the tests need: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need Debian packages that are not installed: ${missing[*]}." >&2
    echo "Install them, then run eng/test.sh again:" >&2
    echo "  sudo apt-get update && sudo $line" >&2
    exit 2
  fi
fi

# The .NET tools the tests run (PowerShell, for pinset's completion script) come from the repository's manifest.
dotnet tool restore >/dev/null

# Every tool is present now, so nothing may be skipped for a missing tool.
unset PINSET_SKIP_MISSING_TOOLS
(($#)) || set -- Pinset.slnx
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over every test project's summary.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  echo "The test run failed: dotnet test exited $status with $failed failed and $passed passed." >&2
  exit 1
fi
