// 2-D convolution (NCHW input, OIHW filters, stride, zero padding) lowered to im2col + one
// GEMM per image, its two backward products, and max pooling with its backward scatter.

import CSleef

// MARK: - Geometry

/// How a convolution's window moves over an image: a stride per spatial axis and zero
/// padding per side (PyTorch's symmetric integer padding is the case of four equal sides;
/// TensorFlow's "same" may put one more row or column at the bottom or right).
public struct ConvLayout: Sendable, Equatable {
    public var strideH, strideW: Int
    public var top, bottom, left, right: Int

    public init(strideH: Int, strideW: Int, top: Int, bottom: Int, left: Int, right: Int) {
        (self.strideH, self.strideW) = (strideH, strideW)
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// One stride for both axes, the same padding on every side.
    public init(stride: Int, padding: Int) {
        self.init(strideH: stride, strideW: stride, top: padding, bottom: padding, left: padding, right: padding)
    }

    /// TensorFlow's "same": the output has ceil(extent / stride) positions per axis; the
    /// padding that takes is split evenly, any odd one going to the bottom or right.
    public static func same(height: Int, width: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int) -> ConvLayout {
        func split(_ extent: Int, _ kernel: Int, _ stride: Int) -> (Int, Int) {
            guard stride >= 1, extent >= 0, kernel >= 1 else { return (0, 0) }
            let outputs = (extent + stride - 1) / stride
            let total = Swift.max(0, (outputs - 1) * stride + kernel - extent)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = split(height, kernelH, strideH)
        let (left, right) = split(width, kernelW, strideW)
        return ConvLayout(strideH: strideH, strideW: strideW, top: top, bottom: bottom, left: left, right: right)
    }

    /// The padding as users write it: `1`, or `((top, bottom), (left, right))`.
    public var paddingDescription: String {
        if top == bottom, bottom == left, left == right { return "\(top)" }
        return "((\(top), \(bottom)), (\(left), \(right)))"
    }

    var strideDescription: String { strideH == strideW ? "\(strideH)" : "(\(strideH), \(strideW))" }
}

/// The sizes of one convolution, checked: input (n, c, h, w), filters (o, c, kh, kw), output
/// (n, o, oh, ow). `rows` × `columns` is the im2col matrix of one image.
struct ConvGeometry {
    let n, c, h, w, o, kh, kw, oh, ow: Int
    let layout: ConvLayout
    var rows: Int { c &* kh &* kw }
    var columns: Int { oh &* ow }
    var outputShape: [Int] { [n, o, oh, ow] }

    init(input: [Int], filters: [Int], layout: ConvLayout, op: String) throws {
        guard input.count == 4 else {
            throw TensorError("\(op): input must be 4-D (N, C, H, W), got shape \(Tensor.describe(input))")
        }
        guard filters.count == 4 else {
            throw TensorError("\(op): filters must be 4-D (O, C, KH, KW), got shape \(Tensor.describe(filters))")
        }
        _ = try Tensor.checkedCount(input)
        _ = try Tensor.checkedCount(filters)
        guard input[1] == filters[1] else {
            // TensorFlow's images are N×H×W×C: say so when the last axis is the channel count.
            let layoutHint = input[3] == filters[1]
                ? " (images are N×C×H×W here, as in PyTorch; for N×H×W×C write transpose(x, [0, 3, 1, 2]))" : ""
            throw TensorError("\(op): input \(Tensor.describe(input)) has \(input[1]) channels but filters "
                + "\(Tensor.describe(filters)) expect \(filters[1])" + layoutHint)
        }
        guard layout.strideH >= 1, layout.strideW >= 1 else {
            throw TensorError("\(op): stride must be positive, got \(layout.strideDescription)")
        }
        guard Swift.min(layout.top, layout.bottom, layout.left, layout.right) >= 0 else {
            throw TensorError("\(op): padding must be non-negative, got \(layout.paddingDescription)")
        }
        guard filters[2] >= 1, filters[3] >= 1 else {
            throw TensorError("\(op): filters \(Tensor.describe(filters)) have an empty kernel")
        }
        guard let oh = Self.outputExtent(input[2], filters[2], layout.strideH, layout.top, layout.bottom),
              let ow = Self.outputExtent(input[3], filters[3], layout.strideW, layout.left, layout.right) else {
            throw TensorError("\(op): filters \(Tensor.describe(filters)) are larger than the input "
                + "\(Tensor.describe(input)) with padding \(layout.paddingDescription)")
        }
        (n, c, h, w) = (input[0], input[1], input[2], input[3])
        (o, kh, kw) = (filters[0], filters[2], filters[3])
        (self.layout, self.oh, self.ow) = (layout, oh, ow)
    }

    /// (extent + before + after - kernel) / stride + 1, or nil when the kernel does not fit
    /// or the arithmetic would overflow.
    private static func outputExtent(_ extent: Int, _ kernel: Int, _ stride: Int, _ before: Int, _ after: Int) -> Int? {
        let (both, overflow1) = before.addingReportingOverflow(after)
        let (padded, overflow2) = extent.addingReportingOverflow(both)
        guard !overflow1, !overflow2, padded >= kernel else { return nil }
        return (padded - kernel) / stride + 1
    }

    /// Throws unless every GEMM size fits a BLAS integer.
    func checkBLAS(op: String) throws {
        let (columnCount, overflow) = rows.multipliedReportingOverflow(by: columns)
        // The other two products are counts of allocated tensors (filters, one output image).
        guard !overflow, BLAS.fits(columnCount), BLAS.fits(o &* rows), BLAS.fits(o &* columns) else {
            throw TensorError("\(op): sizes are too large for BLAS (input (\(n), \(c), \(h), \(w)), "
                + "filters (\(o), \(c), \(kh), \(kw)))")
        }
    }

    /// True when there is nothing to multiply (some extent is zero).
    var isEmpty: Bool { n == 0 || o == 0 || columns == 0 || c == 0 }

    var imageSize: Int { c &* h &* w }
    var outputSize: Int { o &* columns }

    /// Images per product: as many as keep the columns and the staged outputs of a batch
    /// within 2¹⁵ elements (256 KB in float64), so the columns im2col writes are still in
    /// the core's cache when the product reads them. Measured on the book's layer (64
    /// images 28×28, 20 filters 5×5: one image per product) against batches of 2²⁰
    /// elements (40 images): 5.3–7.0 ms against 9.6–11.5 in float64, 2.6–3.0 against
    /// 5.3–6.0 in float32 (docs/dev/benchmarks.md). Tiny images still share a product.
    var batch: Int {
        let perImage = Swift.max(1, (rows &+ o) &* columns)
        return Swift.max(1, Swift.min(n, (1 << 15) / perImage))
    }

    /// (first image, image count) of each product.
    var batches: [(start: Int, count: Int)] {
        stride(from: 0, to: n, by: batch).map { ($0, Swift.min(batch, n &- $0)) }
    }
}

// MARK: - Convolution

extension Tensor {
    /// Cross-correlation of `x` (N, C, H, W) with filters `w` (O, C, KH, KW), the same zero
    /// padding on every side, giving (N, O, OH, OW) with OH = (H + 2 padding - KH) / stride + 1.
    public static func conv2d(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int) throws -> Tensor {
        try conv2d(x, w, layout: ConvLayout(stride: stride, padding: padding))
    }

    public static func conv2dBackwardInput(_ gradOut: Tensor, _ w: Tensor, inputShape: [Int], stride: Int,
                                           padding: Int) throws -> Tensor {
        try conv2dBackwardInput(gradOut, w, inputShape: inputShape, layout: ConvLayout(stride: stride, padding: padding))
    }

    public static func conv2dBackwardFilter(_ gradOut: Tensor, _ x: Tensor, filterShape: [Int], stride: Int,
                                            padding: Int) throws -> Tensor {
        try conv2dBackwardFilter(gradOut, x, filterShape: filterShape, layout: ConvLayout(stride: stride, padding: padding))
    }

    /// Cross-correlation with a stride per axis and zero padding per side:
    /// OH = (H + top + bottom - KH) / strideH + 1, OW likewise.
    public static func conv2d(_ x: Tensor, _ w: Tensor, layout: ConvLayout) throws -> Tensor {
        try conv2d(x, w, layout: layout, epilogue: (nil, nil))
    }

    /// The convolution, with `epilogue` (a bias per filter, an activation) applied to each
    /// output row as it is written, while it is in cache.
    private static func conv2d(_ x: Tensor, _ w: Tensor, layout: ConvLayout,
                               epilogue: (bias: Tensor?, activation: UnaryOp?)) throws -> Tensor {
        let (x, w) = numericPair(x, w)
        try checkSameDType(x, w, op: "conv2d")
        let g = try ConvGeometry(input: x.shape, filters: w.shape, layout: layout, op: "conv2d")
        if g.isEmpty {
            // No product, but the bias and activation still apply (an input of no channels).
            var zeros = try Tensor.zeros(g.outputShape, dtype: x.dtype)
            guard epilogue.bias != nil || epilogue.activation != nil, zeros.count > 0 else { return zeros }
            zeros.makeUnique()
            func applyToRows<T: TensorScalar>(_ pass: OutputRowPass<T>, _ out: UnsafeMutablePointer<T>) {
                for row in 0..<(g.n &* g.o) { pass.apply(out + row &* g.columns, filter: row % g.o, count: g.columns) }
            }
            switch x.dtype {
            case .float64: applyToRows(OutputRowPass(bias: epilogue.bias?.pointer(Double.self), activation: epilogue.activation), zeros.pointer(Double.self))
            case .float32: applyToRows(OutputRowPass(bias: epilogue.bias?.pointer(Float.self), activation: epilogue.activation), zeros.pointer(Float.self))
            case .bool: break  // made numeric above
            }
            return zeros
        }
        // Every element is written by a product with beta 0: no zero fill first.
        let result = try Tensor(uninitializedShape: g.outputShape, dtype: x.dtype)
        try g.checkBLAS(op: "conv2d")
        let blas = try OpenBLAS.functions()
        let cols = try Tensor(uninitializedShape: [g.rows, g.batch &* g.columns], dtype: x.dtype)
        let staging = g.batch > 1 ? try Tensor(uninitializedShape: [g.o, g.batch &* g.columns], dtype: x.dtype) : nil
        switch x.dtype {
        case .float64:
            try convForward(blas, g, x.pointer(Double.self), w.pointer(Double.self), cols.pointer(Double.self), staging?.pointer(Double.self),
                            result.pointer(Double.self), OutputRowPass(bias: epilogue.bias?.pointer(Double.self), activation: epilogue.activation))
        case .float32:
            try convForward(blas, g, x.pointer(Float.self), w.pointer(Float.self), cols.pointer(Float.self), staging?.pointer(Float.self),
                            result.pointer(Float.self), OutputRowPass(bias: epilogue.bias?.pointer(Float.self), activation: epilogue.activation))
        case .bool: break  // made numeric above
        }
        return result
    }

    /// What the layer does to one output row (one image's map for one filter) after the
    /// product: add the filter's bias, then the activation (`unary`'s kernel), in place.
    private struct OutputRowPass<T: TensorScalar> {
        let bias: UnsafeMutablePointer<T>?
        let activation: UnaryOp?
        var isEmpty: Bool { bias == nil && activation == nil }

        @inline(__always)
        func apply(_ row: UnsafeMutablePointer<T>, filter: Int, count: Int) {
            if let bias {
                let b = bias[filter]
                for i in 0..<count { row[i] = row[i] + b }
            }
            if let activation { unaryKernel(activation, count, row, row) }
        }
    }

    /// Whether `conv2d(x, w, layout:, bias:, activation:)` applies: a bias of one value per
    /// filter ((F,) or (1, F, 1, 1)) in the dtype of float operands, and an activation the
    /// output pass applies (tanh, sigmoid, relu).
    public static func convolutionLayerApplies(_ x: Tensor, _ w: Tensor, bias: Tensor?, activation: UnaryOp?) -> Bool {
        guard x.dtype == w.dtype, x.dtype != .bool, w.rank == 4, activation.map(AffineForm.fuses) ?? true else { return false }
        guard let bias else { return true }
        return bias.dtype == x.dtype && (bias.shape == [w.shape[0]] || bias.shape == [1, w.shape[0], 1, 1])
    }

    /// A layer: `act(conv2d(x, w) + bias)` with the bias and the activation applied in one
    /// pass over the convolution's own output, in place: the numbers of the separate ops
    /// (the same sum, then `unary`'s kernel), without their two intermediate tensors.
    public static func conv2d(_ x: Tensor, _ w: Tensor, layout: ConvLayout, bias: Tensor?,
                              activation: UnaryOp?) throws -> Tensor {
        guard convolutionLayerApplies(x, w, bias: bias, activation: activation) else {
            throw TensorError("conv2d: a bias or activation that does not fit the layer")
        }
        return try conv2d(x, w, layout: layout, epilogue: (bias, activation))
    }

    /// The gradient with respect to the input: each image's columns Wᵀ g scattered back.
    public static func conv2dBackwardInput(_ gradOut: Tensor, _ w: Tensor, inputShape: [Int],
                                           layout: ConvLayout) throws -> Tensor {
        let op = "conv2dBackwardInput"
        let (gradOut, w) = numericPair(gradOut, w)
        try checkSameDType(gradOut, w, op: op)
        let g = try ConvGeometry(input: inputShape, filters: w.shape, layout: layout, op: op)
        try checkGradientShape(gradOut, g, op: op)
        let result = try Tensor.zeros(inputShape, dtype: w.dtype)
        if g.isEmpty { return result }
        try g.checkBLAS(op: op)
        let blas = try OpenBLAS.functions()
        let cols = try Tensor(uninitializedShape: [g.rows, g.batch &* g.columns], dtype: w.dtype)
        let staging = g.batch > 1 ? try Tensor(uninitializedShape: [g.o, g.batch &* g.columns], dtype: w.dtype) : nil
        switch w.dtype {
        case .float64: try convBackwardInput(blas, g, gradOut.pointer(Double.self), w.pointer(Double.self), cols.pointer(Double.self), staging?.pointer(Double.self), result.pointer(Double.self))
        case .float32: try convBackwardInput(blas, g, gradOut.pointer(Float.self), w.pointer(Float.self), cols.pointer(Float.self), staging?.pointer(Float.self), result.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return result
    }

    /// The gradient with respect to the filters: the sum over images of g · columnsᵀ.
    public static func conv2dBackwardFilter(_ gradOut: Tensor, _ x: Tensor, filterShape: [Int],
                                            layout: ConvLayout) throws -> Tensor {
        let op = "conv2dBackwardFilter"
        let (gradOut, x) = numericPair(gradOut, x)
        try checkSameDType(gradOut, x, op: op)
        let g = try ConvGeometry(input: x.shape, filters: filterShape, layout: layout, op: op)
        try checkGradientShape(gradOut, g, op: op)
        if g.isEmpty { return try Tensor.zeros(filterShape, dtype: x.dtype) }
        // The first image's product has beta 0 and writes every element: no zero fill first.
        let result = try Tensor(uninitializedShape: filterShape, dtype: x.dtype)
        try g.checkBLAS(op: op)
        let blas = try OpenBLAS.functions()
        let cols = try Tensor(uninitializedShape: [g.batch &* g.columns, g.rows], dtype: x.dtype)   // transposed columns
        let staging = g.batch > 1 ? try Tensor(uninitializedShape: [g.o, g.batch &* g.columns], dtype: x.dtype) : nil
        switch x.dtype {
        case .float64: try convBackwardFilter(blas, g, gradOut.pointer(Double.self), x.pointer(Double.self), cols.pointer(Double.self), staging?.pointer(Double.self), result.pointer(Double.self))
        case .float32: try convBackwardFilter(blas, g, gradOut.pointer(Float.self), x.pointer(Float.self), cols.pointer(Float.self), staging?.pointer(Float.self), result.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return result
    }

    /// The filter and bias gradients of a layer `act(conv2d(x, w) + bias)` from the gradient
    /// `gradOut` of its output `y`, for when the input's gradient is not wanted (the first
    /// layer, whose input is data): the activation's rule is applied as the gradient is
    /// gathered for the filter product, and the bias's sums are taken from the gathered
    /// rows, so the pre-activation gradient never exists as a tensor. The arithmetic is
    /// `activationGradient`'s, then `sumToShape`'s (one pairwise sum per image and filter,
    /// added in image order) and `conv2dBackwardFilter`'s: the same bits as those ops.
    public static func convolutionLayerGradients(_ gradOut: Tensor, output y: Tensor, input x: Tensor, filterShape: [Int],
                                                 layout: ConvLayout, activation: ActivationGradient?,
                                                 wantFilters: Bool, biasShape: [Int]?) throws -> (filters: Tensor?, bias: Tensor?) {
        let op = "conv2dBackwardFilter"
        let (gradOut, x) = numericPair(gradOut, x)
        try checkSameDType(gradOut, x, op: op)
        let g = try ConvGeometry(input: x.shape, filters: filterShape, layout: layout, op: op)
        try checkGradientShape(gradOut, g, op: op)
        guard !g.isEmpty, y.shape == gradOut.shape, y.dtype == gradOut.dtype else {
            let preActivation = try activation.map { try activationGradient($0, gradOut, y) } ?? gradOut
            return (wantFilters ? try conv2dBackwardFilter(preActivation, x, filterShape: filterShape, layout: layout) : nil,
                    try biasShape.map { try sumToShape(preActivation, [1, g.o, 1, 1]).reshaped($0) })
        }
        try g.checkBLAS(op: op)
        let blas = try OpenBLAS.functions()
        let filters = wantFilters ? try Tensor(uninitializedShape: filterShape, dtype: x.dtype) : nil
        let bias = biasShape != nil ? try Tensor.zeros([g.o], dtype: x.dtype) : nil
        let cols = wantFilters ? try Tensor(uninitializedShape: [g.batch &* g.columns, g.rows], dtype: x.dtype) : nil  // transposed
        let staging = try Tensor(uninitializedShape: [g.o, g.batch &* g.columns], dtype: x.dtype)
        switch x.dtype {
        case .float64:
            try convBackwardFilter(blas, g, gradOut.pointer(Double.self), x.pointer(Double.self), cols?.pointer(Double.self),
                                   staging.pointer(Double.self), filters?.pointer(Double.self),
                                   GradientRowPass(activation: activation, output: y.pointer(Double.self), bias: bias?.pointer(Double.self)))
        case .float32:
            try convBackwardFilter(blas, g, gradOut.pointer(Float.self), x.pointer(Float.self), cols?.pointer(Float.self),
                                   staging.pointer(Float.self), filters?.pointer(Float.self),
                                   GradientRowPass(activation: activation, output: y.pointer(Float.self), bias: bias?.pointer(Float.self)))
        case .bool: break  // made numeric above
        }
        return (filters, try biasShape.map { try bias?.reshaped($0) ?? Tensor.zeros($0, dtype: x.dtype) })
    }

    private static func checkGradientShape(_ gradOut: Tensor, _ g: ConvGeometry, op: String) throws {
        guard gradOut.shape == g.outputShape else {
            throw TensorError("\(op): gradient of shape \(describe(gradOut.shape)) does not match the output "
                + "shape \(describe(g.outputShape))")
        }
    }

    // The three products run on batches of images side by side (`ConvGeometry.batch`):
    // the columns of b small images form one rows × (b · columns) matrix, so their product
    // is one GEMM instead of b tiny ones; a batch stays small enough to be in cache from
    // im2col to the product. The outputs, images-first, are gathered into and scattered
    // from filter-first order around a product of several images.

    private static func convForward<T: TensorScalar>(_ blas: OpenBLAS.Functions, _ g: ConvGeometry, _ x: UnsafePointer<T>, _ w: UnsafePointer<T>,
                                                     _ cols: UnsafeMutablePointer<T>, _ staging: UnsafeMutablePointer<T>?,
                                                     _ out: UnsafeMutablePointer<T>, _ rowPass: OutputRowPass<T>) throws {
        for (start, count) in g.batches {
            try Cancellation.check()   // per batch: Ctrl-C stops a big input within one product
            let ld = count &* g.columns
            for k in 0..<count { im2col(g, x + (start &+ k) &* g.imageSize, cols + k &* g.columns, tapStride: ld) }
            let images = out + start &* g.outputSize
            let product = count == 1 ? images : (staging ?? out)
            BLAS.gemm(blas, transposeA: false, transposeB: false, m: g.o, n: ld, k: g.rows, w, lda: g.rows,
                      cols, ldb: ld, beta: 0, product, ldc: ld)
            if count > 1 {
                scatterImages(g, product, images, count: count, rowPass)
            } else if !rowPass.isEmpty {
                for filter in 0..<g.o { rowPass.apply(images + filter &* g.columns, filter: filter, count: g.columns) }
            }
        }
    }

    private static func convBackwardInput<T: TensorScalar>(_ blas: OpenBLAS.Functions, _ g: ConvGeometry, _ grad: UnsafePointer<T>, _ w: UnsafePointer<T>,
                                                           _ cols: UnsafeMutablePointer<T>, _ staging: UnsafeMutablePointer<T>?,
                                                           _ dx: UnsafeMutablePointer<T>) throws {
        for (start, count) in g.batches {
            try Cancellation.check()
            let ld = count &* g.columns
            let gradients = gatherImages(g, grad + start &* g.outputSize, into: staging, count: count)
            // columns (rows × ld) = Wᵀ (rows × o) · g (o × ld)
            BLAS.gemm(blas, transposeA: true, transposeB: false, m: g.rows, n: ld, k: g.o, w, lda: g.rows,
                      gradients, ldb: ld, beta: 0, cols, ldc: ld)
            for k in 0..<count { col2im(g, cols + k &* g.columns, dx + (start &+ k) &* g.imageSize, rowStride: ld) }
        }
    }

    /// The filter gradient (when `dw` and `cols` are given), with `rowPass` applied to each
    /// gradient row as it is gathered (a layer's activation rule and bias sums).
    private static func convBackwardFilter<T: TensorScalar>(_ blas: OpenBLAS.Functions, _ g: ConvGeometry, _ grad: UnsafePointer<T>, _ x: UnsafePointer<T>,
                                                            _ cols: UnsafeMutablePointer<T>?, _ staging: UnsafeMutablePointer<T>?,
                                                            _ dw: UnsafeMutablePointer<T>?, _ rowPass: GradientRowPass<T> = .none) throws {
        for (start, count) in g.batches {
            try Cancellation.check()
            let ld = count &* g.columns, offset = start &* g.outputSize
            let gradients = gatherImages(g, grad + offset, into: staging, count: count, rowPass.shifted(by: offset))
            guard let dw, let cols else { continue }
            // The columns transposed (ld × rows), so the product takes them as stored: a small
            // product with a transposed operand costs LIBXSMM a copy (see SmallProducts).
            for k in 0..<count {
                im2col(g, x + (start &+ k) &* g.imageSize, cols + k &* g.columns &* g.rows, tapStride: 1, positionStride: g.rows)
            }
            // dW (o × rows) += g (o × ld) · columnsᵀ (ld × rows)
            BLAS.gemm(blas, transposeA: false, transposeB: false, m: g.o, n: g.rows, k: ld, gradients,
                      lda: ld, cols, ldb: g.rows, beta: start == 0 ? 0 : 1, dw, ldc: g.rows)
        }
    }

    /// What a layer's backward pass does to one gradient row (one image's map for one
    /// filter) as it is gathered: the activation's rule from the layer's output, then the
    /// row's pairwise sum added to the filter's bias gradient.
    private struct GradientRowPass<T: TensorScalar> {
        var activation: ActivationGradient?
        var output: UnsafePointer<T>?
        var bias: UnsafeMutablePointer<T>?
        static var none: GradientRowPass { GradientRowPass(activation: nil, output: nil, bias: nil) }
        var isEmpty: Bool { activation == nil && bias == nil }

        /// The same pass for the images from `offset` elements on.
        func shifted(by offset: Int) -> GradientRowPass {
            GradientRowPass(activation: activation, output: output.map { $0 + offset }, bias: bias)
        }

        @inline(__always)
        func apply(_ source: UnsafePointer<T>, at offset: Int, into target: UnsafeMutablePointer<T>, filter: Int, count: Int) {
            if let activation, let output {
                activationGradientKernel(activation, count, source, output + offset, target)
            } else {
                target.update(from: source, count: count)
            }
            if let bias { bias[filter] += pairwiseSum(target, count) }
        }
    }

    /// Filter-first `product` (o × count·columns) into images-first `out` (count × o × columns).
    /// Each row gets `rowPass` right after its copy.
    private static func scatterImages<T: TensorScalar>(_ g: ConvGeometry, _ product: UnsafePointer<T>,
                                                       _ out: UnsafeMutablePointer<T>, count: Int, _ rowPass: OutputRowPass<T>) {
        let ld = count &* g.columns
        for k in 0..<count {
            for filter in 0..<g.o {
                let target: Int = k &* g.outputSize &+ filter &* g.columns
                let source: Int = filter &* ld &+ k &* g.columns
                (out + target).update(from: product + source, count: g.columns)
                if !rowPass.isEmpty { rowPass.apply(out + target, filter: filter, count: g.columns) }
            }
        }
    }

    /// Images-first gradients (count × o × columns) as one filter-first matrix (o ×
    /// count·columns), in `staging`; a single image is that matrix already.
    private static func gatherImages<T: TensorScalar>(_ g: ConvGeometry, _ images: UnsafePointer<T>,
                                                      into staging: UnsafeMutablePointer<T>?, count: Int,
                                                      _ rowPass: GradientRowPass<T> = .none) -> UnsafePointer<T> {
        guard count > 1 || !rowPass.isEmpty, let staging else { return images }
        let ld = count &* g.columns
        for k in 0..<count {
            for filter in 0..<g.o {
                let target: Int = filter &* ld &+ k &* g.columns
                let source: Int = k &* g.outputSize &+ filter &* g.columns
                rowPass.apply(images + source, at: source, into: staging + target, filter: filter, count: g.columns)
            }
        }
        return UnsafePointer(staging)
    }

    /// Unfolds one image (c, h, w) into columns: tap (channel, i, j) of output position
    /// (oy, ox) is the input pixel under that tap, or 0 in the padding, stored at
    /// `cols[tap · tapStride + position · positionStride]` — im2col's rows (a tap's positions
    /// side by side: positionStride 1) or their transpose (a position's taps side by side,
    /// as the filter gradient's product reads them: tapStride 1).
    private static func im2col<T: TensorScalar>(_ g: ConvGeometry, _ image: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>,
                                                tapStride: Int, positionStride: Int = 1) {
        let step = positionStride
        var row = cols
        for channel in 0..<g.c {
            let plane = image + channel &* g.h &* g.w
            for i in 0..<g.kh {
                for j in 0..<g.kw {
                    let (first, last) = validRange(tap: j, g.layout.strideW, g.layout.left, g.w, g.ow)
                    for oy in 0..<g.oh {
                        let out = row + oy &* g.ow &* step
                        let y = oy &* g.layout.strideH &+ i &- g.layout.top
                        guard y >= 0 && y < g.h && first < last else {
                            for ox in 0..<g.ow { out[ox &* step] = 0 }
                            continue
                        }
                        let source = plane + y &* g.w
                        for ox in 0..<first { out[ox &* step] = 0 }
                        if g.layout.strideW == 1 && step == 1 {
                            // A run of adjacent pixels, as a loop the compiler vectorizes (the
                            // strided one it does not; memcpy's call costs more than 24 elements).
                            let from = source + (first &+ j &- g.layout.left), to = out + first
                            for t in 0..<(last &- first) { to[t] = from[t] }
                        } else {
                            for ox in first..<last { out[ox &* step] = source[ox &* g.layout.strideW &+ j &- g.layout.left] }
                        }
                        for ox in last..<g.ow { out[ox &* step] = 0 }
                    }
                    row += tapStride
                }
            }
        }
    }

    /// Folds columns back onto one image, adding where windows overlap (im2col's adjoint).
    private static func col2im<T: TensorScalar>(_ g: ConvGeometry, _ cols: UnsafePointer<T>, _ image: UnsafeMutablePointer<T>,
                                                rowStride: Int) {
        var row = cols
        for channel in 0..<g.c {
            let plane = image + channel &* g.h &* g.w
            for i in 0..<g.kh {
                for j in 0..<g.kw {
                    let (first, last) = validRange(tap: j, g.layout.strideW, g.layout.left, g.w, g.ow)
                    for oy in 0..<g.oh {
                        let y = oy &* g.layout.strideH &+ i &- g.layout.top
                        guard y >= 0 && y < g.h else { continue }
                        let input = row + oy &* g.ow, target = plane + y &* g.w
                        for ox in first..<Swift.max(first, last) { target[ox &* g.layout.strideW &+ j &- g.layout.left] += input[ox] }
                    }
                    row += rowStride
                }
            }
        }
    }

    /// The output columns `first..<last` whose kernel tap `tap` lands inside a row of
    /// `width` pixels: 0 <= ox * stride + tap - padding < width (`padding` is the left one).
    @inline(__always)
    private static func validRange(tap: Int, _ stride: Int, _ padding: Int, _ width: Int, _ outWidth: Int) -> (Int, Int) {
        let offset = padding &- tap                      // need ox * stride >= offset
        let first = offset <= 0 ? 0 : (offset &- 1) / stride &+ 1
        let limit = width &+ padding &- tap              // need ox * stride < limit
        let last = limit <= 0 ? 0 : (limit &- 1) / stride &+ 1
        return (Swift.min(first, outWidth), Swift.min(last, outWidth))
    }
}

// MARK: - Max pooling

extension Tensor {
    /// Max over `size`×`size` windows moved by `stride` on each (N, C) plane of `x`, and
    /// for each output the flat (row-major) index into `x` of the maximum it took.
    public static func maxPool2d(_ x: Tensor, size: Int, stride: Int) throws -> (output: Tensor, argmax: [Int32]) {
        let x = x.numeric()
        let window = try poolWindow(x.shape, size: size, stride: stride, op: "maxPool2d")
        guard Int32(exactly: x.count) != nil else {
            throw TensorError("maxPool2d: input \(describe(x.shape)) is too large")
        }
        let output = Tensor(validShape: window.outputShape(x.shape), dtype: x.dtype, count: window.planes &* window.oh &* window.ow)
        var argmax = [Int32](repeating: 0, count: output.count)
        try argmax.withUnsafeMutableBufferPointer { positions in
            switch x.dtype {
            case .float64: try poolKernel(window, x.pointer(Double.self), output.pointer(Double.self), positions)
            case .float32: try poolKernel(window, x.pointer(Float.self), output.pointer(Float.self), positions)
            case .bool: break  // made numeric above
            }
        }
        return (output, argmax)
    }

    /// Routes each output gradient to the input position its maximum came from (adding
    /// where windows overlap).
    public static func maxPool2dBackward(_ gradOut: Tensor, argmax: [Int32], inputShape: [Int]) throws -> Tensor {
        let gradOut = gradOut.numeric()
        guard argmax.count == gradOut.count else {
            throw TensorError("maxPool2dBackward: \(argmax.count) positions for a gradient of shape \(describe(gradOut.shape))")
        }
        let result = try Tensor.zeros(inputShape, dtype: gradOut.dtype)
        let limit = result.count
        if let bad = argmax.first(where: { $0 < 0 || Int($0) >= limit }) {
            throw TensorError("maxPool2dBackward: position \(bad) is out of range for input \(describe(inputShape))")
        }
        switch gradOut.dtype {
        case .float64: try scatterAdd(gradOut.pointer(Double.self), argmax, result.pointer(Double.self))
        case .float32: try scatterAdd(gradOut.pointer(Float.self), argmax, result.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return result
    }

    private static func scatterAdd<T: TensorScalar>(_ values: UnsafePointer<T>, _ positions: [Int32], _ target: UnsafeMutablePointer<T>) throws {
        for (i, position) in positions.enumerated() {
            try Cancellation.check(every: i)
            target[Int(position)] += values[i]
        }
    }

    /// Sizes of one pooling; `planes` is N × C.
    struct PoolWindow {
        let planes, h, w, oh, ow, size, stride: Int
        func outputShape(_ input: [Int]) -> [Int] { [input[0], input[1], oh, ow] }
    }

    /// The checked window of a pooling of an (N, C, H, W) input.
    static func poolWindow(_ shape: [Int], size: Int, stride: Int, op: String) throws -> PoolWindow {
        guard shape.count == 4 else { throw TensorError("\(op): input must be 4-D (N, C, H, W), got shape \(describe(shape))") }
        guard size >= 1 else { throw TensorError("\(op): size must be positive, got \(size)") }
        guard stride >= 1 else { throw TensorError("\(op): stride must be positive, got \(stride)") }
        _ = try checkedCount(shape)
        let (h, w) = (shape[2], shape[3])
        guard h >= size, w >= size else {
            throw TensorError("\(op): window \(size)×\(size) is larger than the input \(describe(shape))")
        }
        return PoolWindow(planes: shape[0] &* shape[1], h: h, w: w, oh: (h - size) / stride + 1, ow: (w - size) / stride + 1,
                          size: size, stride: stride)
    }

    /// The first maximum of each window wins ties; a NaN wins and sticks, as in `reduce`.
    private static func poolKernel<T: TensorScalar>(_ p: PoolWindow, _ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                    _ positions: UnsafeMutableBufferPointer<Int32>) throws {
        if p.size == 2 && p.stride == 2 { return try pool2x2Kernel(p, x, out, positions) }
        var k = 0
        for plane in 0..<p.planes {
            try Cancellation.check(every: plane)
            let base = plane &* p.h &* p.w
            for oy in 0..<p.oh {
                for ox in 0..<p.ow {
                    var best = base &+ oy &* p.stride &* p.w &+ ox &* p.stride
                    var bestValue = x[best]
                    for i in 0..<p.size {
                        let rowStart = base &+ (oy &* p.stride &+ i) &* p.w &+ ox &* p.stride
                        for j in 0..<p.size where !bestValue.isNaN {
                            let value = x[rowStart &+ j]
                            if value > bestValue || value.isNaN { bestValue = value; best = rowStart &+ j }
                        }
                    }
                    out[k] = bestValue
                    positions[k] = Int32(truncatingIfNeeded: best)
                    k &+= 1
                }
            }
        }
    }

    /// The book's pooling (2×2 windows, stride 2), written out: the general loops, with
    /// their trip count of two, took 4× the time of this straight-line form. Same rule: the
    /// first maximum in row-major order, or the first NaN.
    private static func pool2x2Kernel<T: TensorScalar>(_ p: PoolWindow, _ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                       _ positions: UnsafeMutableBufferPointer<Int32>) throws {
        guard let positionsStart = positions.baseAddress else { return }   // no windows
        var k = 0
        for plane in 0..<p.planes {
            try Cancellation.check(every: plane)
            let base = plane &* p.h &* p.w
            for oy in 0..<p.oh {
                let top = base &+ 2 &* oy &* p.w, bottom = top &+ p.w
                // Vectors first (SSE2, Sources/CSleef/vecmath.c: 4 float or 2 double windows
                // a step), up to a NaN or the row's last few windows; then this scalar form.
                let vectorized = pool2x2Row(x + top, x + bottom, count: p.ow, first: top, width: p.w,
                                            out + k, positionsStart + k)
                k &+= vectorized
                for ox in vectorized..<p.ow {
                    let i0 = top &+ 2 &* ox, i2 = bottom &+ 2 &* ox
                    let a = x[i0], b = x[i0 &+ 1], c = x[i2], d = x[i2 &+ 1]
                    let largest = Swift.max(Swift.max(a, b), Swift.max(c, d))
                    // Which element is the first maximum is a coin toss on real activations,
                    // so it is computed with integer arithmetic rather than branches:
                    // place = 0, 1, 2 or 3 in row-major order.
                    let notA = a != largest ? 1 : 0, notB = b != largest ? 1 : 0, notC = c != largest ? 1 : 0
                    let place = notA &* (1 &+ notB &* (1 &+ notC))
                    var best = i0 &+ (place & 1) &+ (place >> 1) &* p.w
                    // A NaN (or +inf beside -inf) makes the sum NaN: rare, so a branch.
                    if (a + b + c + d).isNaN, a.isNaN || b.isNaN || c.isNaN || d.isNaN {
                        best = a.isNaN ? i0 : (b.isNaN ? i0 &+ 1 : (c.isNaN ? i2 : i2 &+ 1))
                    }
                    out[k] = x[best]
                    positions[k] = Int32(truncatingIfNeeded: best)
                    k &+= 1
                }
            }
        }
    }
}

extension Tensor {
    /// The SSE2 row loop of 2×2 pooling for this scalar type; the windows it wrote.
    @inline(__always)
    fileprivate static func pool2x2Row<T: TensorScalar>(_ top: UnsafePointer<T>, _ bottom: UnsafePointer<T>, count: Int,
                                                        first: Int, width: Int, _ out: UnsafeMutablePointer<T>,
                                                        _ positions: UnsafeMutablePointer<Int32>) -> Int {
        let (first, width) = (Int32(truncatingIfNeeded: first), Int32(truncatingIfNeeded: width))
        if T.self == Float.self {
            return hebb_pool2x2_row_f32(UnsafeRawPointer(top).assumingMemoryBound(to: Float.self),
                                        UnsafeRawPointer(bottom).assumingMemoryBound(to: Float.self), count, first, width,
                                        UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), positions)
        }
        return hebb_pool2x2_row_f64(UnsafeRawPointer(top).assumingMemoryBound(to: Double.self),
                                    UnsafeRawPointer(bottom).assumingMemoryBound(to: Double.self), count, first, width,
                                    UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self), positions)
    }
}

// MARK: - Average pooling

extension Tensor {
    /// Mean over `size`×`size` windows moved by `stride` on each (N, C) plane of `x` (no
    /// padding: pad() first for PyTorch's `padding:`, which counts the zeros in the mean).
    public static func avgPool2d(_ x: Tensor, size: Int, stride: Int) throws -> Tensor {
        let x = x.numeric()
        let window = try poolWindow(x.shape, size: size, stride: stride, op: "avgPool2d")
        let output = Tensor(validShape: window.outputShape(x.shape), dtype: x.dtype, count: window.planes &* window.oh &* window.ow)
        switch x.dtype {
        case .float64: averageKernel(window, x.pointer(Double.self), output.pointer(Double.self))
        case .float32: averageKernel(window, x.pointer(Float.self), output.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return output
    }

    /// Spreads each output gradient evenly over its window, adding where windows overlap.
    public static func avgPool2dBackward(_ gradOut: Tensor, inputShape: [Int], size: Int, stride: Int) throws -> Tensor {
        let gradOut = gradOut.numeric()
        let window = try poolWindow(inputShape, size: size, stride: stride, op: "avgPool2dBackward")
        guard gradOut.shape == window.outputShape(inputShape) else {
            throw TensorError("avgPool2dBackward: gradient of shape \(describe(gradOut.shape)) does not match the output "
                + "shape \(describe(window.outputShape(inputShape)))")
        }
        let result = try Tensor.zeros(inputShape, dtype: gradOut.dtype)
        switch gradOut.dtype {
        case .float64: averageScatter(window, gradOut.pointer(Double.self), result.pointer(Double.self))
        case .float32: averageScatter(window, gradOut.pointer(Float.self), result.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return result
    }

    private static func averageKernel<T: TensorScalar>(_ p: PoolWindow, _ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>) {
        let scale = T(Double(p.size &* p.size))
        if p.size == 2 && p.stride == 2 { return average2x2Kernel(p, x, out, scale) }
        var k = 0
        for plane in 0..<p.planes {
            let base = plane &* p.h &* p.w
            for oy in 0..<p.oh {
                for ox in 0..<p.ow {
                    var total = T(0.0)
                    for i in 0..<p.size {
                        let rowStart = base &+ (oy &* p.stride &+ i) &* p.w &+ ox &* p.stride
                        for j in 0..<p.size { total += x[rowStart &+ j] }
                    }
                    out[k] = total / scale
                    k &+= 1
                }
            }
        }
    }

    private static func averageScatter<T: TensorScalar>(_ p: PoolWindow, _ g: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>) {
        let scale = T(Double(p.size &* p.size))
        if p.size == 2 && p.stride == 2 { return averageScatter2x2(p, g, dx, scale) }
        var k = 0
        for plane in 0..<p.planes {
            let base = plane &* p.h &* p.w
            for oy in 0..<p.oh {
                for ox in 0..<p.ow {
                    let share = g[k] / scale
                    for i in 0..<p.size {
                        let rowStart = base &+ (oy &* p.stride &+ i) &* p.w &+ ox &* p.stride
                        for j in 0..<p.size { dx[rowStart &+ j] += share }
                    }
                    k &+= 1
                }
            }
        }
    }

    /// The book's 2×2, stride-2 windows written out, as for max pooling (the general loops
    /// run two iterations each). The sum keeps the general loop's order, starting from 0,
    /// so the result is the same bits (a window of -0s averages to +0 in both).
    private static func average2x2Kernel<T: TensorScalar>(_ p: PoolWindow, _ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                          _ scale: T) {
        var k = 0
        for plane in 0..<p.planes {
            let base = plane &* p.h &* p.w
            for oy in 0..<p.oh {
                let top = base &+ 2 &* oy &* p.w, bottom = top &+ p.w
                for ox in 0..<p.ow {
                    let i0 = top &+ 2 &* ox, i2 = bottom &+ 2 &* ox
                    out[k] = ((((0 as T) + x[i0]) + x[i0 &+ 1]) + x[i2] + x[i2 &+ 1]) / scale
                    k &+= 1
                }
            }
        }
    }

    /// The backward pass of the 2×2, stride-2 windows: they do not overlap, so each input
    /// position gets one share.
    private static func averageScatter2x2<T: TensorScalar>(_ p: PoolWindow, _ g: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>,
                                                          _ scale: T) {
        var k = 0
        for plane in 0..<p.planes {
            let base = plane &* p.h &* p.w
            for oy in 0..<p.oh {
                let top = base &+ 2 &* oy &* p.w, bottom = top &+ p.w
                for ox in 0..<p.ow {
                    let share = g[k] / scale
                    let i0 = top &+ 2 &* ox, i2 = bottom &+ 2 &* ox
                    dx[i0] += share; dx[i0 &+ 1] += share; dx[i2] += share; dx[i2 &+ 1] += share
                    k &+= 1
                }
            }
        }
    }
}
