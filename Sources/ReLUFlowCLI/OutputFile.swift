import Foundation

/// A file written under a hidden temporary name in its final folder and renamed into
/// place by `commit()`: readers see either the previous file or the complete new one.
final class OutputFile {
    let url: URL
    private let temporaryURL: URL
    private let handle: FileHandle
    private var buffer = ""
    /// The end of a temporary file's name: `.<name>.partial`.
    static let temporarySuffix = ".partial"

    /// - Throws: `OutputFileError` naming the temporary file if it cannot be created.
    init(_ url: URL) throws(OutputFileError) {
        self.url = url
        temporaryURL = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent)\(Self.temporarySuffix)")
        guard FileManager.default.createFile(atPath: temporaryURL.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporaryURL) else {
            throw OutputFileError(path: temporaryURL.path, reason: "cannot create the file")
        }
        self.handle = handle
    }

    /// Appends `text`: buffered, unless it is long enough to go to the file as it is.
    func write(_ text: String) throws(OutputFileError) {
        guard text.utf8.count < Self.bufferSize else {
            try flush()
            return try writeBytes(of: text)
        }
        buffer += text
        if buffer.utf8.count >= Self.bufferSize { try flush() }
    }

    private static let bufferSize = 1 << 16

    private func flush() throws(OutputFileError) {
        try writeBytes(of: buffer)
        buffer = ""
    }

    /// The UTF-8 of `text`, written from the string's own storage (a summary's long array
    /// is not copied once more).
    private func writeBytes(of text: String) throws(OutputFileError) {
        var text = text
        do { try text.withUTF8 { try handle.write(contentsOf: UnsafeRawBufferPointer($0)) } } catch {
            throw OutputFileError(path: temporaryURL.path, reason: Scenario.reason(error))
        }
    }

    /// Writes what is buffered and renames the file into place.
    /// - Throws: `OutputFileError` naming the final path if it cannot be moved there.
    func commit() throws(OutputFileError) {
        try flush()
        try? handle.close()
        guard rename(temporaryURL.path, url.path) == 0 else {
            throw OutputFileError(path: url.path, reason: String(cString: strerror(errno)))
        }
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporaryURL)
    }
}

/// A run file that could not be written or moved into place. After a run this is its own
/// outcome (exit status 1): the flow ran, but its results are not all on disk.
struct OutputFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    var description: String { "cannot write \(path): \(reason)" }

    /// What went wrong in `error`, an `OutputFileError` or a Foundation error.
    static func reason(_ error: Error) -> String {
        (error as? OutputFileError)?.description ?? Scenario.reason(error)
    }
}
