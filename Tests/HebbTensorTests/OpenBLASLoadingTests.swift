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

    @Test func theLibraryLoadsAndMultiplies() throws {
        _ = try OpenBLAS.functions()
        let a = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let product = try Tensor.matmul(a, a)
        #expect(product.toDoubles() == [7, 10, 15, 22])
    }
}
