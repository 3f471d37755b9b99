import FlowEngine
import Models

/// One line of `timeline.jsonl`, in the network's words: a surface event of the flow or a
/// GD flip, a neuron or knot event that follows from one, a plateau bound, or a `stage`
/// (a neuron's norm crossing the watched level). Fields that do not apply are left out.
public struct TimelineRecord: Codable, Sendable, Equatable {
    public var time: Double
    /// GD timelines only: the iteration k (t = η·k).
    public var iteration: Int?
    /// `activation`, `deactivation`, `slide_start`, `slide_end`, `choice`, `chattering`,
    /// `neuron_death`, `neuron_revival`, `knot_exit`, `knot_entry`, `stage`,
    /// `plateau_start`, `plateau_end`.
    public var kind: String
    public var neuron: Int?
    public var sample: Int?
    /// `active` or `inactive`: the side a `slide_end` left to.
    public var exit: String?
    /// `active` or `inactive`: the side a `choice` took; `above` or `below` for a `stage`
    /// (the neuron's norm rose above or fell below the watched level); `left` or `right` for
    /// a knot event.
    public var side: String?
    /// The gate s after a slide start, slide end or chattering (an effective ReLU'(0)).
    public var gate: Double?
    /// Where a knot left or entered the data range (`knot_exit`, `knot_entry`).
    public var position: Double?
    /// GD timelines only: whether the flip undid one of the same pair within a few iterations.
    public var isChattering: Bool?
    /// The plateau's floors at its start (plateau entries of models that have floors,
    /// `PlateauFloors`): the projection floor Q_0 and the fixed-knot floor.
    public var projectionFloor: Double?
    public var fixedKnotFloor: Double?
    /// The loss at the entry (a plateau's level); `null` in the file, nil here, if not finite.
    public var loss: Double?
    /// ∇g·F on the inactive and the active side, for surface events of the flow.
    public var normalSpeedInactive: Double?
    public var normalSpeedActive: Double?

    enum CodingKeys: String, CodingKey {
        case time = "t", iteration, kind, neuron, sample, exit, side, gate, position, isChattering = "chattering"
        case projectionFloor = "projection_floor", fixedKnotFloor = "fixed_knot_floor", loss
        case normalSpeedInactive = "normal_speed_inactive", normalSpeedActive = "normal_speed_active"
    }

    public init(time: Double, kind: String, neuron: Int? = nil, sample: Int? = nil, loss: Double) {
        self.time = time
        self.kind = kind
        self.neuron = neuron
        self.sample = sample
        self.loss = loss
    }

    /// The loss, NaN where the file has `null`.
    public var lossValue: Double { loss ?? .nan }

    /// Whether the entry is a transition of one (neuron, sample) surface.
    public var isSurfaceEvent: Bool { sample != nil }

    /// The entry as one line of JSON.
    public var jsonLine: String {
        // The record holds only strings, numbers and booleans: encoding cannot fail.
        try! JSONTextEncoder().encode(self)
    }
}

extension TimelineRecord {
    /// A surface event: `activation` when the surface's positive side (pre-activation > 0)
    /// is entered, `deactivation` for the negative side; `slide_start`, `slide_end`,
    /// `choice` (a repelling surface where a side had to be chosen) and `chattering`
    /// otherwise; a `stage` for a neuron's norm crossing the watched level.
    public init(_ event: TimelineEvent, label: SurfaceLabel, loss: Double) {
        self.init(time: event.time, kind: "", neuron: label.neuron,
                  sample: label.sample == SurfaceLabel.everySample ? nil : label.sample, loss: loss)
        switch event.kind {
        case .crossing(into: .positive): kind = "activation"
        case .crossing(into: .negative): kind = "deactivation"
        case .slideStart:
            kind = "slide_start"
            gate = event.gate
        case .slideEnd(let exitSide):
            kind = "slide_end"
            exit = exitSide.activationWord
            gate = event.gate
        case .choice(let into):
            kind = "choice"
            side = into.activationWord
        case .chattering:
            kind = "chattering"
            gate = event.gate
        case .watched(let into):
            // A neuron's norm crossed the watched level: a jump (stage) time.
            kind = "stage"
            side = into.levelWord
        }
        normalSpeedInactive = event.negativeSideSpeed
        normalSpeedActive = event.positiveSideSpeed
    }

    /// `plateau_start` or `plateau_end` of a loss plateau, with its level as the loss and,
    /// where the model has them, the floors at the plateau's start.
    public init(plateauBoundaryAt time: Double, isStart: Bool, level: Double, floors: PlateauFloors?) {
        self.init(time: time, kind: isStart ? "plateau_start" : "plateau_end", loss: level)
        projectionFloor = floors?.projection
        fixedKnotFloor = floors?.fixedKnots
    }

    /// A knot event of a univariate model: `knot_exit` (the knot left the data range on
    /// `side`, its neuron active on every sample or on none) or `knot_entry`.
    public init(_ change: KnotRange.Change, time: Double, loss: Double) {
        self.init(time: time, kind: change.isInside ? "knot_entry" : "knot_exit", neuron: change.neuron, loss: loss)
        side = change.side?.rawValue
        position = change.position
    }

    /// A neuron event: `neuron_death` (active on no sample) or `neuron_revival`.
    public init(_ change: NeuronActivity.Change, time: Double, loss: Double) {
        self.init(time: time, kind: change.isAlive ? "neuron_revival" : "neuron_death", neuron: change.neuron, loss: loss)
    }

    /// `entries` (in time order) with a `plateau_start` and a `plateau_end` for every plateau
    /// (and its floors, if any) merged in; at equal times the other entries come first.
    public static func merging(_ entries: [TimelineRecord], plateaus: [PlateauDetector.Plateau],
                               floors: [PlateauFloors?]) -> [TimelineRecord] {
        let plateauEntries = zip(plateaus, floors).flatMap { plateau, floors in
            [TimelineRecord(plateauBoundaryAt: plateau.start, isStart: true, level: plateau.level, floors: floors),
             TimelineRecord(plateauBoundaryAt: plateau.end, isStart: false, level: plateau.level, floors: floors)]
        }
        return (entries.enumerated().map { ($0.element, $0.offset) }
            + plateauEntries.enumerated().map { ($0.element, entries.count + $0.offset) })
            .sorted { ($0.0.time, $0.1) < ($1.0.time, $1.1) }.map(\.0)
    }
}
