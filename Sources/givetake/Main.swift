// givetake: score CRM interaction tables from the command line.
// Exit status: 0 ok, 1 error (bad data, database, file), 2 usage.
#if CLI  // the CLI trait (Package.swift): needs swift-argument-parser
import ArgumentParser
import CGiveTake  // GT_VERSION_STRING only
import GiveTakeCore
import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "givetake",
        abstract: "Does your brand give more than it takes, and does it answer its customers?",
        discussion: """
            Scores social-media interactions per CRM account: give/take balance of the \
            content, acknowledgement (rate, speed, personal touch), trust per contact and \
            return on giving. Metrics are defined in docs/metrics.md.

            Start with `givetake demo`, which builds a synthetic CRM database and scores it.
            Exit status: 0 success, 1 error, 2 usage error.
            """,
        version: "givetake " + gtVersionString,
        subcommands: [Score.self, Report.self, Classify.self, Explain.self, Demo.self, ImportTwcs.self, LexiconCommand.self]
    )
}

/// Defined once, in givetake.h.
let gtVersionString = GT_VERSION_STRING

@main
enum Entry {
    static func main() {
        SQLiteProcess.stopAllocationCounting()
        var command: ParsableCommand
        do {
            command = try Root.parseAsRoot(Array(CommandLine.arguments.dropFirst()))
        } catch {
            // --help and --version exit 0 here; every parse or validation error is a usage error.
            if Root.exitCode(for: error) == .success { Root.exit(withError: error) }
            printError(Root.fullMessage(for: error))
            exit(2)
        }
        do {
            try command.run()
        } catch let e as StorageError {
            fail(e.message)
        } catch let e as LinkedSetTooLarge {
            fail(e.message + ". Linked accounts are scored together by one scorer, which may use 60 % of "
                 + "--max-memory: run with --max-memory \(maxMemoryHolding(scorerBytes: e.scorerBytesNeeded)) "
                 + "or more ('none': no bound)")
        } catch let e as GiveTakeError {
            fail(e.message)
        } catch let e as CLIError {
            fail(e.message)
        } catch {
            // ArgumentParser's own: help (0), validation (usage, 2), ExitCode.
            let code = Root.exitCode(for: error)
            if code == .validationFailure {
                printError(Root.fullMessage(for: error))
                exit(2)
            }
            if code == .success || error is ExitCode { Root.exit(withError: error) }
            fail(String(describing: error))
        }
        exit(0)
    }
}

func fail(_ message: String) -> Never {
    printError("givetake: error: " + message)
    exit(1)
}

struct CLIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

func printError(_ s: String) {
    writeStderr(s.hasSuffix("\n") ? s : s + "\n")
}

/// Unbuffered, so it interleaves correctly with the progress bar.
func writeStderr(_ s: String) {
    var bytes = Array(s.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + off, $0.count - off) }
        if n <= 0 { return }
        off += n
    }
}
#else
#if canImport(Glibc)
import Glibc
#endif

// Built without the CLI trait (the default, so that packages using only the
// libraries never fetch swift-argument-parser): say how to get the tool.
@main
enum Entry {
    static func main() {
        let message = "givetake: this build has no command-line tool; build it with `make cli` "
            + "or `swift build --traits CLI --product givetake-cli`\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
}
#endif
