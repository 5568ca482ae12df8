#!/usr/bin/env bash
# Packs the shipped packages (Pinset, Pinset.Formats, Pinset.Extensions, Pinset.Tunnel, Pinset.Testing, the pinset tool:
# Pinset.Cli and its platform packages Pinset.Cli.linux-x64 and Pinset.Cli.any) into a directory, default
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
# The tool: the top-level package names the platform packages, and 'dotnet tool install' picks one. linux-x64 gets the
# native AOT executable (it needs clang, as eng/publish-cli.sh does); every other platform the framework-dependent IL.
# Native AOT compiles only for the system it runs on, so elsewhere the tool is packed for 'any' alone.
if [ "$(uname -sm)" = "Linux x86_64" ]; then
  echo "Native AOT: the pinset tool for linux-x64"
  dotnet pack "$here/src/Pinset.Cli" -c Release -o "$out" -p:IncludeSymbols=false --nologo -v quiet
  dotnet pack "$here/src/Pinset.Cli" -c Release -r linux-x64 -o "$out" --nologo -v quiet
else
  echo "Not Linux x86_64: the pinset tool is packed as framework-dependent IL only (no native executable)."
  dotnet pack "$here/src/Pinset.Cli" -c Release -o "$out" -p:IncludeSymbols=false -p:ToolPackageRuntimeIdentifiers=any --nologo -v quiet
fi
dotnet pack "$here/src/Pinset.Cli" -c Release -r any -o "$out" --nologo -v quiet
ls -1 "$out"/*.nupkg
