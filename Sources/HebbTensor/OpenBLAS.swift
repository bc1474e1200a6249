// OpenBLAS, loaded on first use. Linking it would run its initialisation before `main`,
// and that initialisation picks the CPU kernels once: on virtual machines whose CPU model
// it does not recognise, Debian's OpenBLAS 0.3.21 falls back to its generic "Prescott"
// kernels, 4–5× slower than the AVX2/AVX-512 ones the CPU has (measured: 1024² dgemm 20 vs
// 100 GFLOP/s). Loading it ourselves lets Hebb name the kernel set from the CPU's flags
// first (OPENBLAS_CORETYPE, unless the user set it), and keeps it out of start-up.

import CBLAS
import CSleef
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

enum OpenBLAS {
    struct Functions {
        let dgemm: hebb_dgemm_fn
        let sgemm: hebb_sgemm_fn
        let dgemv: hebb_dgemv_fn
        let sgemv: hebb_sgemv_fn
        let ddot: hebb_ddot_fn
        let sdot: hebb_sdot_fn
        let setThreads: hebb_set_threads_fn
        /// The threads OpenBLAS was started with (OPENBLAS_NUM_THREADS, else the cores).
        let configuredThreads: Int32
    }

    /// The loaded functions, or why they could not be loaded.
    static let loaded: Result<Functions, TensorError> = load()

    /// The functions; throws a clear error when the library is missing.
    static func functions() throws -> Functions { try loaded.get() }

    /// Set once the library has been loaded: the kernel set is fixed from then on.
    static let hasLoaded = Atomic<Bool>(false)

    private static func load() -> Result<Functions, TensorError> {
        hasLoaded.store(true, ordering: .relaxed)
        if getenv("OPENBLAS_CORETYPE") == nil, let core = coreType(cpuFlags: machineFlags) {
            setenv("OPENBLAS_CORETYPE", core, 0)
        }
        let names = ["libopenblas.so.0", "libopenblas.so"]
        guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_GLOBAL) }).first else {
            return .failure(TensorError("matrix products need OpenBLAS, which could not be loaded (libopenblas.so.0); "
                + "install it with: apt-get install libopenblas0"))
        }
        func symbol<F>(_ name: String, as _: F.Type) throws -> F {
            guard let address = dlsym(handle, name) else {
                throw TensorError("OpenBLAS has no function \(name)")
            }
            return unsafeBitCast(address, to: F.self)
        }
        do {
            let getThreads = try symbol("openblas_get_num_threads", as: hebb_get_threads_fn.self)
            return .success(Functions(
                dgemm: try symbol("cblas_dgemm", as: hebb_dgemm_fn.self),
                sgemm: try symbol("cblas_sgemm", as: hebb_sgemm_fn.self),
                dgemv: try symbol("cblas_dgemv", as: hebb_dgemv_fn.self),
                sgemv: try symbol("cblas_sgemv", as: hebb_sgemv_fn.self),
                ddot: try symbol("cblas_ddot", as: hebb_ddot_fn.self),
                sdot: try symbol("cblas_sdot", as: hebb_sdot_fn.self),
                setThreads: try symbol("openblas_set_num_threads", as: hebb_set_threads_fn.self),
                configuredThreads: getThreads()))
        } catch let error as TensorError {
            return .failure(error)
        } catch {
            return .failure(TensorError("OpenBLAS: \(error)"))
        }
    }

    /// The threads the next product asks OpenBLAS for; set only when it changes.
    private static let threadsInUse = Atomic<Int32>(0)

    /// Runs single-precision products whose output is too small to split (under 8,192
    /// elements: OpenBLAS divides the output between threads, never the inner sum) or whose
    /// inner dimension is under 16 on one thread; everything else on the configured threads.
    /// Measured on 2 cores (Benchmarks/gemm_threads.c; docs/dev/benchmarks.md): conv2d's
    /// filter gradient, 20×25 from an inner sum of 36,864, takes 1.2–1.6× as long on two
    /// threads as on one, and the MLP's 500×10 products and its 500×500 from an inner 10
    /// 1.1–1.4×, while 500×32 from 500 and 128³ gain 13–26% from the second thread. Double
    /// precision gains or breaks even on two threads at all of these, so it keeps OpenBLAS's
    /// own choice (one thread under 2¹⁸ multiply-adds).
    static func chooseThreads(_ blas: Functions, singlePrecision: Bool, m: Int, n: Int, k: Int) {
        let wanted = threads(singlePrecision: singlePrecision, m: m, n: n, k: k, configured: blas.configuredThreads)
        guard threadsInUse.load(ordering: .relaxed) != wanted else { return }
        threadsInUse.store(wanted, ordering: .relaxed)
        blas.setThreads(wanted)
    }

    /// The policy alone: the threads a product of C = m×n with inner dimension k runs on.
    static func threads(singlePrecision: Bool, m: Int, n: Int, k: Int, configured: Int32) -> Int32 {
        singlePrecision && (m &* n < 1 << 13 || k < 16) ? 1 : configured
    }

    /// This machine's CPU flags, read once.
    static let machineFlags = cpuFlags()

    /// The flags of the first CPU in /proc/cpuinfo (empty when it cannot be read).
    static func cpuFlags() -> Set<Substring> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("flags") {
                return Set(text.split(separator: ":", maxSplits: 1).last?.split(separator: " ") ?? [])
            }
        }
        return []
    }

    /// The OpenBLAS kernel set for CPUs with these flags: AVX-512 (F, CD, BW, DQ, VL) →
    /// SkylakeX, AVX2 + FMA → Haswell; nil leaves the choice to OpenBLAS.
    static func coreType(cpuFlags flags: Set<Substring>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }
}

extension Tensor {
    /// Fixes the kernels of this process to ones that give the same bits on every x86-64 CPU
    /// with AVX2 and FMA — Intel or AMD, with AVX-512 or without: OpenBLAS's Haswell kernels
    /// (whatever OPENBLAS_CORETYPE says) and the 256-bit SLEEF functions. A notebook's saved
    /// outputs are compared with a new run's (`hebb test`), and a training curve turns the last
    /// bit of a product into a different table a few epochs later, so notebooks are run and
    /// tested with these; scripts and the REPL keep the fastest kernels the CPU has (on
    /// AVX-512, OpenBLAS's SkylakeX GEMMs were 1.6–1.9× as fast, docs/dev/benchmarks.md). Must
    /// be called before the first product or elementary function; false when that is too late
    /// or the CPU lacks AVX2 and FMA (then the kernels stay the CPU's own).
    @discardableResult
    public static func useReproducibleKernels() -> Bool {
        guard !OpenBLAS.hasLoaded.load(ordering: .relaxed),
              OpenBLAS.coreType(cpuFlags: OpenBLAS.machineFlags) != nil,
              hebb_vm_supported(Int32(VectorISA.avx.rawValue)) == VectorISA.avx.rawValue else { return false }
        // SLEEF's choice first: it is fixed at its first use, and when that is past, the
        // products keep their kernels too (both or neither).
        setenv("HEBB_VECMATH_ISA", String(VectorISA.avx.rawValue), 1)
        guard hebb_vm_isa() == VectorISA.avx.rawValue else { return false }
        setenv("OPENBLAS_CORETYPE", "Haswell", 1)
        // Small products too: LIBXSMM's kernels round some of them differently from OpenBLAS's,
        // and a notebook's bits should not depend on whether this build has LIBXSMM.
        setenv("HEBB_SMALL_GEMM", "openblas", 1)
        return true
    }
}
