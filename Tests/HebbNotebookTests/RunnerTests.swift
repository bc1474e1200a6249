// `hebb run`: outputs saved under each cell, prose and code untouched, errors with file line
// numbers, stop or keep going, timeouts, Ctrl-C, atomic saves, plot files.

import Foundation
import Testing
@testable import HebbNotebook

/// Runner and tester tests share the process-wide stop flag, so they run one at a time.
@Suite(.serialized) struct ExecutionTests {
    let folder = temporaryFolder()
    var path: String { folder + "/demo.nb" }

    static let notebook = """
    # Demo

    Prose stays *exactly* as written.

    ```hebb name=greet
    print hello
    value 42
    ```

    ```hebb
    set w 0.5
    get w
    ```
    ```output
    stale output
    ```

    The end.

    """

    @Test func runSavesOutputsAndKeepsProseAndCode() throws {
        write(ExecutionTests.notebook, to: path)
        var events: [String] = []
        let summary = try NotebookRunner.run(path: path, options: fakeOptions(progress: { event in
            if let line = event.progressLine { events.append(line) }
        }))
        #expect(summary.succeeded && summary.wrote && summary.cellsRun == 2)
        let saved = read(path)
        #expect(saved == """
        # Demo

        Prose stays *exactly* as written.

        ```hebb name=greet
        print hello
        value 42
        ```
        ```output
        hello
        ```
        ```result
        42
        ```

        ```hebb
        set w 0.5
        get w
        ```
        ```output
        0.5
        ```

        The end.

        """)
        #expect(events.count == 2)
        #expect(events[0].hasPrefix("[1/2] greet (line 5) ok "))
        #expect(events[1].hasPrefix("[2/2] cell 2 (line 10) ok "))
        // A second run changes nothing, and does not rewrite the file.
        let again = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(!again.wrote && read(path) == saved)
    }

    @Test func eachRunStartsFromAFreshExecutor() throws {
        write("```hebb\nget w\nset w 1\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(read(path).contains("```output\nundefined\n```"))
    }

    @Test func errorsPointAtNotebookLinesAndStopTheRun() throws {
        write("Intro\n\n```hebb\nprint before\nfail shape mismatch\n```\n\n```hebb\nprint after\n```\n```output\nold\n```\n", to: path)
        let summary = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(!summary.succeeded)
        #expect(summary.failures.map(\.cell) == [1])
        let saved = read(path)
        #expect(saved.contains("```output\nbefore\n```\n```error\ndemo.nb:5:1: error: shape mismatch\n    fail shape mismatch\n    ^~~~~~~~~~~~~~~~~~~\n```\n"))
        #expect(saved.contains("print after\n```\n```output\nold\n```"), "cells after the error keep their old outputs")
    }

    @Test func keepGoingRunsEveryCell() throws {
        write("```hebb\nfail first\n```\n\n```hebb\nprint second\n```\n", to: path)
        let summary = try NotebookRunner.run(path: path, options: fakeOptions(keepGoing: true))
        #expect(summary.cellsRun == 2 && summary.failures.count == 1)
        #expect(read(path).hasSuffix("print second\n```\n```output\nsecond\n```\n"))
    }

    @Test func expectedErrorsDoNotStopTheRun() throws {
        write("```hebb expect-error=\"mismatch\"\nfail shape mismatch\n```\n\n```hebb expect-error=\"boom\"\nprint fine\n```\n\n```hebb\nprint next\n```\n", to: path)
        let summary = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(summary.cellsRun == 3)
        #expect(summary.failures.map(\.status) == [.missingExpectedError])
        #expect(read(path).contains("```error\ndemo.nb:2:1: error: shape mismatch"))
    }

    @Test func timeoutsInterruptTheCellAndShowInItsOutput() throws {
        write("```hebb\nprint started\nsleep 30\n```\n\n```hebb timeout=0.2\nsleep 30\n```\n", to: path)
        let start = Date()
        let summary = try NotebookRunner.run(path: path, options: fakeOptions(keepGoing: true, timeout: 0.2))
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(summary.failures.map(\.status) == [.timedOut, .timedOut])
        let saved = read(path)
        #expect(saved.contains("```output\nstarted\n```\n```error\ndemo.nb:3:1: error: timed out after 0.2 s\n"))
    }

    @Test func aCellThatIgnoresTheInterruptIsAbandoned() throws {
        write("```hebb\nhang 1.5\n```\n\n```hebb\nprint never\n```\n", to: path)
        var options = fakeOptions(keepGoing: true, timeout: 0.1)
        options.grace = 0.2
        let summary = try NotebookRunner.run(path: path, options: options)
        #expect(summary.failures.map(\.status) == [.timedOut])
        #expect(summary.cellsRun == 1, "the executor is unusable after an abandoned cell")
        #expect(read(path).contains("```error\nerror: timed out after 0.1 s\n```"))
        Thread.sleep(forTimeInterval: 1.5)   // let the abandoned thread finish before the next test
    }

    @Test func ctrlCKeepsFinishedCellsAndTheInterruptedCellsOldOutput() throws {
        write("```hebb\nprint one\n```\n\n```hebb\nprint partial\nstop\n```\n```output\nold two\n```\n\n```hebb\nprint three\n```\n", to: path)
        let summary = try NotebookRunner.run(path: path, options: fakeOptions(keepGoing: true))
        #expect(summary.interrupted && !summary.succeeded && summary.cellsRun == 1)
        #expect(read(path) == "```hebb\nprint one\n```\n```output\none\n```\n\n```hebb\nprint partial\nstop\n```\n```output\nold two\n```\n\n```hebb\nprint three\n```\n")
    }

    @Test func malformedNotebooksAreLeftUntouched() throws {
        let text = "# T\n\n```hebb\nprint x\n```\n```output\nunclosed\n"
        write(text, to: path)
        #expect {
            _ = try NotebookRunner.run(path: path, options: fakeOptions())
        } throws: { error in
            (error as? NotebookError)?.description == "\(path):6: error: unclosed ```output block (it needs a closing ``` line)"
        }
        #expect(bytes(path) == Array(text.utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["demo.nb"], "no temporary files left")
        #expect(throws: NotebookError.self) { try NotebookRunner.run(path: folder + "/missing.nb", options: fakeOptions()) }
    }

    @Test func plotsBecomeSVGFilesBesideTheNotebook() throws {
        write("```hebb\nplot Cost\nprint between\nscatter\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(read(path) == "```hebb\nplot Cost\nprint between\nscatter\n```\n![line chart: Cost](demo.files/cell-1-1.svg)\n```output\nbetween\n```\n![scatter plot](demo.files/cell-1-2.svg)\n")
        #expect(read(folder + "/demo.files/cell-1-1.svg").hasPrefix("<svg"))
        #expect(read(folder + "/demo.files/cell-1-2.svg").contains("<circle"))
        // When the cell stops plotting, its files go away with the references.
        write("```hebb\nprint no plots\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(!FileManager.default.fileExists(atPath: folder + "/demo.files"))
    }

    @Test func crlfNotebooksStayCrlf() throws {
        write("Intro\r\n```hebb\r\nprint a\r\nfail bad\r\n```\r\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(read(path) == "Intro\r\n```hebb\r\nprint a\r\nfail bad\r\n```\r\n```output\r\na\r\n```\r\n```error\r\ndemo.nb:4:1: error: bad\r\n    fail bad\r\n    ^~~~~~~~\r\n```\r\n")
    }

    @Test func filePermissionsSurviveTheAtomicWrite() throws {
        write("```hebb\nprint x\n```\n", to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }
}

extension ExecutionTests {
    /// Outputs above a failing cell change its line in the saved file; the saved error must
    /// point at the line as saved, so `hebb test` right after `hebb run` reports the same line.
    @Test func errorLinesMatchTheSavedFile() throws {
        write("```hebb\nprint a\nprint b\nprint c\n```\n\n```hebb\nfail here\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        let saved = read(path)
        let line = saved.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(of: "fail here").map { $0 + 1 }
        #expect(line == 13)
        #expect(saved.contains("demo.nb:13:1: error: here"))
        #expect(runTester([path]).2.contains("      demo.nb:13:1: error: here"))
    }
}

extension ExecutionTests {
    /// Whatever a program prints, the saved notebook parses and `hebb test` passes on it.
    @Test func awkwardOutputStillMakesAValidNotebook() throws {
        write("```hebb\nawkward\nvalue `x`\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        let notebook = try Notebook.load(path: path)
        #expect(notebook.cells.count == 1)
        #expect(notebook.cells[0].outputs.first == .text("nul:\u{FFFD} bell:\u{FFFD}\n```\n````hebb\n~~~\n   ```output\ncr at end\n"))
        #expect(runTester([path]).0 == 1)
    }
}
