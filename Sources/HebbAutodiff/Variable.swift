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
    public let value: Tensor
    /// How this value was computed; nil for a leaf (data, parameters, constants).
    private(set) var op: Op?
    /// The first two operands of `op`, in order (most ops have one or two).
    private(set) var first: Variable?
    private(set) var second: Variable?
    /// What few nodes need, in one box so that the rest carry one nil reference (each field
    /// of a node is a release when it is freed, and a tiny op frees a node per op).
    private var extras: Extras?
    /// The recording window this node was made in.
    let epoch: Int

    final class Extras {
        /// Operands after the second (concat, stack, select).
        var rest: [Variable] = []
        /// The operand of a one-operand op whose gradient rule reads only the operand's
        /// shape and dtype (a slice, a cast, a reshape: `Op.gradientReadsOnlyOperandShape`)
        /// when that operand is a leaf: held weakly. Then `y = data[:, 0]` does not keep all
        /// of `data` alive after the program lets go of it, and nothing is lost: a leaf
        /// nobody holds can be no `grad` target, so no gradient would reach anything
        /// through it.
        weak var weakLeafOperand: Variable?
        /// Why the history was dropped, when it was (see the class comment); `grad` through
        /// such a node says so instead of returning zeros.
        var releasedHistory: HistoryRelease?
        /// Extra data the op's backward rule needs (max-pooling's argmax positions).
        var saved: [Int32]?
    }

    private var rest: [Variable] { extras?.rest ?? [] }
    private var weakLeafOperand: Variable? { extras?.weakLeafOperand }
    var releasedHistory: HistoryRelease? { extras?.releasedHistory }
    var saved: [Int32]? { extras?.saved }

    private func withExtras(_ update: (Extras) -> Void) {
        let box = extras ?? Extras()
        update(box)
        extras = box
    }

    /// Scratch fields used by one backward pass at a time (avoids hashing node identities).
    var visitGeneration = 0
    var orderIndex = 0

    // Nodes are counted in their context's `liveNodeCount` when counting is on (the leak
    // tests switch it on; it costs a thread-local lookup and an atomic per node).
    //
    // Releasing a node releases its inputs, and a loop of 10⁶ steps makes a chain 10⁶
    // deep: left to Swift, the deinits would nest once per link and overflow the stack.
    // Instead the inputs this node alone keeps alive are taken into a work list and
    // stripped of their own inputs before they die, so every deinit below this one finds
    // nothing to release: the cascade is a loop, linear in the chain's length.
    deinit {
        if GraphContext.isCountingNodes { GraphContext.current.nodeFreed() }
        var pending = PendingNodes()
        takeSoleInputs(into: &pending)
        while let node = pending.pop() { node.takeSoleInputs(into: &pending) }
    }

    /// The work list of a release: two nodes inline, the rest in an array, so freeing a
    /// chain (each node the sole owner of at most two others, as nearly all are) allocates
    /// nothing — the array's first append cost a tiny op's loop a tenth of its time.
    struct PendingNodes {
        private var first: Variable?
        private var second: Variable?
        private var more: [Variable] = []

        // Nodes are moved in and out (`take`, `consume`): a copy would be a retain and a
        // release per node freed.
        mutating func append(_ node: consuming Variable) {
            if first == nil { first = node } else if second == nil { second = node } else { more.append(node) }
        }

        mutating func pop() -> Variable? {
            if !more.isEmpty { return more.removeLast() }
            return second.take() ?? first.take()
        }
    }

    /// Detaches this node's inputs, keeping (in `pending`) those nobody else refers to.
    private func takeSoleInputs(into pending: inout PendingNodes) {
        if var input = first.take(), isKnownUniquelyReferenced(&input) { pending.append(input) }
        if var input = second.take(), isKnownUniquelyReferenced(&input) { pending.append(input) }
        guard let box = extras else { return }
        box.weakLeafOperand = nil
        var others: [Variable] = []
        swap(&others, &box.rest)
        while var input = others.popLast() {
            if isKnownUniquelyReferenced(&input) { pending.append(input) }
        }
    }

    /// A leaf: gradients stop here.
    public convenience init(_ value: Tensor) {
        self.init(value, in: GraphContext.current)
    }

    /// A leaf of a context the caller holds.
    public init(_ value: Tensor, in context: GraphContext) {
        context.nodeMade()  // first: see the two-operand init
        self.value = value
        self.op = nil
        self.first = nil
        self.second = nil
        self.epoch = context.epoch
    }

    /// A recorded result. The context is passed in by `apply`, which looked it up once.
    init(value: Tensor, op: Op, inputs: [Variable], context: GraphContext) {
        context.nodeMade()  // first: see the two-operand init
        self.value = value
        self.op = op
        self.first = inputs.first
        self.second = inputs.count > 1 ? inputs[1] : nil
        if inputs.count > 2 {
            let box = Extras()
            box.rest = Array(inputs.dropFirst(2))
            self.extras = box
        }
        self.epoch = context.epoch
    }

    /// A recorded result whose one operand, a leaf, is held weakly (see `weakLeafOperand`).
    init(value: Tensor, op: Op, weakLeafOperand operand: Variable, context: GraphContext) {
        context.nodeMade()  // first: see the two-operand init
        self.value = value
        self.op = op
        self.first = nil
        self.second = nil
        let box = Extras()
        box.weakLeafOperand = operand
        self.extras = box
        self.epoch = context.epoch
    }

    init(value: Tensor, op: Op, _ a: Variable, _ b: Variable?, context: GraphContext) {
        // Counted first: the count's atomic, between the stores and the end of the caller's
        // borrow, kept the optimizer from turning the copies of `value` into moves.
        context.nodeMade()
        self.value = value
        self.op = op
        self.first = a
        self.second = b
        self.epoch = context.epoch
    }

    /// Calls `body` with each operand of `op`, in order, without building an array (the
    /// backward pass visits every node two or three times).
    @inline(__always)
    func forEachInput(_ body: (Variable) throws -> Void) rethrows {
        if let first {
            try body(first)
        } else if let operand = weakLeafOperand {
            try body(operand)
        }
        if let second { try body(second) }
        for input in rest { try body(input) }
    }

    /// The operands of an op of one or two, or nil for a leaf or an op of more: the backward
    /// pass's array-free path.
    var operandPair: (Variable, Variable?)? {
        guard rest.isEmpty else { return nil }
        if let first { return (first, second) }
        if let operand = weakLeafOperand { return (operand, nil) }
        return nil
    }

    /// The operands of `op`, in order.
    var inputs: [Variable] {
        var list: [Variable] = []
        if let first { list.append(first) } else if let operand = weakLeafOperand { list.append(operand) }
        if let second { list.append(second) }
        return list + rest
    }

    public var shape: [Int] { value.shape }
    public var dtype: DType { value.dtype }
    /// True when this value has recorded history (it is not a leaf).
    public var hasHistory: Bool { op != nil }

    /// Drops the history of a node from an earlier recording window.
    @inline(__always)
    func freeStaleHistory(_ context: GraphContext) {
        guard op != nil, epoch != context.epoch else { return }
        let release: HistoryRelease = epoch < context.lastGradEpoch ? .byGrad : .byHistoryLimit
        op = nil
        var dropped = PendingNodes()
        takeSoleInputs(into: &dropped)
        while let node = dropped.pop() { node.takeSoleInputs(into: &dropped) }
        withExtras { $0.saved = nil; $0.releasedHistory = release }
    }

    /// Keeps what the op's backward rule needs beside the node.
    func keep(saved: [Int32]) { withExtras { $0.saved = saved } }
}

/// Why a node lost its history: an earlier `grad` call closed its recording window, or the
/// window was closed because it recorded more than `HistoryLimit` allows with no `grad`.
public enum HistoryRelease: Sendable {
    case byGrad, byHistoryLimit
}

/// How much history may be recorded with no `grad` call before the recording window is
/// closed (so a loop that never takes a gradient, such as `x = x + 1` or an RNN sampling
/// 10⁵ steps, runs in bounded memory). Counted per window: ops recorded and bytes of their
/// results. Each `GraphContext` has its own; `HEBB_HISTORY_LIMIT` (ops) and
/// `HEBB_HISTORY_BYTES` set the default.
public struct HistoryLimit: Sendable {
    public var maxOps: Int
    public var maxBytes: Int

    public init(maxOps: Int, maxBytes: Int) {
        self.maxOps = maxOps
        self.maxBytes = maxBytes
    }

    /// 200,000 ops (~50 MB of scalar history) or 4 GiB of results, unless the environment says otherwise.
    public static let fromEnvironment = HistoryLimit(maxOps: environmentInteger("HEBB_HISTORY_LIMIT") ?? 200_000,
                                                     maxBytes: environmentInteger("HEBB_HISTORY_BYTES") ?? (4 << 30))

    private static func environmentInteger(_ name: String) -> Int? {
        guard let text = getenv(name).map({ String(cString: $0) }), let value = Int(text), value > 0 else { return nil }
        return value
    }
}

/// The autodiff state of one line of evaluation: its recording window and whether ops
/// record. Each `Session` installs its own on the thread that runs its program, so two
/// programs running at once (parallel tests, notebooks) never free each other's graphs or
/// switch off each other's recording; a thread without one uses a process-wide default.
/// A context is used by one thread at a time.
public final class GraphContext: @unchecked Sendable {
    /// The current recording window; nodes made in an earlier one lose their history when
    /// a new op uses them.
    private(set) var epoch = 0
    /// The window the latest `grad` call opened (windows after it were opened by the limit).
    private(set) var lastGradEpoch = 0
    var recording = true
    /// `--check-finite` for the programs of this context's session.
    public var checksFinite = FiniteCheck.isEnabled
    /// When the current window closes with no `grad` call.
    public var historyLimit = HistoryLimit.fromEnvironment
    /// What the current window has recorded, against `historyLimit`.
    private var opsInWindow = 0
    private var bytesInWindow = 0

    /// Opens a new window for a `grad` call.
    func beginGradWindow() {
        epoch += 1
        lastGradEpoch = epoch
        opsInWindow = 0
        bytesInWindow = 0
    }

    /// Counts a recorded op; past the limit, the window closes (history made so far is
    /// released as it is next used).
    @inline(__always) func countRecorded(bytes: Int) {
        opsInWindow &+= 1
        bytesInWindow &+= bytes
        if opsInWindow > historyLimit.maxOps || bytesInWindow > historyLimit.maxBytes {
            epoch += 1
            opsInWindow = 0
            bytesInWindow = 0
        }
    }
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
    private static let perThread = ThreadLocalReference<GraphContext>()

    /// The context of the calling thread.
    static var current: GraphContext { perThread.value ?? shared }

    /// Runs `body` with `context` as the calling thread's context, restoring the previous one.
    public static func withCurrent<R>(_ context: GraphContext, _ body: () throws -> R) rethrows -> R {
        try perThread.withValue(context, body)
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

extension HistoryRelease {
    /// Why `subject` lost its history, and what to write instead.
    func explanation(of subject: String, limit: HistoryLimit) -> String {
        switch self {
        case .byGrad:
            return "\(subject) was computed before an earlier grad() call, which closed its graph (as PyTorch's backward() does). "
                + "Compute it again after that call, or take all gradients of one cost in one call: grad(J, [W1, b1, W2, b2])"
        case .byHistoryLimit:
            return "history before this point was released to bound memory, because more than \(limit.maxOps) ops "
                + "(or \(limit.maxBytes >> 20) MiB of results) were recorded with no grad() call. Compute the cost inside "
                + "the loop that takes its gradient, wrap evaluation loops in no_grad(fn() { ... }), "
                + "or raise HEBB_HISTORY_LIMIT / HEBB_HISTORY_BYTES"
        }
    }
}
