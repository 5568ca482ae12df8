#!/usr/bin/env bash
# Refreshes the Public Suffix List embedded in src/Pinset.
#
# Usage: eng/refresh-public-suffix-list.sh [SOURCE]
#   SOURCE  a copy of public_suffix_list.dat; default: Debian's `publicsuffix` package
#           (/usr/share/publicsuffix/public_suffix_list.dat; `apt-get install publicsuffix`).
#
# Only the ICANN section is kept: Pinset refuses a wildcard host pattern whose suffix is an ICANN public
# suffix (`**.com`, `*.co.uk`). The PRIVATE section lists domains run by one company (`*.amazonaws.com`,
# `*.cloudfront.net`) whose keys a user may legitimately pin as a whole; see docs/policy.md.
set -euo pipefail
src=${1:-/usr/share/publicsuffix/public_suffix_list.dat}
here=$(cd "$(dirname "$0")/.." && pwd)
dst="$here/src/Pinset/Resources/public_suffix_list.dat"
[ -r "$src" ] || { echo "Cannot read '$src'; install Debian's publicsuffix package or pass a path." >&2; exit 2; }
grep -q '===BEGIN ICANN DOMAINS===' "$src" || { echo "'$src' has no ICANN section; is it a Public Suffix List?" >&2; exit 2; }
version=$(grep -m1 -E '^// (VERSION|COMMIT):' "$src" || true)
{
  echo "// ICANN section of the Public Suffix List (https://publicsuffix.org/), Mozilla Public License 2.0."
  echo "// Refreshed by eng/refresh-public-suffix-list.sh from '$src' ${version:+($version)} on $(date -u +%Y-%m-%d)."
  sed -n '/===BEGIN ICANN DOMAINS===/,/===END ICANN DOMAINS===/p' "$src" | grep -vE '^\s*(//|$)'
} > "$dst.tmp"
rules=$(grep -vc '^//' "$dst.tmp")
[ "$rules" -gt 1000 ] || { rm -f "$dst.tmp"; echo "Only $rules rules found in '$src'; refusing to replace the embedded list." >&2; exit 2; }
mv "$dst.tmp" "$dst"
echo "Wrote $rules rules to $dst."
