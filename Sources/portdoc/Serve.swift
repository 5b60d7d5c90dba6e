import ArgumentParser
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCommandLine

/// `portdoc serve` checks its options and then becomes `portdoc-serve` (installed next to
/// `portdoc`), which holds the HTTP server: linking FlyingFox into `portdoc` itself loaded the
/// networking part of Foundation and libcurl with some thirty libraries at every start, which
/// took `portdoc --version` from 13.7 ms to 20.7 ms (medians of 30 runs, dynamic linking) here.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: ServeOptions.abstract,
        discussion: "Output/ is never written. Catalog/, Locales/ and Templates/ are polled every 0.25 s (--interval); after a change the project is built again, only the files whose bytes changed are replaced, and open pages that show them reload. When a build fails, the terminal prints the errors and open pages show them in an overlay with file:line:col over the last good page; fixing the file removes it. Man pages are shown through mandoc -T html and Markdown through cmark-gfm under /__portdoc/, which lists every output file. A script is added to served pages only. Ctrl-C stops the server, removes the temporary folder and exits 130; an address in use exits 2."
    )

    @OptionGroup var options: ServeOptions

    func run() throws {
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let helper = own.deletingLastPathComponent().appendingPathComponent("portdoc-serve").path
        guard FileManager.default.isExecutableFile(atPath: helper) else {
            throw failure("\(helper) is missing; portdoc serve needs the portdoc-serve program next to portdoc (make install puts it there)", status: ExitStatus.environment)
        }
        let arguments = CommandLine.arguments
        let after = arguments.firstIndex(of: "serve").map { Array(arguments[($0 + 1)...]) } ?? []
        let argv = (["portdoc-serve"] + after).map { strdup($0) } + [nil]
        execv(helper, argv)
        throw failure("cannot start \(helper): \(String(cString: strerror(errno)))", status: ExitStatus.environment)
    }
}
