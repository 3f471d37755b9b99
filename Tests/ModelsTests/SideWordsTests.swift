import Testing
import FlowEngine
import Models

/// The network's words for surface sides and repelling rules.
struct SideWordsTests {
    @Test("Each side and each repelling rule reads back from its word, and the words are the scenario's")
    func wordsRoundTrip() {
        for side in [Side.negative, .positive] { #expect(Side(activationWord: side.activationWord) == side) }
        #expect(RepellingSurfaceRule.allCases.map(\.word) == ["inactive", "active", "fail"])
        for rule in RepellingSurfaceRule.allCases { #expect(RepellingSurfaceRule(word: rule.word) == rule) }
        #expect(RepellingSurfaceRule(word: "random") == nil)
        #expect([Side.positive, .negative].map(\.levelWord) == ["above", "below"])
    }
}
