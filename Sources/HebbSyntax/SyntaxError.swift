// The error the lexer and parser raise internally, before it becomes a `Diagnostic`.

/// A syntax error with its span. `atEnd` marks errors caused by the input stopping early
/// (an open bracket or string, a trailing operator): a REPL reads another line instead of
/// reporting them. `resumeHere` tells the parser's recovery to restart at the offending
/// token instead of skipping to the end of the statement (it starts a new line, and the
/// error is a bracket that was never closed).
struct SyntaxError: Error, Sendable {
    var message: String
    var span: SourceSpan
    var atEnd = false
    var resumeHere = false
    /// A lexer error that drops or reshapes tokens (an invalid character, an unterminated
    /// string): parser errors that follow it in the same statement are not reported.
    var garblesTokens = false
}
