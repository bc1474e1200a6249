#!/usr/bin/env bash
# Drives the real `hebb` REPL in a pseudo-terminal (a private tmux server) the way a person
# would, and checks what the screen shows: a typed and a pasted multi-line function, a line
# recalled from history with Up and edited, Tab completion (unique, ambiguous with a listing,
# a :command, file paths inside a string), an error with its caret followed by intact
# variables, Ctrl-C at the prompt, Ctrl-C stopping a running loop (and the loop's variable
# read afterwards), Ctrl-C pressed three times during a slow conv2d and a big str() (the
# session kept), the entry number in the prompt and in errors, `_`, NAME? help, Tab after a dot
# (record fields, tensor attributes) and inside a call (labels), :timeit, a completed path
# closing its quote, UTF-8 input, :help NAME, :time, :load of a notebook, an unknown command, Ctrl-D
# exiting with status 0, history persisted to $HEBB_HISTORY and recalled by a second
# session, and an unwritable history file costing exactly one warning.
#
# Usage:  Tests/repl/repl_pty_test.sh path/to/hebb
# Needs:  tmux (Debian/Ubuntu package `tmux`).  Exit 0 = pass, 1 = a check failed (the
#         message names the step and dumps the screen), 2 = cannot run (no tmux, no binary).
# Knobs:  REPL_TEST_TIMEOUT (seconds to wait for each expected screen, default 15),
#         REPL_TEST_MAX_INTERRUPT (seconds Ctrl-C may take to stop a loop, default 1.5),
#         REPL_TEST_KEEP=1 keeps the work directory.

set -uo pipefail

HEBB=${1:-}
if [[ -z $HEBB ]]; then
    echo "usage: $0 path/to/hebb" >&2
    exit 2
fi
if [[ ! -x $HEBB ]]; then
    echo "repl_pty_test: '$HEBB' is not an executable file" >&2
    exit 2
fi
HEBB=$(cd "$(dirname "$HEBB")" && pwd)/$(basename "$HEBB")
if ! command -v tmux >/dev/null 2>&1; then
    echo "repl_pty_test: tmux is not installed (apt-get install -y tmux)" >&2
    exit 2
fi

TIMEOUT=${REPL_TEST_TIMEOUT:-15}
MAX_INTERRUPT=${REPL_TEST_MAX_INTERRUPT:-1.5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hebb-repl-test.XXXXXX")
# One tmux server per hebb session: reusing a socket right after kill-server races with the
# old server's exit ("server exited unexpectedly").
SESSIONS=0
SOCKET="hebb-repl-test-$$-0"
PANE="repl"
STEP="setup"

tmux_() { tmux -L "$SOCKET" -f /dev/null "$@"; }

cleanup() {
    local n
    for ((n = 1; n <= SESSIONS; n++)); do tmux -L "hebb-repl-test-$$-$n" -f /dev/null kill-server >/dev/null 2>&1; done
    if [[ ${REPL_TEST_KEEP:-0} == 1 ]]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# MARK: - Screen helpers

# The whole pane (scrollback included), wrapped lines joined, trailing blanks removed.
screen() {
    tmux_ capture-pane -p -J -S - -t "$PANE" 2>/dev/null | sed 's/[[:space:]]*$//' \
        | awk '{ lines[NR] = $0 } NF { last = NR } END { for (i = 1; i <= last; i++) print lines[i] }'
}

# Remembers where the screen ends (the line with the current prompt); `region` is what was
# drawn from there on, so each check only sees the output of the keys sent after `mark`.
mark() { MARK=$(screen | wc -l); (( MARK < 1 )) && MARK=1; }
region() { screen | tail -n "+$MARK"; }

fail() {
    echo "FAIL [$STEP]: $*" >&2
    echo "----- screen (from the step's first line) -----" >&2
    region >&2
    echo "----- end of screen -----" >&2
    exit 1
}

# wait_for REGEX WHAT: waits until a line of the region matches the extended regex.
wait_for() {
    local regex=$1 what=$2 deadline=$((SECONDS + TIMEOUT))
    until region | grep -Eq -- "$regex"; do
        (( SECONDS >= deadline )) && fail "expected $what (a line matching /$regex/) within ${TIMEOUT}s"
        sleep 0.05
    done
}

# wait_last REGEX WHAT: waits until the region's last line matches (the line being edited).
wait_last() {
    local regex=$1 what=$2 deadline=$((SECONDS + TIMEOUT))
    until region | tail -n 1 | grep -Eq -- "$regex"; do
        (( SECONDS >= deadline )) && fail "expected $what (last line matching /$regex/) within ${TIMEOUT}s"
        sleep 0.05
    done
}

wait_prompt() { wait_last '^hebb\[[0-9]+\]>$' "a fresh 'hebb>' prompt"; }

# Types a line and presses Enter.
type_line() { tmux_ send-keys -t "$PANE" -l -- "$1"; tmux_ send-keys -t "$PANE" Enter; }
keys() { tmux_ send-keys -t "$PANE" "$@"; }

# run_line TEXT REGEX WHAT: types TEXT at a fresh prompt, waits for REGEX, then the prompt.
run_line() {
    mark
    type_line "$1"
    wait_for "$2" "$3"
    wait_prompt
}

step() { STEP=$1; echo "-- $STEP"; }

# Starts hebb in a fresh pane; the wrapper prints its exit status when it ends. The wrapper
# traps SIGINT (with a handler, which exec resets) so only hebb reacts to Ctrl-C.
start_hebb() {
    local history=$1
    tmux_ kill-server >/dev/null 2>&1
    SESSIONS=$((SESSIONS + 1))
    SOCKET="hebb-repl-test-$$-$SESSIONS"
    tmux_ start-server \; set -g remain-on-exit on \; set -g default-terminal screen \; \
        set -g history-limit 5000 \; \
        new-session -d -s "$PANE" -x 120 -y 50 -c "$WORK" \
        "trap : INT; env HOME='$WORK' HEBB_HISTORY='$history' NO_COLOR=1 '$HEBB'; echo \"[hebb exited with status \$?]\"" \
        || { echo "repl_pty_test: could not start tmux" >&2; exit 2; }
    MARK=1
    wait_for '^Hebb [0-9]' "the welcome banner with the version"
    wait_for ':help' "the banner's hint to type :help"
    wait_prompt
}

NUMBER_5='^5(\.0+)?$'

# MARK: - The session

HISTORY_FILE="$WORK/history"
mkdir -p "$WORK/data/sub"
: > "$WORK/data/digits_small.csv"
cat > "$WORK/notebook.nb" <<'NOTEBOOK'
# A notebook for :load

```hebb
loaded_value = 7
```

Prose between cells.

```hebb
print("from the notebook")
```
```output
from the notebook
```
NOTEBOOK

step "start: banner and prompt"
start_hebb "$HISTORY_FILE"

step "multi-line function typed line by line"
mark
type_line 'fn add(a, b) {'
wait_last '^\.\.\.' "the continuation prompt '...' after an open brace"
type_line '    return a + b'
type_line '}'
wait_prompt
region | grep -Eq '^\.\.\. +return a \+ b$' || fail "the function body was not shown on a '...' line"
run_line 'add(2, 3)' "$NUMBER_5" "add(2, 3) to echo 5"

step "history: Up recalls the previous line, which is edited and run"
mark
keys Up
wait_last '^hebb\[[0-9]+\]> add\(2, 3\)$' "Up to recall 'add(2, 3)'"
keys BSpace BSpace
tmux_ send-keys -t "$PANE" -l -- '10)'
keys Enter
wait_for '^hebb\[[0-9]+\]> add\(2, 10\)$' "the edited line 'add(2, 10)'"
wait_for '^12(\.0+)?$' "add(2, 10) to echo 12"
wait_prompt

step "a pasted multi-line function"
mark
tmux_ set-buffer -b paste -- $'fn twice(x) {\n    return 2 * x\n}\ntwice(21)\n'
tmux_ paste-buffer -b paste -t "$PANE"
wait_for '^42(\.0+)?$' "twice(21) to echo 42 after pasting the function"
wait_prompt

step "Tab completes a variable name"
run_line 'learning_rate = 0.25' '^hebb\[[0-9]+\]> learning_rate = 0\.25$' "the assignment"
region | grep -Eq '^0\.25' && fail "an assignment echoed a value"
mark
tmux_ send-keys -t "$PANE" -l -- 'learn'
keys Tab
wait_last '^hebb\[[0-9]+\]> learning_rate$' "Tab to complete 'learn' to 'learning_rate'"
keys Enter
wait_for '^0\.25$' "learning_rate to echo 0.25"
wait_prompt

step "Tab on an ambiguous prefix shows the candidates"
run_line 'zq_first = 1' '^hebb\[[0-9]+\]> zq_first = 1$' "the assignment"
run_line 'zq_second = 2' '^hebb\[[0-9]+\]> zq_second = 2$' "the assignment"
mark
tmux_ send-keys -t "$PANE" -l -- 'zq'
keys Tab
wait_last '^hebb\[[0-9]+\]> zq_$' "Tab to complete 'zq' to the common prefix 'zq_'"
keys Tab
wait_for 'zq_first +zq_second' "a second Tab to list 'zq_first  zq_second'"
tmux_ send-keys -t "$PANE" -l -- 's'
keys Tab
wait_last '^hebb\[[0-9]+\]> zq_second$' "Tab to complete 'zq_s' to 'zq_second'"
keys Enter
wait_for '^2(\.0+)?$' "zq_second to echo 2"
wait_prompt

step "Tab completes a :command; :vars lists the variables"
mark
tmux_ send-keys -t "$PANE" -l -- ':va'
keys Tab
wait_last '^hebb\[[0-9]+\]> :vars$' "Tab to complete ':va' to ':vars'"
keys Enter
wait_for '^learning_rate +[^ ]' "':vars' to list learning_rate with its type"
wait_prompt

step "an error shows a caret, then every variable is intact"
run_line 'learning_rate + no_such_name' 'error' "an error message"
region | grep -Eq '^ +\^' || fail "no caret line ('    ^~~') under the failing entry"
run_line 'learning_rate' '^0\.25$' "learning_rate to still be 0.25 after the error"

step "Ctrl-C at the prompt clears the line"
mark
tmux_ send-keys -t "$PANE" -l -- 'half typed garbage'
keys C-c
wait_prompt
run_line '1 + 1' '^2(\.0+)?$' "1 + 1 to run on a clean line and echo 2"
region | grep -Eq '^hebb\[[0-9]+\]> 1 \+ 1$' || fail "the interrupted line's text leaked into the next entry"

step "Ctrl-C stops a running loop; its variable keeps the state as of the interrupt"
run_line 'i = 0' '^hebb\[[0-9]+\]> i = 0$' "the assignment"
mark
type_line 'while true { i += 1 }'
sleep 1
region | grep -Eq '^hebb\[[0-9]+\]>$' && fail "the endless loop returned to the prompt by itself"
started=$(date +%s.%N)
keys C-c
wait_for 'interrupted' "an 'interrupted' message after Ctrl-C"
wait_prompt
stopped=$(date +%s.%N)
latency=$(awk -v a="$started" -v b="$stopped" 'BEGIN { printf "%.2f", b - a }')
echo "   Ctrl-C stopped the loop and the prompt returned in ${latency}s"
awk -v t="$latency" -v max="$MAX_INTERRUPT" 'BEGIN { exit !(t <= max) }' \
    || fail "Ctrl-C took ${latency}s to stop the loop (allowed: ${MAX_INTERRUPT}s)"
run_line 'i > 0' '^true$' "i > 0 to be true (the loop ran before it was stopped)"

step "Ctrl-C pressed three times during a slow conv2d: back to the prompt, state kept"
run_line 'kept = 11' '^hebb\[[0-9]+\]> kept = 11$' "the assignment"
run_line 'cx = randn(200, 16, 32, 32); cw = randn(16, 16, 9, 9)' '^hebb\[[0-9]+\]> cx = ' "the inputs"
interrupt_thrice() {
    local what=$1
    sleep 1
    region | grep -Eq '^hebb\[[0-9]+\]>$' && fail "$what finished before Ctrl-C (make it bigger)"
    keys C-c; sleep 0.2; keys C-c; sleep 0.2; keys C-c
    wait_for 'interrupted' "an 'interrupted' message after Ctrl-C during $what"
    wait_prompt
    region | grep -q 'hebb exited' && fail "hebb exited after Ctrl-C during $what"
}
mark
type_line 'cy = conv2d(cx, cw, padding: 4)'
interrupt_thrice "conv2d"
run_line 'kept' '^11(\.0+)?$' "a variable defined before the interrupted conv2d"
run_line 'type(cx)' '^"tensor"$' "the conv2d input, still there"

step "Ctrl-C pressed three times during a big str(): back to the prompt, state kept"
run_line 'big = list(range(4000000))' '^hebb\[[0-9]+\]> big = ' "the list"
mark
type_line 's = str([big, big, big, big])'
interrupt_thrice "str()"
run_line 'kept + len(big)' '^4000011(\.0+)?$' "the variables after the interrupted str()"

step "Tab completes file paths inside a string"
mark
tmux_ send-keys -t "$PANE" -l -- 'csv_path = "data/dig'
keys Tab
wait_last '^hebb\[[0-9]+\]> csv_path = "data/digits_small\.csv"$' "Tab to complete the file name inside the string and close the quote"
keys Enter
wait_prompt
run_line 'csv_path' '^"data/digits_small\.csv"$' "the completed path to be a whole string"
mark
tmux_ send-keys -t "$PANE" -l -- 'quoted = "data/dig"'
keys Left
keys Tab
wait_last '^hebb\[[0-9]+\]> quoted = "data/digits_small\.csv"$' "Tab before an existing closing quote to add no second one"
keys Enter
wait_prompt
run_line 'quoted' '^"data/digits_small\.csv"$' "the path completed before its closing quote"
mark
tmux_ send-keys -t "$PANE" -l -- 'other = "da'
keys Tab
wait_last '^hebb\[[0-9]+\]> other = "data/$' "Tab to complete a directory with a trailing '/'"
keys Tab
wait_for 'digits_small\.csv +sub/' "a second Tab to list the directory's entries"
keys C-c
wait_prompt

step "the prompt shows the entry number that the entry's errors name"
mark
number=$(screen | tail -n 1 | sed -nE 's/^hebb\[([0-9]+)\]>$/\1/p')
[[ -n $number ]] || fail "the prompt shows no entry number"
type_line 'no_such_name_here + 1'
wait_for "^REPL\\[$number\\]:1:1: error: unknown name 'no_such_name_here'" "the error to name entry REPL[$number], as the prompt did"
wait_last "^hebb\\[$((number + 1))\\]>\$" "the next prompt to show entry $((number + 1))"
run_line ':vars' '^learning_rate' "':vars' (a command, not an entry)"
region | tail -n 1 | grep -Eq "^hebb\\[$((number + 2))\\]>\$" && fail "a :command used up an entry number"

step "_ is the last value echoed"
run_line '6 * 7' '^42(\.0+)?$' "6 * 7 to echo 42"
run_line '_ + 1' '^43(\.0+)?$' "_ + 1 to echo 43"
run_line 'not_echoed = 5' '^hebb\[[0-9]+\]> not_echoed = 5$' "an assignment"
run_line '_' '^43(\.0+)?$' "_ to stay 43 after an assignment (which echoes nothing)"
run_line ':vars' '^learning_rate' "':vars'"
region | grep -Eq '^_ ' && fail "':vars' lists _"

step "NAME? and ?NAME show the documentation"
run_line 'softmax?' '^softmax\(x' "'softmax?' to show the signature of softmax"
run_line '?relu' '^relu\(' "'?relu' to show the signature of relu"
run_line 'opt = sgd(lr: 0.5)' '^hebb\[[0-9]+\]> opt = ' "an optimizer record"
run_line 'opt.step?' '^fn\(params, grads\)$' "'opt.step?' to show the field's function"

step "Tab after a dot completes record fields and tensor attributes"
run_line 'model = {weights: ones(2, 3), bias_term: 1}' '^hebb\[[0-9]+\]> model = ' "a record"
mark
tmux_ send-keys -t "$PANE" -l -- 'model.bi'
keys Tab
wait_last '^hebb\[[0-9]+\]> model\.bias_term$' "Tab to complete 'model.bi' to 'model.bias_term'"
keys Enter
wait_for '^1(\.0+)?$' "model.bias_term to echo 1"
wait_prompt
mark
tmux_ send-keys -t "$PANE" -l -- 'opt.'
keys Tab
wait_for '^name +lr +step$' "Tab after 'opt.' to list the optimizer's fields"
tmux_ send-keys -t "$PANE" -l -- 'st'
keys Tab
wait_last '^hebb\[[0-9]+\]> opt\.step$' "Tab to complete 'opt.st' to 'opt.step'"
keys C-c
wait_prompt
mark
tmux_ send-keys -t "$PANE" -l -- 'model.weights.sha'
keys Tab
wait_last '^hebb\[[0-9]+\]> model\.weights\.shape$' "Tab to complete a tensor attribute after a chain of fields"
keys Enter
wait_for '^\(2, 3\)$' "model.weights.shape to echo (2, 3)"
wait_prompt

step "Tab inside a call completes parameter labels"
run_line 'X = ones(2, 3)' '^hebb\[[0-9]+\]> X = ' "a tensor"
mark
tmux_ send-keys -t "$PANE" -l -- 'sum(X, ax'
keys Tab
wait_last '^hebb\[[0-9]+\]> sum\(X, axis:$' "Tab to complete 'sum(X, ax' to 'sum(X, axis:'"
tmux_ send-keys -t "$PANE" -l -- ' 1)'
keys Enter
wait_for '^\[3\. 3\.\]$' "sum(X, axis: 1) to echo [3. 3.]"
wait_prompt
mark
tmux_ send-keys -t "$PANE" -l -- 'X.mean(ax'
keys Tab
wait_last '^hebb\[[0-9]+\]> X\.mean\(axis:$' "Tab to complete a method call's label"
keys C-c
wait_prompt

step ":timeit repeats an expression and reports mean ± spread"
run_line ':timeit X * 2' '^[0-9.]+ (ns|µs|ms|s) ± [0-9.]+ (ns|µs|ms|s) per call \(mean ± std\. dev\. of [3-7] runs, [0-9]+ calls? each\)$' \
    "':timeit' to report the mean ± std. dev. per call"
region | grep -Eq '^\[\[' && fail "':timeit' echoed the value"
run_line ':timeit no_such_name_either' "^REPL\\[[0-9]+\\]:1:1: error: unknown name" "':timeit' of a failing expression to show its error once"
[[ $(region | grep -c 'error: unknown name') == 1 ]] || fail "':timeit' showed the error more than once"

step "UTF-8 typed or pasted reaches the interpreter and the display unchanged"
run_line 'η = 2' '^hebb\[[0-9]+\]> η = 2$' "'η = 2' shown as typed"
run_line 'print("η ∂J héllo 学习 🙂", η + 1)' '^η ∂J héllo 学习 🙂 3(\.0+)?$' "the Greek, accented, CJK and emoji text printed unchanged"

step ":help NAME, :time, :load of a notebook (and outside the folder), an unknown command"
run_line ':help softmax' 'softmax\(' "the documentation of softmax"
run_line ':time 2 * 3' 'wall time: [0-9.]+ (µs|ms|s)$' "':time' to print the wall time"
region | grep -Eq '^6(\.0+)?$' || fail "':time 2 * 3' did not echo 6"
run_line ':t 2 * 3' 'wall time: [0-9.]+ (µs|ms|s)$' "':t' to be ':time' (not ambiguous with ':timeit')"
mark
tmux_ send-keys -t "$PANE" -l -- ':load "note'
keys Tab
wait_last '^hebb\[[0-9]+\]> :load "notebook\.nb"$' "Tab to complete ':load \"note' and close the quote"
keys C-c
wait_prompt
run_line ':load notebook.nb' '^ran 2 code cells from notebook\.nb$' "':load' to run the notebook's two code cells"
region | grep -q 'from the notebook' || fail "the notebook's print output was not shown"
run_line 'loaded_value' '^7(\.0+)?$' "a variable defined by the loaded notebook"
run_line ':load /etc/hostname' '^:load: reading .* is not allowed: it is outside .*--allow-read' "':load' of a file outside the working directory to be refused"
run_line ':frobnicate' 'unknown command' "a message for an unknown command"

step "Ctrl-D on an empty line exits with status 0"
mark
keys C-d
wait_for '^\[hebb exited with status 0\]$' "hebb to exit with status 0"

step "history persisted to \$HEBB_HISTORY"
[[ -s $HISTORY_FILE ]] || fail "no history file at $HISTORY_FILE"
head -n 1 "$HISTORY_FILE" | grep -q '^_HiStOrY_V2_$' || fail "the history file lacks libedit's header"
grep -qF 'learning_rate\040=\0400.25' "$HISTORY_FILE" || fail "'learning_rate = 0.25' is not in the history file"
grep -qF 'fn\040add(a,\040b)\040{\012' "$HISTORY_FILE" \
    || fail "the multi-line function is not stored as one entry in the history file"

step "a second session recalls the first one's last entry"
start_hebb "$HISTORY_FILE"
mark
keys Up
wait_last '^hebb\[[0-9]+\]> :frobnicate$' "Up to recall ':frobnicate', the previous session's last entry"
keys C-c
wait_prompt
mark
keys C-d
wait_for '^\[hebb exited with status 0\]$' "hebb to exit with status 0"

step "an unwritable history file costs one warning, not the session"
start_hebb "$WORK/missing-directory/history"
run_line '1 + 2' '^3(\.0+)?$' "1 + 2 to echo 3"
run_line '2 + 2' '^4(\.0+)?$' "2 + 2 to echo 4"
mark
keys C-d
wait_for '^\[hebb exited with status 0\]$' "hebb to exit with status 0"
MARK=1
warnings=$(region | grep -c 'warning: .*history')
[[ $warnings == 1 ]] || fail "expected exactly one history warning, saw $warnings"

echo "PASS: the REPL behaved in a pseudo-terminal ($HEBB)"
