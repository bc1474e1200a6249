// Test helpers: parse a snippet and print its tree as a compact S-expression, so a test
// states a whole tree in one string: `1 + 2 * 3` -> `(+ 1 (* 2 3))`.
@testable import HebbSyntax

struct Parsed {
    var program: Program
    var diagnostics: [Diagnostic]
    var file: SourceFile

    var messages: [String] { diagnostics.map(\.message) }
    /// `line:col: message` of each diagnostic.
    var located: [String] {
        diagnostics.map { diagnostic in
            guard let span = diagnostic.span else { return diagnostic.message }
            let (line, column) = file.location(ofOffset: span.start)
            return "\(line):\(column): \(diagnostic.message)"
        }
    }
    var dump: String { program.statements.map(Dump.statement).joined(separator: "\n") }
    /// The text of `span` in the source.
    func text(_ span: SourceSpan) -> String {
        let bytes = Array(file.text.utf8)
        return String(decoding: bytes[max(0, span.start)..<min(bytes.count, span.end)], as: UTF8.self)
    }
}

func parse(_ source: String, name: String = "test.hebb") -> Parsed {
    let file = SourceFile(name: name, text: source)
    let (program, diagnostics) = Parser.parse(file, symbols: SymbolTable())
    return Parsed(program: program, diagnostics: diagnostics, file: file)
}

/// The dump of a snippet that must parse cleanly (errors are returned as the dump instead).
func tree(_ source: String) -> String {
    let parsed = parse(source)
    if !parsed.diagnostics.isEmpty { return "ERRORS: " + parsed.located.joined(separator: " | ") }
    return parsed.dump
}

/// The first statement's expression.
func expression(_ source: String) -> Expr? {
    guard let first = parse(source).program.statements.first, case .expression(let expr) = first.kind else { return nil }
    return expr
}

enum Dump {
    static func statement(_ stmt: Stmt) -> String {
        switch stmt.kind {
        case .expression(let expr): return expression(expr)
        case .assign(let targets, let value):
            return "(= (\(targets.map(target).joined(separator: " "))) \(expression(value)))"
        case .compoundAssign(let target, let operation, let value):
            return "(\(operation.rawValue)= \(self.target(target)) \(expression(value)))"
        case .function(let declaration): return function(declaration)
        case .ifElse(let condition, let then, let otherwise):
            var text = "(if \(expression(condition)) \(block(then))"
            if let otherwise { text += " else \(block(otherwise))" }
            return text + ")"
        case .forIn(let pattern, let sequence, let body):
            return "(for (\(pattern.map(\.name).joined(separator: " "))) \(expression(sequence)) \(block(body)))"
        case .whileLoop(let condition, let body): return "(while \(expression(condition)) \(block(body)))"
        case .returnValue(let value): return value.map { "(return \(expression($0)))" } ?? "(return)"
        case .breakLoop: return "break"
        case .continueLoop: return "continue"
        }
    }

    static func block(_ statements: [Stmt]) -> String {
        "{" + statements.map(statement).joined(separator: "; ") + "}"
    }

    static func function(_ declaration: FunctionDecl) -> String {
        let parameters = declaration.parameters.map { parameter in
            parameter.name.name + (parameter.defaultValue.map { "=" + expression($0) } ?? "")
        }
        let name = declaration.name.map { "fn " + $0 } ?? "fn"
        return "(\(name) (\(parameters.joined(separator: " "))) \(block(declaration.body)))"
    }

    static func target(_ target: AssignTarget) -> String {
        switch target {
        case .name(let identifier): return identifier.name
        case .index(let base, let items, _): return "(index \(expression(base)) \(items.map(item).joined(separator: " ")))"
        case .field(let base, let name, _): return "(. \(expression(base)) \(name))"
        }
    }

    static func item(_ item: IndexItem) -> String {
        switch item {
        case .single(let expr): return expression(expr)
        case .slice(let start, let stop, let step):
            return "(: \([start, stop, step].map { $0.map(expression) ?? "_" }.joined(separator: " ")))"
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func expression(_ expr: Expr) -> String {
        switch expr.kind {
        case .number(let value): return number(value)
        case .string(let parts): return "\"" + parts.map(part).joined() + "\""
        case .bool(let value): return String(value)
        case .none: return "none"
        case .name(let identifier): return identifier.name
        case .list(let items): return "[" + items.map(expression).joined(separator: " ") + "]"
        case .tuple(let items): return "(tuple" + items.map { " " + expression($0) }.joined() + ")"
        case .record(let fields): return "{" + fields.map { "\($0.name)=\(expression($0.value))" }.joined(separator: " ") + "}"
        case .unary(let operation, let operand):
            let name = switch operation { case .negate: "neg"; case .plus: "pos"; case .not: "not" }
            return "(\(name) \(expression(operand)))"
        case .binary(let operation, let left, let right): return "(\(operation.rawValue) \(expression(left)) \(expression(right)))"
        case .logical(let operation, let left, let right): return "(\(operation.rawValue) \(expression(left)) \(expression(right)))"
        case .range(let low, let high, let inclusive): return "(\(inclusive ? "..." : "..<") \(expression(low)) \(expression(high)))"
        case .call(let callee, let arguments):
            let shown = arguments.map { ($0.label.map { $0 + "=" } ?? "") + expression($0.value) }
            return "(call \(expression(callee))" + shown.map { " " + $0 }.joined() + ")"
        case .index(let base, let items): return "(index \(expression(base)) \(items.map(item).joined(separator: " ")))"
        case .field(let base, let name): return "(. \(expression(base)) \(name))"
        case .function(let declaration): return function(declaration)
        }
    }

    static func part(_ part: StringPart) -> String {
        switch part {
        case .text(let text): return text
        case .interpolation(let expr, let format): return "{" + expression(expr) + (format.map { ":" + $0 } ?? "") + "}"
        }
    }
}
