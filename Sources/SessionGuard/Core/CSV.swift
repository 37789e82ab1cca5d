import Foundation

/// Reading the CSV files administrators export (offboarding lists, Odoo's device log): RFC 4180
/// quoting, one record per line, fields trimmed.
public enum CSV {
    /// The fields of one line.
    public static func fields(_ line: String) -> [String] {
        var out: [String] = [], field = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" { if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false } } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(field); field = "" } else { field.append(c) }
        }
        out.append(field)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The lines of a text, trailing blank lines dropped.
    public static func lines(_ text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        return lines
    }
}
