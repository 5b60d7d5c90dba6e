/// The text form of a `portdoc check` report: one `path:line:col: severity: message [check-id]`
/// line per finding, then a summary table per locale and a breakdown per section.
public enum CheckReportText {
    public static func render(_ report: TranslationCheck.Report) -> String {
        var out = ""
        for locale in report.locales {
            for finding in locale.findings { out += finding.diagnostic.description + "\n" }
        }
        if report.locales.contains(where: { !$0.findings.isEmpty }) { out += "\n" }
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
