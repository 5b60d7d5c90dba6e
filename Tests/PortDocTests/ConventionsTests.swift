import Foundation
import PortDocCore
import Testing

/// Issue 13, the conventions of a command-line tool: help that wraps, portdoc(1), completions,
/// make install and uninstall, colour only on a terminal.
@Suite("command-line conventions", .serialized)
struct ConventionsTests {
    @Test(arguments: [80, 120])
    func helpWrapsAtTheTerminalWidth(columns: Int) throws {
        for command in [[], ["build"], ["check"], ["locales", "update"], ["locales", "add"], ["glossary", "export"], ["validate"], ["serve"], ["generate"], ["lint"]] {
            let r = try runPortdoc(command + ["--help"], in: repoRoot, environment: ["COLUMNS": String(columns)])
            #expect(r.status == 0)
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            // The usage line may be longer (ArgumentParser does not wrap it); everything else fits.
            for line in lines where !line.hasPrefix("USAGE:") {
                #expect(line.count <= columns, "\(command): \(line.count) columns: \(line)")
                // No fragment of a sentence stranded on a line of its own by a hard break.
                #expect(!(line.count < 20 && line.hasSuffix(")") && !line.contains("(")), "\(command): stranded '\(line)'")
            }
        }
    }

    @Test func theManualEqualsWhatTheGeneratorWritesAndIsLintClean() throws {
        let r = try runPortdoc(["manual"], in: repoRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let committed = try String(contentsOf: repoRoot.appendingPathComponent("Sources/portdoc/portdoc.1"), encoding: .utf8)
        #expect(r.stdout == committed, "Sources/portdoc/portdoc.1 is out of date; run 'make man1':\n\(firstDifference(committed, r.stdout))")
        let lint = try #require(try runTool("mandoc", ["-T", "lint", "-W", "warning", repoRoot.appendingPathComponent("Sources/portdoc/portdoc.1").path]), "mandoc is not installed (make deps)")
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")
        for section in [".SH COMMANDS", ".SS \"portdoc build\"", ".SS \"portdoc locales add\"", ".SH EXIT STATUS", ".SH ENVIRONMENT", "SOURCE_DATE_EPOCH", "NO_COLOR"] {
            #expect(committed.contains(section), "\(section)")
        }
    }

    @Test func completionsForBashZshAndFish() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try runPortdoc(["--generate-completion-script", shell], in: repoRoot)
            #expect(r.status == 0 && r.stdout.contains("portdoc") && r.stdout.contains("glossary"), "\(shell)")
        }
        let bash = try runPortdoc(["--generate-completion-script", "bash"], in: repoRoot)
        let syntax = try #require(try runTool("bash", ["-n"], stdin: bash.stdout))
        #expect(syntax.status == 0, "\(syntax.stderr)")
    }

    /// make install DESTDIR=… puts portdoc(1) and the port documents' pages where man finds them;
    /// make uninstall removes exactly the installed files.
    @Test func makeInstallAndUninstall() throws {
        let dest = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dest) }
        let install = try #require(try runTool("make", ["-C", repoRoot.path, "install-files", "BIN=\(CLITests.binary.path)", "DESTDIR=\(dest.path)", "PREFIX=/usr/local"]))
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        let manpath = dest.appendingPathComponent("usr/local/share/man").path
        let man = try #require(try runTool("env", ["MANPATH=\(manpath)", "man", "-w", "portdoc"]), "man is not installed")
        #expect(man.status == 0 && man.stdout.hasSuffix("share/man/man1/portdoc.1\n"), "\(man.stdout)\(man.stderr)")
        // The installed portdoc finds its server next to it.
        let busy = try TestClient.listen()
        defer { close(busy.fd) }
        let served = try #require(try runTool(dest.appendingPathComponent("usr/local/bin/portdoc").path, ["serve", "--project", repoRoot.path, "--port", "\(busy.port)"]))
        #expect(served.status == 2 && served.stderr.contains("the port is in use"), "\(served.stderr)")
        let page = try #require(try runTool("env", ["MANPATH=\(manpath)", "man", "-w", "7", "eset-protect-ports"]))
        #expect(page.status == 0, "\(page.stderr)")
        for path in ["usr/local/bin/portdoc", "usr/local/bin/portdoc-serve", "usr/local/share/bash-completion/completions/portdoc", "usr/local/share/zsh/site-functions/_portdoc",
                     "usr/local/share/fish/vendor_completions.d/portdoc.fish", "usr/local/share/man/de/man7/eset-protect-ports.7"] {
            #expect(FileManager.default.fileExists(atPath: dest.appendingPathComponent(path).path), "\(path)")
        }
        let uninstall = try #require(try runTool("make", ["-C", repoRoot.path, "uninstall", "DESTDIR=\(dest.path)", "PREFIX=/usr/local"]))
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        let left = FileManager.default.enumerator(atPath: dest.path)?.compactMap { $0 as? String }.filter { path in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: dest.appendingPathComponent(path).path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        } ?? []
        #expect(left.isEmpty, "\(left)")
    }

    /// Colour on a terminal (a pseudo-terminal from script(1)), plain text in a pipe and with NO_COLOR.
    @Test func diagnosticsAreColouredOnlyOnATerminal() throws {
        let dir = try CLITests().copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try edit(dir.appendingPathComponent("Catalog/eset-protect-ports.yaml"), replacing: "ports: [3128]", with: "ports: [99999]")
        let piped = try runPortdoc(["lint"], in: dir)
        #expect(piped.stderr.contains("error: port 99999") && !piped.stderr.contains("\u{1B}["))
        let command = "\(CLITests.binary.path) lint"
        let tty = try #require(try runTool("env", ["-u", "NO_COLOR", "-C", dir.path, "TERM=xterm", "script", "-q", "-c", command, "/dev/null"]), "script(1) is not installed")
        #expect(tty.stdout.contains("\u{1B}[1;31merror:\u{1B}[0m port 99999"), "\(tty.stdout)")
        let noColor = try #require(try runTool("env", ["-C", dir.path, "TERM=xterm", "NO_COLOR=1", "script", "-q", "-c", command, "/dev/null"]))
        #expect(noColor.stdout.contains("error: port 99999") && !noColor.stdout.contains("\u{1B}["), "\(noColor.stdout)")
    }

    /// A build over a second shows how far it is on a terminal (rewritten in place, erased at
    /// the end); never in a pipe, and never where CI is set.
    @Test func longBuildsShowProgressOnlyOnATerminal() throws {
        let dir = HardeningTests.temporary("progress")
        defer { try? FileManager.default.removeItem(at: dir) }
        let g = try runPortdoc(["generate", "--roles", "8", "--rows", "800", "--locales", "en,fr,it", "--templates", repoRoot.appendingPathComponent("Templates").path, dir.path], in: repoRoot)
        try #require(g.status == 0, "\(g.stderr)")
        let command = "\(CLITests.binary.path) build --force"
        let tty = try #require(try runTool("env", ["-u", "CI", "-C", dir.path, "TERM=xterm", "script", "-q", "-c", command, "/dev/null"]), "script(1) is not installed")
        #expect(tty.status == 0)
        let updates = tty.stdout.components(separatedBy: "\r\u{1B}[K").filter { $0.hasPrefix("portdoc: building: ") }
        #expect(!updates.isEmpty, "no progress line on a terminal: \(tty.stdout.prefix(300))")
        #expect(updates.allSatisfy { $0.range(of: #"^portdoc: building: \d of 4 locales done, \d+ pages$"#, options: .regularExpression) != nil }, "\(updates)")
        #expect(tty.stdout.contains("\r\u{1B}[Kbuild: wrote"), "the line is erased before the result")
        let ci = try #require(try runTool("env", ["CI=true", "-C", dir.path, "TERM=xterm", "script", "-q", "-c", command, "/dev/null"]))
        #expect(!ci.stdout.contains("building:"), "\(ci.stdout.prefix(300))")
        let piped = try runPortdoc(["build", "--force"], in: dir, environment: ["CI": ""])
        #expect(piped.status == 0 && !piped.stderr.contains("building:") && !piped.stderr.contains("\r"))
    }

    /// Every code of the documented table (README "Exit codes", `portdoc --help`, portdoc(1)),
    /// driven through the real binary, from every kind of command that can end with it.
    @Test func everyDocumentedExitCodeThroughTheBinary() throws {
        let dir = try ServeTests.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        func code(_ arguments: [String], _ environment: [String: String] = [:]) throws -> (Int32, String) {
            let r = try runPortdoc(arguments, in: dir, environment: environment)
            return (r.status, r.stderr)
        }
        // 0: success.
        #expect(try code(["lint"]).0 == 0)
        #expect(try code(["build", "--format", "markdown"]).0 == 0)
        // 1: findings; also from the commands that used to exit through their own exit().
        #expect(try code(["build", "--check", "--format", "man"]).0 == 1)
        #expect(try code(["locales", "update", "--locale", "fr"]) == (1, "portdoc: error: no translation for 'fr'; create it with 'portdoc locales add fr'\n"))
        #expect(try code(["locales", "add", "en"]).0 == 1)
        #expect(try code(["glossary", "export", "--format", "csv", "--locale", "fr"]).0 == 1)
        #expect(try code(["generate", dir.path]).0 == 1, "a folder that is not empty")
        // 2: the environment; a bad SOURCE_DATE_EPOCH is one, in build and in locales add alike.
        let epoch = ["SOURCE_DATE_EPOCH": "yesterday"]
        #expect(try code(["build", "--force"], epoch).0 == 2)
        let add = try code(["locales", "add", "fr"], epoch)
        #expect(add.0 == 2 && add.1.contains("SOURCE_DATE_EPOCH='yesterday' is not a whole"), "\(add)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Locales/fr.po").path))
        // An output folder that cannot be made (its parent is a file): also for root, whom
        // permissions do not stop.
        #expect(try code(["build", "--format", "man", "-o", "Catalog/eset-protect-ports.yaml/out"]).0 == 2)
        let listener = try TestClient.listen()
        defer { close(listener.fd) }
        #expect(try code(["serve", "--port", "\(listener.port)"]).0 == 2)
        // 64: bad usage.
        #expect(try code(["build", "--format", "pdf"]).0 == 64)
        #expect(try code(["locales", "add", "not a tag"]).0 == 64)
        #expect(try code(["no-such-command"]).0 == 64)
        #expect(try code(["check", "--min-completeness", "abc"]).0 == 64)
        // 129, 130, 143: a signal ends a long-running command (serve) with 128 + its number.
        for (signal, expected) in [(SIGHUP, Int32(129)), (SIGINT, 130), (SIGTERM, 143)] {
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-exit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: tmp) }
            let (server, _) = try ServeTests.serve(in: dir, tmp: tmp)
            server.send(signal)
            #expect(server.wait().status == expected)
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == [])
        }
    }
}
