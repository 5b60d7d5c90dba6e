import Foundation
import PortDocIO
@testable import PortDocPreview
import Testing

/// `portdoc serve` through the real binary, with a plain HTTP client on a socket.
@Suite("portdoc serve", .serialized)
struct ServeTests {
    /// A copy of the repository's inputs, without Output/.
    static func project() throws -> URL { try CLITests().copyProject(output: false) }

    /// Starts `portdoc serve --port 0` and returns it with the port it printed.
    static func serve(in dir: URL, tmp: URL, _ more: [String] = []) throws -> (Subprocess.Running, UInt16) {
        let server = try startPortdoc(["serve", "--port", "0", "--interval", "0.1"] + more, in: dir, environment: ["TMPDIR": tmp.path])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let out = String(decoding: server.stdoutSoFar, as: UTF8.self)
            if let range = out.range(of: #"serving http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                let port = out[range].split(separator: ":").last!.dropLast()
                return (server, UInt16(port)!)
            }
            if !server.isRunning { break }
            usleep(20_000)
        }
        server.send(SIGKILL)
        let r = server.wait()
        throw TestClient.Failure(description: "serve did not start: \(r.stdoutText) \(r.stderr)")
    }

    @Test func servesRebuildsReloadsAndShowsErrorsThenStopsCleanly() throws {
        let dir = try Self.project()
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-serve-tmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir); try? FileManager.default.removeItem(at: tmp) }
        let (server, port) = try Self.serve(in: dir, tmp: tmp)
        defer { if server.isRunning { server.send(SIGKILL); _ = server.wait() } }
        let client = TestClient(port: port)

        // A page, with the script added; the root leads to the site.
        let page = try client.get("/html/en/index.html")
        #expect(page.status == 200)
        #expect(page.body.contains("<title>Ports used by ESET PROTECT On-Prem"), "\(page.body.prefix(400))")
        #expect(page.body.contains("<script data-page=\"html/en/index.html\" data-generation=\"1\">"))
        #expect(!page.body.contains("portdoc-overlay\" role"))
        #expect(try client.get("/").status == 302)
        #expect(try client.get("/html/style.css").body.contains("caption"))
        #expect(try client.get("/html/en/nothing.html").status == 404)
        #expect(try client.get("/html/%2e%2e/%2e%2e/etc/passwd").status == 400)
        // Man pages through mandoc -T html, Markdown through cmark-gfm.
        let man = try client.get("/__portdoc/preview/man/man7/eset-protect-ports.7")
        #expect(man.status == 200 && man.body.contains("<table") && man.body.contains("3128"), "\(man.body.prefix(300))")
        let markdown = try client.get("/__portdoc/preview/markdown/de/eset-protect-ports.md")
        #expect(markdown.status == 200 && markdown.body.contains("<table>") && markdown.body.contains("lang=\"de\""))
        #expect(try client.get("/__portdoc/").body.contains("/__portdoc/preview/man/de/man7/eset-protect-ports.7"))

        // An edit to the English translation: the open page hears 'reload' and the page changes.
        let events = try client.open("/__portdoc/events?page=html/en/index.html&since=1")
        #expect(try events.read(until: "event: ok", seconds: 5).contains("event: ok"))
        let started = Date()
        try edit(dir.appendingPathComponent("Locales/en.po"), replacing: "msgstr \"Ports used by ESET PROTECT On-Prem\"", with: "msgstr \"Ports used by ESET PROTECT On-Prem, edited\"")
        let reload = try events.read(until: "event: reload", seconds: 5)
        #expect(reload.contains("event: reload\ndata: 2"), "\(reload)")
        #expect(Date().timeIntervalSince(started) < 2, "the reload event came after \(Date().timeIntervalSince(started)) s")
        #expect(try client.get("/html/en/index.html").body.contains("On-Prem, edited"))
        // A page that does not show what changed is not reloaded.
        let german = try client.open("/__portdoc/events?page=html/de/index.html&since=1")
        #expect(try !german.read(until: "event: reload", seconds: 1).contains("event: reload"))

        // A broken catalog: the terminal and the served page name the position; the page stays.
        let broken = try client.open("/__portdoc/events?page=html/en/index.html&since=2")
        _ = try broken.read(until: "event: ok", seconds: 5)
        try edit(dir.appendingPathComponent("Catalog/eset-protect-ports.yaml"), replacing: "ports: [3128]", with: "ports: [31280000]")
        let position = "Catalog/eset-protect-ports.yaml:63:21: error: port 31280000 is out of range"
        #expect(try broken.read(until: position, seconds: 5).contains("event: errors"))
        let failed = try client.get("/html/en/index.html")
        #expect(failed.body.contains("<div id=\"portdoc-overlay\" role=\"alert\""))
        #expect(failed.body.contains(position), "\(failed.body.suffix(1500))")
        #expect(failed.body.contains("On-Prem, edited"), "the last good page stays")
        #expect(server.stderrSoFar.contains(position))
        // Fixed: the overlay goes.
        try edit(dir.appendingPathComponent("Catalog/eset-protect-ports.yaml"), replacing: "ports: [31280000]", with: "ports: [3128]")
        #expect(try broken.read(until: "event: ok", seconds: 5).contains("event: ok"))
        #expect(!(try client.get("/html/en/index.html").body.contains("<div id=\"portdoc-overlay\"")))

        // SIGINT: exit 130, the temporary folder gone, Output/ never written.
        server.send(SIGINT)
        let end = server.wait()
        #expect(end.status == 130, "\(end.stderr)")
        #expect(end.stderr.contains("portdoc: interrupted by SIGINT; stopped; the temporary build folder was removed"), "\(end.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == [])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Output").path))
    }

    @Test func aPortInUseExits2AndABadAddressExits64() throws {
        let dir = try Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        let listener = try TestClient.listen()
        defer { close(listener.fd) }
        let r = try runPortdoc(["serve", "--port", "\(listener.port)"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("portdoc: error: cannot listen on 127.0.0.1:\(listener.port): the port is in use"), "\(r.stderr)")
        let bad = try runPortdoc(["serve", "--host", "example.org"], in: dir)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--host 'example.org' is not an IPv4 or IPv6 address"), "\(bad.stderr)")
    }

    // MARK: The pure parts

    @Test func requestPathsStayInsideTheSite() {
        #expect(PreviewPage.sitePath(forRequest: "/") == "")
        #expect(PreviewPage.sitePath(forRequest: "/html/en/") == "html/en/index.html")
        #expect(PreviewPage.sitePath(forRequest: "/html/%D8%B9/index.html") == "html/ع/index.html")
        #expect(PreviewPage.sitePath(forRequest: "/html/../../etc/passwd") == nil)
        #expect(PreviewPage.sitePath(forRequest: "/html/%2e%2e/x") == nil)
        #expect(PreviewPage.sitePath(forRequest: "/a%00b") == nil)
    }

    @Test func theOverlayShowsHostileDiagnosticsLiterally() {
        let lines = ["Locales/ar.po:3:1: error: </pre><script>alert(1)</script> & \"quotes\""]
        let page = PreviewPage.inject(into: "<html><body><p>x</p></body></html>", page: "html/ar/index.html", generation: 4, errors: lines)
        #expect(page.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"quotes\""))
        #expect(!page.contains("<script>alert"))
        #expect(page.hasSuffix("//]]></script></body></html>"))
        #expect(page.contains("data-page=\"html/ar/index.html\" data-generation=\"4\""))
    }

    @Test func onlyPagesWhoseFilesChangedReload() {
        let changes = [(generation: 2, paths: ["html/en/index.html"]), (generation: 3, paths: ["html/style.css"])]
        #expect(PreviewPage.mustReload(page: "html/en/index.html", since: 1, changes: changes))
        #expect(!PreviewPage.mustReload(page: "html/de/index.html", since: 1, changes: Array(changes.prefix(1))))
        #expect(PreviewPage.mustReload(page: "html/de/index.html", since: 2, changes: changes), "a style sheet counts for every page")
        #expect(!PreviewPage.mustReload(page: "html/en/index.html", since: 3, changes: changes))
        #expect(PreviewPage.event("errors", data: "a\nb") == "event: errors\ndata: a\ndata: b\n\n")
    }
}

/// A minimal HTTP/1.1 client for the tests: one request per connection (`Connection: close`).
struct TestClient {
    struct Failure: Error, CustomStringConvertible { var description: String }
    let port: UInt16

    static func connect(_ port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); throw Failure(description: "cannot connect to port \(port): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// A socket listening on a free loopback port (to make a port busy).
    static func listen() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        Glibc.listen(fd, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    func request(_ path: String) throws -> Stream {
        let fd = try Self.connect(port)
        let text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        return Stream(fd: fd)
    }

    /// GET `path`: the status and the body (the whole response after the header).
    func get(_ path: String) throws -> (status: Int, body: String) {
        let stream = try request(path)
        let text = try stream.read(until: nil, seconds: 10)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }

    /// An open event stream.
    func open(_ path: String) throws -> Stream { try request(path) }

    final class Stream {
        let fd: Int32
        var received = Data()
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }

        /// Reads until `marker` has arrived after the text read before (or the connection ends,
        /// or `seconds` pass); returns what arrived in this call.
        func read(until marker: String?, seconds: Double) throws -> String {
            let start = received.count
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while Date() < deadline {
                if let marker, String(decoding: received[start...], as: UTF8.self).contains(marker) { break }
                let n = Glibc.read(fd, &buffer, buffer.count)
                if n > 0 { received.append(contentsOf: buffer[0..<n]); continue }
                if n == 0 { break }
            }
            return String(decoding: received[start...], as: UTF8.self)
        }
    }
}
