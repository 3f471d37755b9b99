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

    var description: String {
        [file, location, message].compactMap { $0 }.joined(separator: ": ")
    }
}
