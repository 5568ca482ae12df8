#!/usr/bin/env bash
# How `pinset check` scales: checks N loopback TLS servers (default 50 and 200) at concurrency C (default 8) and
# prints the wall time, the time per handshake it implies, and the peak memory (RSS) of the pinset process.
# Usage: bench/check-scale.sh [C] [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency=${1:-8}; shift || true
counts=("${@:-50 200}"); counts=(${counts[*]})
out=$(mktemp -d)
dotnet build -c Release bench/Pinset.Benchmarks -o "$out/bench" >/dev/null
dotnet build -c Release src/Pinset.Cli -o "$out/cli" >/dev/null
for n in "${counts[@]}"; do
  dir="$out/n$n"
  coproc SERVERS { dotnet "$out/bench/Pinset.Benchmarks.dll" servers "$n" "$dir"; }
  read -r ready <&"${SERVERS[0]}"
  [ "$ready" = ready ] || { echo "servers did not start" >&2; exit 1; }
  mapfile -t targets < "$dir/args.txt"
  # One handshake alone, for the bound: (N / C) x one handshake.
  one=$( { /usr/bin/time -f "%e %x" dotnet "$out/cli/Pinset.Cli.dll" check "$dir/policy.json" "${targets[0]}" --ca-file "$dir/root.pem" "${targets[@]:$n:2}" >/dev/null; } 2>&1 | tail -1)
  stats=$( { /usr/bin/time -f "%e %M %x" dotnet "$out/cli/Pinset.Cli.dll" check "$dir/policy.json" "${targets[@]}" --ca-file "$dir/root.pem" --concurrency "$concurrency" >/dev/null; } 2>&1 | tail -1)
  read -r one_s one_exit <<<"$one"; read -r all_s rss all_exit <<<"$stats"
  echo "servers=$n concurrency=$concurrency one-target-run=${one_s}s (exit $one_exit) all=${all_s}s (exit $all_exit) peak-rss=${rss}KB"
  exec {SERVERS[1]}>&-
  wait "$SERVERS_PID" || true
done
rm -rf "$out"
