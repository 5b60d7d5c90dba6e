import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import XHTMLValidation

/// Dates shown in generated files: SOURCE_DATE_EPOCH when set (reproducible builds), else now. Always UTC,
/// so that neither TZ nor the locale changes a byte.
public enum BuildDate {
    /// The moment to show; an error when SOURCE_DATE_EPOCH is set but is not a whole number of seconds.
    public static func now(environment: [String: String] = ProcessEnvironment.values) throws(Diagnostic) -> Date {
        guard let value = environment["SOURCE_DATE_EPOCH"] else { return Date() }
        guard let seconds = Int64(value), seconds >= 0 else {
            throw Diagnostic.error("SOURCE_DATE_EPOCH='\(value)' is not a whole, non-negative number of seconds since 1970", at: nil, id: "env.source-date-epoch")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The day `YYYY-MM-DD`, for documents whose catalog gives no date.
    public static func isoDay(environment: [String: String] = ProcessEnvironment.values) throws(Diagnostic) -> String {
        let c = try utc(environment)
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))"
    }

    /// gettext's `PO-Revision-Date` format: `2026-11-29 15:04+0000`.
    public static func poRevisionDate(environment: [String: String] = ProcessEnvironment.values) throws(Diagnostic) -> String {
        let c = try utc(environment)
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))+0000"
    }

    private static func utc(_ environment: [String: String]) throws(Diagnostic) -> DateComponents {
        let date = try now(environment: environment)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    }

    private static func two(_ n: Int?) -> String {
        let v = n ?? 0
        return v < 10 ? "0\(v)" : "\(v)"
    }
}
