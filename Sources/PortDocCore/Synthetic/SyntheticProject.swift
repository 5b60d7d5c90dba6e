/// A deterministic, seed-like project of any size, for benchmarks and stress tests: R roles with
/// N rows each, multi-port cells, port ranges, labelled ports, bullet lists with URLs and host names,
/// a footnote, and a complete translation for each of the given locales. Pure: returns file texts.
public enum SyntheticProject {
    public struct Shape: Sendable, Equatable {
        public var roles: Int
        public var rowsPerRole: Int
        public var locales: [String]
        /// Documents of the set; with more than one, every third row of a document uses a sentence
        /// that other documents share.
        public var documents: Int

        public init(roles: Int, rowsPerRole: Int, locales: [String], documents: Int = 1) {
            self.roles = roles
            self.rowsPerRole = rowsPerRole
            self.locales = locales
            self.documents = documents
        }

        public var rows: Int { roles * rowsPerRole * documents }
    }

    /// Relative path → contents: `Catalog/synthetic.yaml` (or `Catalog/synthetic-<n>.yaml` per
    /// document of a set), `Locales/de.yaml`, `Locales/<tag>.po`.
    public static func files(_ shape: Shape) -> [(path: String, contents: String)] {
        var messages: [(key: String, de: String, en: String)] = [
            ("doc.intro", "Die folgenden Tabellen enthalten alle Ports, die die Komponenten verwenden.", "The following tables list every port the components use."),
            ("footnote.deprecated", "Dieser Dienst wird eingestellt; verwenden Sie den Nachfolger.", "This service is being retired; use its successor."),
        ]
        var catalogs: [(path: String, contents: String)] = []
        for document in 0..<max(shape.documents, 1) {
            let single = shape.documents <= 1
            let id = single ? "synthetic-ports" : "synthetic-\(document + 1)"
            let titleKey = single ? "doc.title" : "doc.title.\(document + 1)"
            messages.append((titleKey, "Von der Beispielsoftware \(single ? "" : "\(document + 1) ")verwendete Ports",
                             "Ports used by the sample software\(single ? "" : " \(document + 1)")"))
            let (catalog, rowMessages) = catalogText(shape, id: id, titleKey: titleKey, document: single ? nil : document)
            for m in rowMessages where !messages.contains(where: { $0.key == m.key }) { messages.append(m) }
            catalogs.append((single ? "Catalog/synthetic.yaml" : "Catalog/\(id).yaml", catalog))
        }
        let interface: [(String, String, String)] = [
            ("ui.language-name", "Deutsch", "English"), ("ui.languages", "Sprachen", "Languages"),
            ("ui.column.protocol", "Protokoll", "Protocol"), ("ui.column.port", "Port", "Port number"),
            ("ui.column.description", "Beschreibung", "Description"), ("ui.footnotes", "Fußnoten", "Footnotes"),
            ("ui.footnote-back", "Zurück zum Text", "Back to the text"),
            ("ui.fallback-notice", "Noch nicht übersetzte Texte: {count}.", "Texts not yet translated: {count}."),
            ("ui.man.name", "BEZEICHNUNG", "NAME"), ("ui.man.description", "BESCHREIBUNG", "DESCRIPTION"),
            ("ui.man.notes", "ANMERKUNGEN", "NOTES"), ("ui.man.see-also", "SIEHE AUCH", "SEE ALSO"),
            ("ui.source-language", "Ausgangssprache", "source language"),
        ] + (shape.documents > 1 ? [
            ("ui.documents", "Dokumente", "Documents"), ("ui.port-index.title", "Port-Index", "Port index"),
            ("ui.port-index.document", "Dokument", "Document"), ("ui.port-index.role", "Rolle", "Role"), ("ui.filter", "Filtern", "Filter"),
        ] : [])
        messages += interface.map { (key: $0.0, de: $0.1, en: $0.2) }

        var source = "# Synthetic German source text.\n"
        for m in messages { source += "\(m.key): \(yamlQuoted(m.de))\n" }
        var result: [(path: String, contents: String)] = catalogs + [("Locales/de.yaml", source)]
        for (index, tag) in shape.locales.enumerated() {
            // Each locale's text differs a little, so that no two outputs are the same bytes.
            let marker = index == 0 ? "" : " [\(tag)]"
            var entries: [POEntry] = []
            for m in messages {
                let text = m.key == "ui.language-name" ? "Language \(tag)" : (m.key.hasPrefix("ui.") ? m.en : m.en + marker)
                entries.append(POEntry(context: m.key, id: m.de, string: text))
            }
            let header = POEntry(id: "", string: "Language: \(tag)\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n")
            result.append(("Locales/\(tag).po", POWriter.write(POFile(path: "Locales/\(tag).po", header: header, entries: entries))))
        }
        return result
    }

    /// One document's catalog and the messages its rows use. In a set (`document` given), row keys
    /// belong to the document, except every third row, whose sentence the documents share.
    static func catalogText(_ shape: Shape, id: String, titleKey: String, document: Int?) -> (String, [(key: String, de: String, en: String)]) {
        var messages: [(key: String, de: String, en: String)] = []
        var catalog = """
            # Synthetic PortDoc project: \(shape.roles) roles × \(shape.rowsPerRole) rows, generated by `portdoc generate`.
            document:
              id: \(id)
              source-locale: de
              title: \(titleKey)
              intro: [doc.intro]
              man:
                name: \(id == "synthetic-ports" ? "synthetic-ports" : "\(id)-ports")
                section: "7"
                date: "2024-01-02"
                source: Synthetic
            footnotes:
              - id: deprecated
                text: footnote.deprecated
            sections:

            """
        for role in 0..<shape.roles {
            catalog += """
                  - id: role-\(role)
                    heading: section.role-\(role)
                    tables:
                      - id: role-\(role)-ports
                        rows:

                """
            messages.append(("section.role-\(role)", "Rolle \(role): Server-Computer", "Role \(role): server computer"))
            for i in 0..<shape.rowsPerRole {
                let n = role * shape.rowsPerRole + i
                let port = 1024 + (n * 7) % 60000 + (document ?? 0)
                let key = document.map { n % 3 == 0 ? "row.shared.r\(role).\(i)" : "row.d\($0).r\(role).\(i)" } ?? "row.r\(role).\(i)"
                switch n % 5 {
                case 0:
                    // Two ports, a line and two bullets with a URL and a host name.
                    catalog += """
                                  - protocol: TCP
                                    transport: tcp
                                    ports: [\(port), {port: \(port + 1), failover-for: \(port)}]
                                    description:
                                      - line: \(key)
                                      - bullet: \(key).url
                                        args:
                                          url: {url: "https://downloads.example.com/r\(role)/\(i)"}
                                      - bullet: \(key).host
                                        args:
                                          host: {host: "push\(n).example.net"}

                        """
                    messages.append((key, "Kommunikation \(n) zwischen Agent und Server über Port \(port)", "Communication \(n) between agent and server over port \(port)"))
                    messages.append((key + ".url", "Herunterladen von Modulen ({url})", "Downloading modules ({url})"))
                    messages.append((key + ".host", "Benachrichtigungen über {host}", "Notifications through {host}"))
                case 1:
                    // A port range with a footnote.
                    catalog += """
                                  - protocol: UDP
                                    transport: udp
                                    ports: ["\(port)-\(port + 2)"]
                                    description:
                                      - line: \(key)
                                        footnotes: [deprecated]

                        """
                    messages.append((key, "Benachrichtigungen an den alten Dienst \(n)", "Notifications to the old service \(n)"))
                case 2:
                    // Labelled ports of an external database.
                    catalog += """
                                  - protocol: TCP
                                    transport: tcp
                                    ports: [{port: 1433, label: Microsoft SQL}, {port: 3306, label: MySQL}]
                                    description: \(key)

                        """
                    messages.append((key, "Verbindung \(n) zu einer externen Datenbank", "Connection \(n) to an external database"))
                default:
                    catalog += """
                                  - protocol: HTTPS
                                    transport: tcp
                                    ports: [\(port)]
                                    description: \(key)

                        """
                    messages.append((key, "Zugriff \(n) auf die Web-Konsole „Verwaltung“ & <Berichte>", "Access \(n) to the \"Management\" web console & <reports>"))
                }
            }
        }
        return (catalog, messages)
    }

    static func yamlQuoted(_ s: String) -> String {
        "\"" + s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
