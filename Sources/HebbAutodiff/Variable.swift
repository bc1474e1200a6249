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
    let epoch: Int
    /// True when the history was dropped (see above); `grad` of such a cost is an error.
    private(set) var historyFreed = false
    /// Extra data the op's backward rule needs (max-pooling's argmax positions).
    var saved: [Int32]?

    /// Scratch fields used by one backward pass at a time (avoids hashing node identities).
    var visitGeneration = 0
    var orderIndex = 0

    // Nodes are counted in their context's `liveNodeCount` when counting is on (the leak
    // tests switch it on; it costs a thread-local lookup and an atomic per node).
    deinit { if GraphContext.isCountingNodes { GraphContext.current.nodeFreed() } }

    /// A leaf: gradients stop here.
    public init(_ value: Tensor) {
        let context = GraphContext.current
        self.value = value
        self.op = nil
        self.first = nil
        self.second = nil
        self.rest = []
        self.epoch = context.epoch
        context.nodeMade()
    }

    /// A recorded result. The context is passed in by `apply`, which looked it up once.
    init(value: Tensor, op: Op, inputs: [Variable], context: GraphContext) {
        self.value = value
        self.op = op
        self.first = inputs.first
        self.second = inputs.count > 1 ? inputs[1] : nil
        self.rest = inputs.count > 2 ? Array(inputs.dropFirst(2)) : []
        self.epoch = context.epoch
        context.nodeMade()
    }

    init(value: Tensor, op: Op, _ a: Variable, _ b: Variable?, context: GraphContext) {
        self.value = value
        self.op = op
        self.first = a
        self.second = b
        self.rest = []
        self.epoch = context.epoch
        context.nodeMade()
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
    func freeStaleHistory(currentEpoch: Int) {
        guard op != nil, epoch != currentEpoch else { return }
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

/// The current recording window; `grad` advances it. It belongs to the thread's
/// `GraphContext`, so a `grad` in one session never closes another session's window.
enum GraphEpoch {
    static var current: Int {
        get { GraphContext.current.epoch }
        set { GraphContext.current.epoch = newValue }
    }
}

/// The autodiff state of one line of evaluation: its recording window and whether ops
/// record. Each `Session` installs its own on the thread that runs its program, so two
/// programs running at once (parallel tests, notebooks) never free each other's graphs or
/// switch off each other's recording; a thread without one uses a process-wide default.
/// A context is used by one thread at a time.
public final class GraphContext: @unchecked Sendable {
    var epoch = 0
    var recording = true
    private let liveNodes = Atomic<Int>(0)

    public init() {}

    /// Nodes made minus nodes freed while this context was current: it stays flat over the
    /// steps of a training loop that does not leak (the leak tests read it).
    public var liveNodeCount: Int { liveNodes.load(ordering: .relaxed) }
    @inline(__always) func nodeMade() {
        if GraphContext.isCountingNodes { liveNodes.wrappingAdd(1, ordering: .relaxed) }
    }
    func nodeFreed() { liveNodes.wrappingSubtract(1, ordering: .relaxed) }

    private static let countingFlag = Atomic<Bool>(false)
    /// Whether nodes are counted in `liveNodeCount`. Off by default: the count is a test
    /// instrument, and it costs a thread-local lookup and an atomic per node.
    public static var isCountingNodes: Bool {
        get { countingFlag.load(ordering: .relaxed) }
        set { countingFlag.store(newValue, ordering: .relaxed) }
    }

    private static let shared = GraphContext()
    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The context of the calling thread.
    static var current: GraphContext {
        guard let raw = pthread_getspecific(threadKey) else { return shared }
        return Unmanaged<GraphContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Runs `body` with `context` as the calling thread's context, restoring the previous one.
    public static func withCurrent<R>(_ context: GraphContext, _ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(threadKey)
        pthread_setspecific(threadKey, Unmanaged.passUnretained(context).toOpaque())
        defer { pthread_setspecific(threadKey, previous) }
        return try body()
    }
}

/// Whether ops record their history. Off inside updates and `no_grad`, so parameter updates
/// never become part of the next step's graph. Per `GraphContext`, like the epoch.
public enum Recording {
    public static var isEnabled: Bool { GraphContext.current.recording }

    /// Runs `body` with recording switched off, restoring the previous state afterwards.
    public static func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
        let context = GraphContext.current
        let previous = context.recording
        context.recording = false
        defer { context.recording = previous }
        return try body()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
