#!/bin/sh
# Checks make install / make uninstall in a temporary PREFIX: the installed hebb runs (from
# another folder, with its embedded stdlib), the completion scripts and the man page are
# where the shells and man look, and uninstall leaves nothing behind.
#
#   scripts/install-test.sh           the real thing: make install PREFIX=..., make uninstall PREFIX=...
#   INSTALL_WITH=script HEBB=bin [MANUAL=generate-manual] scripts/install-test.sh
#                                     scripts/install.sh with a given binary (what swift test runs:
#                                     it cannot start a second SwiftPM build while it holds .build)
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
prefix="$(mktemp -d)/prefix with space"
trap 'rm -rf "$(dirname "$prefix")"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ "${INSTALL_WITH:-make}" = make ]; then
    make install PREFIX="$prefix"
else
    "$root/scripts/install.sh" install "$prefix"
fi

[ -x "$prefix/bin/hebb" ] || fail "no $prefix/bin/hebb"
version=$(cd / && "$prefix/bin/hebb" --version) || fail "the installed hebb --version failed"
echo "$version" | grep -q '^[0-9]' || fail "unexpected version: $version"
out=$(cd / && echo 'print(mse(ones(2), zeros(2)))' | "$prefix/bin/hebb") || fail "the installed hebb cannot run a program"
[ "$out" = 1 ] || [ "$out" = 1.0 ] || fail "the installed hebb printed '$out' for mse(ones(2), zeros(2))"

for file in share/bash-completion/completions/hebb share/zsh/site-functions/_hebb share/fish/vendor_completions.d/hebb.fish; do
    [ -s "$prefix/$file" ] || fail "no completion script $file"
    grep -q hebb "$prefix/$file" || fail "$file does not mention hebb"
done
bash -n "$prefix/share/bash-completion/completions/hebb" || fail "the bash completion script does not parse"
if command -v zsh >/dev/null; then zsh -n "$prefix/share/zsh/site-functions/_hebb" || fail "the zsh completion does not parse"; fi
if command -v fish >/dev/null; then fish -n "$prefix/share/fish/vendor_completions.d/hebb.fish" || fail "the fish completion does not parse"; fi
# bash: the completion offers the subcommands after `hebb `.
words=$(bash -c '. "$1"; COMP_WORDS=(hebb ""); COMP_CWORD=1; COMP_LINE="hebb "; COMP_POINT=5; _hebb; printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$prefix/share/bash-completion/completions/hebb" 2>/dev/null || true)
echo "$words" | grep -qx run || fail "bash completion after hebb offered: $words"

man_page="$prefix/share/man/man1/hebb.1"
if [ "${INSTALL_WITH:-make}" = make ] || [ -n "${MANUAL:-}" ]; then
    [ -s "$man_page" ] || fail "no man page $man_page"
    grep -q '^\.Dt HEBB 1' "$man_page" || fail "$man_page is not the hebb manual"
else
    echo "note: no MANUAL given, man page not checked"
fi

if [ "${INSTALL_WITH:-make}" = make ]; then
    make uninstall PREFIX="$prefix"
else
    "$root/scripts/install.sh" uninstall "$prefix"
fi
left=$(find "$prefix" -mindepth 1)
[ -z "$left" ] || fail "left behind after uninstall: $left"
echo "install test passed ($version)"
