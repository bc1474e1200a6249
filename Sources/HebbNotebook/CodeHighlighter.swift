// Syntax colouring for Hebb code in exported pages: a tiny tokenizer, not the real lexer,
// so that a cell with a syntax error still exports.

import HebbLanguage

enum CodeHighlighter {
    /// The words coloured as keywords.
    static let keywords = Set(Session.keywords)

    /// HTML for `code`: spans with classes `kw`, `num`, `str`, `com` around keywords,
    /// numbers, strings and `#` comments; the rest escaped as is.
    static func html(_ code: String) -> String {
        let characters = Array(code)
        var output = "", index = 0
        while index < characters.count {
            let (kind, end) = token(characters, at: index)
            let text = MarkdownRenderer.escape(String(characters[index..<end]))
            output += kind.map { "<span class=\"\($0)\">\(text)</span>" } ?? text
            index = end
        }
        return output
    }

    /// The class of the token at `index` (nil for plain text) and where it ends.
    private static func token(_ characters: [Character], at index: Int) -> (String?, Int) {
        let character = characters[index]
        if character == "#" {
            return ("com", characters[index...].firstIndex(of: "\n") ?? characters.count)
        }
        if character == "\"" || character == "'" {
            return ("str", stringEnd(characters, from: index))
        }
        if isDigit(character) {
            return ("num", numberEnd(characters, from: index))
        }
        if character.isLetter || character == "_" {
            var end = index
            while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
            return (keywords.contains(String(characters[index..<end])) ? "kw" : nil, end)
        }
        return (nil, index + 1)
    }

    /// The index after `12`, `1.5` or `2e-3` (not eating the dots of a `1...10` range).
    private static func numberEnd(_ characters: [Character], from start: Int) -> Int {
        var end = start
        func digits() { while end < characters.count, isDigit(characters[end]) { end += 1 } }
        digits()
        if end + 1 < characters.count, characters[end] == ".", isDigit(characters[end + 1]) { end += 1; digits() }
        if end < characters.count, characters[end] == "e" || characters[end] == "E" {
            var exponent = end + 1
            if exponent < characters.count, characters[exponent] == "-" || characters[exponent] == "+" { exponent += 1 }
            if exponent < characters.count, isDigit(characters[exponent]) { end = exponent; digits() }
        }
        return end
    }

    private static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }

    /// The index after a string literal's closing quote (or the line's end if unclosed).
    private static func stringEnd(_ characters: [Character], from start: Int) -> Int {
        let quote = characters[start]
        var index = start + 1
        while index < characters.count, characters[index] != "\n" {
            if characters[index] == "\\" { index += 2; continue }
            if characters[index] == quote { return index + 1 }
            index += 1
        }
        return min(index, characters.count)
    }
}
