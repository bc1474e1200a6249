import Foundation
import HebbAutodiff
import HebbTensor

/// Automatic differentiation: `grad`, `gradcheck`, `no_grad`.
enum GradBuiltins {
    static let table: [Builtin] = [
        Builtin("grad(cost, wrt, allow_unused: false)",
                """
                Reverse-mode gradient of a scalar cost with respect to wrt: a tensor, a list of tensors \
                (returns a list in the same order) or a record of tensors (returns a record). The cost \
                must have been computed from those very tensors, in this recording window: a wrt the \
                cost does not depend on is an error (typically the cost was computed before a loop \
                that updates wrt: compute it inside the loop), as is a cost that reaches wrt only \
                through history released by an earlier grad() call or by the history limit \
                (HEBB_HISTORY_LIMIT ops recorded with no grad). allow_unused: true gives zeros for \
                unused tensors instead.
                """) { call in
            let cost = try costVariable(call)
            let wrt = try call.argument(1, "wrt")
            let allowUnused = try call.bool(2, "allow_unused", default: false)
            let (targets, rebuild) = try collectTargets(wrt)
            let gradients = try Variable.gradients(of: cost, withRespectTo: targets, allowUnused: allowUnused,
                                                   targetNames: wrtNames(call, wrt: wrt, count: targets.count))
            return rebuild(gradients.map { .tensor($0) })
        },
        Builtin("gradcheck(cost_or_fn, wrt, eps: 1e-5, max_elements: 500)",
                """
                Checks grad() against central finite differences and prints the largest relative error \
                |analytic - numeric| / max(|analytic|, |numeric|, 1); returns it. At most max_elements \
                evenly spaced elements of each wrt tensor are perturbed. cost_or_fn is a cost \
                tensor (its recorded graph is replayed) or a function called with the wrt tensors as \
                arguments. Use float64.
                """) { call in
            let first = try call.argument(0, "cost_or_fn")
            let (targets, _) = try collectTargets(try call.argument(1, "wrt"))
            let epsilon = try call.number(2, "eps", default: 1e-5)
            let maxElements = try call.integer(3, "max_elements", default: 500)
            let report: GradientCheck.Report
            switch first {
            case .function, .builtin:
                report = try checkFunction(call, first, targets, epsilon, maxElements)
            default:
                let cost = try costVariable(call)
                let analytic = try Variable.gradients(of: cost, withRespectTo: targets, allowUnused: true)
                report = try GradientCheck.compare(targets: targets.map(\.value), analytic: analytic, epsilon: epsilon,
                                                   maxElementsPerTarget: maxElements) { index, value in
                    try Variable.replay(cost, substituting: targets[index], with: value).element(0)
                }
            }
            if case .tensor(let cost) = first {
                for (index, target) in targets.enumerated() where !Variable.graph(of: cost, contains: target) {
                    call.interpreter.session.output.write(
                        "gradcheck: note: the cost does not depend on wrt[\(index)] (was it reassigned after the cost was computed?)\n")
                }
            }
            let error = report.maxRelativeError
            call.interpreter.session.output.write(
                "gradcheck: max relative error \(Display.scientific(error)) over \(report.checkedElements) elements\n")
            return .number(error)
        },
        Builtin("rmsprop_update(param, grad, ms, mom, lr, decay, momentum, eps)",
                """
                One RMSprop step (TensorFlow's form) in a single pass: returns (param', ms', mom') with \
                ms' = decay ms + (1 - decay) grad², mom' = momentum mom + lr grad / sqrt(ms' + eps), \
                param' = param - mom'. The arguments keep their values; the results carry no autodiff \
                history. rmsprop() steps with rmsprop_apply, its form for lists.
                """) { call in
            var (ms, mom) = (try call.tensor(2, "ms"), try call.tensor(3, "mom"))
            let param = try Tensor.rmspropStep(
                param: call.tensor(0, "param"), grad: call.tensor(1, "grad"), ms: &ms, mom: &mom,
                lr: call.number(4, "lr"), decay: call.number(5, "decay"), momentum: call.number(6, "momentum"),
                eps: call.number(7, "eps"))
            return .tuple([.tensor(param), .tensor(ms), .tensor(mom)])
        },
        Builtin("rmsprop_apply(params, grads, ms, mom, lr, decay, momentum, eps)",
                """
                rmsprop_update for every parameter: returns the list of updated parameters and puts each \
                new ms[i] and mom[i] in its list. A state tensor only its list holds is updated in its own \
                memory (no new arrays each step); one you also hold elsewhere is copied first, so it keeps \
                its values. Every operand is checked before the first update. Used by rmsprop().
                """) { call in
            let labels = ["params", "grads", "ms", "mom"]
            let lists = try optimizerLists(call, labels)
            let (lr, decay, momentum, eps) = (try call.number(4, "lr"), try call.number(5, "decay"),
                                              try call.number(6, "momentum"), try call.number(7, "eps"))
            return try applyOptimizer(call, lists, labels) { param, grad, state, names in
                // Moved out of the array (not copied), so each may be its storage's only reference.
                var mom = state.removeLast(), ms = state.removeLast()
                defer { state = [ms, mom] }
                return try Tensor.rmspropStep(param: param, grad: grad, ms: &ms, mom: &mom, lr: lr, decay: decay,
                                       momentum: momentum, eps: eps, op: call.name,
                                       names: (names[0], names[1], names[2], names[3]))
            }
        },
        Builtin("adam_update(param, grad, m, v, lr, beta1, beta2, eps, correction1, correction2)",
                """
                One Adam step in a single pass: returns (param', m', v') with m' = beta1 m + (1 - beta1) grad, \
                v' = beta2 v + (1 - beta2) grad², param' = param - lr (m' / correction1) / (sqrt(v' / correction2) + eps), \
                where correction_k = 1 - beta_k ** t at step t. The arguments keep their values; the results \
                carry no autodiff history. adam() steps with adam_apply, its form for lists.
                """) { call in
            var (m, v) = (try call.tensor(2, "m"), try call.tensor(3, "v"))
            let param = try Tensor.adamStep(
                param: call.tensor(0, "param"), grad: call.tensor(1, "grad"), m: &m, v: &v,
                lr: call.number(4, "lr"), beta1: call.number(5, "beta1"), beta2: call.number(6, "beta2"),
                eps: call.number(7, "eps"), correction1: call.number(8, "correction1"), correction2: call.number(9, "correction2"))
            return .tuple([.tensor(param), .tensor(m), .tensor(v)])
        },
        Builtin("adam_apply(params, grads, m, v, lr, beta1, beta2, eps, correction1, correction2)",
                """
                adam_update for every parameter: returns the list of updated parameters and puts each new \
                m[i] and v[i] in its list, in place as rmsprop_apply does. Used by adam().
                """) { call in
            let labels = ["params", "grads", "m", "v"]
            let lists = try optimizerLists(call, labels)
            let (lr, beta1, beta2, eps) = (try call.number(4, "lr"), try call.number(5, "beta1"),
                                           try call.number(6, "beta2"), try call.number(7, "eps"))
            let (correction1, correction2) = (try call.number(8, "correction1"), try call.number(9, "correction2"))
            return try applyOptimizer(call, lists, labels) { param, grad, state, names in
                var v = state.removeLast(), m = state.removeLast()
                defer { state = [m, v] }
                return try Tensor.adamStep(param: param, grad: grad, m: &m, v: &v, lr: lr, beta1: beta1, beta2: beta2,
                                    eps: eps, correction1: correction1, correction2: correction2, op: call.name,
                                    names: (names[0], names[1], names[2], names[3]))
            }
        },
        Builtin("momentum_update(param, grad, velocity, lr, mu, nesterov = false)",
                """
                One momentum step in a single pass: returns (param', velocity') with velocity' = mu velocity - lr grad \
                and param' = param + velocity' (with nesterov: true, param + mu velocity' - lr grad). The \
                arguments keep their values; the results carry no autodiff history. momentum() steps with \
                momentum_apply, its form for lists.
                """) { call in
            var velocity = try call.tensor(2, "velocity")
            let param = try Tensor.momentumStep(
                param: call.tensor(0, "param"), grad: call.tensor(1, "grad"), velocity: &velocity,
                lr: call.number(3, "lr"), mu: call.number(4, "mu"), nesterov: call.bool(5, "nesterov", default: false))
            return .tuple([.tensor(param), .tensor(velocity)])
        },
        Builtin("momentum_apply(params, grads, velocity, lr, mu, nesterov = false)",
                """
                momentum_update for every parameter: returns the list of updated parameters and puts each \
                new velocity[i] in its list, in place as rmsprop_apply does. Used by momentum().
                """) { call in
            let labels = ["params", "grads", "velocity"]
            let lists = try optimizerLists(call, labels)
            let (lr, mu, nesterov) = (try call.number(3, "lr"), try call.number(4, "mu"), try call.bool(5, "nesterov", default: false))
            return try applyOptimizer(call, lists, labels) { param, grad, state, names in
                try Tensor.momentumStep(param: param, grad: grad, velocity: &state[0], lr: lr, mu: mu, nesterov: nesterov,
                                        op: call.name, names: (names[0], names[1], names[2]))
            }
        },
        Builtin("no_grad(fn)", "Calls fn() with autodiff recording off (for evaluation passes); returns its result.") { call in
            let function = try call.argument(0, "fn")
            return try Recording.withoutRecording { try call.call(function, []) }
        },
    ]

    /// The lists of an optimizer's `*_apply` step (parameters, gradients, then each kind of
    /// state), all of one length; the state lists distinct, since each item is replaced.
    private static func optimizerLists(_ call: BuiltinCall, _ labels: [String]) throws -> [ListBox] {
        var lists: [ListBox] = []
        for (index, label) in labels.enumerated() {
            let value = try call.argument(index, label)
            guard case .list(let list) = value else {
                throw RuntimeError("\(call.name)() argument '\(label)' must be a list, not a \(value.typeName)")
            }
            if index >= 2, let earlier = lists.dropFirst(2).firstIndex(where: { $0 === list }) {
                throw RuntimeError("\(call.name)(): '\(labels[earlier])' and '\(label)' are the same list; each kind of state needs its own")
            }
            lists.append(list)
        }
        for (label, list) in zip(labels, lists).dropFirst() where list.items.count != lists[0].items.count {
            throw RuntimeError("\(call.name)(): \(labels[0]) has \(lists[0].items.count) items but \(label) has \(list.items.count)")
        }
        return lists
    }

    /// Runs `step` for each parameter with its gradient and its state tensors, after checking
    /// every operand (so an error changes no state). Each state tensor is taken out of its
    /// list before the step, so when the list held the only reference the step writes it in
    /// its own memory (copy-on-write copies one held elsewhere); the new state goes back in
    /// the list, and the new parameters are returned as a list.
    private static func applyOptimizer(_ call: BuiltinCall, _ lists: [ListBox], _ labels: [String],
                                       _ step: (Tensor, Tensor, inout [Tensor], [String]) throws -> Tensor) throws -> Value {
        let stateLists = Array(lists.dropFirst(2))
        var operands: [(param: Tensor, grad: Tensor, names: [String])] = []
        for index in lists[0].items.indices {
            let names = (0..<lists.count).map { "\(labels[$0])[\(index)]" }
            let param = try call.asVariable(lists[0].items[index], names[0]).value
            let grad = try call.asVariable(lists[1].items[index], names[1]).value
            var state: [(name: String, tensor: Tensor)] = [(names[1], grad)]
            for (offset, list) in stateLists.enumerated() {
                guard case .tensor(let variable) = list.items[index] else {
                    throw RuntimeError("\(call.name)(): \(names[offset + 2]) must be a tensor, not a \(list.items[index].typeName)")
                }
                state.append((names[offset + 2], variable.value))
            }
            try Tensor.checkOptimizerOperands(param: param, state, op: call.name, parameterName: names[0])
            operands.append((param, grad, names))
        }
        var updated: [Value] = []
        for (index, operand) in operands.enumerated() {
            var state = stateLists.map { takeTensor($0, index) }
            // Back in its list however the step ends: the optimizer's state is never lost.
            defer { for (list, tensor) in zip(stateLists, state) { list.items[index] = .tensor(tensor) } }
            updated.append(.tensor(try step(operand.param, operand.grad, &state, operand.names)))
        }
        return .list(ListBox(updated))
    }

    /// The tensor at `index`, with the list's reference to it dropped (none in its place
    /// until the caller puts a value back), so that it may be the tensor's only one.
    private static func takeTensor(_ list: ListBox, _ index: Int) -> Tensor {
        guard case .tensor(let variable) = list.items[index] else { return Tensor(scalar: 0) }  // checked by the caller
        list.items[index] = .none
        return variable.value
    }

    private static func costVariable(_ call: BuiltinCall) throws -> Variable {
        let value = try call.argument(0, "cost")
        guard case .tensor(let variable) = value else {
            let hint = value.isScalarLike ? " (make numbers tensors with tensor(x) before computing the cost from them)" : ""
            throw RuntimeError("\(call.name)(): the cost must be a tensor computed from the parameters, not a \(value.typeName)\(hint)")
        }
        return variable
    }

    /// How the call's source names each wrt tensor (`W1` in `grad(J, [W1, b1])`), for error
    /// messages; `wrt[i]` / `wrt.field` where the source is not a plain list of names.
    static func wrtNames(_ call: BuiltinCall, wrt: Value, count: Int) -> [String] {
        if case .record(let record) = wrt {
            return record.fields.filter { if case .tensor = $0.value { return true } else { return false } }.map { "wrt.\($0.name)" }
        }
        let fallback = (0..<count).map { "wrt[\($0)]" }
        let text = call.interpreter.file.text.utf8
        guard call.span.end <= text.count, call.span.start < call.span.end else { return fallback }
        let source = String(decoding: Array(text)[call.span.start..<call.span.end], as: UTF8.self)
        guard let open = source.firstIndex(of: "("), source.last == ")" else { return fallback }
        let arguments = topLevelPieces(source[source.index(after: open)..<source.index(before: source.endIndex)])
        guard arguments.count >= 2, !arguments[1].contains(":") else { return fallback }
        var wrtText = Substring(arguments[1])
        if case .tensor = wrt { return count == 1 && isName(wrtText) ? [String(wrtText)] : fallback }
        guard let first = wrtText.first, let last = wrtText.last, "[(".contains(first), "])".contains(last) else { return fallback }
        wrtText = wrtText.dropFirst().dropLast()
        let names = topLevelPieces(wrtText)
        guard names.count == count else { return fallback }
        return zip(names, fallback).map { isName(Substring($0.0)) ? $0.0 : $0.1 }
    }

    /// Comma-separated pieces outside brackets and quotes, trimmed.
    private static func topLevelPieces(_ text: Substring) -> [String] {
        var pieces: [String] = [], current = "", depth = 0, quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if !quoted, "([{".contains(character) { depth += 1 }
            if !quoted, ")]}".contains(character) { depth -= 1 }
            if character == ",", depth == 0, !quoted { pieces.append(current); current = "" } else { current.append(character) }
        }
        pieces.append(current)
        return pieces.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }

    /// The tensors of `wrt` and a function that puts gradients back in the same structure.
    static func collectTargets(_ wrt: Value) throws -> ([Variable], ([Value]) -> Value) {
        func tensor(_ value: Value, _ position: String) throws -> Variable {
            guard case .tensor(let variable) = value else {
                throw RuntimeError("grad(): wrt\(position) must be a tensor variable, not a \(value.typeName) (make numbers tensors with tensor(x))")
            }
            return variable
        }
        switch wrt {
        case .tensor(let variable):
            return ([variable], { $0[0] })
        case .list(let list):
            let targets = try list.items.enumerated().map { try tensor($0.element, "[\($0.offset)]") }
            return (targets, { .list(ListBox($0)) })
        case .tuple(let items):
            let targets = try items.enumerated().map { try tensor($0.element, "[\($0.offset)]") }
            return (targets, { .tuple($0) })
        case .record(let record):
            let fields = record.fields.filter { if case .tensor = $0.value { return true } else { return false } }
            let targets = try fields.map { try tensor($0.value, ".\($0.name)") }
            return (targets, { values in .record(RecordBox(zip(fields, values).map { ($0.0.name, $0.1) })) })
        default:
            _ = try tensor(wrt, "")
            return ([], { _ in .none })
        }
    }

    private static func checkFunction(_ call: BuiltinCall, _ function: Value, _ targets: [Variable],
                                      _ epsilon: Double, _ maxElements: Int) throws -> GradientCheck.Report {
        let values = targets.map(\.value)
        func cost(_ arguments: [Variable]) throws -> Variable {
            let result = try call.call(function, arguments.map { .tensor($0) })
            guard case .tensor(let variable) = result else {
                if result.isScalarLike { return Variable(Tensor(scalar: try Interpreter.numberValue(result, "cost"))) }
                throw RuntimeError("gradcheck(): the function must return a scalar tensor, not a \(result.typeName)")
            }
            return variable
        }
        let leaves = values.map { Variable($0) }
        let analytic = try Variable.gradients(of: cost(leaves), withRespectTo: leaves, allowUnused: true)
        return try GradientCheck.compare(targets: values, analytic: analytic, epsilon: epsilon,
                                         maxElementsPerTarget: maxElements) { index, value in
            var arguments = leaves
            arguments[index] = Variable(value)
            return try Recording.withoutRecording { try cost(arguments) }.value.element(0)
        }
    }
}
