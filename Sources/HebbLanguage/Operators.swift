import HebbAutodiff
import HebbSyntax
import HebbTensor

#if canImport(Glibc)
import Glibc
#endif

/// Arithmetic and comparison on values: numbers with numbers, tensors with tensors or
/// numbers (NumPy broadcasting, recorded for autodiff), strings and lists.
extension Interpreter {
    func unary(_ op: UnaryOperator, _ value: Value) throws -> Value {
        switch (op, value) {
        case (.not, _) where value.isMask: return .tensor(Variable(try Tensor.logicalNot(Interpreter.logicOperand(value)), in: graph))
        case (.not, _): return .bool(!(try Interpreter.truthValue(value)))
        case (.plus, .number), (.plus, .tensor): return value
        case (.negate, .number(let number)): return .number(-number)
        case (.negate, .bool(let flag)): return .number(flag ? -1 : 0)
        case (.negate, .tensor(let variable)): return .tensor(try Variable.apply(.neg, variable, in: graph))
        default: throw RuntimeError("cannot apply '\(op.rawValue)' to a \(value.typeName)")
        }
    }

    func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) throws -> Value {
        switch (left, right) {
        case (.number(let a), .number(let b)):
            return try Interpreter.numbers(op, a, b)
        case (.tensor(let a), .tensor(let b)):
            if op == .matmul { return .tensor(try Variable.apply(.matmul(transposeA: false, transposeB: false), a, b, in: graph)) }
            return .tensor(try Variable.apply(tensorOp(op, left, right), a, b, in: graph))
        case (.tensor(let a), _) where right.isScalarLike:
            let s = try Interpreter.numberValue(right, "operand")
            return .tensor(try Variable.apply(tensorOp(op, left, right), a, scalar: s, scalarOnLeft: false, in: graph))
        case (_, .tensor(let b)) where left.isScalarLike:
            let s = try Interpreter.numberValue(left, "operand")
            return .tensor(try Variable.apply(tensorOp(op, left, right), b, scalar: s, scalarOnLeft: true, in: graph))
        case (.bool, _) where right.isScalarLike, (_, .bool) where left.isScalarLike:
            if op == .equal || op == .notEqual, case .bool(let a) = left, case .bool(let b) = right {
                return .bool((a == b) == (op == .equal))
            }
            return try Interpreter.numbers(op, Interpreter.numberValue(left, "operand"), Interpreter.numberValue(right, "operand"))
        case (.string(let a), .string(let b)):
            switch op {
            case .add:
                try Interpreter.checkJoinedSize(a.utf8.count + b.utf8.count, bytesPerItem: 1, "string", unit: "bytes")
                return .string(a + b)
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            case .less: return .bool(a < b)
            case .greater: return .bool(a > b)
            case .lessEqual: return .bool(a <= b)
            case .greaterEqual: return .bool(a >= b)
            default: break
            }
        case (.list(let a), .list(let b)) where op == .add:
            try Interpreter.checkJoinedSize(a.items.count + b.items.count, bytesPerItem: MemoryLayout<Value>.stride, "list")
            return .list(ListBox(a.items + b.items))
        case (.tuple(let a), .tuple(let b)) where op == .add:
            try Interpreter.checkJoinedSize(a.count + b.count, bytesPerItem: MemoryLayout<Value>.stride, "tuple")
            return .tuple(a + b)
        default:
            break
        }
        if op == .equal || op == .notEqual {
            let same = try Interpreter.identical(left, right)
            return .bool(op == .equal ? same : !same)
        }
        throw RuntimeError("cannot apply '\(op.rawValue)' to a \(left.typeName) and a \(right.typeName)")
    }

    /// Joining strings, lists or tuples obeys the same size limit as a tensor allocation, so
    /// `s = s + s` in a loop is an error rather than the process being killed for memory.
    static func checkJoinedSize(_ count: Int, bytesPerItem: Int, _ what: String, unit: String = "items") throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: bytesPerItem)
        try TensorLimits.check(overflow ? Int.max : bytes, "a \(what) of \(count) \(unit)")
    }

    private func tensorOp(_ op: BinaryOperator, _ left: Value, _ right: Value) throws -> Tensor.BinaryOp {
        switch op {
        case .add: return .add
        case .subtract: return .sub
        case .multiply: return .mul
        case .divide: return .div
        case .power: return .pow
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .matmul: throw RuntimeError("'@' needs two tensors, got a \(left.typeName) and a \(right.typeName)")
        case .modulo: throw RuntimeError("'%' is defined for numbers, not tensors")
        }
    }

    static func numbers(_ op: BinaryOperator, _ a: Double, _ b: Double) throws -> Value {
        switch op {
        case .add: return .number(a + b)
        case .subtract: return .number(a - b)
        case .multiply: return .number(a * b)
        case .divide: return .number(a / b)
        case .power: return .number(Tensor.binary(.pow, scalar: a, b))  // the tensor kernel's pow
        case .modulo:
            // Python's modulo: the result has the sign of the divisor.
            guard b != 0 else { throw RuntimeError("modulo by zero") }
            let remainder = a.truncatingRemainder(dividingBy: b)
            return .number(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
        case .matmul: throw RuntimeError("'@' needs two tensors, got two numbers")
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterEqual: return .bool(a >= b)
        }
    }

    /// `==` for values that are not numbers or tensors: by value, as in Python, deep through
    /// lists, tuples and records (a record's field order does not matter, as for a dict);
    /// functions by identity. A tensor inside a container equals only itself: comparing it
    /// with another tensor or a number has no single answer (NumPy raises too), so it is an
    /// error; with none, a string or a list it is simply not equal (`W == none` is false).
    static func identical(_ a: Value, _ b: Value, depth: Int = 0) throws -> Bool {
        guard depth <= Conversion.maxRank else {
            throw RuntimeError("'==' on values nested more than \(Conversion.maxRank) levels deep (does a list contain itself?)")
        }
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number, .number), (.number, .bool), (.bool, .number):
            return try numberValue(a, "operand") == numberValue(b, "operand")
        case (.string(let x), .string(let y)): return x == y
        case (.tensor(let x), .tensor(let y)) where x === y: return true
        case (.tensor, .tensor), (.tensor, .number), (.number, .tensor), (.tensor, .bool), (.bool, .tensor):
            throw RuntimeError("'==' on lists, tuples or records that hold tensors has no single answer: "
                + "compare the tensors themselves, e.g. all(a == b)")
        case (.tuple(let x), .tuple(let y)): return try elementsEqual(x, y, depth: depth)
        case (.list(let x), .list(let y)): return try x === y || elementsEqual(x.items, y.items, depth: depth)
        case (.record(let x), .record(let y)):
            guard x !== y else { return true }
            let fields = x.fields
            guard fields.count == y.fields.count else { return false }
            for (name, value) in fields {
                guard let other = y[name], try identical(value, other, depth: depth + 1) else { return false }
            }
            return true
        case (.range(let x), .range(let y)):
            return x.count == y.count && (x.count == 0 || x.start == y.start && (x.count == 1 || x.step == y.step))
        case (.function(let x), .function(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        default: return false   // different kinds: a tensor is not none, a list is not a tuple
        }
    }

    private static func elementsEqual(_ x: [Value], _ y: [Value], depth: Int) throws -> Bool {
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where !(try identical(p, q, depth: depth + 1)) { return false }
        return true
    }
}

extension Value {
    /// A tensor of rank 1 or more: `and`, `or` and `not` act on it elementwise.
    var isMask: Bool {
        if case .tensor(let variable) = self { return variable.value.rank >= 1 }
        return false
    }

    /// Numbers and booleans combine with tensors as scalars.
    var isScalarLike: Bool {
        switch self {
        case .number, .bool: return true
        default: return false
        }
    }
}
