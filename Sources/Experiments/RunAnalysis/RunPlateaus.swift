import Models

/// A run's plateaus, found step by step as the run goes (`PlateauDetector.Scan`), with the
/// floors of each at its start for models that have floors (`PlateauFloorProviding`).
/// Only the state at the start of the flat stretch the run is in is kept, not the
/// trajectory.
public struct RunPlateaus {
    private var scan: PlateauDetector.Scan
    private let floorProvider: (any PlateauFloorProviding)?
    private var previousState: [Double] = []
    private var stretchStart: [Double] = []
    /// The floors of each plateau closed so far, nil for models without floors.
    public private(set) var floors: [PlateauFloors?] = []

    public init(detector: PlateauDetector, floorProvider: (any PlateauFloorProviding)?) {
        scan = PlateauDetector.Scan(detector)
        self.floorProvider = floorProvider
    }

    /// Adds an accepted step's (t, L) and state θ.
    public mutating func add(time: Double, loss: Double, state: UnsafeBufferPointer<Double>) {
        let closedCount = scan.plateaus.count
        if scan.add(time: time, loss: loss) { stretchStart = previousState }
        if scan.plateaus.count > closedCount { recordFloors() }
        if floorProvider != nil { previousState = Array(state) }
    }

    /// Closes the stretch open at the end of the run; the plateaus and their floors.
    public mutating func finish() -> (plateaus: [PlateauDetector.Plateau], floors: [PlateauFloors?]) {
        let closedCount = scan.plateaus.count
        let plateaus = scan.finish()
        if plateaus.count > closedCount { recordFloors() }
        return (plateaus, floors)
    }

    private mutating func recordFloors() {
        floors.append(floorProvider.map { $0.plateauFloors(at: stretchStart) })
    }
}
