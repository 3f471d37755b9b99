import Foundation

/// The sweep's point list as saved in `DIR/sweep-points.json`: enough for `collect` to
/// check every point is there and to write the table, without the sweep file.
public struct SweepManifest: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let values: [String]
    }

    public let columns: [String]
    public let points: [Entry]

    public init(definition: SweepDefinition, points: [SweepPoint]) {
        columns = definition.columns
        self.points = points.map { Entry(name: $0.name, values: $0.assignments.map(\.value.text)) }
    }

    /// The same bytes from every shard, so concurrent shards may each write it.
    public func write(to url: URL) throws {
        let object: [String: Any] = [
            "columns": columns,
            "points": points.map { ["name": $0.name, "values": $0.values] as [String: Any] },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: url, options: .atomic)
    }

    public static func read(_ url: URL) throws(SweepError) -> SweepManifest {
        guard let data = try? Data(contentsOf: url),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let columns = object["columns"] as? [String],
              let points = object["points"] as? [[String: Any]] else {
            throw SweepError("\(url.path): missing or not a sweep point list (run `reluflow sweep` into this folder first)")
        }
        let entries = points.compactMap { point in
            (point["name"] as? String).flatMap { name in (point["values"] as? [String]).map { Entry(name: name, values: $0) } }
        }
        guard entries.count == points.count else { throw SweepError("\(url.path): a point has no name or values") }
        return SweepManifest(columns: columns, points: entries)
    }

    private init(columns: [String], points: [Entry]) {
        self.columns = columns
        self.points = points
    }
}
