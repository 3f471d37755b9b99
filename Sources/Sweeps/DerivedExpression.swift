import Foundation

/// A derived key's formula: numbers, axis names, `+ - * / ^`, parentheses and the functions
/// `floor ceil round sqrt log exp abs min max`. Parsed by hand (recursive descent) into a
/// tree; nothing is ever evaluated as code.
///
///     expression := term (("+" | "-") term)*
///     term       := unary (("*" | "/") unary)*
///     unary      := ("-" | "+") unary | power
///     power      := primary ("^" unary)?          // right-associative: 2^3^2 = 2^9
///     primary    := number | name | name "(" expression ("," expression)* ")" | "(" expression ")"
///
/// Names may contain dots (`data.samples`), so an axis is named by its path.
public indirect enum DerivedExpression: Equatable, Sendable {
    case number(Double)
    case variable(String)
    case negate(DerivedExpression)
    case binary(Character, DerivedExpression, DerivedExpression)
    case call(String, [DerivedExpression])

    /// The functions and how many arguments each takes.
    static let functionArities: [String: ClosedRange<Int>] = [
        "floor": 1...1, "ceil": 1...1, "round": 1...1, "sqrt": 1...1, "log": 1...1, "exp": 1...1, "abs": 1...1,
        "min": 2...8, "max": 2...8,
    ]

    private static func apply(_ function: String, _ x: [Double]) -> Double {
        switch function {
        case "floor": Foundation.floor(x[0])
        case "ceil": Foundation.ceil(x[0])
        case "round": Foundation.round(x[0])
        case "sqrt": Foundation.sqrt(x[0])
        case "log": Foundation.log(x[0])
        case "exp": Foundation.exp(x[0])
        case "abs": Swift.abs(x[0])
        case "min": x.min()!
        default: x.max()!
        }
    }

    public init(parsing text: String) throws(SweepError) {
        var parser = Parser(text)
        self = try parser.parseWhole()
    }

    /// The names the formula reads.
    public var variables: Set<String> {
        switch self {
        case .number: []
        case .variable(let name): [name]
        case .negate(let inner): inner.variables
        case .binary(_, let left, let right): left.variables.union(right.variables)
        case .call(_, let arguments): arguments.reduce(into: Set()) { $0.formUnion($1.variables) }
        }
    }

    public func evaluate(_ values: [String: Double]) throws(SweepError) -> Double {
        switch self {
        case .number(let value): return value
        case .variable(let name):
            guard let value = values[name] else { throw SweepError("unknown name '\(name)' (known: \(values.keys.sorted().joined(separator: ", ")))") }
            return value
        case .negate(let inner): return -(try inner.evaluate(values))
        case .binary(let op, let left, let right):
            let a = try left.evaluate(values), b = try right.evaluate(values)
            switch op {
            case "+": return a + b
            case "-": return a - b
            case "*": return a * b
            case "/": return a / b
            default: return Foundation.pow(a, b)
            }
        case .call(let name, let arguments):
            var argumentValues: [Double] = []
            for argument in arguments { argumentValues.append(try argument.evaluate(values)) }
            return Self.apply(name, argumentValues)
        }
    }

    private struct Parser {
        let characters: [Character]
        var position = 0

        init(_ text: String) { characters = Array(text) }

        mutating func parseWhole() throws(SweepError) -> DerivedExpression {
            let expression = try parseExpression()
            skipSpaces()
            guard position == characters.count else { throw failure("unexpected '\(characters[position])'") }
            return expression
        }

        private mutating func parseExpression() throws(SweepError) -> DerivedExpression {
            var left = try parseTerm()
            while let op = take(anyOf: "+-") { left = .binary(op, left, try parseTerm()) }
            return left
        }

        private mutating func parseTerm() throws(SweepError) -> DerivedExpression {
            var left = try parseUnary()
            while let op = take(anyOf: "*/") { left = .binary(op, left, try parseUnary()) }
            return left
        }

        private mutating func parseUnary() throws(SweepError) -> DerivedExpression {
            if let sign = take(anyOf: "+-") { return sign == "-" ? .negate(try parseUnary()) : try parseUnary() }
            return try parsePower()
        }

        private mutating func parsePower() throws(SweepError) -> DerivedExpression {
            let base = try parsePrimary()
            if take(anyOf: "^") != nil { return .binary("^", base, try parseUnary()) }
            return base
        }

        private mutating func parsePrimary() throws(SweepError) -> DerivedExpression {
            skipSpaces()
            guard position < characters.count else { throw failure("the formula ends too early") }
            let first = characters[position]
            if take(anyOf: "(") != nil {
                let inner = try parseExpression()
                guard take(anyOf: ")") != nil else { throw failure("missing ')'") }
                return inner
            }
            if first.isNumber || first == "." { return .number(try parseNumber()) }
            if first.isLetter || first == "_" {
                let name = parseName()
                guard take(anyOf: "(") != nil else { return .variable(name) }
                guard let arity = DerivedExpression.functionArities[name] else {
                    throw failure("unknown function '\(name)' (known: \(DerivedExpression.functionArities.keys.sorted().joined(separator: ", ")))")
                }
                var arguments = [try parseExpression()]
                while take(anyOf: ",") != nil { arguments.append(try parseExpression()) }
                guard take(anyOf: ")") != nil else { throw failure("missing ')' after the arguments of \(name)") }
                guard arity.contains(arguments.count) else {
                    throw failure("\(name) takes \(arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)") argument(s), got \(arguments.count)")
                }
                return .call(name, arguments)
            }
            throw failure("unexpected '\(first)'")
        }

        private mutating func parseNumber() throws(SweepError) -> Double {
            let start = position
            while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
            if position < characters.count, "eE".contains(characters[position]) {
                position += 1
                if position < characters.count, "+-".contains(characters[position]) { position += 1 }
                while position < characters.count, characters[position].isNumber { position += 1 }
            }
            let text = String(characters[start..<position])
            guard let value = Double(text) else { throw failure("bad number '\(text)'") }
            return value
        }

        private mutating func parseName() -> String {
            let start = position
            while position < characters.count,
                  characters[position].isLetter || characters[position].isNumber || "_.".contains(characters[position]) {
                position += 1
            }
            return String(characters[start..<position])
        }

        private mutating func take(anyOf symbols: String) -> Character? {
            skipSpaces()
            guard position < characters.count, symbols.contains(characters[position]) else { return nil }
            position += 1
            return characters[position - 1]
        }

        private mutating func skipSpaces() {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
        }

        private func failure(_ message: String) -> SweepError {
            SweepError("\(message) at character \(position + 1) of '\(String(characters))'")
        }
    }
}
