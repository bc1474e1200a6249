// OpenBLAS, loaded on first use. Linking it would run its initialisation before `main`,
// and that initialisation picks the CPU kernels once: on virtual machines whose CPU model
// it does not recognise, Debian's OpenBLAS 0.3.21 falls back to its generic "Prescott"
// kernels, 4–5× slower than the AVX2/AVX-512 ones the CPU has (measured: 1024² dgemm 20 vs
// 100 GFLOP/s). Loading it ourselves lets Hebb name the kernel set from the CPU's flags
// first (OPENBLAS_CORETYPE, unless the user set it), and keeps it out of start-up.

import CBLAS
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
    }

    /// The loaded functions, or why they could not be loaded.
    static let loaded: Result<Functions, TensorError> = load()

    /// The functions; throws a clear error when the library is missing.
    static func functions() throws -> Functions { try loaded.get() }

    private static func load() -> Result<Functions, TensorError> {
        if getenv("OPENBLAS_CORETYPE") == nil, let core = coreType(cpuFlags: cpuFlags()) {
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
            return .success(Functions(
                dgemm: try symbol("cblas_dgemm", as: hebb_dgemm_fn.self),
                sgemm: try symbol("cblas_sgemm", as: hebb_sgemm_fn.self),
                dgemv: try symbol("cblas_dgemv", as: hebb_dgemv_fn.self),
                sgemv: try symbol("cblas_sgemv", as: hebb_sgemv_fn.self),
                ddot: try symbol("cblas_ddot", as: hebb_ddot_fn.self),
                sdot: try symbol("cblas_sdot", as: hebb_sdot_fn.self)))
        } catch let error as TensorError {
            return .failure(error)
        } catch {
            return .failure(TensorError("OpenBLAS: \(error)"))
        }
    }

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
