// libFuzzer target: the lexer and parser on arbitrary bytes. Built by scripts/fuzz.sh with
// the HebbSyntax sources in the same module; any crash, hang or sanitizer report is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    let (_, diagnostics) = Parser.parse(SourceFile(name: "fuzz.hebb", text: text), symbols: SymbolTable())
    for diagnostic in diagnostics.prefix(3) { _ = diagnostic.rendered() }
    _ = Parser.isIncomplete(text)
    return 0
}
