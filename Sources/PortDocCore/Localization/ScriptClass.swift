/// A coarse script class of a Unicode scalar, for the rules that depend on how a script separates
/// words: Chinese, Japanese, Thai, Lao, Khmer and Myanmar text has no spaces between words, so a
/// Latin term right next to such a letter still stands as a whole word, and a line break inside
/// such text is not a space.
public enum ScriptClass: Equatable, Sendable {
    case latin, greek, cyrillic, armenian, hebrew, arabic, indic, hangul
    /// Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar), and
    /// the CJK punctuation and full-width forms used with them.
    case unspaced
    case other

    public static func of(_ scalar: Unicode.Scalar) -> ScriptClass {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF: .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: .greek
        case 0x400...0x52F, 0x2DE0...0x2DFF, 0xA640...0xA69F: .cyrillic
        case 0x530...0x58F: .armenian
        case 0x590...0x5FF, 0xFB1D...0xFB4F: .hebrew
        case 0x600...0x6FF, 0x750...0x77F, 0x8A0...0x8FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: .arabic
        case 0x900...0xDFF: .indic
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: .hangul
        case 0xE00...0xEFF, 0x1000...0x109F, 0x1780...0x17FF, 0x19E0...0x19FF,
             0x2E80...0x2FDF, 0x3000...0x312F, 0x31A0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x3FFFF: .unspaced
        default: .other
        }
    }

    /// A letter or digit.
    public static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// True when `a` directly followed by `b` continues one word: both are letters or digits of
    /// the same spaced script. Across scripts, and inside unspaced scripts, words may touch.
    public static func joinsWord(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        guard isWord(a), isWord(b) else { return false }
        let ca = of(a), cb = of(b)
        return ca == cb && ca != .unspaced
    }
}
