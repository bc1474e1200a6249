// The connection file Jupyter writes for a kernel: where to bind and how to sign.

import Foundation

/// A kernel connection file (`kernel-*.json`): transport, address, five ports, key.
public struct ConnectionInfo: Sendable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    public var key: String
    public var signatureScheme: String

    /// A connection file that cannot be used, with what is wrong in it.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read the connection file '\(path)'")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(description: "'\(path)' is not a JSON object (a Jupyter connection file is)")
        }
        return try ConnectionInfo(object, path: path)
    }

    init(_ object: [String: Any], path: String) throws {
        func port(_ name: String) throws -> Int {
            guard let value = object[name] as? Int, (1...65535).contains(value) else {
                throw Problem(description: "\(path): '\(name)' must be a port number (1-65535)")
            }
            return value
        }
        transport = object["transport"] as? String ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else {
            throw Problem(description: "\(path): transport '\(transport)' is not supported (use tcp or ipc)")
        }
        guard let ip = object["ip"] as? String, !ip.isEmpty else {
            throw Problem(description: "\(path): 'ip' is missing (the address to bind, e.g. 127.0.0.1)")
        }
        self.ip = ip
        shellPort = try port("shell_port"); iopubPort = try port("iopub_port"); stdinPort = try port("stdin_port")
        controlPort = try port("control_port"); heartbeatPort = try port("hb_port")
        key = object["key"] as? String ?? ""
        signatureScheme = object["signature_scheme"] as? String ?? "hmac-sha256"
        guard signatureScheme == "hmac-sha256" else {
            throw Problem(description: "\(path): signature scheme '\(signatureScheme)' is not supported (use hmac-sha256)")
        }
    }

    /// The ZeroMQ endpoint of a port: `tcp://IP:PORT`, or `ipc://IP-PORT`.
    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
