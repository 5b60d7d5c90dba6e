/// Where every output file of a project goes, and the relative link between any two of them, in
/// one place, so that paths and links cannot disagree. A project of one document keeps the layout
/// it always had (`html/<locale>/index.html`); a set of documents gets a folder per document
/// (`html/<locale>/<id>/index.html`), a home page and a port index per locale.
public struct OutputLayout: Sendable, Equatable {
    public var isSet: Bool

    public init(isSet: Bool) { self.isSet = isSet }
    public init(project: Project) { self.init(isSet: project.isSet) }

    public static let home = "html/index.html"
    public static let stylesheet = "html/style.css"
    public static let script = "html/filter.js"

    public func page(document id: String, locale: String) -> String {
        isSet ? "html/\(locale)/\(id)/index.html" : "html/\(locale)/index.html"
    }

    /// The network diagram, beside its page.
    public func diagram(document id: String, locale: String) -> String {
        isSet ? "html/\(locale)/\(id)/diagram.svg" : "html/\(locale)/diagram.svg"
    }

    public func markdown(document id: String, locale: String) -> String { "markdown/\(locale)/\(id).md" }

    /// Where man-db looks for a page: English in `man/`, other languages in `man/<locale>/`.
    public func man(name: String, section: String, locale: String) -> String {
        let base = "man\(section)/\(name).\(section)"
        return "man/" + (locale == "en" ? base : "\(locale)/\(base)")
    }

    /// The port index of a set: every port, linking to every row that uses it.
    public func portIndex(locale: String) -> String { "html/\(locale)/ports.html" }
    public func markdownIndex(locale: String) -> String { "markdown/\(locale)/index.md" }
    public static let manPortIndexName = "portdoc-ports"
    public func manPortIndex(locale: String) -> String { man(name: Self.manPortIndexName, section: "7", locale: locale) }

    /// The relative link from the file at `from` to the file at `to` (both relative to the output
    /// folder), with `to`'s fragment kept: `html/en/a/index.html` → `html/en/ports.html#p443`
    /// is `../ports.html#p443`.
    /// On UTF-8 bytes: '/' and '#' are ASCII; splitting Characters cost about 18,000 instructions a
    /// link, and a set's port index makes one per row.
    public static func link(from: String, to: String) -> String {
        let slash = UInt8(ascii: "/")
        let toBytes = Array(to.utf8)
        let hash = toBytes.firstIndex(of: UInt8(ascii: "#")) ?? toBytes.endIndex
        let fromDirs = Array(from.utf8).split(separator: slash).dropLast()
        let toParts = toBytes[..<hash].split(separator: slash)
        var common = 0
        while common < fromDirs.count, common < toParts.count - 1,
              fromDirs[fromDirs.startIndex + common].elementsEqual(toParts[common]) { common += 1 }
        var out: [UInt8] = []
        out.reserveCapacity(toBytes.count + 3 * (fromDirs.count - common))
        var first = true
        for _ in 0..<(fromDirs.count - common) {
            if !first { out.append(slash) }
            out.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: ".")])
            first = false
        }
        for part in toParts[common...] {
            if !first { out.append(slash) }
            out.append(contentsOf: part)
            first = false
        }
        out.append(contentsOf: toBytes[hash...])
        return String(decoding: out, as: UTF8.self)
    }
}
