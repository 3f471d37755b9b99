import Foundation

/// A file written under a hidden temporary name in its final folder and renamed into
/// place by `commit()`: readers see either the previous file or the complete new one.
final class OutputFile {
    let url: URL
    private let temporaryURL: URL
    private let handle: FileHandle
    private var buffer = ""

    init(_ url: URL) throws {
        self.url = url
        temporaryURL = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: temporaryURL.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporaryURL.path])
        }
        handle = try FileHandle(forWritingTo: temporaryURL)
    }

    func write(_ text: String) throws {
        buffer += text
        if buffer.utf8.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer = ""
    }

    func commit() throws {
        try flush()
        try handle.close()
        guard rename(temporaryURL.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporaryURL)
    }
}
