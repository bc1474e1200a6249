// Tokens: what the lexer produces and the parser reads.

/// The kind of a token. Payloads (number values, string parts) live in side tables of the
/// lexer, indexed by `Token.payload`, so a token stays a small plain value.
enum TokenKind: UInt8, Sendable {
    // MARK: Structure
    case endOfInput
    /// Ends the tokens of one `{expr}` inside a string literal.
    case endOfInterpolation
    case newline

    // MARK: Literals and names
    case number, string, name

    // MARK: Keywords
    case fnKeyword, ifKeyword, elseKeyword, forKeyword, inKeyword, whileKeyword
    case returnKeyword, breakKeyword, continueKeyword
    case trueKeyword, falseKeyword, noneKeyword, andKeyword, orKeyword, notKeyword

    // MARK: Brackets and separators
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, colon, semicolon, dot, arrow

    // MARK: Operators
    case plus, minus, star, starStar, slash, percent, at
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case bang, ampAmp, pipePipe
    case ellipsis, halfOpenRange

    // MARK: Assignment
    case equal
    case plusEqual, minusEqual, starEqual, slashEqual, percentEqual, atEqual, starStarEqual

    var isOpener: Bool { self == .leftParen || self == .leftBracket || self == .leftBrace }
    var isCloser: Bool { self == .rightParen || self == .rightBracket || self == .rightBrace }
    var isEnd: Bool { self == .endOfInput || self == .endOfInterpolation }

    /// The operator a compound assignment applies (`-=` gives `.subtract`).
    var compoundOperator: BinaryOperator? {
        switch self {
        case .plusEqual: .add
        case .minusEqual: .subtract
        case .starEqual: .multiply
        case .slashEqual: .divide
        case .percentEqual: .modulo
        case .atEqual: .matmul
        case .starStarEqual: .power
        default: nil
        }
    }

    /// How the token is spelled, for the fixed-spelling kinds (nil for names, numbers, ...).
    var spelling: String? {
        switch self {
        case .endOfInput, .endOfInterpolation, .newline, .number, .string, .name: nil
        case .fnKeyword: "fn"
        case .ifKeyword: "if"
        case .elseKeyword: "else"
        case .forKeyword: "for"
        case .inKeyword: "in"
        case .whileKeyword: "while"
        case .returnKeyword: "return"
        case .breakKeyword: "break"
        case .continueKeyword: "continue"
        case .trueKeyword: "true"
        case .falseKeyword: "false"
        case .noneKeyword: "none"
        case .andKeyword: "and"
        case .orKeyword: "or"
        case .notKeyword: "not"
        case .leftParen: "("
        case .rightParen: ")"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .leftBrace: "{"
        case .rightBrace: "}"
        case .comma: ","
        case .colon: ":"
        case .semicolon: ";"
        case .dot: "."
        case .arrow: "=>"
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .starStar: "**"
        case .slash: "/"
        case .percent: "%"
        case .at: "@"
        case .equalEqual: "=="
        case .bangEqual: "!="
        case .less: "<"
        case .lessEqual: "<="
        case .greater: ">"
        case .greaterEqual: ">="
        case .bang: "!"
        case .ampAmp: "&&"
        case .pipePipe: "||"
        case .ellipsis: "..."
        case .halfOpenRange: "..<"
        case .equal: "="
        case .plusEqual: "+="
        case .minusEqual: "-="
        case .starEqual: "*="
        case .slashEqual: "/="
        case .percentEqual: "%="
        case .atEqual: "@="
        case .starStarEqual: "**="
        }
    }

    /// Keywords, by spelling, for the lexer.
    static let keywords: [(spelling: [UInt8], kind: TokenKind)] = [
        TokenKind.fnKeyword, .ifKeyword, .elseKeyword, .forKeyword, .inKeyword, .whileKeyword,
        .returnKeyword, .breakKeyword, .continueKeyword, .trueKeyword, .falseKeyword,
        .noneKeyword, .andKeyword, .orKeyword, .notKeyword,
    ].map { (Array(($0.spelling ?? "").utf8), $0) }

    var isKeyword: Bool { rawValue >= TokenKind.fnKeyword.rawValue && rawValue <= TokenKind.notKeyword.rawValue }
}

/// One token: its kind, its UTF-8 byte range in the file, the bracket depth it sits at
/// (used to skip to the end of a broken statement), and an index into the lexer's side
/// table for numbers and strings.
struct Token: Sendable {
    var kind: TokenKind
    var start: Int
    var end: Int
    /// Open brackets around the token; a closing bracket has the depth of its opener.
    var depth: Int32 = 0
    var payload: Int32 = 0

    var span: SourceSpan { SourceSpan(start: start, end: end) }
}

/// A string literal as the lexer found it: runs of text (escapes resolved) and `{expr}`
/// holes, each hole already split into tokens that end with `.endOfInterpolation`.
struct LexedString: Sendable {
    enum Part: Sendable {
        case text(String)
        case interpolation(tokens: [Token], format: String?, span: SourceSpan)
    }
    var parts: [Part]
}
