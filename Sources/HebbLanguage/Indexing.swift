import HebbAutodiff
import HebbTensor

/// Subscripts on values: `X[i, :]`, `X[idx]` (fancy rows), `X[Y == 3]` (masks), `list[-1]`, `s[1:3]`.
enum Indexing {
    static func get(_ target: Value, _ indices: [IndexValue]) throws -> Value {
        switch target {
        case .tensor(let variable):
            if let mask = leadingMask(indices) {
                // X[mask] through the differentiable mask op; further indices apply to its result.
                let selected = try Variable.apply(.maskSelect, variable, mask)
                let rest = try tensorSpecs(Array(indices.dropFirst()), shape: Array(selected.shape.dropFirst()))
                return .tensor(rest.isEmpty ? selected : try Variable.apply(.slice([.all] + rest), selected))
            }
            let specs = try tensorSpecs(indices, shape: variable.shape)
            return .tensor(try Variable.apply(.slice(specs), variable))
        case .list(let list):
            return try sequenceGet(list.items, indices, wrap: { .list(ListBox($0)) })
        case .tuple(let items):
            return try sequenceGet(items, indices, wrap: { .tuple($0) })
        case .string(let text):
            let characters = Array(text).map { Value.string(String($0)) }
            return try sequenceGet(characters, indices, wrap: { parts in
                .string(parts.map { if case .string(let s) = $0 { return s } else { return "" } }.joined())
            })
        case .record(let record):
            guard indices.count == 1, case .single(.string(let name)) = indices[0] else {
                throw RuntimeError("a record is indexed by a field name string")
            }
            guard let value = record[name] else { throw RuntimeError("record has no field '\(name)'") }
            return value
        case .range(let range):
            guard indices.count == 1, case .single(let position) = indices[0] else {
                throw RuntimeError("a range takes one index")
            }
            let index = try normalized(Interpreter.integerValue(position, "index"), count: range.count)
            return .number(range.element(index))
        default:
            throw RuntimeError("a \(target.typeName) cannot be indexed")
        }
    }

    /// Writes `value` at the subscript. Lists and records change in place (and are
    /// returned); a tensor is returned as a new value for the caller to rebind.
    static func assign(into target: Value, _ indices: [IndexValue], _ value: Value) throws -> Value {
        switch target {
        case .tensor(let variable):
            var updated = variable.value
            let source: Tensor
            switch value {
            case .tensor(let other): source = other.value
            default: source = Tensor(scalar: try Interpreter.numberValue(value, "assigned value"), dtype: updated.dtype)
            }
            if let mask = leadingMask(indices), indices.count == 1 {
                try Tensor.maskAssign(&updated, mask.value, source)
            } else {
                try Tensor.sliceAssign(&updated, tensorSpecs(indices, shape: updated.shape), source)
            }
            return .tensor(updated)
        case .list(let list):
            guard indices.count == 1, case .single(let position) = indices[0] else {
                throw RuntimeError("list assignment takes one index")
            }
            let index = try normalized(Interpreter.integerValue(position, "index"), count: list.items.count)
            list.items[index] = value
            return target
        case .record(let record):
            guard indices.count == 1, case .single(.string(let name)) = indices[0] else {
                throw RuntimeError("a record is indexed by a field name string")
            }
            record[name] = value
            return target
        default:
            throw RuntimeError("cannot assign into a \(target.typeName)")
        }
    }

    /// The mask of `X[mask, ...]`: a bool tensor, or a list of `true`/`false`, in first place.
    private static func leadingMask(_ indices: [IndexValue]) -> Variable? {
        guard case .single(let value) = indices.first else { return nil }
        switch value {
        case .tensor(let variable) where variable.dtype == .bool && variable.value.rank >= 1:
            return variable
        case .list, .tuple:
            return boolList(value).flatMap { try? Tensor(shape: [$0.count], values: $0.map { $0 ? 1 : 0 }, dtype: .bool) }.map(Variable.init)
        default:
            return nil
        }
    }

    /// The flags of a non-empty list or tuple made only of `true` and `false`, else nil.
    private static func boolList(_ value: Value) -> [Bool]? {
        let items: [Value]
        switch value {
        case .list(let list): items = list.items
        case .tuple(let tuple): items = tuple
        default: return nil
        }
        let flags = items.compactMap { item -> Bool? in if case .bool(let flag) = item { return flag } else { return nil } }
        return !items.isEmpty && flags.count == items.count ? flags : nil
    }

    /// The engine's index specs for a subscript of a tensor of `shape`. A 1-d mask after
    /// the first place (`X[:, keep]`) picks the positions where it is true along its axis.
    static func tensorSpecs(_ indices: [IndexValue], shape: [Int]) throws -> [Tensor.IndexSpec] {
        try indices.enumerated().map { axis, index in
            switch index {
            case .slice(let start, let stop, let step):
                return .range(start: start, stop: stop, step: step)
            case .single(let value):
                if let flags = boolList(value) { return try maskPositions(flags, axis: axis, shape: shape) }
                switch value {
                case .number:
                    return .single(try Interpreter.integerValue(value, "index"))
                case .bool:
                    throw RuntimeError("true/false cannot index a tensor; index with a number, or with a mask tensor such as x > 0")
                case .list(let list):
                    return .list(try list.items.map { try Interpreter.integerValue($0, "index") })
                case .tuple(let items):
                    return .list(try items.map { try Interpreter.integerValue($0, "index") })
                case .range(let range):
                    return .list(try Conversion.rangeElements(range).map { try Interpreter.integerValue(.number($0), "index") })
                case .tensor(let variable) where variable.dtype == .bool:
                    guard variable.value.rank > 0 else {
                        throw RuntimeError("a 0-d mask (a single True or False) cannot index a tensor; test it with if, "
                            + "or compare whole tensors to get a mask with the tensor's shape")
                    }
                    guard variable.value.rank == 1 else {
                        throw RuntimeError("a mask of shape \(Tensor.describe(variable.shape)) cannot be combined with other "
                            + "indices; index with it alone (X[mask]), or use a 1-d mask per axis")
                    }
                    return try maskPositions(variable.value.toDoubles().map { $0 != 0 }, axis: axis, shape: shape)
                case .tensor(let variable):
                    if variable.value.rank == 0 { return .single(try Interpreter.integerValue(value, "index")) }
                    guard variable.value.rank == 1 else {
                        throw RuntimeError("an index tensor must be 1-d, got shape \(Tensor.describe(variable.shape))")
                    }
                    return .list(try variable.value.toDoubles().map { try Interpreter.integerValue(.number($0), "index") })
                default:
                    throw RuntimeError("a \(value.typeName) cannot be used as an index")
                }
            }
        }
    }

    /// A 1-d mask along `axis` as the list of positions where it is true (NumPy's rule).
    private static func maskPositions(_ flags: [Bool], axis: Int, shape: [Int]) throws -> Tensor.IndexSpec {
        guard axis < shape.count, flags.count == shape[axis] else {
            let extent = axis < shape.count ? "\(shape[axis])" : "nothing"
            throw RuntimeError("a mask of shape (\(flags.count),) does not fit axis \(axis) of a tensor of shape "
                + "\(Tensor.describe(shape)), whose extent is \(extent)")
        }
        return .list(flags.indices.filter { flags[$0] })
    }

    private static func sequenceGet(_ items: [Value], _ indices: [IndexValue], wrap: ([Value]) -> Value) throws -> Value {
        guard indices.count == 1 else { throw RuntimeError("a sequence takes one index, got \(indices.count)") }
        switch indices[0] {
        case .single(let position):
            return items[try normalized(Interpreter.integerValue(position, "index"), count: items.count)]
        case .slice(let start, let stop, let step):
            return wrap(sliceElements(items, start, stop, step ?? 1))
        }
    }

    /// Python slice semantics (clamping, negative bounds and steps).
    static func sliceElements<T>(_ items: [T], _ start: Int?, _ stop: Int?, _ step: Int) -> [T] {
        let n = items.count
        func clamp(_ value: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
            guard var value else { return fallback }
            if value < 0 { value += n }
            return min(max(value, low), high)
        }
        var result: [T] = []
        if step > 0 {
            var index = clamp(start, 0, low: 0, high: n)
            let end = clamp(stop, n, low: 0, high: n)
            while index < end { result.append(items[index]); index += step }
        } else {
            var index = clamp(start, n - 1, low: -1, high: n - 1)
            let end = clamp(stop, -1, low: -1, high: n - 1)
            while index > end { result.append(items[index]); index += step }
        }
        return result
    }

    static func normalized(_ index: Int, count: Int) throws -> Int {
        let position = index < 0 ? index + count : index
        guard position >= 0, position < count else {
            throw RuntimeError("index \(index) is out of range for length \(count)")
        }
        return position
    }
}
