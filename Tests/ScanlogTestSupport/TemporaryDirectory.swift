import Foundation

/// A temporary directory for one test, removed with everything in it when the test lets go of it.
public final class TemporaryDirectory {
    public let url: URL

    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("scanlog-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `data` to `name` inside the directory; returns its path.
    @discardableResult
    public func write(_ name: String, _ data: Data) -> String {
        let path = path(name)
        _ = FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String { write(name, Data(text.utf8)) }
}
