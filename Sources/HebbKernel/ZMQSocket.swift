// A thin Swift face on libzmq: one context, sockets that bind, and multipart messages.

@preconcurrency import CZeroMQ
import Foundation

/// A ZeroMQ failure, with libzmq's own explanation.
struct ZMQError: Error, CustomStringConvertible {
    var operation: String
    var reason: String

    static func last(_ operation: String) -> ZMQError {
        ZMQError(operation: operation, reason: String(cString: zmq_strerror(zmq_errno())))
    }

    var description: String { "\(operation): \(reason)" }
}

/// The process's ZeroMQ context (one per kernel).
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
    }

    private var terminated = false

    /// Waits for queued messages to leave (up to each socket's linger), then ends the
    /// context. Every socket must be closed first.
    func terminate() {
        guard !terminated else { return }
        terminated = true
        zmq_ctx_term(handle)
    }

    deinit { terminate() }
}

/// One socket. Not thread-safe (libzmq's rule): each is used by one thread, or under a lock.
final class ZMQSocket: @unchecked Sendable {
    enum Kind {
        case router, publisher, reply

        var value: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .publisher: ZMQ_PUB
            case .reply: ZMQ_REP
            }
        }
    }

    let handle: UnsafeMutableRawPointer

    init(_ context: ZMQContext, kind: Kind) throws {
        guard let handle = zmq_socket(context.handle, kind.value) else { throw ZMQError.last("zmq_socket") }
        self.handle = handle
        _ = hebb_zmq_set_int(handle, ZMQ_LINGER, 1000)   // a last reply gets a second to leave at shutdown
    }

    private var closed = false

    /// Closes the socket (once); its queued messages still go out within the linger time.
    func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    deinit { close() }

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`); only that address, as the connection file says.
    func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
    }

    /// Sends the parts as one multipart message.
    func send(_ parts: [[UInt8]]) throws {
        for (index, part) in parts.enumerated() {
            let flags = index + 1 < parts.count ? ZMQ_SNDMORE : 0
            let sent = part.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            guard sent >= 0 else { throw ZMQError.last("zmq_send") }
        }
    }

    /// Waits up to `milliseconds` (-1: forever) for a message; nil on timeout or interrupted wait.
    func receive(timeout milliseconds: Int) throws -> [[UInt8]]? {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let ready = zmq_poll(&item, 1, milliseconds)
        if ready < 0 {
            if zmq_errno() == EINTR { return nil }
            throw ZMQError.last("zmq_poll")
        }
        guard ready > 0 else { return nil }
        return try receiveParts()
    }

    private func receiveParts() throws -> [[UInt8]] {
        var parts: [[UInt8]] = []
        repeat {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            var count: Int32
            repeat { count = zmq_msg_recv(&message, handle, 0) } while count < 0 && zmq_errno() == EINTR
            guard count >= 0 else { throw ZMQError.last("zmq_msg_recv") }
            let size = zmq_msg_size(&message)
            if size == 0 {
                parts.append([])
            } else if let data = zmq_msg_data(&message) {
                parts.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            }
        } while hebb_zmq_has_more(handle) != 0
        return parts
    }
}
