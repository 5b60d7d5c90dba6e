import Dispatch
import Foundation
import PortDocIO

/// SIGINT, SIGTERM and SIGHUP end the process with a message and exit status 128 + signal, after
/// removing temporary files; the output folder is either the previous one or the new one, whole.
/// SIGXFSZ is ignored so that a file-size limit becomes a write error with a message, not a crash.
enum Signals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    /// What a long-running command (serve) says when a signal ends it, instead of the build's words.
    nonisolated(unsafe) static var stopping: String?

    static func install() {
        signal(SIGXFSZ, SIG_IGN)
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let (replaced, _) = Interruption.cleanUpForExit()
                let state = stopping ?? (replaced ? "the output folder was already replaced and is complete" : "nothing was changed")
                FileHandle.standardError.write(Data("portdoc: interrupted by \(name); \(state)\n".utf8))
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
