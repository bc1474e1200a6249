// libFuzzer target: the Jupyter kernel's wire-message decoder (Message(parts:signer:)) on
// arbitrary frames. Built by scripts/fuzz.sh with Message.swift and MessageSigner.swift.
//
// The input is split into frames at NUL bytes (JSON and hex signatures never contain one).
// When the first byte is odd the target signs the frames with the key itself, so the
// fuzzer gets past the HMAC check to the JSON frames; otherwise the signature is the
// fuzzer's. An accepted message whose signature frame is not the HMAC of its frames would
// be a forgery: that is a finding.

private let signer = MessageSigner(key: Array("fuzz-key-0123456789".utf8))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKernelMessage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let first = bytes.first else { return 0 }
    var parts = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
    let resign = first & 1 == 1
    if resign, let split = parts.firstIndex(of: Message.delimiter), parts.count >= split + 6 {
        parts[split + 1] = Array(signer.signature(Array(parts[(split + 2)..<(split + 6)])).utf8)
    }
    guard let message = try? Message(parts: parts, signer: signer) else { return 0 }
    // Accepted: its signature frame must be exactly the HMAC of its four JSON frames.
    if let split = parts.firstIndex(of: Message.delimiter),
       parts[split + 1] != Array(signer.signature(Array(parts[(split + 2)..<(split + 6)])).utf8) {
        fatalError("a message whose signature is not the HMAC of its frames was accepted")
    }
    // What the kernel does with an accepted message: read its type, answer it, sign the reply.
    let reply = Message(type: message.type + "_reply", content: ["status": "ok"], parent: message, session: "fuzz")
    let wire = reply.parts(signer: signer)
    guard (try? Message(parts: wire, signer: signer)) != nil else { fatalError("the kernel's own reply does not decode") }
    return 0
}
