#!/usr/bin/env bash
# Publishes the pinset tool as one native executable, OUT_DIR/pinset: native AOT, trimmed and self-contained, so it
# starts without a JIT and without .NET installed (docs/benchmarks.md, "Start-up of the pinset tool"). The tool package
# that eng/pack.sh makes for `dotnet tool install` is unchanged: framework-dependent IL.
# Usage: eng/publish-cli.sh OUT_DIR [RID]     RID: a runtime of this operating system, default this machine's (linux-x64)
# Native AOT compiles for the operating system it runs on (another CPU needs a cross toolchain and its sysroot), and
# links with its C toolchain: on Debian, clang (and objcopy, from binutils, to move the debug symbols out). What is
# missing is named with its package, and nothing is built. zlib1g-dev, which older .NET versions linked with, is not
# needed: .NET 10's runtime pack carries its own zlib (libz.a). The build is isolated in a temporary directory, so it
# never races another build of the same projects (a test run, eng/pack.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "Usage: eng/publish-cli.sh OUT_DIR [RID]; for example: eng/publish-cli.sh artifacts/native linux-x64" >&2
  exit 2
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rid=${2:-}
case "$(uname -s)/$rid" in
  */ | Linux/linux-* | Darwin/osx-*) ;;
  *)
    echo "Native AOT compiles only for the operating system it runs on ($(uname -s)); '$rid' is for another. Run eng/publish-cli.sh there." >&2
    exit 2
    ;;
esac

if [ "$(uname -s)" = Linux ]; then
  missing=()
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  command -v objcopy >/dev/null 2>&1 || missing+=(binutils)
  if ((${#missing[@]})); then
    echo "Native AOT needs a C toolchain that is not installed: the Debian packages ${missing[*]}." >&2
    echo "Install them, then run eng/publish-cli.sh again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi

out=$(mkdir -p "$1" && cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet publish "$here/src/Pinset.Cli" -c Release ${rid:+-r "$rid"} --artifacts-path "$work/artifacts" -o "$work/publish" --nologo -v quiet
# The executable is named after the assembly (Pinset.Cli); the command is pinset. Its symbols (Pinset.Cli.dbg) stay out.
install -m 755 "$work/publish/Pinset.Cli" "$out/pinset"
echo "$out/pinset"
