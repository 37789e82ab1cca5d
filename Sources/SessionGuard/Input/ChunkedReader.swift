import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why an input could not be read. The rest of the run goes on without it (exit code 3).
public struct InputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Hands out a log file as buffers of whole lines read into a 4 MiB window, never building strings:
/// the parser works on these bytes directly.
///
/// Mapping the file measured as fast, but mapped pages count as resident memory for the whole
/// file (200 MB for the 1M-line benchmark corpus against 44 MB); the window keeps the footprint
/// flat however large the log. `.gz` files (any number of gzip members, as logrotate's
/// `delaycompress` + `cat` can make) are inflated through zlib into the same window; `-` reads
/// standard input.
public final class ChunkedReader {
    public let path: String
    private let fd: Int32
    private var gzip: GzipStream?
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var carry = 0
    private var eof = false
    /// Bytes of the file consumed so far (compressed files: inflated bytes).
    public private(set) var bytesRead = 0
    /// Keep an unfinished last line (no newline yet) back instead of returning it: Odoo may be in
    /// the middle of writing it, and the next run reads it whole (checkpointed reading).
    public var holdUnfinishedLine = false
    /// Bytes up to the end of the last complete line returned: where the next run resumes.
    public var completeBytes: Int { bytesRead - carry - carryPending - (eof ? held : 0) }
    private var held = 0
    private var rescan = false
    private var carryPending: Int { pendingShift?.count ?? 0 }

    public static let window = 4 << 20

    /// `window`: bytes read (or inflated) at a time; probes that look at a file's first lines take a small one.
    public init(path: String, window: Int = ChunkedReader.window) throws(InputError) {
        // Every check that can fail runs before any stored property is set: a throwing init then
        // releases nothing twice (once all are set, `deinit` would run too).
        var descriptor: Int32 = 0
        if path != "-" {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw InputError(path: path, reason: String(cString: strerror(errno))) }
            var st = stat()
            let statFailed = fstat(descriptor, &st) != 0
            let reason = statFailed ? String(cString: strerror(errno)) : "is a directory"
            if statFailed || (st.st_mode & S_IFMT) == S_IFDIR {
                close(descriptor)
                throw InputError(path: path, reason: reason)
            }
            if !path.hasSuffix(".gz") { _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL)) }
        }
        self.path = path
        fd = descriptor
        gzip = path != "-" && path.hasSuffix(".gz") ? GzipStream(fd: descriptor) : nil
        capacity = max(window, 4096)
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit {
        if fd > 0 { close(fd) }
        buffer.deallocate()
    }

    /// Calls `body` with each line (without its newline) until it returns false or the file ends:
    /// for the cold paths that want lines, not windows (first record times, evidence lines).
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Bool) throws {
        while let chunk = try next(), let base = chunk.baseAddress {
            var start = 0
            while start < chunk.count {
                let nl = memchr(base + start, 0x0A, chunk.count - start)
                let stop = nl.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? chunk.count
                guard try body(UnsafeBufferPointer(start: base + start, count: stop - start)) else { return }
                start = stop + 1
            }
        }
    }

    /// Skips the first `count` bytes of content (of the inflated stream for `.gz`), which must end
    /// at a line boundary: where an earlier run stopped. Returns false when the content is shorter
    /// (the file was truncated or replaced).
    public func skip(_ count: Int) throws(InputError) -> Bool {
        guard count > 0 else { return true }
        if gzip == nil, path != "-" {
            var st = stat()
            guard fstat(fd, &st) == 0, Int(st.st_size) >= count, lseek(fd, off_t(count), SEEK_SET) == off_t(count) else { return false }
            bytesRead = count
            return true
        }
        var skipped = 0
        while skipped < count {
            let n = try fill(buffer, capacity)
            if n == 0 { return false }
            bytesRead += n
            if skipped + n > count {
                carry = skipped + n - count
                buffer.update(from: buffer + (count - skipped), count: carry)
                rescan = true
                return true
            }
            skipped += n
        }
        return true
    }

    /// The next buffer of whole lines (the very last line of a file may lack its newline), or nil
    /// at the end. A buffer stays valid until the next call.
    public func next() throws(InputError) -> UnsafeBufferPointer<UInt8>? {
        if let shift = pendingShift {  // the previous buffer is released: keep its unfinished line
            pendingShift = nil
            if shift.count > 0 { buffer.update(from: buffer + shift.from, count: shift.count) }
            carry = shift.count
        }
        while true {
            if eof {
                if carry == 0 { return nil }
                if holdUnfinishedLine {
                    // Complete lines still waiting (after a skip) go out; the unfinished one waits.
                    var last = carry - 1
                    while last >= 0, buffer[last] != 0x0A { last -= 1 }
                    if last < 0 {
                        held = carry
                        carry = 0
                        return nil
                    }
                    pendingShift = (last + 1, carry - (last + 1))
                    carry = 0
                    return UnsafeBufferPointer(start: buffer, count: last + 1)
                }
                let n = carry
                carry = 0
                return UnsafeBufferPointer(start: buffer, count: n)
            }
            if carry == capacity {  // one line longer than the window: grow
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: carry)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = try fill(buffer + carry, capacity - carry)
            if n == 0 { eof = true; continue }
            bytesRead += n
            let filled = carry + n
            // Find the last newline; everything after it waits for the next call.
            var last = filled - 1
            let scanFrom = rescan ? 0 : carry  // after a skip the carried bytes may hold whole lines
            rescan = false
            while last >= scanFrom, buffer[last] != 0x0A { last -= 1 }
            if last < scanFrom {
                carry = filled
                continue
            }
            let out = UnsafeBufferPointer(start: buffer, count: last + 1)
            let rest = filled - (last + 1)
            // The unfinished tail moves to the front on the next call, once the caller is done.
            pendingShift = (last + 1, rest)
            carry = 0
            return out
        }
    }

    private var pendingShift: (from: Int, count: Int)?

    private func fill(_ into: UnsafeMutablePointer<UInt8>, _ count: Int) throws(InputError) -> Int {
        if let gzip {
            do { return try gzip.read(into: into, capacity: count) } catch {
                throw InputError(path: path, reason: error.reason)
            }
        }
        while true {
            let n = read(fd, into, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw InputError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// zlib's inflate over a file descriptor; the only user of the zlib C API.
final class GzipStream {
    struct Failure: Error { let reason: String }

    private var stream = z_stream()
    private let fd: Int32
    private let input = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
    private var inputEOF = false
    private var ended = false
    private var memberDone = false

    init(fd: Int32) {
        self.fd = fd
        _ = sg_inflate_init2(&stream, 15 + 32)  // 32: accept gzip and zlib headers
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// An error met after some bytes were inflated: those bytes are returned first, the error on
    /// the next call, so a damaged archive still yields everything before the damage.
    private var pending: Failure?

    func read(into out: UnsafeMutablePointer<UInt8>, capacity: Int) throws(Failure) -> Int {
        if let pending {
            self.pending = nil
            ended = true
            throw pending
        }
        if ended { return 0 }
        stream.next_out = out
        stream.avail_out = uInt(capacity)
        do {
            try inflateSome()
        } catch {
            let produced = capacity - Int(stream.avail_out)
            if produced == 0 {
                ended = true
                throw error
            }
            pending = error
        }
        return capacity - Int(stream.avail_out)
    }

    private func inflateSome() throws(Failure) {
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEOF {
                let n = Glibc.read(fd, input, 1 << 20)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(reason: String(cString: strerror(errno)))
                }
                if n == 0 { inputEOF = true } else {
                    stream.next_in = input
                    stream.avail_in = uInt(n)
                }
            }
            if memberDone {
                // Zero padding after a complete member (tape and some rotation tools) is not data.
                while stream.avail_in > 0 && stream.next_in.pointee == 0 {
                    stream.next_in += 1
                    stream.avail_in -= 1
                }
                if stream.avail_in == 0 {
                    if inputEOF { ended = true; return }
                    continue
                }
                inflateReset(&stream)  // another gzip member follows
                memberDone = false
            }
            if stream.avail_in == 0 && inputEOF {
                if sawInput {
                    throw Failure(reason: "compressed data ends early (truncated .gz file?)")
                }
                ended = true  // an empty file
                return
            }
            sawInput = true
            let rc = inflate(&stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                memberDone = true
                members += 1
            } else if rc != Z_OK && rc != Z_BUF_ERROR {
                let msg = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw Failure(reason: members > 0 ? "damaged gzip data: \(msg)" : "not a valid gzip file: \(msg)")
            }
        }
    }

    private var sawInput = false
    private var members = 0
}
