import Foundation
import PortDocCore
import PortDocIO

/// What `portdoc serve` adds to the pages it serves, and the pages only the preview has. Pure: text
/// in, text out. Nothing here ever reaches Output/: the build writes pages, the server injects.
public enum PreviewPage {
    /// The path of the event stream that the injected script listens to.
    public static let eventsPath = "/__portdoc/events"
    /// The preview's own list of every output file.
    public static let indexPath = "/__portdoc/"
    /// Man pages (through `mandoc -T html`) and Markdown (through `cmark-gfm`) as HTML.
    public static let previewPrefix = "/__portdoc/preview/"

    /// The script served pages get: it listens for the server's events, reloads when its page (or
    /// a style sheet, script or image) changed, and shows or removes the error overlay. ES5, no
    /// framework, no network beyond the server's own event stream.
    static let script = """
        (function () {
          var me = document.currentScript;
          var page = me.getAttribute('data-page'), since = me.getAttribute('data-generation');
          var url = '\(eventsPath)?page=' + encodeURIComponent(page) + '&since=' + encodeURIComponent(since);
          var events = new EventSource(url);
          function overlay() { return document.getElementById('portdoc-overlay'); }
          events.addEventListener('reload', function () { events.close(); location.reload(); });
          events.addEventListener('ok', function () { var o = overlay(); if (o) { o.parentNode.removeChild(o); } });
          events.addEventListener('errors', function (e) {
            var lines = JSON.parse(e.data), o = overlay();
            if (!o) {
              o = document.createElement('div');
              o.id = 'portdoc-overlay';
              o.setAttribute('role', 'alert');
              o.setAttribute('style', '\(overlayStyle)');
              document.body.appendChild(o);
            }
            o.innerHTML = '';
            var head = document.createElement('p');
            head.setAttribute('style', '\(overlayHeadStyle)');
            head.textContent = '\(overlayHeading)';
            var pre = document.createElement('pre');
            pre.setAttribute('style', '\(overlayPreStyle)');
            pre.textContent = lines.join('\\n');
            o.appendChild(head);
            o.appendChild(pre);
          });
        })();
        """

    static let overlayStyle = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1em;background:#fff4f4;color:#400;border-top:4px solid #c00;font:14px/1.4 sans-serif;direction:ltr;text-align:left"
    static let overlayHeadStyle = "margin:0 0 .5em;font-weight:bold"
    static let overlayPreStyle = "margin:0;white-space:pre-wrap;font:13px/1.4 monospace"
    static let overlayHeading = "portdoc serve: the last build failed. This is the last good page; fix the file and it reloads."

    /// The overlay as markup, for a page served while the last build failed (the script replaces
    /// or removes it as events arrive). Every line is escaped: a diagnostic quotes the input.
    public static func overlay(_ lines: [String]) -> String {
        "<div id=\"portdoc-overlay\" role=\"alert\" style=\"\(overlayStyle)\"><p style=\"\(overlayHeadStyle)\">"
            + XMLEscaper.text(overlayHeading) + "</p><pre style=\"\(overlayPreStyle)\">"
            + XMLEscaper.text(lines.joined(separator: "\n")) + "</pre></div>"
    }

    /// The page with the overlay (when `errors` is not empty) and the script, right before `</body>`
    /// (or at the end when there is none). `page` names what the page shows, relative to the site
    /// (`html/en/index.html`, `man/man7/x.7`); `generation` is the build it was served from.
    public static func inject(into html: String, page: String, generation: Int, errors: [String]) -> String {
        let tag = "<script data-page=\"\(XMLEscaper.attribute(page))\" data-generation=\"\(generation)\">//<![CDATA[\n"
            + script + "\n//]]></script>"
        let addition = (errors.isEmpty ? "" : overlay(errors)) + tag
        guard let end = html.range(of: "</body>", options: [.backwards, .caseInsensitive]) else { return html + addition }
        return html.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: addition)
    }

    /// Whether a page that shows `page` and was served from build `since` must reload, given the
    /// files each later build changed. Style sheets, scripts and images count for every page.
    public static func mustReload(page: String, since: Int, changes: [(generation: Int, paths: [String])]) -> Bool {
        for change in changes where change.generation > since {
            if page == "*" && !change.paths.isEmpty { return true }
            for path in change.paths where path == page || [".css", ".js", ".svg", ".png"].contains(where: path.hasSuffix) {
                return true
            }
        }
        return false
    }

    /// A minimal HTML page around `body` (a fragment that is already markup).
    /// With `base`, relative links resolve against that folder of the site (a Markdown file's
    /// links to images and other files are relative to where the file is, not to the preview).
    public static func page(title: String, body: String, lang: String = "en", base: String? = nil) -> String {
        let baseTag = base.map { "<base href=\"\(XMLEscaper.attribute(percentEncoded($0)))\"/>" } ?? ""
        return """
        <!DOCTYPE html>
        <html lang="\(XMLEscaper.attribute(lang))" dir="\(TextDirection.of(lang).rawValue)"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>\(baseTag)
        <title>\(XMLEscaper.text(title))</title>
        <style>body{font:16px/1.5 sans-serif;max-width:60em;margin:1em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .4em}</style>
        </head><body>
        \(body)
        </body></html>

        """
    }

    /// The preview's index: every output file, with previews of man pages and Markdown.
    public static func index(files: [String]) -> String {
        var items: [String] = []
        for file in files {
            let link = "<a href=\"/\(XMLEscaper.attribute(percentEncoded(file)))\">\(XMLEscaper.text(file))</a>"
            if let preview = previewLink(for: file) {
                items.append("<li>\(link) (<a href=\"\(XMLEscaper.attribute(preview))\">preview</a>)</li>")
            } else {
                items.append("<li>\(link)</li>")
            }
        }
        return page(title: "portdoc serve: every output file",
                    body: "<h1>Every output file</h1>\n<p>Man pages are shown through <code>mandoc -T html</code>, Markdown through <code>cmark-gfm</code>.</p>\n<ul>\n"
                        + items.joined(separator: "\n") + "\n</ul>")
    }

    /// `/__portdoc/preview/<file>` for a man page or a Markdown file, else nil.
    public static func previewLink(for file: String) -> String? {
        OutputValidation.isManPage(file) || file.hasSuffix(".md") ? previewPrefix + percentEncoded(file) : nil
    }

    /// A path as it may appear in a URL: every byte but unreserved characters and `/` percent-encoded.
    public static func percentEncoded(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// A request path as a file below the site: percent-decoded, no `.` or `..` segments, no NUL;
    /// a trailing `/` means the folder's `index.html`; the empty string is the site's root. Nil when
    /// the path tries to leave the site.
    public static func sitePath(forRequest path: String) -> String? {
        guard let decoded = path.removingPercentEncoding, !decoded.contains("\0") else { return nil }
        var parts: [Substring] = []
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." || part == ".." { return nil }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if joined.isEmpty { return "" }
        return decoded.hasSuffix("/") ? joined + "/index.html" : joined
    }

    /// The media type of an output file.
    public static func contentType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "json": return "application/json"
        default: return "text/plain; charset=utf-8"  // Markdown and man pages read as text
        }
    }

    /// Server-Sent Events: `event: name` and the data, one `data:` line per line.
    public static func event(_ name: String, data: String) -> String {
        "event: \(name)\n" + data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
    }
}
