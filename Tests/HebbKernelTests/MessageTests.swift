// The kernel's wire format and signatures, checked without sockets.

import Foundation
import Testing
@testable import HebbKernel

@Suite struct MessageTests {
    /// RFC 4231 test case 2 (key "Jefe"), an independent value for HMAC-SHA256.
    @Test func signaturesMatchRFC4231() {
        let signer = MessageSigner(key: Array("Jefe".utf8))
        let frames = [Array("what do ya want ".utf8), Array("for nothing?".utf8)]
        #expect(signer.signature(frames) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func aSignedMessageRoundTrips() throws {
        let signer = MessageSigner(key: Array("secret".utf8))
        var message = Message(type: "kernel_info_request", content: ["a": 1], parent: nil, session: "s")
        message.identities = [Array("client".utf8)]
        let parsed = try Message(parts: message.parts(signer: signer), signer: signer)
        #expect(parsed.type == "kernel_info_request")
        #expect(parsed.identities == [Array("client".utf8)])
        #expect(parsed.content["a"] as? Int == 1)
    }

    @Test func wronglySignedOrUnsignedMessagesAreRejected() {
        let signer = MessageSigner(key: Array("secret".utf8))
        let message = Message(type: "execute_request", content: ["code": "print(1)"], parent: nil, session: "s")
        let forged = message.parts(signer: MessageSigner(key: Array("other".utf8)))
        #expect(throws: Message.Rejection.self) { try Message(parts: forged, signer: signer) }
        let unsigned = message.parts(signer: MessageSigner(key: []))
        #expect(throws: Message.Rejection.self) { try Message(parts: unsigned, signer: signer) }
        var tampered = message.parts(signer: signer)
        tampered[tampered.count - 1] = Array(#"{"code":"print(2)"}"#.utf8)
        #expect(throws: Message.Rejection.self) { try Message(parts: tampered, signer: signer) }
        #expect(throws: Message.Rejection.self) { try Message(parts: [Array("junk".utf8)], signer: signer) }
    }

    @Test func connectionFilesAreChecked() throws {
        let good: [String: Any] = ["ip": "127.0.0.1", "transport": "tcp", "shell_port": 5001, "iopub_port": 5002,
                                   "stdin_port": 5003, "control_port": 5004, "hb_port": 5005, "key": "k",
                                   "signature_scheme": "hmac-sha256"]
        let info = try ConnectionInfo(good, path: "c.json")
        #expect(info.endpoint(info.shellPort) == "tcp://127.0.0.1:5001")
        var bad = good; bad["signature_scheme"] = "hmac-md5"
        #expect(throws: ConnectionInfo.Problem.self) { try ConnectionInfo(bad, path: "c.json") }
        bad = good; bad["hb_port"] = 0
        #expect(throws: ConnectionInfo.Problem.self) { try ConnectionInfo(bad, path: "c.json") }
    }

    @Test func kernelJSONNamesTheBinaryAndTheGrants() throws {
        let text = KernelSpec.json(executable: "/opt/hebb", extraArguments: ["--allow-read", "/data"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["argv"] as? [String] == ["/opt/hebb", "kernel", "{connection_file}", "--allow-read", "/data"])
        #expect(object["language"] as? String == "hebb" && object["display_name"] as? String == "Hebb")
        #expect(object["interrupt_mode"] as? String == "message")
    }

    /// The logo PNG's checksums: zlib's Adler-32 and PNG's CRC-32 of known strings.
    @Test func pngChecksumsAreTheStandardOnes() {
        #expect(PNGEncoding.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoding.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Logo.png(size: 32).prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}

@Suite struct HistorySearchTests {
    @Test func globPatternsMatchTheWholeInput() {
        #expect(Kernel.glob("6 *", matches: "6 * 7"))
        #expect(Kernel.glob("*", matches: ""))
        #expect(Kernel.glob("", matches: ""))
        #expect(!Kernel.glob("", matches: "x"))
        #expect(Kernel.glob("a?c", matches: "abc") && !Kernel.glob("a?c", matches: "ac"))
        #expect(!Kernel.glob("6 *", matches: "x = 6 * 7"))
    }
}
