/// Input text rules shared by every loader: UTF-8 only, a byte-order mark and CRLF line endings accepted.
public enum TextNormalization {
    public static func stripBOM(_ text: String) -> String {
        text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    /// Decodes UTF-8 strictly; reports the line and column of the first invalid byte.
    public static func decodeUTF8(_ bytes: [UInt8], path: String) -> Result<String, Diagnostic> {
        var line = 1, column = 1
        var index = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                index += String(scalar).utf8.count
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                var text = String(scalars)
                text = stripBOM(text)
                return .success(text.replacingCRLF())
            case .error:
                return .failure(.error("invalid UTF-8 near byte \(index + 1); the file must be UTF-8",
                                       at: SourceLocation(path: path, line: line, column: column), id: "input.encoding"))
            }
        }
    }
}

extension String {
    /// CRLF → LF, so that line numbers and output bytes do not depend on the editor's line endings.
    func replacingCRLF() -> String {
        guard contains("\r\n") else { return self }
        var out = ""
        out.reserveCapacity(utf8.count)
        var pendingCR = false
        for scalar in unicodeScalars {
            if pendingCR {
                if scalar != "\n" { out.unicodeScalars.append("\r") }
                pendingCR = false
            }
            if scalar == "\r" { pendingCR = true } else { out.unicodeScalars.append(scalar) }
        }
        if pendingCR { out.unicodeScalars.append("\r") }
        return out
    }
}
