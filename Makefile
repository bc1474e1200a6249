# Two commands: `make demo` (install what is missing, build, run the demo) and `make test`
# (the whole test suite, as CI runs it). The demo script lives in examples/ and reads
# data/ (outside its folder), so it is granted that folder: see Permissions in README.md.
.PHONY: demo test deps venv build release fuzz repl-test kernel-test browser-test install uninstall install-test

deps:
	@./scripts/install-deps.sh

# The Python venv .venv with the Jupyter clients, for the kernel tests.
venv:
	@./scripts/install-deps.sh --kernel-tests

release: deps
	swift build -c release --product hebb

demo: release
	.build/release/hebb --allow-read data examples/digits_mlp.hebb

build: deps
	swift build

# swift test includes the golden programs and the fuzzer; then the REPL is driven in a
# pseudo-terminal (tmux) on its own, away from the parallel tests whose load would stretch
# its timed waits; then the notebooks are re-run against their saved outputs; then the
# Jupyter kernel is tested with the real clients from .venv (conformance suite, every chapter
# notebook through nbclient, interrupts, restart, bad signatures), skipped with a message
# when .venv is missing (CI requires it); then the HTML export of chapter 4 is checked in
# headless Chromium (math, tables, plots, wrapping, dark mode, screenshots in
# .build/browser-test/), skipped with a message when Chromium is missing (CI installs it:
# scripts/install-deps.sh --browser-test).
# The chapter notebooks run full-length experiments (chapter 6's width/depth sweep trains six
# networks for 30 epochs), so they are checked with the release binary: the same code, and
# minutes instead of tens of minutes under the debug build.
test: build venv release
	NBFORMAT_PYTHON=$$([ -x .venv/bin/python ] && echo $(CURDIR)/.venv/bin/python || echo python3) swift test
	./scripts/repl-test.sh .build/debug/hebb
	.build/release/hebb test notebooks
	HEBB=.build/release/hebb ./scripts/kernel-tests.sh
	./scripts/browser-test.sh .build/release/hebb

# Only the browser test of the HTML export (after a build).
browser-test: build
	./scripts/browser-test.sh .build/debug/hebb

# Only the REPL pseudo-terminal test (after a build).
repl-test: build
	./scripts/repl-test.sh .build/debug/hebb

# Only the Jupyter kernel tests (after a build).
kernel-test: build venv
	HEBB=.build/release/hebb ./scripts/kernel-tests.sh

# libFuzzer targets (lexer+parser, the interpreter on generated programs, CSV loader, .npy
# loader, .nb parser, kernel wire messages) built with -sanitize=fuzzer,address, each run
# FUZZ_SECONDS (default 60) on Tests/fuzz/corpus/. CI runs it after the tests.
fuzz: deps
	./scripts/fuzz.sh

# hebb on the PATH: the release binary in PREFIX/bin (default ~/.local/bin), its shell
# completions for bash, zsh and fish (PREFIX/share/bash-completion/completions,
# share/zsh/site-functions, share/fish/vendor_completions.d) and its man page
# (share/man/man1/hebb.1, written by swift-argument-parser's generate-manual tool).
# make uninstall PREFIX=... removes exactly those files. See scripts/install.sh.
PREFIX ?= $(HOME)/.local

install: release
	swift build -c release --product generate-manual
	HEBB=.build/release/hebb MANUAL=.build/release/generate-manual ./scripts/install.sh install "$(PREFIX)"

uninstall:
	./scripts/install.sh uninstall "$(PREFIX)"

# make install and make uninstall into a temporary PREFIX, checked (scripts/install-test.sh).
install-test:
	./scripts/install-test.sh
