import Testing
@testable import HebbTensor

/// OpenBLAS is loaded at run time with a kernel set chosen from the CPU's flags.
@Suite struct OpenBLASLoadingTests {
    @Test func kernelSetFollowsTheCPUFlags() {
        let skylake: Set<Substring> = ["sse4_2", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #expect(OpenBLAS.coreType(cpuFlags: skylake) == "SkylakeX")
        #expect(OpenBLAS.coreType(cpuFlags: ["avx2", "fma", "avx512f"]) == "Haswell")  // partial AVX-512
        #expect(OpenBLAS.coreType(cpuFlags: ["avx2", "fma"]) == "Haswell")
        #expect(OpenBLAS.coreType(cpuFlags: ["avx", "sse4_2"]) == nil)
        #expect(OpenBLAS.coreType(cpuFlags: []) == nil)
    }

    /// The shapes Benchmarks/gemm_threads.c measured: single-precision products with a small
    /// output or a short inner sum run on one thread; double precision and large products on
    /// the configured threads.
    @Test func threadPolicyFollowsTheMeasurements() {
        func threads(_ single: Bool, _ m: Int, _ n: Int, _ k: Int) -> Int32 {
            OpenBLAS.threads(singlePrecision: single, m: m, n: n, k: k, configured: 2)
        }
        #expect(threads(true, 20, 25, 36864) == 1)     // conv2d's filter gradient
        #expect(threads(true, 500, 10, 500) == 1)      // the MLP's logits
        #expect(threads(true, 500, 500, 10) == 1)      // and their gradient
        #expect(threads(true, 20, 36864, 25) == 2)     // conv2d's forward product
        #expect(threads(true, 500, 32, 500) == 2)
        #expect(threads(true, 500, 500, 784) == 2)
        #expect(threads(false, 20, 25, 36864) == 2)    // double precision: OpenBLAS decides
        #expect(threads(false, 500, 10, 500) == 2)
    }

    @Test func theLibraryLoadsAndMultiplies() throws {
        _ = try OpenBLAS.functions()
        let a = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let product = try Tensor.matmul(a, a)
        #expect(product.toDoubles() == [7, 10, 15, 22])
    }
}
