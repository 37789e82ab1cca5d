import Foundation

/// Writes files that hold personal data (logins, addresses, session identifiers) readable by
/// their owner only: through a 0600 temporary file in the same directory, renamed into place, so a
/// reader never sees half a file and an existing world-readable file is replaced, not reused.
/// (`mode` 0644 is for files meant for other readers, such as metrics, which hold no personal data.)
public enum PrivateFile {
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw StoreError("\(temp): \(String(cString: strerror(errno)))") }
        if mode != 0o600 { _ = fchmod(fd, mode) }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                offset += n
            }
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw StoreError("\(path): \(reason)")
        }
    }
}
