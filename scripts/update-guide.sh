#!/bin/sh
# Re-runs the code cells of the guide (docs/guide/*.md: Markdown in the .nb notebook format,
# so every ```hebb block is a cell and its saved output sits under it) and saves the new
# outputs into the pages, as `hebb run` does for a notebook. Tests/HebbNotebookTests/
# GuideTests.swift checks the pages the way `hebb test` checks notebooks.
#
#   scripts/update-guide.sh [docs/guide/PAGE.md ...]     (default: every page with code)
#
# The pages run in a scratch copy of docs/guide (their home folder, for the permission
# rules), as NAME.md.nb because `hebb run` takes notebooks; error locations are renamed back.
# It also re-runs docs/guide/examples/descent.nb and copies it into notebooks.md.
set -eu
cd "$(dirname "$0")/.."
HEBB=${HEBB:-.build/debug/hebb}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R docs/guide/. "$work/"
status=0
[ $# -gt 0 ] || set -- docs/guide/*.md
for page in "$@"; do
    name=$(basename "$page")
    case "$name" in README.md|reference.md) continue ;; esac
    grep -q '^```hebb' "$page" || continue
    mv "$work/$name" "$work/$name.nb"
    "$HEBB" run "$work/$name.nb" || status=1
    sed "s/$name\.nb:/$name:/g" "$work/$name.nb" > "docs/guide/$name"
    rm -rf "docs/guide/$name.files"
    if [ -d "$work/$name.files" ]; then cp -R "$work/$name.files" docs/guide/; fi
done
# The example notebook, and its copy shown on the notebooks page (GuideTests checks they agree).
"$HEBB" run docs/guide/examples/descent.nb || status=1
awk -v example=docs/guide/examples/descent.nb '
    /^`````markdown$/ { print; while ((getline line < example) > 0) print line; skipping = 1; next }
    skipping && /^`````$/ { skipping = 0 }
    !skipping { print }
' docs/guide/notebooks.md > "$work/notebooks.md.new" && mv "$work/notebooks.md.new" docs/guide/notebooks.md
exit $status
