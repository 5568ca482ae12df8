#!/usr/bin/env bash
# Refreshes the map of public CA operators embedded in src/Pinset (src/Pinset/Resources/ca-map.tsv).
#
# Usage: eng/refresh-ca-map.sh [DIR]
#   DIR  a copy of Cloudflare's CFSSL trust store release: ca-bundle.crt (roots), int-bundle.crt (intermediates) and a
#        SOURCE.md whose first heading names the release; default: the newest eng/data/cfssl-trust-*/ (the release the
#        shipped map is made from, kept in the repository so the tests can regenerate it anywhere).
#
# The map records that heading and today's date; Pinset warns when it is more than 12 months old. The test
# CertificateAuthorityMapWriterTests regenerates it from the same directory and fails if the shipped file differs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$(ls -d "$here"/eng/data/cfssl-trust-* 2>/dev/null | sort -V | tail -1)}
[ -n "$src" ] && [ -r "$src/ca-bundle.crt" ] && [ -r "$src/int-bundle.crt" ] && [ -r "$src/SOURCE.md" ] \
  || { echo "Cannot read ca-bundle.crt, int-bundle.crt and SOURCE.md in '${src:-eng/data/cfssl-trust-*}'; pass the directory of a cfssl_trust release." >&2; exit 2; }
dotnet run "$here/eng/refresh-ca-map.cs" -- "$src" "$here/src/Pinset/Resources/ca-map.tsv"
