// libedit (BSD editline) for the Hebb REPL. Only libedit's own API is used: <histedit.h>,
// never GNU readline (whose headers are also installed on Debian).
//
// el_set(), el_get() and history() are C-variadic, so Swift cannot call them. Every use the
// REPL needs has a typed `static inline` wrapper below; add a wrapper here rather than
// reaching for a variadic call from Swift.
#ifndef HEBB_EDITLINE_SHIM_H
#define HEBB_EDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>

/// A prompt callback (EL_PROMPT): returns the prompt text, which must stay valid.
typedef char *(*hebb_el_prompt_fn)(EditLine *);
/// A user editor command (EL_ADDFN): returns one of the CC_* codes.
typedef unsigned char (*hebb_el_command_fn)(EditLine *, int);

// MARK: - Editor settings

static inline int hebb_el_set_prompt(EditLine *el, hebb_el_prompt_fn prompt) {
    return el_set(el, EL_PROMPT, prompt);
}

/// "emacs" or "vi" key bindings.
static inline int hebb_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

/// When on, libedit restores the terminal on SIGINT/SIGTSTP/... and re-raises the signal
/// to the handler that was installed before, so el_gets returns NULL after a Ctrl-C.
static inline int hebb_el_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}

/// Registers a named editor command that keys can then be bound to.
static inline int hebb_el_add_function(EditLine *el, const char *name, const char *help,
                                       hebb_el_command_fn function) {
    return el_set(el, EL_ADDFN, name, help, function);
}

/// Binds one key sequence ("^I", "^R", "\\e[A") to a built-in or added command.
static inline int hebb_el_bind(EditLine *el, const char *key, const char *command) {
    return el_set(el, EL_BIND, key, command, (const char *)NULL);
}

/// Connects a history list, so the arrows and searches walk it.
static inline int hebb_el_set_history(EditLine *el, History *list) {
    return el_set(el, EL_HIST, history, list);
}

/// Terminal width in columns as libedit sees it (0 when unknown).
static inline int hebb_el_columns(EditLine *el) {
    int columns = 0;
    if (el_get(el, EL_GETTC, "co", &columns, (void *)NULL) != 0) return 0;
    return columns;
}

// MARK: - History

static inline int hebb_history_set_size(History *list, int size) {
    HistEvent event;
    return history(list, &event, H_SETSIZE, size);
}

/// Adjacent duplicate entries are not stored twice.
static inline int hebb_history_set_unique(History *list, int on) {
    HistEvent event;
    return history(list, &event, H_SETUNIQUE, on);
}

static inline int hebb_history_enter(History *list, const char *entry) {
    HistEvent event;
    return history(list, &event, H_ENTER, entry);
}

/// Number of entries read, or -1 (missing file, unreadable, not a libedit history file).
static inline int hebb_history_load(History *list, const char *path) {
    HistEvent event;
    return history(list, &event, H_LOAD, path);
}

/// Number of entries written, or -1.
static inline int hebb_history_save(History *list, const char *path) {
    HistEvent event;
    return history(list, &event, H_SAVE, path);
}

#endif
