// libFuzzer target: the CSV or .npy loader (FUZZ_FORMAT=csv|npy at build time picks one,
// by -D CSV / -D NPY) on arbitrary file contents: huge or negative shapes in headers,
// truncated data, ragged rows. Built by scripts/fuzz.sh with the HebbTensor sources.

#if canImport(Glibc)
import Glibc
#endif

private let scratch = "/tmp/hebb-fuzz-\(getpid())"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file = fopen(scratch, "wb") else { return 0 }
    if let data, size > 0 { fwrite(data, 1, size, file) }
    fclose(file)
    #if CSV
    _ = try? Tensor.loadCSV(path: scratch)
    _ = try? Tensor.loadCSV(path: scratch, labelColumn: .index(0))
    #else
    _ = try? Tensor.loadNPY(path: scratch)
    #endif
    return 0
}
