import HebbAutodiff
import HebbSyntax

/// A location-free runtime error; the interpreter attaches the span of the expression or
/// call that raised it and turns it into a `Diagnostic`.
struct RuntimeError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The frame of one function call: a fixed number of slots laid out by the resolver
/// (`FrameLayout`), nil until assigned. Top-level code runs in an empty frame: its names
/// are globals. The slots are a raw buffer of fixed size rather than an array: a frame is
/// made per call (or reused, `SpareFrames`), and an array's generic allocation and
/// copy-on-write checks were a third of a call's cost.
public final class Scope {
    let slotCount: Int
    private let slots: UnsafeMutablePointer<Value?>
    /// The frame the function was defined in.
    fileprivate(set) var parent: Scope?
    /// For a spare frame (`SpareFrames`), the next spare of its size; unretained, as the
    /// list owns its frames.
    fileprivate var nextSpare: Unmanaged<Scope>?
    /// Set when a closure captures this frame: the cycle collector then holds it weakly,
    /// so it must never be reused for another call.
    var isCaptured = false

    init(slotCount: Int, parent: Scope?) {
        self.slotCount = slotCount
        self.parent = parent
        slots = UnsafeMutablePointer<Value?>.allocate(capacity: max(slotCount, 1))
        slots.initialize(repeating: nil, count: slotCount)
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    /// A slot's value. Slot indices come from the resolver's layout of this frame, so they
    /// are in range by construction; the precondition keeps a resolver bug from being a
    /// memory error.
    subscript(slot: Int) -> Value? {
        @inline(__always) get { address(slot).pointee }
        @inline(__always) set { address(slot).pointee = newValue }
    }

    /// Where a slot is; every access goes through here, and so through its bounds check.
    @inline(__always)
    private func address(_ slot: Int) -> UnsafeMutablePointer<Value?> {
        precondition(slot >= 0 && slot < slotCount, "frame slot out of range")
        return slots + slot
    }

    /// The tensor a slot holds, if it holds one, unretained: valid while the slot keeps it
    /// (the fused arithmetic's operands, `TensorReadCode`).
    @inline(__always)
    func unretainedTensor(at slot: Int) -> Unmanaged<Variable>? {
        if case .tensor(let variable)? = address(slot).pointee { return Unmanaged.passUnretained(variable) }
        return nil
    }

    /// The user function a slot holds, if it holds one, taken from the slot without copying
    /// the `Value` (the call path).
    @inline(__always)
    func closure(at slot: Int) -> Closure? {
        if case .function(let closure)? = address(slot).pointee { return closure }
        return nil
    }

    /// Whether a slot is assigned.
    @inline(__always)
    func isAssigned(_ slot: Int) -> Bool {
        address(slot).pointee != nil
    }

    /// Empties every slot (releasing what they held).
    fileprivate func clear() {
        for index in 0..<slotCount { slots[index] = nil }
    }

    /// The frame `depth` levels out (0 is this one); nil past the outermost.
    @inline(__always)
    func frame(at depth: Int) -> Scope? {
        var scope: Scope? = self
        for _ in 0..<depth { scope = scope?.parent }
        return scope
    }

    /// The values of this frame's assigned slots.
    var allValues: [Value] { UnsafeBufferPointer(start: slots, count: slotCount).compactMap { $0 } }

    /// Forgets every local and returns their values (to break closure cycles).
    func removeAll() -> [Value] {
        let values = allValues
        clear()
        return values
    }
}

/// Frames of finished calls, kept for the next call of the same size: a call then costs no
/// allocation and no deallocation. Only a frame nothing else holds is kept (no closure
/// captured it, no value refers to it), emptied, so reuse is invisible. This is the call
/// path: the lists are raw and own their frames through `Unmanaged`, because an array's
/// copy-on-write checks and the retains of moving frames in and out cost more here than
/// the allocation they save.
final class SpareFrames {
    /// Frames of more slots than this are not kept (few functions have so many locals).
    private static let largestSize = 16
    /// Per size, at most this many (a deep recursion returning frees the rest).
    private static let perSize = 64
    /// The first spare of each size (+1 retained); the rest are linked through `nextSpare`.
    private let first = UnsafeMutablePointer<Unmanaged<Scope>?>.allocate(capacity: largestSize + 1)
    private let counts = UnsafeMutablePointer<Int>.allocate(capacity: largestSize + 1)

    init() {
        first.initialize(repeating: nil, count: SpareFrames.largestSize + 1)
        counts.initialize(repeating: 0, count: SpareFrames.largestSize + 1)
    }

    deinit {
        for size in 0...SpareFrames.largestSize {
            while let spare = first[size] {
                let frame = spare.takeRetainedValue()
                first[size] = frame.nextSpare
                frame.nextSpare = nil
            }
        }
        first.deallocate()
        counts.deallocate()
    }

    func frame(slotCount: Int, parent: Scope?) -> Scope {
        guard slotCount <= SpareFrames.largestSize, let spare = first[slotCount] else {
            return Scope(slotCount: slotCount, parent: parent)
        }
        let frame = spare.takeRetainedValue()
        first[slotCount] = frame.nextSpare
        frame.nextSpare = nil
        counts[slotCount] -= 1
        frame.parent = parent
        return frame
    }

    /// How many frames of this size are kept (the tests check that calls give them back).
    func keptCount(slotCount: Int) -> Int {
        slotCount >= 0 && slotCount <= SpareFrames.largestSize ? counts[slotCount] : 0
    }

    /// Keeps `frame` if this call was its only holder. Takes the call's own reference, so
    /// keeping the frame moves it into the list instead of retaining it.
    func recycle(_ frame: consuming Scope) {
        var frame = frame
        let size = frame.slotCount
        guard size <= SpareFrames.largestSize, counts[size] < SpareFrames.perSize, !frame.isCaptured,
              isKnownUniquelyReferenced(&frame) else { return }
        frame.clear()
        frame.parent = nil
        frame.nextSpare = first[size]
        first[size] = Unmanaged.passRetained(frame)
        counts[size] += 1
    }
}

/// One global name: the user's value, and the builtin or stdlib function of that name,
/// which the user's value hides. Compiled code holds the cell, so a global access is one
/// load, with no lookup.
final class GlobalCell {
    var value: Value?
    var builtin: Value?

    @inline(__always) var current: Value? { value ?? builtin }

    /// The user's value when it is a tensor, unretained: valid while the cell keeps it (the
    /// fused arithmetic's operands, `TensorReadCode`).
    @inline(__always) var unretainedTensor: Unmanaged<Variable>? {
        if case .tensor(let variable)? = value { return Unmanaged.passUnretained(variable) }
        return nil
    }

    /// The current value (the user's, else the stdlib's) when it is a user function, taken
    /// without copying the `Value`.
    @inline(__always) var closure: Closure? {
        switch value {
        case .function(let closure)?: return closure
        case .some: return nil
        case nil:
            if case .function(let closure)? = builtin { return closure }
            return nil
        }
    }
}

/// Top-level variables and the builtins: one cell per interned symbol.
final class Globals {
    private var cells: [GlobalCell] = []

    /// The cell of `symbol`, made on first use.
    func cell(_ symbol: Int) -> GlobalCell {
        while symbol >= cells.count { cells.append(GlobalCell()) }
        return cells[symbol]
    }

    func get(_ symbol: Int) -> Value? {
        symbol < cells.count ? cells[symbol].current : nil
    }

    func set(_ symbol: Int, _ value: Value) { cell(symbol).value = value }

    func setBuiltin(_ symbol: Int, _ value: Value) { cell(symbol).builtin = value }

    func isBuiltin(_ symbol: Int) -> Bool { symbol < cells.count && cells[symbol].builtin != nil }

    /// User values by symbol (nil where unset).
    var values: [Value?] { cells.map(\.value) }

    /// Builtins and stdlib functions by symbol (nil where unset).
    var builtins: [Value?] { cells.map(\.builtin) }

    func removeAllUserValues() { for cell in cells { cell.value = nil } }

    /// Forgets user values and builtins alike (the session is ending) and returns them.
    func removeEverything() -> [Value] {
        var removed: [Value] = []
        for cell in cells {
            if let value = cell.value { removed.append(value) }
            if let builtin = cell.builtin { removed.append(builtin) }
            cell.value = nil
            cell.builtin = nil
        }
        return removed
    }

    /// Moves every current global into the builtin layer (used after loading the stdlib,
    /// so stdlib functions are not listed as user variables and `:reset` keeps them).
    func promoteGlobalsToBuiltins() {
        for cell in cells {
            if let value = cell.value { cell.builtin = value; cell.value = nil }
        }
    }
}
