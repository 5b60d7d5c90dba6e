import FlyingFox
import FlyingSocks
import Foundation
import PortDocCore
import PortDocIO

/// The external tools the preview renders man pages and Markdown with.
struct PreviewTools: Sendable {
    var mandoc: String?
    var cmark: String?

    /// A man page as HTML (`mandoc -T html`), or a page saying why not.
    func man(_ file: URL, name: String) -> String {
        guard let mandoc else {
            return PreviewPage.page(title: name, body: "<p>mandoc is not installed, so man pages cannot be previewed here (Debian: apt-get install mandoc). The page itself is at <a href=\"/\(XMLEscaper.attribute(PreviewPage.percentEncoded(name)))\">/\(XMLEscaper.text(name))</a>.</p>")
        }
        do {
            let r = try Subprocess.run(mandoc, ["-T", "html", "-O", "toc", file.path], environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"])
            if r.status <= 1 { return r.stdoutText }
            return PreviewPage.page(title: name, body: "<pre>" + XMLEscaper.text(r.stderr) + "</pre>")
        } catch {
            return PreviewPage.page(title: name, body: "<p>mandoc could not be started: \(XMLEscaper.text(error.description))</p>")
        }
    }

    /// A Markdown file as HTML (`cmark-gfm` with tables and footnotes), or a page saying why not.
    func markdown(_ file: URL, name: String) -> String {
        guard let cmark else {
            return PreviewPage.page(title: name, body: "<p>cmark-gfm is not installed, so Markdown cannot be previewed here (Debian: apt-get install cmark-gfm).</p>")
        }
        do {
            let r = try Subprocess.run(cmark, ["--extension", "table", "--extension", "footnotes", "--extension", "autolink", "-t", "html", file.path],
                                       environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"])
            let parts = name.split(separator: "/")
            let folder = "/" + parts.dropLast().joined(separator: "/") + "/"
            // markdown/<locale>/<document>.md: the page is in that locale's language and direction.
            let locale = parts.count >= 3 ? String(parts[1]) : "und"
            return PreviewPage.page(title: name, body: r.stdoutText, lang: locale, base: folder)
        } catch {
            return PreviewPage.page(title: name, body: "<p>cmark-gfm could not be started: \(XMLEscaper.text(error.description))</p>")
        }
    }
}

/// Answers every request of the preview: the site's files (pages with the script injected), the
/// event stream, the list of files, and man pages and Markdown rendered as HTML.
struct PreviewHandler: HTTPHandler {
    let site: URL
    let state: PreviewState
    let tools: PreviewTools

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(statusCode: .methodNotAllowed, headers: HTTPHeaders([HTTPHeader("Allow"): "GET, HEAD"]))
        }
        if request.path == PreviewPage.eventsPath { return events(request) }
        if request.path == PreviewPage.indexPath || request.path == "/__portdoc" { return html(PreviewPage.index(files: files()), page: "*") }
        if request.path.hasPrefix(PreviewPage.previewPrefix) {
            let rest = String(request.path.dropFirst(PreviewPage.previewPrefix.count))
            guard let name = PreviewPage.sitePath(forRequest: rest), !name.isEmpty, PreviewPage.previewLink(for: name) != nil else { return notFound(request.path) }
            let url = site.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return notFound(request.path, page: name) }
            return html(name.hasSuffix(".md") ? tools.markdown(url, name: name) : tools.man(url, name: name), page: name)
        }
        guard let name = PreviewPage.sitePath(forRequest: request.path) else {
            return HTTPResponse(statusCode: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"], body: Data("bad path\n".utf8))
        }
        if name.isEmpty { return redirect("/html/") }
        let url = site.appendingPathComponent(name)
        // Browsers ask for /favicon.ico on their own; a site without one gets "no content", not an
        // error in the console.
        if name == "favicon.ico" && !FileManager.default.fileExists(atPath: url.path) { return HTTPResponse(statusCode: .noContent) }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return notFound(request.path, page: name) }
        if isFolder.boolValue { return redirect(request.path + "/") }
        guard let data = FileManager.default.contents(atPath: url.path) else { return notFound(request.path, page: name) }
        if name.hasSuffix(".html") { return html(String(decoding: data, as: UTF8.self), page: name) }
        return HTTPResponse(statusCode: .ok, headers: [.contentType: PreviewPage.contentType(of: name), .cacheControl: "no-store"], body: data)
    }

    func html(_ text: String, page: String, status: HTTPStatusCode = .ok) -> HTTPResponse {
        let s = state.current
        let body = PreviewPage.inject(into: text, page: page, generation: s.generation, errors: s.errors)
        return HTTPResponse(statusCode: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: Data(body.utf8))
    }

    func redirect(_ location: String) -> HTTPResponse {
        HTTPResponse(statusCode: .found, headers: HTTPHeaders([.location: location]))
    }

    /// A 404 page that reloads once the file appears (after the build that writes it).
    func notFound(_ path: String, page: String = "") -> HTTPResponse {
        html(PreviewPage.page(title: "Not found", body: "<h1>Not found</h1><p>No output file is served at <code>\(XMLEscaper.text(path))</code>. <a href=\"\(PreviewPage.indexPath)\">Every output file</a>.</p>"),
             page: page, status: .notFound)
    }

    func events(_ request: HTTPRequest) -> HTTPResponse {
        let page = request.query.first(where: { $0.name == "page" })?.value ?? "*"
        let since = request.query.first(where: { $0.name == "since" }).flatMap { Int($0.value) } ?? 0
        let stream = EventStream(snapshots: state.subscribe(), page: page, since: since)
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: HTTPBodySequence(from: stream))
    }

    /// Every file of the site, sorted.
    func files() -> [String] {
        OutputTree(directory: site).existingFiles()
    }
}
