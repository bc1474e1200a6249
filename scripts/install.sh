#!/bin/sh
# `make install` and `make uninstall`: puts hebb, its shell completions (bash, zsh, fish;
# written by swift-argument-parser's --generate-completion-script) and its man page
# (swift-argument-parser's generate-manual tool) into the conventional places under PREFIX,
# and takes exactly those files away again.
#
#   scripts/install.sh install PREFIX      HEBB=binary (default .build/release/hebb),
#                                          MANUAL=generate-manual binary (no man page without it)
#   scripts/install.sh uninstall PREFIX
#   scripts/install.sh files PREFIX        the files install writes, one a line
set -eu
[ $# -eq 2 ] || { echo "usage: $0 install|uninstall|files PREFIX" >&2; exit 2; }
action=$1
prefix=$2

bin="$prefix/bin/hebb"
bash_completion="$prefix/share/bash-completion/completions/hebb"
zsh_completion="$prefix/share/zsh/site-functions/_hebb"
fish_completion="$prefix/share/fish/vendor_completions.d/hebb.fish"
man_page="$prefix/share/man/man1/hebb.1"
# The folders install may create, deepest first (uninstall removes them when empty; never PREFIX).
folders="share/bash-completion/completions share/bash-completion share/zsh/site-functions share/zsh
share/fish/vendor_completions.d share/fish share/man/man1 share/man share bin"

case $action in
files)
    printf '%s\n' "$bin" "$bash_completion" "$zsh_completion" "$fish_completion" "$man_page"
    ;;
install)
    hebb=${HEBB:-.build/release/hebb}
    [ -x "$hebb" ] || { echo "install.sh: $hebb is not built (make install builds it)" >&2; exit 1; }
    for file in "$bin" "$bash_completion" "$zsh_completion" "$fish_completion" "$man_page"; do
        mkdir -p "$(dirname "$file")"
    done
    # A copy, not a link: the stdlib is embedded, so the binary works from anywhere.
    cp "$hebb" "$bin.tmp.$$" && chmod 755 "$bin.tmp.$$" && mv -f "$bin.tmp.$$" "$bin"
    "$bin" --generate-completion-script bash > "$bash_completion"
    "$bin" --generate-completion-script zsh > "$zsh_completion"
    "$bin" --generate-completion-script fish > "$fish_completion"
    if [ -n "${MANUAL:-}" ] && [ -x "$MANUAL" ]; then
        "$MANUAL" "$bin" --output-directory "$(dirname "$man_page")"
    else
        echo "install.sh: no generate-manual tool (MANUAL), so no man page; hebb help and hebb doc have the same text" >&2
    fi
    echo "installed $bin (completions for bash, zsh, fish$([ -f "$man_page" ] && echo "; man hebb"))"
    case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on your PATH" ;; esac
    echo "zsh finds the completion once ~/.zshrc has: fpath=(\"$prefix/share/zsh/site-functions\" \$fpath); autoload -U compinit; compinit"
    ;;
uninstall)
    for file in "$bin" "$bash_completion" "$zsh_completion" "$fish_completion" "$man_page"; do
        if [ -e "$file" ]; then rm -f "$file" && echo "removed $file"; fi
    done
    for folder in $folders; do
        rmdir "$prefix/$folder" 2>/dev/null || true
    done
    ;;
*)
    echo "usage: $0 install|uninstall|files PREFIX" >&2
    exit 2
    ;;
esac
