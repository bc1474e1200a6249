import HebbNotebook

// libFuzzer target: the .nb parser on arbitrary bytes, and the print/parse round trip
// (what a parsed notebook prints parses again and prints the same). Built by scripts/fuzz.sh with
// the HebbNotebook module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNotebook(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let notebook = try? Notebook(parsing: bytes, path: "fuzz.nb") else { return 0 }
    let printed = notebook.printed()
    guard let again = try? Notebook(parsing: printed, path: "fuzz.nb") else {
        fatalError("a printed notebook does not parse")
    }
    if again.printed() != printed { fatalError("printing a parsed notebook is not idempotent") }
    return 0
}
