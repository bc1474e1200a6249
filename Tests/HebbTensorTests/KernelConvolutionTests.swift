// conv2d against a direct seven-loop reference, its backward products through the adjoint
// identities, max pooling and its backward, and the error messages.

import Testing
@testable import HebbTensor

/// Direct cross-correlation, one output element at a time.
private func referenceConv(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int) throws -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
    let xv = x.toDoubles(), wv = w.toDoubles()
    var out = [Double](repeating: 0, count: n * o * oh * ow)
    for b in 0..<n { for f in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
        var sum = 0.0
        for ch in 0..<c { for i in 0..<kh { for j in 0..<kw {
            let y = oy * stride + i - padding, xx = ox * stride + j - padding
            guard y >= 0, y < h, xx >= 0, xx < wd else { continue }
            sum += xv[((b * c + ch) * h + y) * wd + xx] * wv[((f * c + ch) * kh + i) * kw + j]
        } } }
        out[((b * o + f) * oh + oy) * ow + ox] = sum
    } } } }
    return try K.t([n, o, oh, ow], out, dtype: x.dtype)
}

/// <a, b> as a Double.
private func inner(_ a: Tensor, _ b: Tensor) throws -> Double {
    try Tensor.reduce(.sum, Tensor.binary(.mul, a, b), axis: nil).toDoubles()[0]
}

@Suite struct KernelConvolutionTests {
    @Test func handCheckedWindows() throws {
        let x = try K.iota([1, 1, 3, 3])
        let ones = try Tensor.ones([1, 1, 2, 2])
        K.expect(try Tensor.conv2d(x, ones, stride: 1, padding: 0), [1, 1, 2, 2], [8, 12, 20, 24])
        K.expect(try Tensor.conv2d(x, ones, stride: 2, padding: 0), [1, 1, 1, 1], [8])
        // Padding 1 with a 2x2 kernel: the corners see a single pixel.
        K.expect(try Tensor.conv2d(x, ones, stride: 2, padding: 1), [1, 1, 2, 2], [0, 3, 9, 24])
        // A centred 3x3 delta with "same" padding is the identity.
        var delta = try Tensor.zeros([1, 1, 3, 3])
        try Tensor.sliceAssign(&delta, [.all, .all, .single(1), .single(1)], Tensor(scalar: 1))
        K.expect(try Tensor.conv2d(x, delta, stride: 1, padding: 1), [1, 1, 3, 3], x.toDoubles())
    }

    /// The products run on batches of images side by side; a batch must give exactly what
    /// each image gives alone. 35×35 images with four 3×3 filters make 2 images per batch
    /// (ConvGeometry.batch), so 5 images take three products, the last one short.
    @Test func batchesOfImagesEqualImagesOneByOne() throws {
        let random = RandomGenerator(seed: 7)
        let x = try Tensor.randn([5, 1, 35, 35], generator: random)
        let w = try Tensor.randn([4, 1, 3, 3], generator: random)
        let geometry = try ConvGeometry(input: x.shape, filters: w.shape, layout: ConvLayout(stride: 1, padding: 1), op: "test")
        #expect(geometry.batches.count == 3 && geometry.batches.last?.count == 1, "\(geometry.batches)")
        let y = try Tensor.conv2d(x, w, stride: 1, padding: 1)
        let g = try Tensor.randn(y.shape, generator: random)
        let dx = try Tensor.conv2dBackwardInput(g, w, inputShape: x.shape, stride: 1, padding: 1)
        let dw = try Tensor.conv2dBackwardFilter(g, x, filterShape: w.shape, stride: 1, padding: 1)
        var dwSum = try Tensor.zeros(w.shape)
        for image in 0..<5 {
            let one: [Tensor.IndexSpec] = [.range(start: image, stop: image + 1, step: nil), .all, .all, .all]
            let xi = try Tensor.slice(x, one), gi = try Tensor.slice(g, one)
            // BLAS may tile a wider product differently: equal up to rounding.
            K.close(try Tensor.slice(y, one), try Tensor.conv2d(xi, w, stride: 1, padding: 1))
            K.close(try Tensor.slice(dx, one), try Tensor.conv2dBackwardInput(gi, w, inputShape: xi.shape, stride: 1, padding: 1))
            dwSum = try Tensor.binary(.add, dwSum, try Tensor.conv2dBackwardFilter(gi, xi, filterShape: w.shape, stride: 1, padding: 1))
        }
        // The filter gradient sums over images in another order.
        K.close(dw, dwSum, tolerance: 1e-9)
    }

    @Test func channelsAndFiltersCombine() throws {
        // Two input channels summed by each filter; two filters.
        let x = try K.t([1, 2, 1, 2], [1, 2, 10, 20])
        let w = try K.t([2, 2, 1, 1], [1, 1, 1, -1])
        K.expect(try Tensor.conv2d(x, w, stride: 1, padding: 0), [1, 2, 1, 2], [11, 22, -9, -18])
    }

    /// Random geometries (batch, channels, kernel, stride, padding, both dtypes) against the
    /// direct loops, and both backward products against the adjoint identities
    /// <conv(x, w), g> = <x, dX(g, w)> = <w, dW(g, x)>.
    @Test(arguments: [DType.float64, .float32])
    func agreesWithDirectLoops(dtype: DType) throws {
        var random = KernelRandom(seed: 41)
        let tolerance = dtype == .float32 ? 1e-4 : 1e-11
        for _ in 0..<40 {
            let (n, c, o) = (random.int(1...3), random.int(1...3), random.int(1...3))
            let (kh, kw) = (random.int(1...4), random.int(1...4))
            let (stride, padding) = (random.int(1...3), random.int(0...2))
            let h = random.int(max(1, kh - 2 * padding)...7), w = random.int(max(1, kw - 2 * padding)...7)
            let x = try random.tensor([n, c, h, w], dtype: dtype), f = try random.tensor([o, c, kh, kw], dtype: dtype)
            let y = try Tensor.conv2d(x, f, stride: stride, padding: padding)
            #expect(y.dtype == dtype)
            K.close(y, try referenceConv(x, f, stride: stride, padding: padding), tolerance: tolerance)

            let g = try random.tensor(y.shape, dtype: dtype)
            let dx = try Tensor.conv2dBackwardInput(g, f, inputShape: x.shape, stride: stride, padding: padding)
            let dw = try Tensor.conv2dBackwardFilter(g, x, filterShape: f.shape, stride: stride, padding: padding)
            #expect(dx.shape == x.shape && dw.shape == f.shape)
            let forward = try inner(y, g)
            let scale = max(1, abs(forward))
            #expect(abs(try inner(x, dx) - forward) <= tolerance * 10 * scale)
            #expect(abs(try inner(f, dw) - forward) <= tolerance * 10 * scale)
        }
    }

    @Test func backwardByHand() throws {
        // y = conv(x, ones 2x2) on a 3x3 input: each input pixel feeds as many outputs as
        // windows cover it.
        let g = try Tensor.ones([1, 1, 2, 2])
        K.expect(try Tensor.conv2dBackwardInput(g, try Tensor.ones([1, 1, 2, 2]), inputShape: [1, 1, 3, 3], stride: 1, padding: 0),
                 [1, 1, 3, 3], [1, 2, 1, 2, 4, 2, 1, 2, 1])
        // dW[i, j] = sum of the inputs under tap (i, j) over all windows.
        K.expect(try Tensor.conv2dBackwardFilter(g, try K.iota([1, 1, 3, 3]), filterShape: [1, 1, 2, 2], stride: 1, padding: 0),
                 [1, 1, 2, 2], [8, 12, 20, 24])
    }

    @Test func emptyBatchesAndChannels() throws {
        K.expect(try Tensor.conv2d(try Tensor.zeros([0, 2, 4, 4]), try Tensor.ones([3, 2, 3, 3]), stride: 1, padding: 0),
                 [0, 3, 2, 2], [])
        K.expect(try Tensor.conv2d(try Tensor.zeros([1, 0, 4, 4]), try Tensor.ones([2, 0, 3, 3]), stride: 1, padding: 0),
                 [1, 2, 2, 2], [0, 0, 0, 0, 0, 0, 0, 0])
        K.expect(try Tensor.conv2dBackwardFilter(try Tensor.zeros([0, 3, 2, 2]), try Tensor.zeros([0, 2, 4, 4]),
                                                 filterShape: [3, 2, 3, 3], stride: 1, padding: 0),
                 [3, 2, 3, 3], [Double](repeating: 0, count: 54))
    }

    @Test func errors() throws {
        let x = try Tensor.zeros([1, 3, 5, 5]), w = try Tensor.zeros([2, 3, 3, 3])
        K.error("conv2d: input must be 4-D (N, C, H, W), got shape (3, 5, 5)") {
            _ = try Tensor.conv2d(try Tensor.zeros([3, 5, 5]), w, stride: 1, padding: 0)
        }
        K.error("conv2d: filters must be 4-D (O, C, KH, KW), got shape (3, 3)") {
            _ = try Tensor.conv2d(x, try Tensor.zeros([3, 3]), stride: 1, padding: 0)
        }
        K.error("conv2d: input (1, 3, 5, 5) has 3 channels but filters (2, 1, 3, 3) expect 1") {
            _ = try Tensor.conv2d(x, try Tensor.zeros([2, 1, 3, 3]), stride: 1, padding: 0)
        }
        K.error("conv2d: stride must be positive, got 0") { _ = try Tensor.conv2d(x, w, stride: 0, padding: 0) }
        K.error("conv2d: padding must be non-negative, got -1") { _ = try Tensor.conv2d(x, w, stride: 1, padding: -1) }
        K.error("conv2d: filters (2, 3, 7, 7) are larger than the input (1, 3, 5, 5) with padding 0") {
            _ = try Tensor.conv2d(x, try Tensor.zeros([2, 3, 7, 7]), stride: 1, padding: 0)
        }
        K.error("conv2d: filters (2, 3, 7, 7) are larger than the input (1, 3, 5, 5) with padding \(Int.max)") {
            _ = try Tensor.conv2d(x, try Tensor.zeros([2, 3, 7, 7]), stride: 1, padding: Int.max)
        }
        K.error("conv2d: filters (2, 3, 0, 3) have an empty kernel") {
            _ = try Tensor.conv2d(x, try Tensor.zeros([2, 3, 0, 3]), stride: 1, padding: 0)
        }
        K.error("conv2d: dtype float64 and float32 differ; convert one side with float32(x) or float64(x)") {
            _ = try Tensor.conv2d(x, try w.cast(to: .float32), stride: 1, padding: 0)
        }
        // Huge padding asks for a huge column matrix: an allocation error, not a crash.
        #expect(throws: TensorError.self) { _ = try Tensor.conv2d(x, w, stride: 1, padding: 1 << 40) }
        K.error("conv2dBackwardInput: gradient of shape (1, 2, 2, 2) does not match the output shape (1, 2, 3, 3)") {
            _ = try Tensor.conv2dBackwardInput(try Tensor.zeros([1, 2, 2, 2]), w, inputShape: x.shape, stride: 1, padding: 0)
        }
        K.error("conv2dBackwardFilter: gradient of shape (1, 2, 2, 2) does not match the output shape (1, 2, 3, 3)") {
            _ = try Tensor.conv2dBackwardFilter(try Tensor.zeros([1, 2, 2, 2]), x, filterShape: w.shape, stride: 1, padding: 0)
        }
        K.error("negative dimension -1 in shape (1, 3, -1, 5)") {
            _ = try Tensor.conv2dBackwardInput(try Tensor.zeros([1, 2, 3, 3]), w, inputShape: [1, 3, -1, 5], stride: 1, padding: 0)
        }
    }
}

@Suite struct KernelPoolingTests {
    @Test func nonOverlappingWindows() throws {
        let x = try K.iota([1, 1, 4, 4])
        let (y, positions) = try Tensor.maxPool2d(x, size: 2, stride: 2)
        K.expect(y, [1, 1, 2, 2], [5, 7, 13, 15])
        #expect(positions == [5, 7, 13, 15])
        let dx = try Tensor.maxPool2dBackward(try K.t([1, 1, 2, 2], [1, 2, 3, 4]), argmax: positions, inputShape: x.shape)
        K.expect(dx, [1, 1, 4, 4], [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4])
    }

    @Test func overlappingWindowsAccumulate() throws {
        // The centre 9 is the maximum of all four 2x2 windows of a 3x3 plane.
        let x = try K.t([1, 1, 3, 3], [1, 2, 1, 2, 9, 2, 1, 2, 1])
        let (y, positions) = try Tensor.maxPool2d(x, size: 2, stride: 1)
        K.expect(y, [1, 1, 2, 2], [9, 9, 9, 9])
        #expect(positions == [4, 4, 4, 4])
        K.expect(try Tensor.maxPool2dBackward(try Tensor.ones([1, 1, 2, 2]), argmax: positions, inputShape: x.shape),
                 [1, 1, 3, 3], [0, 0, 0, 0, 4, 0, 0, 0, 0])
    }

    @Test func planesBatchesTiesAndNaN() throws {
        // Two images × two channels; ties keep the first position; a NaN wins its window.
        let x = try K.t([2, 2, 2, 2], [1, 1, 1, 1,   0, 3, 3, 0,   -1, -2, -3, .nan,   4, 4, 5, 5])
        let (y, positions) = try Tensor.maxPool2d(x, size: 2, stride: 2)
        K.expect(y, [2, 2, 1, 1], [1, 3, .nan, 5])
        #expect(positions == [0, 5, 11, 14])
        let (f, _) = try Tensor.maxPool2d(try x.cast(to: .float32), size: 2, stride: 2)
        #expect(f.dtype == .float32)
        // A window that does not fit the stride leaves the remainder out, as in PyTorch.
        let (partial, _) = try Tensor.maxPool2d(try K.iota([1, 1, 3, 5]), size: 2, stride: 2)
        K.expect(partial, [1, 1, 1, 2], [6, 8])
    }

    /// Rows wide enough for the eight-window vector form of 2×2 pooling (and its scalar
    /// tail), with ties, signed zeros and NaNs from a small set of values: the same maxima,
    /// values and positions as a direct loop (first maximum in row-major order; the first
    /// NaN wins), in both dtypes.
    @Test(arguments: [DType.float64, .float32])
    func wideRowsWithTiesZerosAndNaN(dtype: DType) throws {
        var random = KernelRandom(seed: 47)
        let choices: [Double] = [-1, -0.0, 0, 0.5, 2, 2, .nan]
        for _ in 0..<30 {
            let shape = [random.int(1...2), random.int(1...3), 2 * random.int(1...4), 2 * random.int(1...21) + random.int(0...1)]
            let count = shape.reduce(1, *)
            let v = (0..<count).map { _ in random.int(0...40) < 2 ? Double.nan : choices[random.int(0...5)] }
            let x = try Tensor(shape: shape, values: v, dtype: dtype)
            let (y, positions) = try Tensor.maxPool2d(x, size: 2, stride: 2)
            let (oh, ow) = (shape[2] / 2, shape[3] / 2)
            var expected: [Double] = [], expectedPositions: [Int32] = []
            for plane in 0..<(shape[0] * shape[1]) { for oy in 0..<oh { for ox in 0..<ow {
                var at = (plane * shape[2] + 2 * oy) * shape[3] + 2 * ox
                for (i, j) in [(0, 1), (1, 0), (1, 1)] where !v[at].isNaN {
                    let p = (plane * shape[2] + 2 * oy + i) * shape[3] + 2 * ox + j
                    if v[p] > v[at] || v[p].isNaN { at = p }
                }
                expected.append(v[at]); expectedPositions.append(Int32(at))
            } } }
            #expect(positions == expectedPositions, "\(shape)")
            let actual = y.toDoubles()
            for (got, want) in zip(actual, expected) {
                #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "\(shape): \(got) vs \(want)")
            }
        }
    }

    @Test func randomAgainstReference() throws {
        var random = KernelRandom(seed: 43)
        for _ in 0..<50 {
            let (size, stride) = (random.int(1...3), random.int(1...3))
            let shape = [random.int(1...2), random.int(1...2), random.int(size...7), random.int(size...7)]
            let x = try random.tensor(shape), v = x.toDoubles()
            let (y, positions) = try Tensor.maxPool2d(x, size: size, stride: stride)
            let (oh, ow) = ((shape[2] - size) / stride + 1, (shape[3] - size) / stride + 1)
            var expected: [Double] = [], expectedPositions: [Int32] = []
            for plane in 0..<(shape[0] * shape[1]) { for oy in 0..<oh { for ox in 0..<ow {
                var best = -Double.infinity, at = 0
                for i in 0..<size { for j in 0..<size {
                    let p = (plane * shape[2] + oy * stride + i) * shape[3] + ox * stride + j
                    if v[p] > best { best = v[p]; at = p }
                } }
                expected.append(best); expectedPositions.append(Int32(at))
            } } }
            K.expect(y, [shape[0], shape[1], oh, ow], expected)
            #expect(positions == expectedPositions)
            let g = try random.tensor(y.shape)
            let dx = try Tensor.maxPool2dBackward(g, argmax: positions, inputShape: shape)
            #expect(abs(try inner(y, g) - (try inner(x, dx))) < 1e-12)
        }
    }

    @Test func errors() throws {
        let x = try Tensor.zeros([1, 1, 3, 3])
        K.error("maxPool2d: input must be 4-D (N, C, H, W), got shape (3, 3)") {
            _ = try Tensor.maxPool2d(try Tensor.zeros([3, 3]), size: 2, stride: 2)
        }
        K.error("maxPool2d: size must be positive, got 0") { _ = try Tensor.maxPool2d(x, size: 0, stride: 1) }
        K.error("maxPool2d: stride must be positive, got -1") { _ = try Tensor.maxPool2d(x, size: 2, stride: -1) }
        K.error("maxPool2d: window 4×4 is larger than the input (1, 1, 3, 3)") { _ = try Tensor.maxPool2d(x, size: 4, stride: 1) }
        K.error("maxPool2dBackward: 3 positions for a gradient of shape (1, 1, 2, 2)") {
            _ = try Tensor.maxPool2dBackward(try Tensor.zeros([1, 1, 2, 2]), argmax: [0, 1, 2], inputShape: [1, 1, 3, 3])
        }
        K.error("maxPool2dBackward: position 9 is out of range for input (1, 1, 3, 3)") {
            _ = try Tensor.maxPool2dBackward(try Tensor.zeros([1]), argmax: [9], inputShape: [1, 1, 3, 3])
        }
        K.error("maxPool2dBackward: position -1 is out of range for input (1, 1, 3, 3)") {
            _ = try Tensor.maxPool2dBackward(try Tensor.zeros([1]), argmax: [-1], inputShape: [1, 1, 3, 3])
        }
    }
}

@Suite struct ConvLayoutTests {
    /// TensorFlow's SAME, worked by hand from its rule: out = ceil(in / stride), total =
    /// max((out - 1) stride + kernel - in, 0), the odd one at the bottom/right.
    @Test(arguments: [
        (5, 2, 1, 0, 1), (7, 3, 2, 1, 1), (6, 3, 2, 0, 1), (8, 3, 3, 0, 1), (5, 1, 2, 0, 0), (4, 5, 1, 2, 2), (5, 3, 1, 1, 1),
    ])
    func sameSplitsThePadding(extent: Int, kernel: Int, stride: Int, before: Int, after: Int) {
        let layout = ConvLayout.same(height: extent, width: 9, kernelH: kernel, kernelW: 1, strideH: stride, strideW: 1)
        #expect((layout.top, layout.bottom) == (before, after))
        #expect((layout.left, layout.right) == (0, 0))
    }

    /// "same" keeps ceil(extent / stride) positions whatever the kernel.
    @Test func sameKeepsTheSize() throws {
        for (extent, kernel, stride) in [(5, 2, 1), (7, 4, 2), (6, 3, 3), (9, 5, 2)] {
            let x = try Tensor.ones([1, 1, extent, extent])
            let w = try Tensor.ones([1, 1, kernel, kernel])
            let layout = ConvLayout.same(height: extent, width: extent, kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride)
            let out = (extent + stride - 1) / stride
            #expect(try Tensor.conv2d(x, w, layout: layout).shape == [1, 1, out, out])
        }
    }

    /// A 2×2 window of ones on iota(3, 3) with one zero row below and one zero column on the
    /// right: every output is the sum of its window, worked by hand.
    @Test func asymmetricPaddingByHand() throws {
        let x = try K.iota([1, 1, 3, 3])   // 0 1 2 / 3 4 5 / 6 7 8
        let layout = ConvLayout(strideH: 1, strideW: 1, top: 0, bottom: 1, left: 0, right: 1)
        K.expect(try Tensor.conv2d(x, try Tensor.ones([1, 1, 2, 2]), layout: layout), [1, 1, 3, 3],
                 [8, 12, 7, 20, 24, 13, 13, 15, 8])
    }

    @Test func channelsLastInputIsNamed() {
        K.error("conv2d: input (2, 8, 8, 3) has 8 channels but filters (4, 3, 3, 3) expect 3 (images are N×C×H×W here, as in PyTorch; for N×H×W×C write transpose(x, [0, 3, 1, 2]))") {
            _ = try Tensor.conv2d(try Tensor.zeros([2, 8, 8, 3]), try Tensor.zeros([4, 3, 3, 3]), stride: 1, padding: 0)
        }
    }

    @Test func averagePoolingByHand() throws {
        let x = try K.iota([1, 1, 4, 4])
        K.expect(try Tensor.avgPool2d(x, size: 2, stride: 2), [1, 1, 2, 2], [2.5, 4.5, 10.5, 12.5])
        // Overlapping windows (size 2, stride 1 on 3×3): the centre is in all four windows.
        let g = try Tensor.ones([1, 1, 2, 2])
        K.expect(try Tensor.avgPool2dBackward(g, inputShape: [1, 1, 3, 3], size: 2, stride: 1), [1, 1, 3, 3],
                 [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25])
        K.error("avgPool2dBackward: gradient of shape (1, 1, 3, 3) does not match the output shape (1, 1, 2, 2)") {
            _ = try Tensor.avgPool2dBackward(try Tensor.ones([1, 1, 3, 3]), inputShape: [1, 1, 3, 3], size: 2, stride: 1)
        }
    }

    @Test func padAndUnpad() throws {
        let x = try K.iota([2, 2])
        let widths = [Tensor.PadWidth(before: 1, after: 0), Tensor.PadWidth(before: 0, after: 2)]
        let padded = try Tensor.pad(x, widths: widths, value: 9)
        K.expect(padded, [3, 4], [9, 9, 9, 9, 0, 1, 9, 9, 2, 3, 9, 9])
        K.expect(try Tensor.unpad(padded, originalShape: [2, 2], widths: widths), [2, 2], [0, 1, 2, 3])
        K.error("pad: 1 pad widths for a tensor of shape (2, 2) (give one (before, after) per axis)") {
            _ = try Tensor.pad(x, widths: [widths[0]])
        }
        K.error("pad: widths must be non-negative, got (0, -1)") {
            _ = try Tensor.pad(x, widths: [widths[0], Tensor.PadWidth(before: 0, after: -1)])
        }
        #expect(throws: TensorError.self) { _ = try Tensor.pad(x, widths: [widths[0], Tensor.PadWidth(before: Int.max, after: 1)]) }
    }
}

/// 2×2, stride-2 average pooling has a written-out kernel; it must give what the window
/// loops give: the sum in row-major order from 0, over 4, on odd sizes that drop the last
/// row and column, and +0 for a window of -0s; backward spreads a quarter to each input.
@Suite struct AveragePool2x2Tests {
    @Test(arguments: [DType.float64, .float32])
    func equalsTheWindowLoops(dtype: DType) throws {
        let shape = [2, 3, 7, 9]
        var values: [Double] = (0..<378).map { (i: Int) -> Double in Double((i * 7919) % 613 - 300) / 97 }
        values[0] = -0.0; values[1] = -0.0; values[9] = -0.0; values[10] = -0.0
        let x = try K.t(shape, values, dtype: dtype)
        let y = try Tensor.avgPool2d(x, size: 2, stride: 2)
        func round(_ v: Double) -> Double { dtype == .float32 ? Double(Float(v)) : v }
        let xs = x.toDoubles()
        var expected: [Double] = []
        for plane in 0..<6 {
            for oy in 0..<3 {
                for ox in 0..<4 {
                    let i = plane * 63 + 2 * oy * 9 + 2 * ox
                    var total = 0.0
                    for j in [i, i + 1, i + 9, i + 10] { total = round(total + xs[j]) }
                    expected.append(round(total / 4))
                }
            }
        }
        K.expect(y, [2, 3, 3, 4], expected)
        #expect(y.toDoubles()[0].sign == .plus)

        let g = try K.t([2, 3, 3, 4], (0..<72).map { Double($0 % 11) - 5 }, dtype: dtype)
        let dx = try Tensor.avgPool2dBackward(g, inputShape: shape, size: 2, stride: 2).toDoubles()
        let gs = g.toDoubles()
        var expectedDx = [Double](repeating: 0, count: xs.count)
        for plane in 0..<6 {
            for oy in 0..<3 {
                for ox in 0..<4 {
                    let i = plane * 63 + 2 * oy * 9 + 2 * ox, share = round(gs[plane * 12 + oy * 4 + ox] / 4)
                    for j in [i, i + 1, i + 9, i + 10] { expectedDx[j] += share }
                }
            }
        }
        #expect(dx == expectedDx)
    }
}
