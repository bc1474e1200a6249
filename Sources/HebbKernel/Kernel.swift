// `hebb kernel CONNECTION_FILE`: a Jupyter kernel (messaging protocol 5.3) over ZeroMQ.
// The shell channel runs on the main thread, one request at a time; control (interrupt,
// shutdown) and heartbeat have threads of their own, so they answer while a cell runs.

import Dispatch
import Foundation
import HebbLanguage
import Synchronization

/// One kernel process: its sockets, its Hebb session and its execution counter.
public final class Kernel: @unchecked Sendable {
    /// Shown in kernel_info_reply (`hebb --version`).
    let hebbVersion: String
    let connection: ConnectionInfo
    let signer: MessageSigner
    /// This kernel's session id in message headers (not the Hebb `Session`).
    let sessionID = UUID().uuidString.lowercased()
    let context: ZMQContext
    let shell: ZMQSocket, control: ZMQSocket, stdin: ZMQSocket, iopub: ZMQSocket, heartbeat: ZMQSocket
    /// IOPub is written from the shell and control threads: libzmq sockets need a lock.
    private let iopubLock = Mutex(())
    let output = KernelOutput()
    let session: Session
    var executionCount = 0
    /// Each stored execution's code and its result text, for history_request.
    var inputs: [(input: String, output: String?)] = []
    /// Set by a shutdown request; the loops end and `run` returns.
    let stopping = Atomic<Bool>(false)
    /// True while a cell runs (a shutdown then interrupts it first).
    let busy = Atomic<Bool>(false)

    /// Binds the five sockets at the connection file's address. `home` is the folder tree
    /// the code may read and write (the kernel's working directory, where Jupyter starts it
    /// beside the notebook), within the process's granted permissions.
    public init(connection: ConnectionInfo, hebbVersion: String, home: String) throws {
        self.connection = connection
        self.hebbVersion = hebbVersion
        signer = MessageSigner(key: Array(connection.key.utf8))
        context = try ZMQContext()
        shell = try ZMQSocket(context, kind: .router)
        control = try ZMQSocket(context, kind: .router)
        stdin = try ZMQSocket(context, kind: .router)
        iopub = try ZMQSocket(context, kind: .publisher)
        heartbeat = try ZMQSocket(context, kind: .reply)
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try iopub.bind(connection.endpoint(connection.iopubPort))
        try heartbeat.bind(connection.endpoint(connection.heartbeatPort))
        session = Session(output: output)
        session.baseDirectory = home
        session.permissions.home = home
    }

    /// Serves until a shutdown request. Returns the process exit code once the last
    /// replies (the shutdown_reply among them) have left.
    public func run() -> Int32 {
        if !signer.isSigning { log("the connection file has no key: messages are not signed") }
        let heartbeatDone = startThread("heartbeat") { [self] in serveHeartbeat() }
        let controlDone = startThread("control") { [self] in serve(control, channel: "control") }
        publish("status", ["execution_state": "starting"], parent: nil)
        serve(shell, channel: "shell")
        _ = heartbeatDone.wait(timeout: .now() + .seconds(2))
        _ = controlDone.wait(timeout: .now() + .seconds(2))
        for socket in [shell, control, stdin, iopub, heartbeat] { socket.close() }
        context.terminate()
        return 0
    }

    /// Starts a thread; the semaphore is signalled when `body` returns.
    private func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = "hebb-kernel-" + name
        thread.start()
        return done
    }

    /// Echoes every heartbeat ping, so the client knows the kernel is alive even mid-cell.
    private func serveHeartbeat() {
        while !stopping.load(ordering: .relaxed) {
            guard let ping = try? heartbeat.receive(timeout: 200) else { continue }
            try? heartbeat.send(ping)
        }
    }

    /// Reads one channel's requests until shutdown, dropping (and logging) any message
    /// that is malformed or not signed with the connection key.
    private func serve(_ socket: ZMQSocket, channel: String) {
        while !stopping.load(ordering: .relaxed) {
            let parts: [[UInt8]]
            do {
                guard let received = try socket.receive(timeout: 100) else { continue }
                parts = received
            } catch {
                log("\(channel): \(error)")
                continue
            }
            do {
                let message = try Message(parts: parts, signer: signer)
                handle(message, on: socket, channel: channel)
            } catch {
                log("\(channel): dropped a message: \(error)")
            }
        }
    }

    // MARK: - Sending

    /// Sends a reply (`*_reply`) to `request` on the socket it came from.
    func reply(_ request: Message, on socket: ZMQSocket, _ type: String, _ content: JSONObject) {
        let message = Message(type: type, content: content, parent: request, session: sessionID)
        do { try socket.send(message.parts(signer: signer)) } catch { log("cannot send \(type): \(error)") }
    }

    /// Publishes a message on IOPub (topic: the message type).
    func publish(_ type: String, _ content: JSONObject, parent: Message?, metadata: JSONObject = [:]) {
        var message = Message(type: type, content: content, parent: parent, session: sessionID)
        message.identities = [Array(("kernel." + sessionID + "." + type).utf8)]
        message.metadata = metadata
        let parts = message.parts(signer: signer)
        iopubLock.withLock { _ in
            do { try iopub.send(parts) } catch { log("cannot publish \(type): \(error)") }
        }
    }

    /// One line on stderr, which Jupyter shows in its log.
    func log(_ text: String) {
        FileHandle.standardError.write(Data(("hebb kernel: " + text + "\n").utf8))
    }
}
