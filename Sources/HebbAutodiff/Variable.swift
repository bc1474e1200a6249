import HebbTensor
import Synchronization

/// A tensor plus, when it came from a recorded op, how it was made. These nodes form the
/// autodiff graph: each result holds its inputs, so the graph lives exactly as long as
/// something refers to its result and is freed by reference counting when the cost is
/// overwritten (no global tape to truncate, no cycles: inputs always exist before outputs).
///
/// A `grad` call closes a recording window (an epoch). A node made before it that is used
/// by a new op afterwards loses its history (it becomes a constant, as after PyTorch's
/// `backward()`): otherwise state updated every step, like momentum's `v = mu * v - lr * g`,
/// would chain every step's graph to the next and memory would grow without bound.
public final class Variable {
    public internal(set) var value: Tensor
    /// How this value was computed; nil for a leaf (data, parameters, constants).
    private(set) var op: Op?
    /// Operands of `op`, in order. Most ops have one or two, so they are stored inline.
    private(set) var first: Variable?
    private(set) var second: Variable?
    private(set) var rest: [Variable]
    /// The recording window this node was made in.
    let epoch: Int = GraphEpoch.current
    /// True when the history was dropped (see above); `grad` of such a cost is an error.
    private(set) var historyFreed = false
    /// Extra data the op's backward rule needs (max-pooling's argmax positions).
    var saved: [Int32]?

    /// Scratch fields used by one backward pass at a time (avoids hashing node identities).
    var visitGeneration = 0
    var orderIndex = 0

    /// A leaf: gradients stop here.
    public init(_ value: Tensor) {
        self.value = value
        self.op = nil
        self.first = nil
        self.second = nil
        self.rest = []
    }

    init(value: Tensor, op: Op, inputs: [Variable]) {
        self.value = value
        self.op = op
        self.first = inputs.first
        self.second = inputs.count > 1 ? inputs[1] : nil
        self.rest = inputs.count > 2 ? Array(inputs.dropFirst(2)) : []
    }

    init(value: Tensor, op: Op, _ a: Variable, _ b: Variable? = nil) {
        self.value = value
        self.op = op
        self.first = a
        self.second = b
        self.rest = []
    }

    /// The operands of `op`, in order.
    var inputs: [Variable] {
        var list: [Variable] = []
        if let first { list.append(first) }
        if let second { list.append(second) }
        return list + rest
    }

    public var shape: [Int] { value.shape }
    public var dtype: DType { value.dtype }
    /// True when this value has recorded history (it is not a leaf).
    public var hasHistory: Bool { op != nil }

    /// Drops the history of a node from an earlier recording window.
    @inline(__always)
    func freeStaleHistory() {
        guard op != nil, epoch != GraphEpoch.current else { return }
        op = nil
        first = nil
        second = nil
        rest = []
        saved = nil
        historyFreed = true
    }

    /// Replaces a leaf's value in place (an update such as `W -= lr * dW`, never recorded).
    public func assignLeafValue(_ tensor: Tensor) { value = tensor }
}

/// The current recording window; `grad` advances it.
enum GraphEpoch {
    nonisolated(unsafe) static var current = 0
}

/// Whether ops record their history. Off inside updates and `no_grad`, so parameter updates
/// never become part of the next step's graph.
public enum Recording {
    private static let enabledFlag = Atomic<Bool>(true)
    public static var isEnabled: Bool { enabledFlag.load(ordering: .relaxed) }

    /// Runs `body` with recording switched off, restoring the previous state afterwards.
    public static func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
        let previous = enabledFlag.exchange(false, ordering: .relaxed)
        defer { enabledFlag.store(previous, ordering: .relaxed) }
        return try body()
    }
}
