#!/usr/bin/env bash
# Brings src/<Project>/PublicAPI.Unshipped.txt in line with the code: adds every public symbol the PublicApiAnalyzers
# report as undeclared (RS0016) and removes every declared one that is no longer public (RS0017).
# Usage: eng/update-public-api.sh [PROJECT]   (default: Pinset). Review the diff: it is the public API you are changing.
set -euo pipefail
project=${1:-Pinset}
here=$(cd "$(dirname "$0")/.." && pwd)
file="$here/src/$project/PublicAPI.Unshipped.txt"
build=$(dotnet build "$here/src/$project" --no-incremental 2>&1 || true)
added=$(grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" <<<"$build" | sort -u || true)
removed=$(grep -oP "error RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public)" <<<"$build" | sort -u || true)
[ -n "$added$removed" ] || { echo "The declared public API of $project matches the code."; exit 0; }
{ read -r header; echo "$header"; { cat; [ -z "$added" ] || printf '%s\n' "$added"; } | grep -vxF -f <(printf '%s\n' "${removed:-$'\x01'}") | sort -u; } < "$file" > "$file.tmp"
mv "$file.tmp" "$file"
echo "Declared $(grep -c . <<<"$added" || true) and removed $(grep -c . <<<"$removed" || true) symbols in $file."
