/// The guards that stop a run which can no longer make progress, with their counters.
///
/// Assumes: `checkStep` sees every accepted step, `checkEvent` every located event, and
/// `chatteringSurfaces` the surfaces of every contact, in time order.
/// Guarantees: a stall (`FlowOptions.stallLimit` steps in a row no longer than 16 ulps of
/// t: GSL creeping on where a field breaks down, as rk4 and bsimp do) throws
/// `stepSizeUnderflow`; `FlowOptions.accumulationLimit` events in a row closer together
/// than ten event-time tolerances (Zeno behaviour) throw `eventAccumulation`; a surface met
/// `FlowOptions.chatteringContactLimit` times within `FlowOptions.chatteringWindow`
/// event-time tolerances is handed back once as chattering, for the driver to slide on.
/// The guards change no state of the flow.
struct RunGuards {
    private let options: FlowOptions
    private var stalledStepCount = 0
    private var lastEventTime = -Double.infinity
    private var eventsInAccumulation = 0
    /// The surfaces met in the current run of accumulated events.
    private var accumulatedSurfaces = Set<Int>()
    /// The last few contact times of each surface ever contacted (few of the m, so not one
    /// array per surface).
    private var recentContacts: [Int: [Double]] = [:]

    init(options: FlowOptions) {
        self.options = options
    }

    /// After every accepted step of length `stepLength` ending at `t`.
    mutating func checkStep(length stepLength: Double, endingAt t: Double) throws(FlowError) {
        if stepLength <= 16 * t.ulp {
            stalledStepCount += 1
            if stalledStepCount >= options.stallLimit { throw .stepSizeUnderflow(t: t, h: stepLength) }
        } else {
            stalledStepCount = 0
        }
    }

    /// After every located event at `t`, where `surfaces` were met.
    mutating func checkEvent(at t: Double, surfaces: [Int]) throws(FlowError) {
        if t - lastEventTime <= 10 * options.eventTimeTolerance.time(near: t) {
            eventsInAccumulation += 1
            accumulatedSurfaces.formUnion(surfaces)
            if eventsInAccumulation >= options.accumulationLimit {
                throw .eventAccumulation(count: eventsInAccumulation, surfaces: accumulatedSurfaces.sorted(), t: t)
            }
        } else {
            eventsInAccumulation = 0
            accumulatedSurfaces = Set(surfaces)
        }
        lastEventTime = t
    }

    /// Records a contact of `surfaces` at `t`.
    /// - Returns: those met `chatteringContactLimit` times within the window (their count
    ///   starts afresh).
    mutating func chatteringSurfaces(among surfaces: [Int], at t: Double) -> [Int] {
        let window = options.chatteringWindow * options.eventTimeTolerance.time(near: t)
        var chattering: [Int] = []
        for j in surfaces {
            let contacts = recentContacts[j, default: []].filter { t - $0 <= window } + [t]
            guard contacts.count >= options.chatteringContactLimit else {
                recentContacts[j] = contacts
                continue
            }
            recentContacts[j] = nil
            chattering.append(j)
        }
        return chattering
    }
}
