import HebbTensor

/// Central finite differences against reverse-mode gradients (`gradcheck`).
public enum GradientCheck {
    public struct Report {
        /// max over checked elements of |analytic − numeric| / max(|analytic|, |numeric|, 1)
        public var maxRelativeError: Double
        public var checkedElements: Int
        /// Where the worst element is: (target index, flat element index).
        public var worst: (target: Int, element: Int)
    }

    /// Compares `analytic` gradients with central differences of `evaluate`, which returns
    /// the cost for the targets' current values with one substituted tensor. At most
    /// `maxElementsPerTarget` evenly spaced elements of each target are perturbed.
    public static func compare(targets: [Tensor], analytic: [Tensor], epsilon: Double,
                               maxElementsPerTarget: Int,
                               evaluate: (_ target: Int, _ value: Tensor) throws -> Double) throws -> Report {
        var report = Report(maxRelativeError: 0, checkedElements: 0, worst: (0, 0))
        for (targetIndex, original) in targets.enumerated() {
            let count = original.count
            guard count > 0 else { continue }
            let stride = max(1, count / max(1, maxElementsPerTarget))
            for element in Swift.stride(from: 0, to: count, by: stride) {
                let plus = try evaluate(targetIndex, perturbed(original, element, by: epsilon))
                let minus = try evaluate(targetIndex, perturbed(original, element, by: -epsilon))
                let numeric = (plus - minus) / (2 * epsilon)
                let exact = analytic[targetIndex].element(element)
                let error = abs(exact - numeric) / max(abs(exact), abs(numeric), 1)
                report.checkedElements += 1
                if error > report.maxRelativeError || error.isNaN {
                    report.maxRelativeError = error
                    report.worst = (targetIndex, element)
                }
            }
        }
        return report
    }

    private static func perturbed(_ tensor: Tensor, _ element: Int, by delta: Double) throws -> Tensor {
        var copy = tensor
        switch copy.dtype {
        case .float64: copy.withMutableElements(Double.self) { $0[element] += delta }
        case .float32: copy.withMutableElements(Float.self) { $0[element] += Float(delta) }
        }
        return copy
    }
}

extension Variable {
    /// Recomputes `cost` with `target`'s value replaced, by replaying the recorded graph
    /// (only the part downstream of the target is recomputed). This lets `gradcheck` work
    /// on a cost value, Theano style, without a function to call again.
    public static func replay(_ cost: Variable, substituting target: Variable, with value: Tensor) throws -> Tensor {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(cost, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where !visited.contains(ObjectIdentifier(input)) { stack.append((input, false)) }
        }
        var replayed: [ObjectIdentifier: Tensor] = [ObjectIdentifier(target): value]
        for node in order where node !== target {
            guard let op = node.op else { continue }
            let inputs = node.inputs
            guard inputs.contains(where: { replayed[ObjectIdentifier($0)] != nil }) else { continue }
            let values = inputs.map { replayed[ObjectIdentifier($0)] ?? $0.value }
            replayed[ObjectIdentifier(node)] = try op.forward(values).output
        }
        return replayed[ObjectIdentifier(cost)] ?? cost.value
    }
}

extension Variable {
    /// True when `target` is `cost` or lies in its recorded graph.
    public static func graph(of cost: Variable, contains target: Variable) -> Bool {
        var visited = Set<ObjectIdentifier>()
        var stack = [cost]
        while let node = stack.popLast() {
            if node === target { return true }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append(contentsOf: node.inputs)
        }
        return false
    }
}
