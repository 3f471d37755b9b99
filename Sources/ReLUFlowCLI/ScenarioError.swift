import Foundation

/// Why a scenario, or a file it names, was rejected. Every message names the file, and the
/// field, line or column where there is one.
struct ScenarioError: Error, CustomStringConvertible {
    let file: String
    let location: String?
    let message: String

    init(file: String, _ location: String?, _ message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    init(file: String, _ message: String) {
        self.init(file: file, nil, message)
    }

    /// `url` could not be read as `what` ("the init file"): it is a folder, or the
    /// system's reason (a missing file, no permission).
    static func unreadable(_ url: URL, as what: String, _ error: Error) -> ScenarioError {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        return ScenarioError(file: url.path, exists && isFolder.boolValue
            ? "is a folder, not \(what)" : "cannot read \(what) (\(Scenario.reason(error)))")
    }

    var description: String {
        [file, location, message].compactMap { $0 }.joined(separator: ": ")
    }
}
