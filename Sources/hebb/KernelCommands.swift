import ArgumentParser
import Foundation
import HebbKernel
import HebbLanguage

extension Hebb {
    /// `hebb kernel CONNECTION_FILE`, `hebb kernel install`, `hebb kernel uninstall`.
    struct Kernel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A Jupyter kernel for Hebb (JupyterLab, VS Code, nbclient).",
            discussion: """
                `hebb kernel install --user` registers the kernel; Jupyter then starts it as
                `hebb kernel CONNECTION_FILE` in the notebook's folder, which is what its code
                may read and write by default (widen it with the --allow-* flags of install).
                """,
            subcommands: [Start.self, Install.self, Uninstall.self],
            defaultSubcommand: Start.self)
    }
}

extension Hebb.Kernel {
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start", abstract: "Serve the Jupyter connection file CONNECTION_FILE (what Jupyter runs).")

        @ArgumentParser.Argument(help: "The connection file Jupyter wrote (ports, address, key).")
        var connectionFile: String

        @OptionGroup(title: "Permissions")
        var permissions: PermissionOptions

        @OptionGroup(title: "Limits")
        var limits: LimitOptions

        func run() throws {
            permissions.install()
            limits.install()
            do {
                let connection = try ConnectionInfo.load(path: connectionFile)
                let kernel = try HebbKernel.Kernel(connection: connection, hebbVersion: Hebb.version,
                                                   home: FileManager.default.currentDirectoryPath)
                signal(SIGINT) { _ in Session.interrupt() }   // interrupt_mode "signal" clients
                throw ExitCode(kernel.run())
            } catch let exit as ExitCode {
                throw exit
            } catch {
                failUserError("hebb kernel: error: \(error)")
            }
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the Hebb kernelspec (kernel.json, logos) where Jupyter finds it.")

        @Flag(help: "Install for this user (~/.local/share/jupyter/kernels/hebb).")
        var user = false

        @Option(help: ArgumentHelp("Install under PREFIX/share/jupyter/kernels/hebb (a virtual environment).", valueName: "PREFIX"))
        var prefix: String?

        @OptionGroup(title: "Permissions given to the kernel (written into kernel.json)")
        var permissions: PermissionOptions

        @OptionGroup(title: "Limits of the kernel (written into kernel.json)")
        var limits: LimitOptions

        func validate() throws {
            if user && prefix != nil { throw ValidationError("choose one of --user or --prefix PREFIX") }
        }

        func run() throws {
            let location = Hebb.Kernel.location(user: user, prefix: prefix)
            do {
                let folder = try KernelSpec.install(at: location, executable: KernelSpec.currentExecutable(),
                                                    extraArguments: permissions.arguments + limits.arguments)
                print("installed the Hebb kernel in \(folder)")
            } catch {
                failUserError("hebb kernel install: error: cannot write \(location.folder): \(error.localizedDescription)"
                              + (user || prefix != nil ? "" : " (try --user)"))
            }
        }
    }

    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the Hebb kernelspec.")

        @Flag(help: "Remove the user's kernelspec.")
        var user = false

        @Option(help: ArgumentHelp("Remove PREFIX/share/jupyter/kernels/hebb.", valueName: "PREFIX"))
        var prefix: String?

        func run() throws {
            let location = Hebb.Kernel.location(user: user, prefix: prefix)
            do {
                guard let folder = try KernelSpec.uninstall(at: location) else {
                    failUserError("hebb kernel uninstall: no Hebb kernelspec in \(location.folder)")
                }
                print("removed \(folder)")
            } catch {
                failUserError("hebb kernel uninstall: error: \(error.localizedDescription)")
            }
        }
    }

    static func location(user: Bool, prefix: String?) -> KernelSpecLocation {
        if let prefix { return .prefix(prefix) }
        return user ? .user : .system
    }
}
