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
        case .bool: throw TensorError("gradcheck: a bool mask has no gradient; check a float tensor")
        }
        return copy
    }
}

extension Variable {
    /// Recomputes `cost` with `target`'s value replaced, by replaying the recorded graph
    /// (only the part downstream of the target is recomputed). This lets `gradcheck` work
    /// on a cost value, Theano style, without a function to call again.
    public static func replay(_ cost: Variable, substituting target: Variable, with value: Tensor) throws -> Tensor {
        let (order, generation) = topologicalOrder(from: cost)
        guard target.visitGeneration == generation else { return cost.value }
        // Recomputed values by order index; nil where a node does not depend on the target.
        var replayed = [Tensor?](repeating: nil, count: order.count)
        replayed[target.orderIndex] = value
        for (index, node) in order.enumerated() where node !== target {
            guard let op = node.op else { continue }
            let inputs = node.inputs
            guard inputs.contains(where: { replayed[$0.orderIndex] != nil }) else { continue }
            replayed[index] = try op.forward(inputs.map { replayed[$0.orderIndex] ?? $0.value }).output
        }
        return replayed[cost.orderIndex] ?? cost.value
    }
}

extension Variable {
    /// True when `target` is `cost` or lies in its recorded graph.
    public static func graph(of cost: Variable, contains target: Variable) -> Bool {
        topologicalOrder(from: cost).generation == target.visitGeneration
    }
}
