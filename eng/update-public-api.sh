#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to src/<Project>/PublicAPI.Unshipped.txt.
# Usage: eng/update-public-api.sh [PROJECT]   (default: Pinset). Review the diff: it is the public API you are adding.
set -euo pipefail
project=${1:-Pinset}
here=$(cd "$(dirname "$0")/.." && pwd)
file="$here/src/$project/PublicAPI.Unshipped.txt"
symbols=$(dotnet build "$here/src/$project" --no-incremental 2>&1 | grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" | sort -u || true)
[ -n "$symbols" ] || { echo "No undeclared public API in $project."; exit 0; }
{ cat "$file"; printf '%s\n' "$symbols"; } | { read -r header; echo "$header"; sort -u; } > "$file.tmp"
mv "$file.tmp" "$file"
echo "Declared $(printf '%s\n' "$symbols" | wc -l) symbols in $file."
