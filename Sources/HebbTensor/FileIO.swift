// Plain POSIX file access for the data loaders: reads that report truncation instead of
// trapping, and writes that replace the target atomically (temp file + rename).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of the current `errno`.
private func systemErrorText() -> String { String(cString: strerror(errno)) }

/// POSIX `read`, named apart from `FileReader.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// A file opened for reading; every failure is a `TensorError` that starts with `context`.
final class FileReader {
    let path: String
    /// Size of the file in bytes when it was opened.
    let size: Int
    private(set) var position = 0
    /// 16 MiB: tens of milliseconds from a disk cache, so a big load stops soon after Ctrl-C.
    static let bytesPerCheck = 1 << 24
    private let descriptor: Int32
    private let context: String

    init(path: String, context: String) throws {
        self.path = path
        self.context = context
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw TensorError("\(context): cannot open '\(path)': \(systemErrorText())") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let text = systemErrorText()
            close(descriptor)
            throw TensorError("\(context): cannot read '\(path)': \(text)")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw TensorError("\(context): '\(path)' is not a regular file")
        }
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Bytes left after the current position (by the size seen at open).
    var remaining: Int { size - position }

    /// Reads exactly `count` bytes into `destination`; throws `what` is truncated otherwise.
    /// Reads in pieces of at most `bytesPerCheck`, checking for Ctrl-C between them.
    func read(into destination: UnsafeMutableRawPointer, count: Int, what: String) throws {
        var done = 0
        while done < count {
            try Cancellation.check()
            let got = systemRead(descriptor, destination + done, Swift.min(count - done, FileReader.bytesPerCheck))
            if got < 0 {
                if errno == EINTR { continue }
                throw TensorError("\(context): \(path): read failed: \(systemErrorText())")
            }
            if got == 0 {
                throw TensorError("\(context): \(path): file is truncated: \(what) needs \(count) bytes, found \(done)")
            }
            done += got
        }
        position += count
    }

    /// Reads exactly `count` bytes.
    func readBytes(_ count: Int, what: String) throws -> [UInt8] {
        guard count > 0 else { return [] }
        // Not zero-filled first: the read overwrites every byte or throws.
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            try read(into: base, count: count, what: what)
            initialized = count
        }
    }

    /// Reads the rest of the file (up to the size seen at open, growing if the file grew).
    func readAll() throws -> [UInt8] {
        var bytes = try readBytes(max(remaining, 0), what: "the file")
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return bytes
    }
}

/// Opens a temporary file beside `path`, lets `body` write to its descriptor, then renames it
/// over `path`, so a reader never sees a half-written file and a failed write leaves the old
/// file in place. The temporary file is removed when anything fails.
func writeFileAtomically(path: String, context: String, _ body: (Int32) throws -> Void) throws {
    let temporary = path + ".tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw TensorError("\(context): cannot write '\(path)': \(systemErrorText())") }
    do {
        try body(descriptor)
    } catch {
        close(descriptor)
        unlink(temporary)
        throw error
    }
    guard close(descriptor) == 0 else {
        let text = systemErrorText()
        unlink(temporary)
        throw TensorError("\(context): cannot write '\(path)': \(text)")
    }
    guard rename(temporary, path) == 0 else {
        let text = systemErrorText()
        unlink(temporary)
        throw TensorError("\(context): cannot write '\(path)': \(text)")
    }
}

/// Writes every byte of `buffer` to `descriptor`.
func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, path: String, context: String) throws {
    guard var cursor = buffer.baseAddress else { return }
    var left = buffer.count
    while left > 0 {
        let written = write(descriptor, cursor, left)
        if written < 0 {
            if errno == EINTR { continue }
            throw TensorError("\(context): cannot write '\(path)': \(systemErrorText())")
        }
        cursor += written
        left -= written
    }
}
