import Testing
import FlowEngine

/// `GatePattern`: the journal a `PatternCachingSystem` brings its derived state up to date from.
@Suite struct GatePatternTests {
    @Test("Each change of a gate is journalled once, in order; writing the same value is no change")
    func changesAreJournalledInOrder() {
        let pattern = GatePattern(count: 10)
        pattern.set(3, to: 1)
        let seen = pattern.revision
        pattern.set(7, to: 1)
        pattern.set(7, to: 1)
        pattern.set(3, to: 0)
        #expect(pattern.revision == seen + 2)
        #expect(pattern.changes(since: seen).map(Array.init) == [7, 3])
        #expect(pattern.changes(since: pattern.revision).map(Array.init) == [])
        #expect(pattern[3] == 0 && pattern[7] == 1)
    }

    @Test("The journal reaches back journalCapacity changes; older revisions, and revisions not yet made, get nil")
    func journalReachesBackItsCapacity() {
        let pattern = GatePattern(count: 100, journalCapacity: 4)
        for j in 0..<6 { pattern.set(j, to: 1) }
        #expect(pattern.changes(since: 0) == nil)
        #expect(pattern.changes(since: pattern.revision + 1) == nil)
        #expect(pattern.changes(since: 4).map(Array.init) == [4, 5])
        #expect(pattern.changes(since: 3) == nil)
    }
}
