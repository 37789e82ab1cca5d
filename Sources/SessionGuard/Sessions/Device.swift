import Foundation

/// A device class — platform and browser — read from a user agent, the grain Odoo's own device
/// log uses (`res_device_log.platform`, `.browser`). Versions are left out on purpose: a browser
/// update is not a new device.
public struct DeviceClass: Sendable, Hashable, CustomStringConvertible {
    public var platform: String
    public var browser: String

    public var description: String { "\(platform)/\(browser)" }

    public init(platform: String, browser: String) {
        self.platform = platform
        self.browser = browser
    }

    /// Classifies a user agent; nil when it is empty. Unknown shapes keep a short, stable token.
    public init?(userAgent ua: String) {
        let text = ua.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text != "-" else { return nil }
        let lower = text.lowercased()
        // Odoo 18's `platform/browser` pair as the device log stores it (e.g. "linux/chrome").
        if !lower.contains(" "), lower.split(separator: "/").count == 2, !lower.contains("."),
           let slash = lower.firstIndex(of: "/") {
            self.init(platform: String(lower[..<slash]), browser: String(lower[lower.index(after: slash)...]))
            return
        }
        func has(_ s: String) -> Bool { lower.contains(s) }
        let platform: String
        if has("android") { platform = "android" }
        else if has("iphone") || has("ipad") || has("ipod") { platform = "ios" }
        else if has("windows") { platform = "windows" }
        else if has("cros") { platform = "chromeos" }
        else if has("mac os x") || has("macintosh") { platform = "macos" }
        else if has("linux") || has("x11") { platform = "linux" }
        else { platform = "other" }
        let browser: String
        if has("edg/") || has("edge/") { browser = "edge" }
        else if has("opr/") || has("opera") { browser = "opera" }
        else if has("samsungbrowser") { browser = "samsung" }
        else if has("firefox/") || has("fxios") { browser = "firefox" }
        else if has("chrome/") || has("crios") || has("chromium") { browser = "chrome" }
        else if has("safari/") { browser = "safari" }
        else if has("odoomobile") || has("odoo mobile") { browser = "odoo-app" }
        else {
            // Scripts and libraries: python-requests/2.31, curl/8.5, okhttp/4 → the product token.
            let token = lower.split(whereSeparator: { $0 == "/" || $0 == " " }).first.map(String.init) ?? "other"
            browser = String(token.prefix(32))
        }
        self.init(platform: platform, browser: browser)
    }
}
