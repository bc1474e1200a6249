# Two commands: `make demo` (install what is missing, build, run the demo) and `make test`
# (the whole test suite, as CI runs it).
.PHONY: demo test deps build release

deps:
	@./scripts/install-deps.sh

release: deps
	swift build -c release --product hebb

demo: release
	.build/release/hebb examples/digits_mlp.hebb

build: deps
	swift build

test: build
	swift test
	.build/debug/hebb test notebooks
	@if command -v tmux >/dev/null; then bash Tests/repl/repl_pty_test.sh .build/debug/hebb; \
	else echo "tmux missing: REPL pty test skipped"; fi
