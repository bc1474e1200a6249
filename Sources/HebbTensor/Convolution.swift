// PLACEHOLDER written by the interpreter engineer so the other modules build: the kernels
// engineer (owner of this file) replaces it entirely with the real im2col + GEMM conv2d and
// max-pooling from docs/tensor-api.md. Every function here throws.

extension Tensor {
    public static func conv2d(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int) throws -> Tensor {
        throw TensorError("conv2d: not available yet")
    }
    public static func conv2dBackwardInput(_ gradOut: Tensor, _ w: Tensor, inputShape: [Int], stride: Int, padding: Int) throws -> Tensor {
        throw TensorError("conv2d: not available yet")
    }
    public static func conv2dBackwardFilter(_ gradOut: Tensor, _ x: Tensor, filterShape: [Int], stride: Int, padding: Int) throws -> Tensor {
        throw TensorError("conv2d: not available yet")
    }
    public static func maxPool2d(_ x: Tensor, size: Int, stride: Int) throws -> (output: Tensor, argmax: [Int32]) {
        throw TensorError("max_pool2d: not available yet")
    }
    public static func maxPool2dBackward(_ gradOut: Tensor, argmax: [Int32], inputShape: [Int]) throws -> Tensor {
        throw TensorError("max_pool2d: not available yet")
    }
}
