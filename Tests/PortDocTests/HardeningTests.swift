import Foundation
import PortDocCore
@testable import PortDocIO
import Testing
@testable import XHTMLValidation

/// Process-level hardening: killed and interrupted builds, concurrent builds, a full disk,
/// reproducibility across environments, incremental writes, and libxml2 fed hostile documents.
@Suite("hardening: processes, environments and the file system", .serialized)
struct HardeningTests {
    static let binary = CLITests.binary

    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:], shell: String? = nil) throws -> Subprocess.Running {
        try startPortdoc(arguments, in: directory, environment: environment, shell: shell)
    }

    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:], shell: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPortdoc(arguments, in: directory, environment: environment, shell: shell)
    }

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-\(name)-\(UUID().uuidString)")
    }

    /// A synthetic project large enough that a build takes a noticeable time, already built once.
    static func builtLargeProject() throws -> URL {
        let dir = temporary("large")
        let g = try run(["generate", "--roles", "8", "--rows", "250", "--locales", "en,fr", "--templates", repoRoot.appendingPathComponent("Templates").path, dir.path], in: repoRoot)
        try #require(g.status == 0, "\(g.stderr)")
        let b = try run(["build"], in: dir)
        try #require(b.status == 0, "\(b.stderr)")
        return dir
    }

    /// Changes one English text, so that the next build has something to write.
    static func editEnglish(_ dir: URL, to text: String) throws {
        try edit(dir.appendingPathComponent("Locales/en.po"), replacing: "msgstr \"Ports used by the sample software\"", with: "msgstr \"\(text)\"")
    }

    static func tree(_ dir: URL) throws -> [String: Data] { try BadInputTests.snapshot(dir.appendingPathComponent("Output")) }

    static func leftovers(_ dir: URL) throws -> [String] {
        // The build stamp is a cache that stays; staging and old trees must not.
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".Output.") && $0 != ".Output.stamp" }
    }

    @Test func aBuildKilledWithSIGKILLLeavesThePreviousOutputIntact() throws {
        let dir = try Self.builtLargeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try Self.tree(dir)
        try Self.editEnglish(dir, to: "Ports used by the sample software, edited")
        // Kill early (while rendering), then at the moment the staging folder appears (while writing).
        for trigger in ["time", "staging"] {
            let p = try Self.start(["build"], in: dir)
            let deadline = Date().addingTimeInterval(30)
            if trigger == "time" {
                usleep(300_000)
            } else {
                while Date() < deadline, p.isRunning, (try Self.leftovers(dir)).isEmpty { usleep(500) }
            }
            try #require(p.isRunning, "the build ended before it could be killed (\(trigger))")
            p.send(SIGKILL)
            #expect(p.wait().signal == SIGKILL)
            #expect(try Self.tree(dir) == before, "Output/ changed after a SIGKILL (\(trigger))")
        }
        // The next build cleans up what the killed ones left and completes.
        let r = try Self.run(["build"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.leftovers(dir) == [])
        #expect(try Self.run(["build", "--check"], in: dir).status == 0)
        #expect(try Self.tree(dir) != before)
    }

    @Test func aBuildInterruptedWithSIGTERMCleansUpAndSaysSo() throws {
        let dir = try Self.builtLargeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try Self.tree(dir)
        try Self.editEnglish(dir, to: "Ports used by the sample software, interrupted")
        let p = try Self.start(["build"], in: dir)
        usleep(300_000)
        try #require(p.isRunning)
        p.send(SIGTERM)
        let r = p.wait()
        let stderr = r.stderr
        #expect(r.status == 143)
        #expect(stderr.contains("portdoc: interrupted by SIGTERM; nothing was changed"), "\(stderr)")
        #expect(try Self.tree(dir) == before)
        #expect(try Self.leftovers(dir) == [])
    }

    @Test func aSecondBuildWaitsForTheLockAndSaysWhy() throws {
        let dir = try CLITests().copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try edit(dir.appendingPathComponent("Locales/en.po"), replacing: "msgstr \"Protocol\"", with: "msgstr \"Protocol name\"")
        // Hold the lock as a first build would, then start a build: it renders, then waits.
        var lock: DirectoryLock? = try DirectoryLock(dir, timeout: 1) { _ in }
        let p = try Self.start(["build"], in: dir)
        usleep(1_500_000)
        #expect(p.isRunning, "the build did not wait for the lock")
        #expect(try Self.leftovers(dir) == [], "the build wrote while another process held the lock")
        lock?.release()
        lock = nil
        let r = p.wait()
        let (stdout, stderr) = (r.stdoutText, r.stderr)
        #expect(r.status == 0, "\(stderr)")
        #expect(stderr.contains("portdoc: another portdoc process is writing in \(dir.standardizedFileURL.path); waiting for it to finish"), "\(stderr)")
        #expect(stdout.contains("build: wrote 3 changed files"), "\(stdout)")
    }

    @Test func twoBuildsStartedAtOnceBothSucceedWithoutInterleaving() throws {
        let dir = try Self.builtLargeProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.editEnglish(dir, to: "Ports used by the sample software, twice")
        let a = try Self.start(["build"], in: dir)
        let b = try Self.start(["build"], in: dir)
        for p in [a, b] {
            let r = p.wait()
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try Self.run(["build", "--check"], in: dir).status == 0)
        #expect(try Self.leftovers(dir) == [])
    }

    @Test func aFullDiskGivesAClearErrorAndChangesNothing() throws {
        let dir = try CLITests().copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try edit(dir.appendingPathComponent("Locales/en.po"), replacing: "msgstr \"Protocol\"", with: "msgstr \"Protocol name\"")
        let before = try Self.tree(dir)
        // A file-size limit of 8 KiB makes the first large write fail as a full disk would.
        let r = try Self.run(["build"], in: dir, shell: "ulimit -f 8;")
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("portdoc: error: cannot write Output/: File too large"), "\(r.stderr)")
        #expect(r.stderr.contains("Output/ was not changed"))
        #expect(try Self.tree(dir) == before)
        #expect(try Self.leftovers(dir) == [])
    }

    /// The issue's "done when": two builds under different time zones, locales, umasks and file
    /// creation orders give identical trees, modes included.
    @Test func buildsAreIdenticalAcrossEnvironments() throws {
        var trees: [[String: String]] = []
        let environments: [(shell: String, env: [String: String], reversed: Bool)] = [
            ("umask 022;", ["TZ": "UTC", "LANG": "C", "LC_ALL": "C", "SOURCE_DATE_EPOCH": "1704153600"], false),
            ("umask 077;", ["TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8", "LC_ALL": "tr_TR.UTF-8", "SOURCE_DATE_EPOCH": "1704153600"], true),
        ]
        for setup in environments {
            let dir = Self.temporary("repro")
            defer { try? FileManager.default.removeItem(at: dir) }
            // Copy inputs file by file, in opposite orders, so that directory listings differ.
            var files: [String] = []
            for folder in ["Catalog", "Locales", "Templates"] {
                for case let url as URL in FileManager.default.enumerator(at: repoRoot.appendingPathComponent(folder), includingPropertiesForKeys: [.isRegularFileKey])! {
                    if try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
                        files.append(String(url.standardizedFileURL.path.dropFirst(repoRoot.standardizedFileURL.path.count + 1)))
                    }
                }
            }
            files.sort()
            if setup.reversed { files.reverse() }
            for file in files {
                let target = dir.appendingPathComponent(file)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: repoRoot.appendingPathComponent(file), to: target)
            }
            // Without a catalog date, the man page shows SOURCE_DATE_EPOCH's day in UTC.
            let catalog = dir.appendingPathComponent("Catalog/eset-protect-ports.yaml")
            try edit(catalog, replacing: "    date: \"2026-11-29\"\n", with: "")
            let r = try Self.run(["build"], in: dir, environment: setup.env, shell: setup.shell)
            try #require(r.status == 0, "\(r.stderr)")
            var tree: [String: String] = [:]
            let output = dir.appendingPathComponent("Output")
            for case let url as URL in FileManager.default.enumerator(at: output, includingPropertiesForKeys: nil)! {
                let mode = (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
                let data = FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) } ?? "<dir>"
                tree[String(url.standardizedFileURL.path.dropFirst(output.standardizedFileURL.path.count + 1))] = "\(String(mode, radix: 8)) \(data)"
            }
            trees.append(tree)
        }
        #expect(trees[0].count == 20)  // 10 files and 10 folders below Output/
        #expect(trees[0] == trees[1])
        #expect(trees[0]["man/man7/eset-protect-ports.7"]?.contains(".TH \"ESET-PROTECT-PORTS\" \"7\" \"2024-01-02\"") == true)
        #expect(trees[0]["html/index.html"]?.hasPrefix("644 ") == true)
    }

    @Test func anInvalidSourceDateEpochIsAnError() throws {
        let r = try Self.run(["build", "--check"], in: repoRoot, environment: ["SOURCE_DATE_EPOCH": "yesterday"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("SOURCE_DATE_EPOCH='yesterday' is not a whole, non-negative number of seconds since 1970 [env.source-date-epoch]"), "\(r.stderr)")
    }

    @Test func aRebuildWritesOnlyWhatChanged() throws {
        let dir = try CLITests().copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        func mtimes() throws -> [String: Date] {
            var result: [String: Date] = [:]
            for path in OutputTree(directory: dir.appendingPathComponent("Output")).existingFiles() {
                result[path] = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("Output/\(path)").path)[.modificationDate] as? Date
            }
            return result
        }
        let first = try Self.run(["build"], in: dir)
        #expect(first.stdout == "build: Output/ is up to date (10 files for de, en; nothing written)\n", "\(first.stdout)")
        let before = try mtimes()
        usleep(20_000)
        try edit(dir.appendingPathComponent("Locales/en.po"), replacing: "msgstr \"Connection to the ESET repository\"", with: "msgstr \"Connection to ESET's repository\"")
        let second = try Self.run(["build"], in: dir)
        #expect(second.stdout == "build: wrote 3 changed files (7 unchanged) for de, en to Output/\n", "\(second.stdout)")
        let after = try mtimes()
        let changed = Set(after.keys.filter { after[$0] != before[$0] })
        #expect(changed == ["html/en/index.html", "markdown/en/eset-protect-ports.md", "man/man7/eset-protect-ports.7"])
        // A partial build keeps the language index whole.
        #expect(try Self.run(["build", "--locale", "de"], in: dir).stdout.contains("nothing written"))
    }

    /// A build with no input change stops after comparing sizes and modification times, repeats the
    /// warnings of the build it skips, and notices any change to an input, an output or an option.
    @Test func anUnchangedProjectIsNotRenderedAgain() throws {
        let dir = try CLITests().copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let po = dir.appendingPathComponent("Locales/en.po")
        try edit(po, replacing: "msgstr \"Protocol\"", with: "msgstr \"\"")
        try edit(po, replacing: "msgstr \"Description\"", with: "msgstr \"\"")
        let first = try Self.run(["build"], in: dir)
        #expect(first.stdout.hasPrefix("build: wrote"), "\(first.stdout)")
        #expect(first.stderr.contains("'ui.column.protocol' is untranslated in 'en'"), "\(first.stderr)")
        #expect(first.stderr.contains("'ui.column.description' is untranslated in 'en'"), "\(first.stderr)")
        let second = try Self.run(["build"], in: dir)
        #expect(second.stdout == "build: Output/ is up to date (10 files; no input changed since the last build)\n", "\(second.stdout)")
        #expect(second.stderr == first.stderr, "the skipped build repeats the warnings")
        #expect(try Self.run(["build", "--strict"], in: dir).status == 1, "another option renders again")
        #expect(try Self.run(["build", "--force"], in: dir).stdout.contains("nothing written"))
        // A hand-edited output file is noticed and repaired.
        try "edited\n".write(to: dir.appendingPathComponent("Output/html/style.css"), atomically: true, encoding: .utf8)
        #expect(try Self.run(["build"], in: dir).stdout == "build: wrote 1 changed file (9 unchanged) for de, en to Output/\n")
        // An edited input is noticed.
        try edit(po, replacing: "msgstr \"Port\"", with: "msgstr \"Port number\"")
        #expect(try Self.run(["build"], in: dir).stdout.hasPrefix("build: wrote"))
    }

    @Test func validateRefusesXXEAndBillionLaughsQuickly() throws {
        let dir = Self.temporary("xxe")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("html"), withIntermediateDirectories: true)
        let doctype = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\""
        let body = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>x</title></head><body><p>&x;</p></body></html>\n"
        let xxe = "<?xml version=\"1.0\"?>\n\(doctype) [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n" + body
        var laughs = "<?xml version=\"1.0\"?>\n\(doctype) [\n<!ENTITY l0 \"lol\">\n"
        for i in 1...12 { laughs += "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">\n" }
        laughs += "<!ENTITY x \"&l12;\">\n]>\n" + body
        try xxe.write(to: dir.appendingPathComponent("html/xxe.html"), atomically: true, encoding: .utf8)
        try laughs.write(to: dir.appendingPathComponent("html/laughs.html"), atomically: true, encoding: .utf8)
        let started = Date()
        let r = try Self.run(["validate", dir.path], in: repoRoot)
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(r.status == 1)
        let expected = "the page declares its own DTD subset ('<!DOCTYPE … [ … ]>', entities or elements); XHTML pages may not, and it is not parsed [xhtml.internal-subset]"
        #expect(r.stderr.contains("\(dir.path)/html/laughs.html:2:1: error: \(expected)"), "\(r.stderr)")
        #expect(r.stderr.contains("\(dir.path)/html/xxe.html:2:1: error: \(expected)"), "\(r.stderr)")
        #expect(!r.stderr.contains("root:"), "the file was read")
        #expect(r.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 2, "one clean error per page: \(r.stderr)")
    }

    /// The remembered DTD locations are keyed by every catalog file's size and time: another
    /// catalog list, or a touched catalog, makes them stale and the catalog is asked again.
    @Test func theDTDLocationCacheIsKeyedByTheCatalogs() throws {
        let dir = Self.temporary("catalog")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("catalog.xml")
        try "<catalog/>".write(to: file, atomically: true, encoding: .utf8)
        let env = ["XML_CATALOG_FILES": file.path]
        let first = DTDLocations.stamp(environment: env)
        #expect(first == DTDLocations.stamp(environment: env))
        #expect(first != DTDLocations.stamp(environment: [:]))
        try "<catalog></catalog>".write(to: file, atomically: true, encoding: .utf8)
        #expect(first != DTDLocations.stamp(environment: env))
        #expect(DTDLocations.path(of: .xhtml1Strict).map { FileManager.default.fileExists(atPath: $0) } == true)
        // The cache folder: XDG_CACHE_HOME first, then HOME, then the temporary folder.
        #expect(UserCache.folder(environment: ["XDG_CACHE_HOME": dir.path, "HOME": "/nonexistent"]).path == dir.appendingPathComponent("portdoc").path)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("portdoc").path))
        #expect(UserCache.folder(environment: ["HOME": dir.path]).path == dir.appendingPathComponent(".cache/portdoc").path)
        #expect(UserCache.folder(environment: [:]).path.hasPrefix(FileManager.default.temporaryDirectory.path))
    }

    @Test func onlyTheDTDsOwnFilesMayLoad() throws {
        _ = try #require(sharedValidator)
        let directory = try #require(LibXML.dtdDirectory)
        // The DTD's own file, and its entity set by public identifier (the catalog keeps it in the
        // XHTML Modularization folder); a file that is not there is not offered.
        #expect(LibXML.allowedLocalPath(url: "\(directory)xhtml1-strict.dtd", publicID: nil) == "\(directory)xhtml1-strict.dtd")
        let lat1 = LibXML.allowedLocalPath(url: "\(directory)xhtml-lat1.ent", publicID: "-//W3C//ENTITIES Latin 1 for XHTML//EN")
        #expect(lat1.map { FileManager.default.fileExists(atPath: $0) && $0.hasSuffix("/xhtml-lat1.ent") } == true, "\(lat1 ?? "nil")")
        #expect(LibXML.allowedLocalPath(url: "\(directory)xhtml-lat1.ent", publicID: nil) == nil)
        #expect(LibXML.allowedLocalPath(url: "/etc/passwd", publicID: nil) == nil)
        #expect(LibXML.allowedLocalPath(url: "file:///etc/passwd", publicID: nil) == nil)
        #expect(LibXML.allowedLocalPath(url: "\(directory)../../../../../etc/passwd", publicID: nil) == nil)
        #expect(LibXML.allowedLocalPath(url: "http://www.w3.org/TR/xhtml1/DTD/../../../etc/x", publicID: nil) == nil)
    }

    /// Where the file system cannot exchange folders, a kill between the two renames leaves only
    /// `.Output.old-PID`; the next write restores it first, then replaces it properly.
    @Test func anOldTreeLeftBetweenTwoRenamesIsRestored() throws {
        let dir = Self.temporary("recover")
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent(".Output.old-4242/html")
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        try "old page\n".write(to: old.appendingPathComponent("a.html"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".Output.staging-4243"), withIntermediateDirectories: true)
        let tree = OutputTree(directory: dir.appendingPathComponent("Output"))
        try tree.recoverLeftovers()
        #expect(try String(contentsOf: dir.appendingPathComponent("Output/html/a.html"), encoding: .utf8) == "old page\n")
        #expect(try Self.leftovers(dir) == [])
        let result = try tree.replace(with: [OutputFile(path: "html/a.html", contents: "new page\n")], complete: true)
        #expect(result == .written(changed: ["html/a.html"], kept: 0))
        #expect(try String(contentsOf: dir.appendingPathComponent("Output/html/a.html"), encoding: .utf8) == "new page\n")
        #expect(try tree.replace(with: [OutputFile(path: "html/a.html", contents: "new page\n")], complete: true) == .unchanged)
    }
}

/// Large pages are validated while they are read; the findings must be those of the tree path.
@Suite("XHTML validation: streaming and tree paths agree")
struct StreamingValidationTests {
    @Test func bothPathsReportTheSameFindings() throws {
        let tree = try XHTMLValidator()
        let streaming = try XHTMLValidator()
        streaming.streamingThreshold = 0
        let page = try String(contentsOf: repoRoot.appendingPathComponent("Output/html/en/index.html"), encoding: .utf8)
        let broken = [
            page,
            page.replacingOccurrences(of: "<h1>", with: "<h1><blink>x</blink>"),
            page.replacingOccurrences(of: "</h1>", with: ""),
            page.replacingOccurrences(of: "-//W3C//DTD XHTML 1.0 Strict//EN", with: "-//W3C//DTD XHTML 1.0 Transitional//EN"),
            page.replacingOccurrences(of: "<td class=\"ports\">", with: "<td class=\"ports\" bogus=\"1\">"),
            // A missing #REQUIRED attribute: the tree path once validated against xmlCopyDtd's
            // copies, which lose each element's attribute list, and let it pass.
            page.replacingOccurrences(of: "</h1>", with: "</h1><p><img src=\"x.png\"/></p>"),
            // Duplicate IDs: one pair read before the streaming path gives the page an ID table
            // of its own (in the head, within the reader's first chunk), one pair after it.
            page.replacingOccurrences(of: "<title>", with: "<title id=\"twice\">").replacingOccurrences(of: "</h1>", with: "</h1><p id=\"twice\">x</p>"),
            page.replacingOccurrences(of: "</h1>", with: "</h1><p id=\"fn-gcm-deprecated\">x</p>"),
        ]
        for (i, text) in broken.enumerated() {
            let a = tree.validate(text, path: "p.html").map(\.description)
            let b = streaming.validate(text, path: "p.html").map(\.description)
            #expect((i == 0) == a.isEmpty, "case \(i): \(a)")
            #expect(a == b, "case \(i): tree \(a) / streaming \(b)")
        }
        #expect(tree.validate(broken[5], path: "p.html").contains { $0.message == "Element img does not carry attribute alt" })
        for (i, id) in [(6, "twice"), (7, "fn-gcm-deprecated")] {
            #expect(streaming.validate(broken[i], path: "p.html").contains { $0.message == "ID \(id) already defined" }, "case \(i)")
        }
    }
}

/// `FilePaths.readBytes`, which reads every input file of a build.
@Suite("reading files")
struct FileReadingTests {
    @Test func readsWholeFilesAndRefusesLargeOnesUnread() throws {
        let dir = HardeningTests.temporary("read")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for size in [0, 1, 4095, 4096, 65_537, 300_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            let path = dir.appendingPathComponent("f\(size)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(FilePaths.readBytes(path) == .bytes(bytes), "\(size)")
            #expect(FilePaths.readBytes(path, limit: size) == .bytes(bytes), "\(size)")
            if size > 0 { #expect(FilePaths.readBytes(path, limit: size - 1) == .tooLarge(size), "\(size)") }
        }
        #expect(FilePaths.readBytes(dir.path) == .unreadable)
        #expect(FilePaths.readBytes(dir.appendingPathComponent("missing").path) == .unreadable)
        // stat gives 0 for /proc files: read to their end all the same, and held to the limit.
        guard case .bytes(let status) = FilePaths.readBytes("/proc/self/status") else { Issue.record("/proc/self/status unread"); return }
        #expect(String(decoding: status, as: UTF8.self).contains("VmRSS:") && status.last == 0x0A)
        guard case .tooLarge = FilePaths.readBytes("/proc/self/status", limit: 100) else { Issue.record("over the limit, read"); return }
    }

    /// A rebuild keeps a page whose bytes are on disk already: equal bytes only, whatever differs.
    @Test func holdsComparesEveryByte() throws {
        let dir = HardeningTests.temporary("holds")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func holds(_ bytes: [UInt8], _ path: String) -> Bool { bytes.withUnsafeBufferPointer { FilePaths.holds($0, at: path) } }
        var random = SystemRandomNumberGenerator()
        for size in [0, 1, 7, 4096, 70_001] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
            let path = dir.appendingPathComponent("f\(size)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(holds(bytes, path), "\(size)")
            #expect(!holds(bytes + [0], path), "\(size): one byte more")
            if size > 0 {
                #expect(!holds(Array(bytes.dropLast()), path), "\(size): one byte less")
                for position in [0, size / 2, size - 1] {
                    var changed = bytes
                    changed[position] ^= 1 << UInt8.random(in: 0...7, using: &random)
                    #expect(!holds(changed, path), "\(size): byte \(position) differs")
                }
            }
        }
        #expect(!holds([], dir.appendingPathComponent("missing").path))
        #expect(!holds([], dir.path))
    }
}

/// Pages are rendered into buffers with room for the size their document's page had before.
@Suite("page buffers")
struct PageBufferTests {
    @Test func eachPageReservesTheLargestSizeOfItsDocumentAndFormatSoFar() {
        let sizes = PageSizes()
        var asked: [Int] = []
        func render(_ format: OutputFormat, _ document: String, _ count: Int?) {
            _ = sizes.render(format, document) { reserving in
                asked.append(reserving)
                return count.map { .success([UInt8](repeating: 0x61, count: $0)) } ?? .failure(.error("no", at: nil, id: "t"))
            }
        }
        render(.xhtml, "a", 1_600)
        render(.xhtml, "a", 800)     // a smaller page leaves the largest as it was
        render(.xhtml, "b", 100)     // another document
        render(.man, "a", nil)       // another format; a failed page records nothing
        render(.man, "a", 3_200)
        render(.xhtml, "a", 2_000)
        render(.xhtml, "a", 10)
        #expect(asked == [0, 1_700, 0, 0, 0, 1_700, 2_125])
    }

    @Test func aReservedBufferRendersTheSameBytes() throws {
        let template = try Template.parse("<p>{{#rows}}<b>{{name}}</b>{{/rows}}</p>", path: "t.mustache", syntax: XHTMLSyntax()).get()
        let context = TemplateValue.object(["rows": .list((0..<500).map { .object(["name": .plain("row <\($0)>")]) })])
        let plain = try template.renderBytes(context).get()
        for reserving in [0, 10, plain.count, 1 << 20] {
            let bytes = try template.renderBytes(context, reserving: reserving).get()
            #expect(bytes == plain)
            #expect(bytes.capacity >= reserving)
        }
    }
}
