import Models

/// One loss plateau in summary.json (`plateaus`) or compare.json (`gd_plateaus`).
public struct PlateauRecord: Codable, Sendable, Equatable {
    public let start: Double
    public let end: Double
    public let level: Double
    public let duration: Double
    /// The floors at the plateau's start (univariate knot model, `PlateauFloors`): the
    /// projection floor Q_0 and the best loss over c with the knots held fixed.
    public let projectionFloor: Double?
    public let fixedKnotFloor: Double?

    enum CodingKeys: String, CodingKey {
        case start, end, level, duration, projectionFloor = "projection_floor", fixedKnotFloor = "fixed_knot_floor"
    }

    public init(_ plateau: PlateauDetector.Plateau, floors: PlateauFloors? = nil) {
        start = plateau.start
        end = plateau.end
        level = plateau.level
        duration = plateau.duration
        projectionFloor = floors?.projection
        fixedKnotFloor = floors?.fixedKnots
    }
}
