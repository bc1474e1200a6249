// The syntax tree the parser builds and the interpreter walks.

/// Interns names to small integers so the interpreter looks variables up by index, not by
/// hashing strings. One table per session; the parser fills it.
public final class SymbolTable {
    public private(set) var names: [String] = []
    private var indices: [String: Int] = [:]
    public init() {}

    public func intern(_ name: String) -> Int {
        if let index = indices[name] { return index }
        names.append(name)
        indices[name] = names.count - 1
        return names.count - 1
    }

    public func lookup(_ name: String) -> Int? { indices[name] }
}

/// A name in the source and its interned symbol.
public struct Identifier: Sendable, Equatable {
    public var name: String
    public var symbol: Int
    public var span: SourceSpan
    public init(name: String, symbol: Int, span: SourceSpan) {
        self.name = name; self.symbol = symbol; self.span = span
    }
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case power = "**", matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "not"
}

public enum LogicalOperator: String, Sendable {
    case and, or
}

/// One piece of a string literal: text, or `{expr}` / `{expr:format}`.
public enum StringPart: Sendable {
    case text(String)
    case interpolation(Expr, format: String?)
}

/// A call argument, positional or labelled (`axis: 1`).
public struct Argument: Sendable {
    public var label: String?
    public var value: Expr
    public init(label: String?, value: Expr) { self.label = label; self.value = value }
}

/// One subscript: `i`, `a:b`, `a:b:c`, `:` (all parts optional).
public enum IndexItem: Sendable {
    case single(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?)
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var span: SourceSpan
    public init(_ kind: ExprKind, span: SourceSpan) { self.kind = kind; self.span = span }
}

public indirect enum ExprKind: Sendable {
    case number(Double)
    case string([StringPart])
    case bool(Bool)
    case none
    case name(Identifier)
    case list([Expr])
    case tuple([Expr])
    case record([(name: String, value: Expr)])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case logical(LogicalOperator, Expr, Expr)
    /// `a...b` (inclusive) or `a..<b`.
    case range(Expr, Expr, inclusive: Bool)
    case call(Expr, [Argument])
    case index(Expr, [IndexItem])
    case field(Expr, String)
    /// An anonymous function `fn(x) { ... }` or `fn(x) => expr`.
    case function(FunctionDecl)
}

/// Where an assignment stores.
public enum AssignTarget: Sendable {
    case name(Identifier)
    case index(Expr, [IndexItem], span: SourceSpan)
    case field(Expr, String, span: SourceSpan)
}

public struct Parameter: Sendable {
    public var name: Identifier
    public var defaultValue: Expr?
    public init(name: Identifier, defaultValue: Expr?) { self.name = name; self.defaultValue = defaultValue }
}

/// A function definition or lambda. A class so closures share one copy of the body.
public final class FunctionDecl: Sendable {
    public let name: String?
    public let parameters: [Parameter]
    public let body: [Stmt]
    public let span: SourceSpan
    /// The `#` comment lines right above a named function, for `help(name)`.
    public let doc: String?

    public init(name: String?, parameters: [Parameter], body: [Stmt], span: SourceSpan, doc: String?) {
        self.name = name; self.parameters = parameters; self.body = body; self.span = span; self.doc = doc
    }
}

public struct Stmt: Sendable {
    public var kind: StmtKind
    public var span: SourceSpan
    public init(_ kind: StmtKind, span: SourceSpan) { self.kind = kind; self.span = span }
}

public indirect enum StmtKind: Sendable {
    case expression(Expr)
    /// `a = e`, or with several targets `a, b = e` (destructuring a list or tuple).
    case assign([AssignTarget], Expr)
    /// `W -= lr * dW`
    case compoundAssign(AssignTarget, BinaryOperator, Expr)
    case function(FunctionDecl)
    case ifElse(condition: Expr, then: [Stmt], otherwise: [Stmt]?)
    /// `for x in seq { }` or `for i, x in seq { }` (destructuring each element).
    case forIn(pattern: [Identifier], sequence: Expr, body: [Stmt])
    case whileLoop(condition: Expr, body: [Stmt])
    case returnValue(Expr?)
    case breakLoop
    case continueLoop
}

/// A parsed program (a file, a cell, a REPL entry).
public struct Program: Sendable {
    public var statements: [Stmt]
    public var file: SourceFile
    public init(statements: [Stmt], file: SourceFile) { self.statements = statements; self.file = file }
}
