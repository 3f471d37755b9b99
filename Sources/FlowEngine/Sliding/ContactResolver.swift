/// Decides the mode after surfaces were met together, and what to record about it.
///
/// Assumes: the current state is at the contact (an event time, or the start), the
/// workspace's current buffers were evaluated there in the mode as it stands, and every
/// surface in `contacts` is within the event tolerance of its zero.
/// Guarantees: the returned resolution is consistent as a whole (codimension ≥ 2
/// included): each contact is classified from its one-sided normal speeds with the rest of
/// the mode as decided, Gauss–Seidel until nothing changes, and a surface slid on whose
/// solved gate left [0, 1] leaves to that side and becomes a contact itself. Where that does
/// not settle, every contact slides if the equivalent control allows it (`slidesOnAll`). The mode is
/// handed back unchanged (the resolution is a value for the caller to apply); the current
/// buffers end evaluated in the resolved mode.
///
/// The rules, from σ− = ∇g_j·F(x, s_j = 0) and σ+ = ∇g_j·F(x, s_j = 1) (`SurfaceClassifier`):
/// crossing to one side, or attracting (the surface joins the sliding set). Repelling and
/// tangential contacts are consistent on either side, so they keep the side they are on,
/// and so does a contact whose own side's field is tangent (σ = 0 there, the other side
/// leaving). Coincident surfaces are decided as one, by their group's leader
/// (`SurfaceGroups`), and every member is recorded with the leader's outcome. Only a contact with no side yet (a start on the surface) takes the repelling
/// rule's side, recorded as a choice, or, if tangential, the side of g. A start where one
/// side's field is tangent and the other leaves (σ− = 0 < σ+, as where every gated term
/// vanishes on the surface, or σ− < 0 = σ+) is non-unique too and also follows the rule.
///
/// Below the integrator's resolution (`ResolutionBand`) contacts are decided with
/// hysteresis. Rule B: a contact that was on a side and would cross, while the normal speed
/// on its own side is below the resolvable speed v_j = ε_j / h, is held on the surface
/// (it slides, its gate from the equivalent control) instead of being flipped on noise,
/// provided the jump of normal speeds |σ+ − σ−| exceeds v_j. Rule D: a contact that would
/// cross while both normal speeds are below v_j keeps its side (`Resolution.unresolved`;
/// its band becomes its hysteresis width, as after a slide exit): on either side g_j moves
/// less than ε_j over a step, so which side the flow is on is the integrator's noise.
/// Rule A: a surface slid on leaves only when its solved gate is outside [0, 1] by more
/// than the gate tolerance plus its resolvable margin μ_j (the one it slid with, else the
/// one at x).
///
/// Reference: Filippov (1988) §2.4; DESIGN.md.
final class ContactResolver<System: PiecewiseSmoothSystem> {
    /// What a surface does in a mode: the flow is on one side of it, or slides on it.
    enum SurfaceState: Equatable {
        case on(Side)
        case sliding
    }

    /// The outcome of a contact, as values.
    struct Resolution {
        /// The sliding set afterwards, in solving order.
        let slidingSurfaces: [Int]
        /// The side of every contact that is off the sliding set afterwards.
        let sides: [(surface: Int, side: Side)]
        /// One entry per surface whose state changed (every contact at the start), in
        /// surface order.
        let events: [TimelineEvent]
        /// Contacts that kept their side with the state on or across the surface (true: a
        /// grazing touch, watched like a surface just left) and contacts crossed (false).
        let departures: [(surface: Int, isDeparting: Bool)]
        /// Contacts kept on their side by rule D (both normal speeds below the resolvable
        /// speed), every member: their band ε_j is their hysteresis width, as after a slide exit.
        let unresolved: [Int]
    }

    private let evaluator: StateEvaluator<System>
    private let band: ResolutionBand<System>
    private let repellingRule: RepellingSurfaceRule
    private let gateTolerance: Double

    init(evaluator: StateEvaluator<System>, band: ResolutionBand<System>, repellingRule: RepellingSurfaceRule,
         gateTolerance: Double) {
        self.evaluator = evaluator
        self.band = band
        self.repellingRule = repellingRule
        self.gateTolerance = gateTolerance
    }

    private var mode: ModeField<System> { evaluator.mode }
    private var workspace: FlowWorkspace { evaluator.workspace }

    /// - Parameters:
    ///   - contacts: the surfaces met.
    ///   - t: the time of the contact.
    ///   - isStart: a start on the surfaces (t = 0): no contact has a side yet, and every
    ///     one is recorded.
    /// - Throws: `inconsistentSwitching` when the mode does not settle;
    ///   `singularSlidingSystem`; `repellingSurface` under `RepellingSurfaceRule.fail`.
    func resolve(_ contacts: [Int], at t: Double, isStart: Bool) throws(FlowError) -> Resolution {
        let w = workspace
        let originalSlidingSurfaces = mode.slidingSurfaces
        var contacts = mode.groups.leaders(of: contacts).sorted()
        var previous = Dictionary(uniqueKeysWithValues: contacts.map { ($0, state(of: $0)) })
        // The trial modes tried below are undone: the caller applies the resolution.
        defer { restore(slidingSurfaces: originalSlidingSurfaces, states: previous) }
        var undecided = Set(isStart ? contacts : [])
        var speeds = [Int: (negative: Double, positive: Double)]()
        var choices = Set<Int>()
        var unresolved = Set<Int>()
        // Contacts that slid before, or were pushed off the sliding set here, are never held (rules B, D).
        var released = Set(contacts.filter { mode.isSliding[$0] })
        var settled = false
        // Whether the current buffers hold the mode as it stands (so they do on entry).
        var isEvaluated = true
        for _ in 0..<(2 * contacts.count + 4) {
            var changed = false
            for j in contacts {
                let before = state(of: j)
                // A surface slid on is classified from the side its latest solved gate is on.
                if mode.isSliding[j] {
                    apply(.on(Side(gate: w.gates[j])), to: j)
                    isEvaluated = false
                }
                let (negative, positive) = try normalSpeeds(of: j, at: t, fieldIsCurrent: isEvaluated)
                isEvaluated = isEvaluated && mode.slidingSurfaces.isEmpty && mode.providesJumps
                speeds[j] = (negative, positive)
                // Rule D's mark is this pass's verdict only.
                unresolved.remove(j)
                let after = try decide(j, before: before, negative: negative, positive: positive,
                                       isUndecided: undecided.contains(j), isHoldable: !released.contains(j), at: t,
                                       choices: &choices, unresolved: &unresolved)
                undecided.remove(j)
                apply(after, to: j)
                if after != before {
                    changed = true
                    isEvaluated = false
                }
            }
            // Unchanged and never evaluated over: the buffers hold the mode already.
            if !isEvaluated { try evaluator.evaluateCurrentState(at: t) }
            isEvaluated = true
            var leftSlidingRange = false
            for j in mode.slidingSurfaces where hasLeftSlidingRange(j, wasSliding: originalSlidingSurfaces.contains(j)) {
                released.insert(j)
                if previous[j] == nil {
                    previous[j] = .sliding
                    contacts.append(j)
                }
                apply(.on(w.gates[j] > 1 ? .positive : .negative), to: j)
                leftSlidingRange = true
            }
            if !changed && !leftSlidingRange {
                settled = true
                break
            }
            // The evaluation above is of the mode as it stands unless a gate left its range.
            if leftSlidingRange { try evaluator.evaluateCurrentState(at: t) }
        }
        if !settled { settled = try slidesOnAll(contacts, at: t) }
        guard settled else { throw .inconsistentSwitching(surfaces: contacts, t: t) }
        return resolution(of: contacts.sorted(), previous: previous, speeds: speeds, choices: choices,
                          unresolved: unresolved, at: t, recordingEverySurface: isStart)
    }

    /// The state contact j goes to from `before`, given its one-sided speeds.
    private func decide(_ j: Int, before: SurfaceState, negative: Double, positive: Double, isUndecided: Bool,
                        isHoldable: Bool, at t: Double, choices: inout Set<Int>,
                        unresolved: inout Set<Int>) throws(FlowError) -> SurfaceState {
        func chosenSide() throws(FlowError) -> SurfaceState {
            guard let side = repellingRule.side else { throw .repellingSurface(surface: j, t: t) }
            choices.insert(j)
            return .on(side)
        }
        let isNonUnique = isUndecided && negative <= 0 && positive >= 0 && (negative < 0 || positive > 0)
        switch SurfaceClassifier.classify(negativeSideSpeed: negative, positiveSideSpeed: positive) {
        case .crossing where isNonUnique:
            // Starting on the surface with one side's field tangent and the other leaving:
            // staying and leaving both solve the inclusion, so the rule decides.
            return try chosenSide()
        case .crossing(let side):
            // The side the flow is on has a tangent field there (σ = 0): staying is a
            // solution as much as leaving, so the flow stays, as on a repelling surface
            // (a coordinate frozen at zero, whose field has no normal component at all).
            if !isUndecided, case .on(let current) = before, current != side,
               SurfaceClassifier.isNegligible(current == .negative ? negative : positive,
                                              comparedTo: current == .negative ? positive : negative) {
                return before
            }
            // Rule B: leaving its side at a speed the integrator does not resolve is noise;
            // unless the jump σ+ − σ− is unresolved too (both sides' fields alike: crossing
            // changes nothing, while sliding would need a singular equivalent control).
            // Rule D: with both speeds unresolved the contact keeps its side, within its band.
            if !isUndecided, isHoldable, case .on(let current) = before, current != side {
                let speed = band.resolvableSpeed(of: j, at: workspace.state)
                // Once per episode: a contact already inside a band (rule C's or D's) that is
                // seen across again has moved beyond it, which the step control resolves.
                if max(abs(negative), abs(positive)) <= speed, workspace.hysteresis[j] == 0 {
                    unresolved.insert(j)
                    return before
                }
                if abs(current == .negative ? negative : positive) <= speed, abs(positive - negative) > speed {
                    return .sliding
                }
            }
            return .on(side)
        case .attractingSliding:
            return .sliding
        case .repelling:
            if !isUndecided, case .on = before { return before }
            return try chosenSide()
        case .tangential:
            if !isUndecided, case .on = before { return before }
            return .on(workspace.values[j] > 0 ? .positive : .negative)
        }
    }

    /// Where Gauss–Seidel does not settle: whether the flow slides on every contact at once,
    /// the equivalent control of the sliding set with all of them having its gates in [0, 1]
    /// (to the gate tolerance). That is Filippov's solution on their intersection whenever it
    /// exists (a neuron without bias shrunk to w = 0, where all of its surfaces meet and no
    /// single surface's side is consistent with the others'). Leaves the mode so, with the
    /// current buffers evaluated in it, when it does.
    private func slidesOnAll(_ contacts: [Int], at t: Double) throws(FlowError) -> Bool {
        for j in contacts { apply(.sliding, to: j) }
        do {
            try evaluator.evaluateCurrentState(at: t)
        } catch {
            if case .singularSlidingSystem = error { return false }
            throw error
        }
        let w = workspace
        return mode.slidingSurfaces.allSatisfy { (-gateTolerance...(1 + gateTolerance)).contains(w.gates[$0]) }
    }

    /// The events, departures and final mode of settled contacts.
    private func resolution(of contacts: [Int], previous: [Int: SurfaceState],
                            speeds: [Int: (negative: Double, positive: Double)], choices: Set<Int>,
                            unresolved: Set<Int>, at t: Double, recordingEverySurface: Bool) -> Resolution {
        let w = workspace
        var events: [TimelineEvent] = []
        var departures: [(surface: Int, isDeparting: Bool)] = []
        var sides: [(surface: Int, side: Side)] = []
        var unresolvedMembers: [Int] = []
        for leader in contacts {
            let after = state(of: leader)
            let members = mode.groups.members(of: leader)
            if unresolved.contains(leader), after == previous[leader] { unresolvedMembers += members }
            if case .on(let side) = after {
                for j in members {
                    sides.append((j, side))
                    // Kept its side while the state sits a hair across the surface (a grazing
                    // touch): it returns on its own, so watch it like a surface just left.
                    if evaluator.currentDistance(of: j).distance <= 0 { departures.append((j, true)) }
                }
            }
            guard recordingEverySurface || after != previous[leader] else { continue }
            let speed = speeds[leader] ?? (0, 0)
            let kind: TimelineEvent.Kind
            switch (previous[leader]!, after) {
            case (_, .sliding): kind = .slideStart
            case (.sliding, .on(let side)): kind = .slideEnd(exit: side)
            case (.on, .on(let side)): kind = choices.contains(leader) ? .choice(into: side) : .crossing(into: side)
            }
            for j in members {
                if case .crossing = kind { departures.append((j, false)) }
                events.append(TimelineEvent(time: t, surface: j, kind: kind, negativeSideSpeed: speed.negative,
                                            positiveSideSpeed: speed.positive, gate: mode.gateUsed(j, in: w.gates)))
            }
        }
        return Resolution(slidingSurfaces: mode.slidingSurfaces, sides: sides, events: events, departures: departures,
                          unresolved: unresolvedMembers)
    }

    /// Rule A: whether sliding gate j is outside [0, 1] by more than the gate tolerance plus
    /// its resolvable margin: the one it slid with (`FlowWorkspace.hysteresis`) if it was
    /// sliding before this contact, else the one at the current state.
    private func hasLeftSlidingRange(_ j: Int, wasSliding: Bool) -> Bool {
        let w = workspace
        let excess = max(-w.gates[j], w.gates[j] - 1) - gateTolerance
        guard excess > 0 else { return false }
        let margin = wasSliding && w.hysteresis[j] > 0
            ? w.hysteresis[j] : band.gateMargin(of: j, at: w.state)
        return !(excess <= margin)
    }

    private func state(of j: Int) -> SurfaceState {
        mode.isSliding[j] ? .sliding : .on(Side(gate: mode.gates[j]))
    }

    /// σ− = ∇g_j·F(x, s_j = 0) and σ+ = ∇g_j·F(x, s_j = 1) for the rest of the mode as it is.
    /// The gates solved on the way are the latest at x (`workspace.gates`).
    ///
    /// Off every sliding surface F is affine in s_j with slope J_j, the jump, so where the
    /// system gives its jumps and the current field is that of the mode as it stands
    /// (`fieldIsCurrent`), σ on j's own side is ∇g_j·F and on the other ∇g_j·(F ± J_j): no
    /// evaluation (two otherwise; on the surface J_j is exact to O(g_j), within the event
    /// tolerance of zero here).
    private func normalSpeeds(of j: Int, at t: Double, fieldIsCurrent: Bool) throws(FlowError) -> (Double, Double) {
        let w = workspace
        let gate = mode.gates[j]
        if fieldIsCurrent, mode.slidingSurfaces.isEmpty, mode.providesJumps {
            let own = mode.switchingRate(of: j, at: w.state, along: w.field)
            mode.jump(of: j, at: w.state, base: nil, into: w.trialField)
            let change = mode.switchingRate(of: j, at: w.state, along: w.trialField)
            return Side(gate: gate) == .positive ? (own - change, own) : (own, own + change)
        }
        defer { mode.setSide(Side(gate: gate), of: j) }
        var speeds = (0.0, 0.0)
        for side in [Side.negative, .positive] {
            mode.setSide(side, of: j)
            guard mode.evaluate(at: w.state, field: w.trialField, switching: nil, gatesUsed: w.gates) else {
                throw .singularSlidingSystem(surfaces: mode.slidingSurfaces, t: t)
            }
            let speed = mode.switchingRate(of: j, at: w.state, along: w.trialField)
            if side == .negative { speeds.0 = speed } else { speeds.1 = speed }
        }
        return speeds
    }

    private func apply(_ state: SurfaceState, to j: Int) {
        switch state {
        case .sliding:
            if !mode.isSliding[j] { mode.setSlidingSurfaces(mode.slidingSurfaces + [j]) }
        case .on(let side):
            if mode.isSliding[j] { mode.setSlidingSurfaces(mode.slidingSurfaces.filter { $0 != j }) }
            mode.setSide(side, of: j)
        }
    }

    private func restore(slidingSurfaces: [Int], states: [Int: SurfaceState]) {
        mode.setSlidingSurfaces(slidingSurfaces)
        for (j, state) in states { if case .on(let side) = state { mode.setSide(side, of: j) } }
    }
}

extension ModeField {
    /// Applies a contact's resolution: its sliding set, then the sides of its contacts.
    func apply<S>(_ resolution: ContactResolver<S>.Resolution) {
        setSlidingSurfaces(resolution.slidingSurfaces)
        for (j, side) in resolution.sides { setGate(j, to: side.gate) }
    }
}
