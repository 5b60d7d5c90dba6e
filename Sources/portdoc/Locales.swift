import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO

struct Locales: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locales",
        abstract: "Create and update the translation files (Locales/<tag>.po).",
        subcommands: [Update.self, Add.self]
    )

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Bring every Locales/<tag>.po in line with the German source, like msgmerge.",
            discussion: """
                New keys are added untranslated. An entry whose source text changed keeps its translation, \
                is marked '#, fuzzy' and keeps the old text as '#| msgid'. Keys the source no longer has \
                become obsolete '#~' entries; nothing is deleted. Translator comments and flags are kept; \
                '#.' notes for translators are regenerated. A file is rewritten atomically, and only when \
                something changed.

                Exit 0 on success (with --dry-run: when nothing would change), 1 when the project has errors \
                (or --dry-run finds changes), 2 when a file cannot be written.
                """
        )

        @OptionGroup var options: ProjectOptions

        @Option(name: .customLong("locale"), help: ArgumentHelp("Update only this locale (repeatable). Default: all.", valueName: "tag"))
        var locales: [String] = []

        @Flag(name: .customLong("dry-run"), help: "Print what would change without writing; exit 1 if something would.")
        var dryRun = false

        func validate() throws {
            for tag in locales {
                if let problem = LocaleTag.problem(with: tag) { throw ValidationError("--locale \(problem)") }
            }
        }

        func run() throws {
            let project = try loadProject(options)
            for tag in locales where project.translations[tag] == nil {
                throw failure("no translation for '\(tag)'; create it with 'portdoc locales add \(tag)'", status: ExitStatus.findings)
            }
            var changed = 0
            for tag in project.locales where project.translations[tag] != nil && (locales.isEmpty || locales.contains(tag)) {
                guard let translation = project.translations[tag] else { continue }
                let (merged, summary) = POMerge.merge(translation.file, source: project.source, notes: TranslatorNotes.notes(for: project, locale: tag))
                let path = translation.file.path
                if merged == translation.file {
                    print("\(tag): \(path) is up to date (\(summary.line))")
                    continue
                }
                changed += 1
                let details = detailLines(summary)
                if dryRun {
                    print("\(tag): \(path) would change: \(summary.line)")
                } else {
                    do {
                        try AtomicFile.write(POWriter.write(merged), to: options.root.appendingPathComponent(path))
                    } catch {
                        throw failure("cannot write \(path): \(describe(error))", status: ExitStatus.environment)
                    }
                    print("\(tag): updated \(path): \(summary.line)")
                }
                for line in details { print("  \(line)") }
            }
            if dryRun && changed > 0 { throw ExitCode(ExitStatus.findings) }
        }

        func detailLines(_ s: POMerge.Summary) -> [String] {
            s.added.map { "new: \($0)" } + s.fuzzied.map { "fuzzy, source changed: \($0)" }
                + s.renamed.map { "fuzzy, key renamed: \($0.from) -> \($0.to)" }
                + s.updatedUntranslated.map { "untranslated, source changed: \($0)" }
                + s.revived.map { "revived: \($0)" } + s.obsoleted.map { "obsolete: \($0)" }
                + s.renoted.map { "new notes for translators: \($0)" }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create Locales/<tag>.po with every message untranslated and a complete header.",
            discussion: """
                The header names the Language and, where gettext's table knows the language, its Plural-Forms. \
                PO-Revision-Date is the current time, or SOURCE_DATE_EPOCH when set.

                Exit 0 on success, 1 when the file exists or the project has errors, 2 when it cannot be written, \
                64 when the tag is not a well-formed BCP 47 tag.
                """
        )

        @OptionGroup var options: ProjectOptions

        @Argument(help: ArgumentHelp("A BCP 47 language tag, such as fr, pt-BR or sr-Latn (gettext's pt_BR and sr@latin are read as those).", valueName: "tag"))
        var given: String

        /// The tag as BCP 47 writes it.
        var tag: String { LocaleTag.fromGettext(given) }

        func validate() throws {
            if let problem = LocaleTag.problem(with: tag) { throw ValidationError("the tag \(problem)") }
        }

        func run() throws {
            let project = try loadProject(options)
            let sourceLocale = project.sourceLocale
            if tag.lowercased() == sourceLocale.lowercased() {
                throw failure("'\(tag)' is the source locale; its text lives in Locales/\(sourceLocale).yaml", status: ExitStatus.findings)
            }
            if let existing = project.translations.first(where: { $0.key.lowercased() == tag.lowercased() })?.value {
                throw failure("\(existing.file.path) already exists; run 'portdoc locales update' to bring it up to date", status: ExitStatus.findings)
            }
            let path = "Locales/\(tag).po"
            let revisionDate: String
            do { revisionDate = try BuildDate.poRevisionDate() } catch { throw failure(error.message, status: ExitStatus.environment) }
            let file = NewLocale.file(tag: tag, path: path, projectID: project.documents.map(\.document.id).joined(separator: ", "), source: project.source,
                                      notes: TranslatorNotes.notes(for: project, locale: tag), revisionDate: revisionDate)
            do {
                try AtomicFile.write(POWriter.write(file), to: options.root.appendingPathComponent(path))
            } catch {
                throw failure("cannot write \(path): \(describe(error))", status: ExitStatus.environment)
            }
            print("created \(path): \(file.entries.count) messages to translate")
            if NewLocale.pluralForms(for: tag) == nil {
                print("note: no Plural-Forms rule is known for '\(tag)'; add one to the header if the language needs plurals")
            }
        }
    }
}

