#!/usr/bin/env bash
# Packs the shipped packages (Pinset, Pinset.Formats, Pinset.Extensions, Pinset.Tunnel, Pinset.Testing, the pinset tool) into a directory, default
# artifacts/packages. Pinset.Collector is an app, deployed with dotnet publish (docs/collector.md), so it is not packed.
# Pinset carries ReadyToRun code for linux-x64, linux-arm64, win-x64 and osx-arm64 besides its portable IL, so an app's
# first pinned handshake does not wait for the JIT (docs/benchmarks.md, "Cold start").
# Usage: eng/pack.sh [OUTPUT-DIRECTORY]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$here/artifacts/packages}" && cd "${1:-$here/artifacts/packages}" && pwd)
r2r=$(mktemp -d)
trap 'rm -rf "$r2r"' EXIT
for rid in linux-x64 linux-arm64 win-x64 osx-arm64; do
  echo "ReadyToRun: Pinset for $rid"
  dotnet publish "$here/src/Pinset" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$r2r/$rid" --nologo -v quiet
done
dotnet pack "$here/src/Pinset" -c Release -o "$out" -p:ReadyToRunImages="$r2r" --nologo -v quiet
dotnet pack "$here/src/Pinset.Formats" -c Release -o "$out" --nologo -v quiet
dotnet pack "$here/src/Pinset.Extensions" -c Release -o "$out" --nologo -v quiet
dotnet pack "$here/src/Pinset.Tunnel" -c Release -o "$out" --nologo -v quiet
dotnet pack "$here/src/Pinset.Testing" -c Release -o "$out" --nologo -v quiet
dotnet pack "$here/src/Pinset.Cli" -c Release -o "$out" --nologo -v quiet
ls -1 "$out"/*.nupkg
