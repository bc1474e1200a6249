// Jupyter messages on the wire (protocol 5.3): routing identities, the `<IDS|MSG>`
// delimiter, the signature, four JSON frames, and optional buffers.

import Foundation
import Synchronization

/// A JSON object as Foundation reads and writes it.
typealias JSONObject = [String: Any]

/// One message: its header, its parent's header, metadata and content.
struct Message: @unchecked Sendable {
    var identities: [[UInt8]] = []
    var header: JSONObject
    var parentHeader: JSONObject = [:]
    var metadata: JSONObject = [:]
    var content: JSONObject
    var buffers: [[UInt8]] = []

    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"

    var type: String { header["msg_type"] as? String ?? "" }

    /// Why a received message was dropped.
    struct Rejection: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses and checks a received multipart message; throws (the caller drops and logs it)
    /// when it has no delimiter, a bad signature, or frames that are not JSON objects.
    init(parts: [[UInt8]], signer: MessageSigner) throws {
        guard let split = parts.firstIndex(of: Message.delimiter), parts.count >= split + 6 else {
            throw Rejection(description: "malformed message (no <IDS|MSG> delimiter or missing frames)")
        }
        let frames = Array(parts[(split + 2)..<(split + 6)])
        guard signer.verify(parts[split + 1], frames: frames) else {
            throw Rejection(description: parts[split + 1].isEmpty ? "unsigned message" : "bad signature")
        }
        func object(_ frame: [UInt8]) throws -> JSONObject {
            guard let value = try? JSONSerialization.jsonObject(with: Data(frame)) as? JSONObject else {
                throw Rejection(description: "a message frame is not a JSON object")
            }
            return value
        }
        identities = Array(parts[..<split])
        header = try object(frames[0]); parentHeader = try object(frames[1])
        metadata = try object(frames[2]); content = try object(frames[3])
        buffers = Array(parts[(split + 6)...])
    }

    /// A new message of `type` answering `parent` (nil: unsolicited) in kernel session `session`.
    init(type: String, content: JSONObject, parent: Message?, session: String) {
        header = ["msg_id": UUID().uuidString.lowercased(), "session": session, "username": "hebb",
                  "date": Message.timestamp(), "msg_type": type, "version": Message.protocolVersion]
        parentHeader = parent?.header ?? [:]
        self.content = content
        identities = parent?.identities ?? []
    }

    /// The wire parts, signed.
    func parts(signer: MessageSigner) -> [[UInt8]] {
        let frames = [header, parentHeader, metadata, content].map(Message.serialize)
        return identities + [Message.delimiter, Array(signer.signature(frames).utf8)] + frames + buffers
    }

    static func serialize(_ object: JSONObject) -> [UInt8] {
        let safe = JSONSerialization.isValidJSONObject(object) ? object : ["error": "unserializable content"]
        return (try? JSONSerialization.data(withJSONObject: safe, options: [.sortedKeys])).map(Array.init) ?? Array("{}".utf8)
    }

    /// ISO 8601 with milliseconds and a zone, as Jupyter writes dates.
    static func timestamp() -> String {
        dateFormatter.withLock { $0.string(from: Date()) }
    }

    /// One formatter for every message (making one costs more than a small reply); locked,
    /// since the shell and control threads both send.
    private static let dateFormatter: Mutex<ISO8601DateFormatter> = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return Mutex(formatter)
    }()
}
