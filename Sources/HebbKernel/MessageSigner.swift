// HMAC-SHA256 signatures of Jupyter messages (OpenSSL's libcrypto), checked in constant time.

@preconcurrency import COpenSSL

/// Signs and checks messages with the connection file's key. An empty key means the client
/// asked for no signatures (Jupyter's rule): every signature is then the empty string.
struct MessageSigner: Sendable {
    let key: [UInt8]

    var isSigning: Bool { !key.isEmpty }

    /// The lowercase hex HMAC-SHA256 of the four JSON frames, concatenated in order.
    func signature(_ frames: [[UInt8]]) -> String {
        guard isSigning else { return "" }
        let data = frames.flatMap { $0 }
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBufferPointer { dataBytes in
                hebb_hmac_sha256(keyBytes.baseAddress, Int32(keyBytes.count), dataBytes.baseAddress, dataBytes.count, &digest)
            }
        }
        guard ok == 1 else { return "" }   // never matches a real signature, so the message is dropped
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// True when `received` is the signature of `frames`, compared in constant time.
    func verify(_ received: [UInt8], frames: [[UInt8]]) -> Bool {
        guard isSigning else { return true }
        let expected = Array(signature(frames).utf8)
        guard expected.count == 64, received.count == expected.count else { return false }
        return expected.withUnsafeBytes { a in
            received.withUnsafeBytes { b in hebb_constant_time_equal(a.baseAddress, b.baseAddress, 64) == 1 }
        }
    }
}
