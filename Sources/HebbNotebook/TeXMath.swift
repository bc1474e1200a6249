// TeX math in notebook prose (`$…$`, `$$…$$`) as MathML, so an exported page typesets its
// formulas offline with nothing but the browser. Covers the subset the material uses:
// letters, numbers and operators; sub- and superscripts; \frac, \sqrt; Greek letters;
// \sum, \prod with limits; \partial, \nabla, \cdot, \odot, \times and friends; \log, \exp
// and other function names; \hat, \bar, \tilde, \vec; \mathrm, \mathbf, \text,
// \operatorname; \left( … \right); matrix environments. Anything else is shown as its TeX
// source in a <code> (readable, and honest about what was not typeset).

enum TeXMath {
    /// MathML for `tex`, or the fallback `<code class="math-source">` when it uses
    /// something outside the subset (or does not parse).
    static func html(_ tex: String, display: Bool) -> String {
        let delimiter = display ? "$$" : "$"
        let source = MarkdownRenderer.escape(tex)
        do {
            var parser = TeXParser(Array(tex))
            let body = try parser.parseAll()
            let block = display ? " display=\"block\"" : ""
            return "<math\(block)><semantics><mrow>\(body)</mrow>"
                + "<annotation encoding=\"application/x-tex\">\(source)</annotation></semantics></math>"
        } catch let problem as TeXProblem {
            let reason = MarkdownRenderer.escape(problem.reason)
            return "<code class=\"math-source\" title=\"not typeset: \(reason)\">\(delimiter)\(source)\(delimiter)</code>"
        } catch {
            return "<code class=\"math-source\">\(delimiter)\(source)\(delimiter)</code>"
        }
    }
}

struct TeXProblem: Error {
    var reason: String
}

/// A recursive-descent reader of one formula, writing MathML as it goes.
struct TeXParser {
    private let characters: [Character]
    private var index = 0
    /// Nesting depth, bounded so a pathological formula cannot exhaust the stack.
    private var depth = 0

    init(_ characters: [Character]) { self.characters = characters }

    mutating func parseAll() throws -> String {
        let result = try parseSequence(until: nil)
        if index < characters.count { throw TeXProblem(reason: "unexpected '\(characters[index])'") }
        return result
    }

    // MARK: - Sequences and scripts

    /// Atoms with their scripts up to `terminator` (`}`, `]`, `\right`, `\end`, `&`, `\\`).
    private mutating func parseSequence(until terminator: Character?) throws -> String {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw TeXProblem(reason: "nested too deeply") }
        var output = ""
        while true {
            skipSpaces()
            guard index < characters.count else {
                if terminator != nil { throw TeXProblem(reason: "a group is not closed") }
                return output
            }
            let character = characters[index]
            if character == terminator || character == "&" || atCommand("\\") || atCommand("right") || atCommand("end") {
                return output
            }
            if character == "}" { throw TeXProblem(reason: "unbalanced '}'") }
            if character == "-" || character == "+", TeXParser.endsWithOperator(output) {
                // A sign, not a binary operator (`= -\sum`, `(-x)`): no space around it.
                index += 1
                output += try attachScripts(to: "<mo form=\"prefix\">\(character == "-" ? "−" : "+")</mo>", underOver: false)
                continue
            }
            let atom = try parseAtom()
            output += try attachScripts(to: atom.base, underOver: atom.takesLimits) + atom.after
        }
    }

    private mutating func attachScripts(to base: String, underOver: Bool) throws -> String {
        var subscriptPart: String?, superscriptPart: String?
        while true {
            skipSpaces()
            guard index < characters.count else { break }
            if characters[index] == "_", subscriptPart == nil {
                index += 1
                subscriptPart = try parseArgument()
            } else if characters[index] == "^", superscriptPart == nil {
                index += 1
                superscriptPart = try parseArgument()
            } else if characters[index] == "'" {
                index += 1
                superscriptPart = (superscriptPart ?? "") + "<mo>′</mo>"
            } else {
                break
            }
        }
        let names = underOver ? ("munder", "mover", "munderover") : ("msub", "msup", "msubsup")
        switch (subscriptPart, superscriptPart) {
        case let (sub?, sup?): return "<\(names.2)>\(base)\(row(sub))\(row(sup))</\(names.2)>"
        case let (sub?, nil): return "<\(names.0)>\(base)\(row(sub))</\(names.0)>"
        case let (nil, sup?): return "<\(names.1)>\(base)\(row(sup))</\(names.1)>"
        case (nil, nil): return base
        }
    }

    /// One argument: a `{group}`, a command, or a single character.
    private mutating func parseArgument() throws -> String {
        depth += 1   // `\hat\hat\hat…` nests through arguments, not sequences
        defer { depth -= 1 }
        guard depth < 64 else { throw TeXProblem(reason: "nested too deeply") }
        skipSpaces()
        guard index < characters.count else { throw TeXProblem(reason: "a script or argument is missing") }
        if characters[index] == "{" { return try parseGroup() }
        if characters[index] == "\\" { return try parseAtom().whole }
        if characters[index].isNumber {
            index += 1
            return "<mn>\(characters[index - 1])</mn>"
        }
        return try parseAtom().whole
    }

    private mutating func parseGroup() throws -> String {
        index += 1   // {
        let inner = try parseSequence(until: "}")
        guard index < characters.count, characters[index] == "}" else { throw TeXProblem(reason: "a group is not closed") }
        index += 1
        return row(inner)
    }

    /// The raw text of a `{...}` argument (for \text, \operatorname, environment names).
    private mutating func parseRawArgument() throws -> String {
        skipSpaces()
        guard index < characters.count, characters[index] == "{" else { throw TeXProblem(reason: "'{' expected") }
        var level = 0, text = ""
        while index < characters.count {
            let character = characters[index]
            index += 1
            if character == "{" { level += 1; if level == 1 { continue } }
            if character == "}" { level -= 1; if level == 0 { return text } }
            text.append(character)
        }
        throw TeXProblem(reason: "a group is not closed")
    }

    // MARK: - Atoms

    /// One atom: its MathML, whether scripts go above and below it (\sum), and what follows
    /// its scripts (the invisible function application after `\log`).
    struct Atom {
        var base: String
        var takesLimits = false
        var after = ""
        var whole: String { base + after }
    }

    private mutating func parseAtom() throws -> Atom {
        let character = characters[index]
        switch character {
        case "{":
            return Atom(base: try parseGroup())
        case "\\":
            return try parseCommand()
        case "^", "_":
            throw TeXProblem(reason: "a script has nothing to attach to")
        case "0"..."9", ".":
            var number = ""
            while index < characters.count, characters[index].isNumber || (characters[index] == "." && number.count < 40) {
                number.append(characters[index]); index += 1
            }
            return Atom(base: "<mn>\(number)</mn>")
        default:
            index += 1
            if character.isLetter { return Atom(base: "<mi>\(MarkdownRenderer.escape(String(character)))</mi>") }
            if let large = TeXSymbols.largeOperators[String(character)] { return Atom(base: "<mo>\(large)</mo>", takesLimits: true) }
            return Atom(base: operatorElement(String(character)))
        }
    }

    private func operatorElement(_ text: String) -> String {
        let fence = "()[]|".contains(text) ? " stretchy=\"false\"" : ""
        return "<mo\(fence)>\(MarkdownRenderer.escape(text == "-" ? "−" : text))</mo>"
    }

    private mutating func parseCommand() throws -> Atom {
        index += 1   // backslash
        guard index < characters.count else { throw TeXProblem(reason: "a lone backslash") }
        let first = characters[index]
        guard first.isLetter else {
            index += 1
            return Atom(base: try symbolCommand(String(first)))
        }
        var name = ""
        while index < characters.count, characters[index].isLetter { name.append(characters[index]); index += 1 }
        return try namedCommand(name)
    }

    /// `\,` `\;` `\!` `\{` `\}` `\|` `\ `.
    private func symbolCommand(_ symbol: String) throws -> String {
        switch symbol {
        case ",": return "<mspace width=\"0.17em\"></mspace>"
        case ":", ">": return "<mspace width=\"0.22em\"></mspace>"
        case ";": return "<mspace width=\"0.28em\"></mspace>"
        case " ": return "<mspace width=\"0.33em\"></mspace>"
        case "!": return ""
        case "{", "}": return "<mo>\(symbol)</mo>"
        case "|": return "<mo>‖</mo>"
        case "%", "#", "$", "&", "_": return "<mi>\(MarkdownRenderer.escape(symbol))</mi>"
        default: throw TeXProblem(reason: "\\\(symbol) is not supported")
        }
    }

    private mutating func namedCommand(_ name: String) throws -> Atom {
        if let letter = TeXSymbols.greek[name] {
            let upright = letter.first?.isUppercase == true ? " mathvariant=\"normal\"" : ""
            return Atom(base: "<mi\(upright)>\(letter)</mi>")
        }
        if let identifier = TeXSymbols.identifiers[name] { return Atom(base: "<mi>\(identifier)</mi>") }
        if let symbol = TeXSymbols.operators[name] { return Atom(base: "<mo>\(MarkdownRenderer.escape(symbol))</mo>") }
        if let large = TeXSymbols.largeOperators[name] { return Atom(base: "<mo>\(large)</mo>", takesLimits: true) }
        if TeXSymbols.functions.contains(name) {
            let limits = ["lim", "max", "min", "argmax", "argmin", "sup", "inf"].contains(name)
            return Atom(base: "<mi>\(name)</mi>", takesLimits: limits, after: "<mo>\u{2061}</mo>")
        }
        if let accent = TeXSymbols.accents[name] {
            return Atom(base: "<mover accent=\"true\">\(row(try parseArgument()))<mo>\(accent)</mo></mover>")
        }
        if let width = TeXSymbols.spaces[name] { return Atom(base: "<mspace width=\"\(width)\"></mspace>") }
        switch name {
        case "frac", "dfrac", "tfrac":
            let numerator = try parseArgument(), denominator = try parseArgument()
            return Atom(base: "<mfrac>\(row(numerator))\(row(denominator))</mfrac>")
        case "sqrt":
            skipSpaces()
            if index < characters.count, characters[index] == "[" {
                index += 1
                let degree = try parseSequence(until: "]")
                guard index < characters.count, characters[index] == "]" else { throw TeXProblem(reason: "'[' is not closed") }
                index += 1
                return Atom(base: "<mroot>\(row(try parseArgument()))\(row(degree))</mroot>")
            }
            return Atom(base: "<msqrt>\(try parseArgument())</msqrt>")
        case "text", "textrm", "mbox":
            return Atom(base: "<mtext>\(MarkdownRenderer.escape(TeXParser.keepingEdgeSpaces(try parseRawArgument())))</mtext>")
        case "operatorname":
            return Atom(base: "<mi>\(MarkdownRenderer.escape(try parseRawArgument()))</mi>", after: "<mo>\u{2061}</mo>")
        case "mathrm":
            return Atom(base: "<mi mathvariant=\"normal\">\(MarkdownRenderer.escape(try parseRawArgument()))</mi>")
        case "mathbf", "boldsymbol", "bm":
            return Atom(base: "<mrow style=\"font-weight: bold\">\(try parseArgument())</mrow>")
        case "mathit":
            return Atom(base: "<mrow style=\"font-style: italic\">\(try parseArgument())</mrow>")
        case "left":
            return Atom(base: try parseFenced())
        case "begin":
            return Atom(base: try parseEnvironment())
        default:
            throw TeXProblem(reason: "\\\(name) is not supported")
        }
    }

    /// `\left( … \right)`: stretchy fences around a row.
    private mutating func parseFenced() throws -> String {
        let open = try parseDelimiter()
        let inner = try parseSequence(until: nil)
        guard consumeCommand("right") else { throw TeXProblem(reason: "\\left without \\right") }
        let close = try parseDelimiter()
        return "<mrow>\(fence(open))\(inner)\(fence(close))</mrow>"
    }

    private func fence(_ delimiter: String) -> String {
        delimiter.isEmpty ? "" : "<mo stretchy=\"true\">\(MarkdownRenderer.escape(delimiter))</mo>"
    }

    private mutating func parseDelimiter() throws -> String {
        skipSpaces()
        guard index < characters.count else { throw TeXProblem(reason: "a delimiter is missing") }
        let character = characters[index]
        index += 1
        if character == "." { return "" }
        if "()[]|/".contains(character) { return String(character) }
        if character == "\\" {
            var name = ""
            while index < characters.count, characters[index].isLetter { name.append(characters[index]); index += 1 }
            if name.isEmpty, index < characters.count {
                index += 1
                switch characters[index - 1] {
                case "{": return "{"
                case "}": return "}"
                case "|": return "‖"
                default: break
                }
            }
            if let symbol = TeXSymbols.delimiters[name] { return symbol }
        }
        throw TeXProblem(reason: "an unsupported delimiter")
    }

    /// `\begin{pmatrix} a & b \\ c & d \end{pmatrix}` and the other matrix environments.
    private mutating func parseEnvironment() throws -> String {
        let name = try parseRawArgument()
        guard let (open, close) = TeXSymbols.environments[name] else {
            throw TeXProblem(reason: "the environment \(name) is not supported")
        }
        var rows: [[String]] = [[]]
        while true {
            let cell = try parseSequence(until: nil)
            rows[rows.count - 1].append(cell)
            guard index < characters.count else { throw TeXProblem(reason: "\\begin{\(name)} without \\end") }
            if characters[index] == "&" {
                index += 1
            } else if atCommand("\\") {
                index += 2
                rows.append([])
            } else if consumeCommand("end") {
                guard try parseRawArgument() == name else { throw TeXProblem(reason: "\\end does not match \\begin{\(name)}") }
                break
            } else {
                throw TeXProblem(reason: "unexpected text in \(name)")
            }
        }
        if rows.count > 1, rows.last?.count == 1, rows.last?.first?.isEmpty == true { rows.removeLast() }
        let table = rows.map { cells in
            "<mtr>" + cells.enumerated().map { "<mtd\(TeXParser.cellStyle(environment: name, column: $0.offset))>\($0.element)</mtd>" }.joined() + "</mtr>"
        }.joined()
        // aligned and cases typeset their cells as display math, as TeX does.
        let display = name == "aligned" || name == "cases" ? " displaystyle=\"true\"" : ""
        return "<mrow>\(fence(open))<mtable\(display)>\(table)</mtable>\(fence(close))</mrow>"
    }

    /// Whether a sign after `output` is unary: at the start, or after an operator that is
    /// not a closing fence.
    static func endsWithOperator(_ output: String) -> Bool {
        if output.isEmpty { return true }
        guard output.hasSuffix("</mo>") else { return false }
        return ![")</mo>", "]</mo>", "|</mo>", "}</mo>", "‖</mo>", "⟩</mo>"].contains { output.hasSuffix($0) }
    }

    /// TeX's column alignment: aligned pairs columns right|left (`a &= b`), cases is left
    /// aligned, matrices are centred (MathML's default).
    static func cellStyle(environment: String, column: Int) -> String {
        switch environment {
        case "aligned":
            return column % 2 == 0 ? " style=\"text-align: right; padding-right: 0\"" : " style=\"text-align: left; padding-left: 0; padding-right: 1.5em\""
        case "cases": return " style=\"text-align: left\""
        default: return ""
        }
    }

    /// `\text{sums of }`: spaces at the ends kept (MathML trims them from <mtext>).
    static func keepingEdgeSpaces(_ text: String) -> String {
        let leading = text.prefix { $0 == " " }.count, trailing = text.reversed().prefix { $0 == " " }.count
        guard leading + trailing > 0, leading < text.count else { return text }
        return String(repeating: "\u{A0}", count: leading) + text.dropFirst(leading).dropLast(trailing)
            + String(repeating: "\u{A0}", count: trailing)
    }

    // MARK: - Reading

    private mutating func skipSpaces() {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
    }

    /// Whether `\name` (or `\\` for "\\") starts at the cursor.
    private func atCommand(_ name: String) -> Bool {
        guard index < characters.count, characters[index] == "\\" else { return false }
        let word = Array(name)
        guard index + 1 + word.count <= characters.count else { return false }
        guard Array(characters[(index + 1)..<(index + 1 + word.count)]) == word else { return false }
        if name == "\\" { return true }
        let after = index + 1 + word.count
        return after >= characters.count || !characters[after].isLetter
    }

    private mutating func consumeCommand(_ name: String) -> Bool {
        guard atCommand(name) else { return false }
        index += 1 + name.count
        return true
    }

    private func row(_ content: String) -> String {
        content.hasPrefix("<mrow>") && content.hasSuffix("</mrow>") ? content : "<mrow>\(content)</mrow>"
    }
}

/// The command tables: one row per supported command.
enum TeXSymbols {
    static let greek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
        "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
        "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    static let identifiers: [String: String] = [
        "partial": "∂", "nabla": "∇", "infty": "∞", "ell": "ℓ", "top": "⊤", "emptyset": "∅", "hbar": "ℏ",
        "Re": "ℜ", "Im": "ℑ",
    ]

    static let operators: [String: String] = [
        "cdot": "⋅", "times": "×", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "ast": "∗", "star": "⋆",
        "pm": "±", "mp": "∓", "div": "÷", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠",
        "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫",
        "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
        "Leftrightarrow": "⇔", "iff": "⇔", "implies": "⇒", "mapsto": "↦", "leftrightarrow": "↔",
        "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "setminus": "∖",
        "forall": "∀", "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "wedge": "∧", "vee": "∨",
        "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "mid": "∣", "vert": "|", "Vert": "‖",
        "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|", "langle": "⟨", "rangle": "⟩",
        "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "colon": ":", "prime": "′",
    ]

    static let largeOperators: [String: String] = [
        "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "bigcup": "⋃", "bigcap": "⋂",
        "∑": "∑", "∏": "∏", "Σ": "∑",
    ]

    static let functions: Set<String> = [
        "log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "max", "min", "arg", "argmax", "argmin",
        "det", "dim", "lim", "sup", "inf", "sgn", "Pr", "diag", "tr", "softmax", "relu",
    ]

    static let accents: [String: String] = [
        "hat": "^", "widehat": "^", "bar": "‾", "overline": "‾", "tilde": "~", "widetilde": "~", "vec": "→",
        "dot": "˙", "ddot": "¨",
    ]

    static let spaces: [String: String] = ["quad": "1em", "qquad": "2em", "enspace": "0.5em"]

    static let delimiters: [String: String] = [
        "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖", "vert": "|",
        "Vert": "‖", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "lbrace": "{", "rbrace": "}",
    ]

    /// Matrix environments and their fences.
    static let environments: [String: (String, String)] = [
        "matrix": ("", ""), "pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("{", "}"),
        "vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖"), "cases": ("{", ""), "aligned": ("", ""),
    ]
}
