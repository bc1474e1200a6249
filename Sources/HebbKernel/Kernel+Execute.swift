// execute_request: run a cell in the kernel's session on a worker thread while the main
// thread streams what it prints and plots to IOPub, then the result or the error.

import Dispatch
import Foundation
import HebbLanguage
import HebbNotebook
import HebbSyntax

extension Kernel {
    /// Runs the request's code; publishes execute_input, streamed output, the result or
    /// the error; replies with the status and the execution count. A cell that fails with
    /// stop_on_error first aborts the execute requests already queued, then replies: a
    /// client cannot have sent a request after seeing the error, so none sent after it is
    /// aborted (draining after the reply raced a fast client's next request).
    func execute(_ request: Message, on socket: ZMQSocket) {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let storeHistory = (request.content["store_history"] as? Bool ?? true) && !silent
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent { publish("execute_input", ["code": code, "execution_count": count], parent: request) }
        let (value, thrown) = runCell(code, name: "In[\(count)]", request: request, silent: silent)
        if storeHistory { inputs.append((code, value)) }
        if let thrown {
            let error = RichOutput(kind: .error, text: Kernel.render(thrown))
            let (_, message, traceback) = error.errorParts
            let parts: JSONObject = ["ename": Kernel.errorName(thrown), "evalue": message, "traceback": traceback]
            if !silent { publish("error", parts, parent: request) }
            if request.content["stop_on_error"] as? Bool ?? true { abortQueuedExecutions(on: socket) }
            reply(request, on: socket, "execute_reply", parts.merging(["status": "error", "execution_count": count]) { a, _ in a })
            return
        }
        if let value, !silent {
            let result = RichOutput(kind: .result, text: value)
            publish("execute_result", ["execution_count": count, "data": Kernel.bundle(result), "metadata": JSONObject()],
                    parent: request)
        }
        let expressions = request.content["user_expressions"] as? [String: String] ?? [:]
        reply(request, on: socket, "execute_reply", ["status": "ok", "execution_count": count, "payload": [Any](),
                                                     "user_expressions": evaluate(expressions)])
    }

    /// The values of a request's `user_expressions` after a successful cell (frontends use
    /// them for status bars): each as text/plain, or as an error of its own.
    private func evaluate(_ expressions: [String: String]) -> JSONObject {
        var results: JSONObject = [:]
        for (name, expression) in expressions {
            do {
                let value = try session.run(expression, fileName: "<\(name)>") ?? "none"
                results[name] = ["status": "ok", "data": ["text/plain": value], "metadata": JSONObject()] as JSONObject
            } catch {
                let (_, message, traceback) = RichOutput(kind: .error, text: Kernel.render(error)).errorParts
                results[name] = ["status": "error", "ename": Kernel.errorName(error), "evalue": message, "traceback": traceback] as JSONObject
            }
        }
        return results
    }

    /// After a failed cell: the execute requests already waiting (JupyterLab's Run All sends
    /// every cell at once) are answered `aborted` instead of run against missing state, as
    /// ipykernel does; other waiting requests are served normally.
    func abortQueuedExecutions(on socket: ZMQSocket) {
        while let parts = try? socket.receive(timeout: 0) {
            guard let message = try? Message(parts: parts, signer: signer) else {
                log("shell: dropped a message: malformed or badly signed")
                continue
            }
            guard message.type == "execute_request" else {
                handle(message, on: socket, channel: "shell")
                continue
            }
            publish("status", ["execution_state": "busy"], parent: message)
            reply(message, on: socket, "execute_reply", ["status": "aborted", "execution_count": executionCount])
            publish("status", ["execution_state": "idle"], parent: message)
        }
    }

    /// Runs `code` on a worker thread, publishing its output every 50 ms until it ends.
    private func runCell(_ code: String, name: String, request: Message, silent: Bool) -> (String?, (any Error)?) {
        nonisolated(unsafe) var value: String?
        nonisolated(unsafe) var thrown: (any Error)?
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let session = self.session   // used by this cell's thread only while it runs
        busy.store(true, ordering: .relaxed)
        let thread = Thread {
            do { value = try session.run(code, fileName: name) } catch { thrown = error }
            done.signal()
        }
        thread.stackSize = 16 << 20   // Session.run moves the program to a thread with a large stack
        thread.start()
        var bars: [String: String] = [:]
        while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            flushOutput(request: request, silent: silent, bars: &bars)
        }
        flushOutput(request: request, silent: silent, bars: &bars)
        busy.store(false, ordering: .relaxed)
        return (value, thrown)
    }

    /// Publishes what the cell produced since the last flush: stream text, plots as
    /// display_data, progress bars as one display each, updated in place.
    private func flushOutput(request: Message, silent: Bool, bars: inout [String: String]) {
        for event in output.take() where !silent {
            switch event {
            case .text(let text):
                publish("stream", ["name": "stdout", "text": text], parent: request)
            case .plot(let spec):
                let (plot, metadata) = PNGCopy.adding(to: RichOutput(plot: spec))
                publish("display_data", ["data": Kernel.bundle(plot), "metadata": metadata, "transient": JSONObject()],
                        parent: request)
            case .progress(let label, let done, let total):
                let data: JSONObject = ["text/plain": progressBar(label, done: done, total: total)]
                if let id = bars[label] {
                    publish("update_display_data", ["data": data, "metadata": JSONObject(), "transient": ["display_id": id]],
                            parent: request)
                } else {
                    let id = UUID().uuidString.lowercased()
                    bars[label] = id
                    publish("display_data", ["data": data, "metadata": JSONObject(), "transient": ["display_id": id]],
                            parent: request)
                }
            }
        }
    }

    /// A MIME bundle as Jupyter's `data` dictionary.
    static func bundle(_ output: RichOutput) -> JSONObject {
        var data: JSONObject = [:]
        for entry in output.mimeBundle { data[entry.type] = entry.content }
        return data
    }

    /// The error's `ename`, from its kind: names a Python user recognises where one fits
    /// (an interrupted cell is a KeyboardInterrupt in IPython too).
    static func errorName(_ error: any Error) -> String {
        switch (error as? Diagnostic)?.kind {
        case .syntax: "SyntaxError"
        case .interrupted: "KeyboardInterrupt"
        case .timeout: "TimeoutError"
        case .limit: "LimitError"
        case .runtime, nil: "Error"
        }
    }

    /// The error as the REPL shows it: `In[3]:2:5: error: message`, the line and a caret.
    static func render(_ error: any Error) -> String {
        if let diagnostic = error as? Diagnostic { return diagnostic.rendered() }
        return "error: \(error)"
    }
}
