import Foundation
import PackagePlugin

/// Embeds the top-level `stdlib/*.hebb` files into the HebbLanguage module as Swift
/// string literals, so the binary needs no files beside it at run time.
@main
struct EmbedStdlibPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let stdlibDirectory = context.package.directoryURL.appending(path: "stdlib")
        let sources = try FileManager.default
            .contentsOfDirectory(at: stdlibDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "hebb" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedStdlib.swift")
        return [.buildCommand(
            displayName: "Embedding Hebb stdlib (\(sources.count) files)",
            executable: try context.tool(named: "EmbedStdlib").url,
            arguments: [output.path] + sources.map(\.path),
            inputFiles: sources,
            outputFiles: [output])]
    }
}
