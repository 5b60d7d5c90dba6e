/// The text form of a `portdoc check` report: one `path:line:col: severity: message [check-id]`
/// line per finding that needs reading (errors always), untranslated and fuzzy entries as counts
/// per section with their first keys (every one with `list`), then a summary table per locale and a
/// breakdown per section.
public enum CheckReportText {
    /// How many keys of each kind a section shows without `--list`.
    static let firstKeys = 3

    public static func render(_ report: TranslationCheck.Report, list: Bool = false) -> String {
        var out = ""
        var printed = false
        for locale in report.locales {
            for finding in locale.findings where list || !TranslationCheck.statusFindings.contains(finding.check) {
                out += finding.diagnostic.description + "\n"
                printed = true
            }
        }
        if printed { out += "\n" }
        if !list {
            for l in report.locales where l.counts.untranslated + l.counts.fuzzy > 0 {
                out += "\(l.locale): \(l.counts.untranslated) untranslated, \(l.counts.fuzzy) fuzzy or stale in \(l.file) (--list prints each with its position):\n"
                var rows: [[String]] = []
                for section in l.sections {
                    for (kind, keys) in [("untranslated", section.untranslatedKeys), ("fuzzy", section.fuzzyKeys)] where !keys.isEmpty {
                        let shown = keys.prefix(firstKeys).joined(separator: ", ")
                        let more = keys.count > firstKeys ? ", and \(keys.count - firstKeys) more" : ""
                        rows.append([section.section, "\(keys.count) \(kind)", shown + more])
                    }
                }
                out += table(rows, indent: "  ") + "\n"
            }
        }
        var rows = [["locale", "file", "translated", "fuzzy", "untranslated", "obsolete", "complete", "errors", "warnings", "result"]]
        for l in report.locales {
            rows.append([l.locale, l.file, "\(l.counts.translated)/\(l.counts.total)", "\(l.counts.fuzzy)", "\(l.counts.untranslated)",
                         "\(l.obsolete)", TranslationCheck.percent(l.counts.completeness), "\(l.errors)", "\(l.warnings)",
                         l.passed ? "pass" : "FAIL: " + l.failures.joined(separator: "; ")])
        }
        out += table(rows)
        for l in report.locales {
            out += "\n\(l.locale) by section:\n"
            var sectionRows = [["section", "translated", "fuzzy", "untranslated", "complete"]]
            for s in l.sections {
                sectionRows.append([s.section, "\(s.counts.translated)/\(s.counts.total)", "\(s.counts.fuzzy)", "\(s.counts.untranslated)", TranslationCheck.percent(s.counts.completeness)])
            }
            out += table(sectionRows, indent: "  ")
        }
        if report.locales.isEmpty { out += "check: no translations (Locales/*.po) to check\n" }
        let failed = report.locales.filter { !$0.passed }.map(\.locale)
        out += failed.isEmpty
            ? "\ncheck: \(report.locales.count) locale\(report.locales.count == 1 ? "" : "s") pass\n"
            : "\ncheck: \(failed.joined(separator: ", ")) below threshold\n"
        return out
    }

    /// Left-aligned columns separated by two spaces; widths count characters.
    static func table(_ rows: [[String]], indent: String = "") -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            let cells = row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }
            return indent + cells.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
