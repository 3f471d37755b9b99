/// One loss plateau in summary.json (`plateaus`) or compare.json (`gd_plateaus`).
public struct PlateauRecord: Codable, Sendable, Equatable {
    public let start: Double
    public let end: Double
    public let level: Double
    public let duration: Double
    /// The floor Q_0 of the partition at the plateau's start (univariate knot model).
    public let floor: Double?

    public init(_ plateau: PlateauDetector.Plateau, floor: Double? = nil) {
        start = plateau.start
        end = plateau.end
        level = plateau.level
        duration = plateau.duration
        self.floor = floor
    }
}
