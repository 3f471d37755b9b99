/// A value that writes its own JSON text, the text `JSONTextEncoder` would build for it
/// through `Encodable`, without a node per element: for the arrays a summary can hold by
/// the hundred thousand (`final_active` at n = m = 1000 has ~5·10⁵ pairs, and a node tree
/// for them took ~350 MB). Other encoders go through `Encodable` as usual.
protocol JSONTextRendering {
    /// Appends the value's JSON text to `text`.
    func appendJSONText(to text: inout String)
}

extension Array: JSONTextRendering where Element == RunSummaryRecord.SurfacePair {
    /// `[{"neuron": k, "sample": i}, {"neuron": k, "sample": i, "gate": s}, ...]`.
    func appendJSONText(to text: inout String) {
        text.reserveCapacity(text.utf8.count + 40 * count)
        text += "["
        for (index, pair) in enumerated() {
            if index > 0 { text += ", " }
            text += "{\"neuron\": \(pair.neuron), \"sample\": \(pair.sample)"
            if let gate = pair.gate { text += ", \"gate\": " + JSONTextEncoder.number(gate) }
            text += "}"
        }
        text += "]"
    }
}
