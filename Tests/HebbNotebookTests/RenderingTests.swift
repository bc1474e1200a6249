// What the HTML export makes of notebook prose beyond plain Markdown: tables,
// strikethrough, hard breaks, TeX math as MathML, heading anchors and the table of
// contents, the page's colour schemes; and that no script from a notebook ever runs.

import Foundation
import Testing
@testable import HebbNotebook

@Suite struct RenderingTests {
    @Test func tablesWithAlignmentPipesInCodeAndRaggedRows() {
        let html = MarkdownRenderer.html("""
        | op | NumPy | Hebb |
        |:---|:---:|---:|
        | product | `A @ B` | `a|b` |
        | escaped \\| pipe | short |
        not a row
        """)
        #expect(html.hasPrefix("<div class=\"table\"><table>\n<thead>\n<tr><th style=\"text-align: left\">op</th>"))
        #expect(html.contains("<th style=\"text-align: center\">NumPy</th><th style=\"text-align: right\">Hebb</th>"))
        #expect(html.contains("<td style=\"text-align: right\"><code>a|b</code></td>"))
        #expect(html.contains("<td style=\"text-align: left\">escaped | pipe</td><td style=\"text-align: center\">short</td><td style=\"text-align: right\"></td>"))
        #expect(html.hasSuffix("</table></div>\n<p>not a row</p>"))
        // Without a delimiter row, pipes are text.
        #expect(MarkdownRenderer.html("|W| is large") == "<p>|W| is large</p>")
        #expect(MarkdownRenderer.html("a | b\nc | d") == "<p>a | b\nc | d</p>")
    }

    @Test func strikethroughAndHardLineBreaks() {
        #expect(MarkdownRenderer.html("~~old~~ new, a ~ b") == "<p><del>old</del> new, a ~ b</p>")
        #expect(MarkdownRenderer.html("one  \ntwo\\\nthree\nfour  ") == "<p>one<br>\ntwo<br>\nthree\nfour</p>")
    }

    @Test func headingsGetUniqueAnchorsAndATableOfContents() throws {
        var renderer = MarkdownRenderer(reservedIDs: ["cell-1"])
        let html = renderer.render("# Title\n\n## The cost\n\n### Cell 1\n\n## The cost\n\n## `grad` & *you*")
        #expect(html.contains("<h2 id=\"the-cost\">The cost<a class=\"anchor\" href=\"#the-cost\""))
        #expect(html.contains("<h3 id=\"cell-1-1\">"), "a cell's id is not reused")
        #expect(html.contains("<h2 id=\"the-cost-1\">"))
        #expect(renderer.headings.map(\.id) == ["title", "the-cost", "cell-1-1", "the-cost-1", "grad--you"])
        let toc = NotebookExporter.tableOfContents(renderer.headings)
        #expect(toc.contains("<li class=\"toc-h2\"><a href=\"#the-cost\">The cost</a></li>"))
        #expect(toc.contains("<li class=\"toc-h3\"><a href=\"#cell-1-1\">Cell 1</a></li>"))
        #expect(toc.contains("<a href=\"#grad--you\">grad &amp; you</a>"))
        #expect(!toc.contains("#title"), "the title is not a section")
        #expect(NotebookExporter.tableOfContents(Array(renderer.headings.prefix(2))) == "", "one section needs no contents")
    }

    @Test func inlineAndDisplayMath() {
        let inline = MarkdownRenderer.html("the rate $\\eta$ and $x_i^2$ here")
        #expect(inline.hasPrefix("<p>the rate <math><semantics><mrow><mi>η</mi></mrow><annotation encoding=\"application/x-tex\">\\eta</annotation></semantics></math> and "))
        #expect(inline.contains("<msubsup><mi>x</mi><mrow><mi>i</mi></mrow><mrow><mn>2</mn></mrow></msubsup>"))
        let block = MarkdownRenderer.html("Before.\n$$\nJ = -\\sum_n T_n\n$$\nAfter.")
        #expect(block.contains("<p>Before.</p>\n<div class=\"math\"><math display=\"block\">"))
        #expect(block.contains("<munder><mo>∑</mo><mrow><mi>n</mi></mrow></munder>"))
        #expect(block.hasSuffix("</math></div>\n<p>After.</p>"))
        #expect(MarkdownRenderer.html("inline $$a$$ display").contains("<math display=\"block\">"))
        // Dollars that are not math, and math that is not emphasis.
        #expect(MarkdownRenderer.html("costs $5 and $10 today") == "<p>costs $5 and $10 today</p>")
        #expect(MarkdownRenderer.html("`$x$` and \\$y\\$") == "<p><code>$x$</code> and $y$</p>")
        #expect(MarkdownRenderer.html("*see $a*b$ here*").hasPrefix("<p><em>see <math>"))
        #expect(MarkdownRenderer.html("$a_1$ and $b_2$").contains("<msub><mi>b</mi>"), "underscores in math are not emphasis")
    }

    /// One row per construct of the TeX subset: the formula and a piece of its MathML.
    static let texSubset: [(String, String)] = [
        ("\\frac{a}{b}", "<mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac>"),
        ("x^{n+1}", "<msup><mi>x</mi><mrow><mi>n</mi><mo>+</mo><mn>1</mn></mrow></msup>"),
        ("W_{ij}", "<msub><mi>W</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub>"),
        ("\\alpha \\Sigma", "<mi>α</mi><mi mathvariant=\"normal\">Σ</mi>"),
        ("\\sum_{i=1}^{n} i", "<munderover><mo>∑</mo>"),
        ("\\partial J", "<mi>∂</mi><mi>J</mi>"),
        ("a \\cdot b \\odot c \\times d", "<mo>⋅</mo><mi>b</mi><mo>⊙</mo><mi>c</mi><mo>×</mo>"),
        ("\\log y + \\exp(x)", "<mi>log</mi><mo>\u{2061}</mo><mi>y</mi>"),
        ("\\sigma(z)", "<mi>σ</mi><mo stretchy=\"false\">(</mo>"),
        ("\\hat{y}", "<mover accent=\"true\"><mrow><mi>y</mi></mrow><mo>^</mo></mover>"),
        ("\\bar{x}", "<mover accent=\"true\"><mrow><mi>x</mi></mrow><mo>‾</mo></mover>"),
        ("\\sqrt{2}", "<msqrt><mrow><mn>2</mn></mrow></msqrt>"),
        ("\\left(\\frac{1}{2}\\right)", "<mo stretchy=\"true\">(</mo><mfrac>"),
        ("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", "<mtable><mtr><mtd><mn>1</mn></mtd><mtd><mn>2</mn></mtd></mtr><mtr>"),
        ("\\text{if } x \\leq 0", "<mtext>if\u{A0}</mtext><mi>x</mi><mo>≤</mo><mn>0</mn>"),
        ("\\operatorname{softplus}(x)", "<mi>softplus</mi><mo>\u{2061}</mo>"),
        ("\\mathbf{W}^\\top", "<msup><mrow style=\"font-weight: bold\"><mrow><mi>W</mi></mrow></mrow><mrow><mi>⊤</mi></mrow></msup>"),
        ("x \\leftarrow x - \\eta \\nabla J", "<mo>←</mo><mi>x</mi><mo>−</mo><mi>η</mi><mi>∇</mi>"),
        ("f'(x)", "<msup><mi>f</mi><mrow><mo>′</mo></mrow></msup>"),
        ("J = -\\sum T", "<mo>=</mo><mo form=\"prefix\">−</mo><mo>∑</mo>"),
        ("(a) - b", "<mo stretchy=\"false\">)</mo><mo>−</mo><mi>b</mi>"),
    ]

    @Test(arguments: 0..<texSubset.count)
    func texSubsetBecomesMathML(_ row: Int) {
        let (tex, expected) = RenderingTests.texSubset[row]
        let html = TeXMath.html(tex, display: false)
        #expect(html.hasPrefix("<math>"), "\(tex) fell back: \(html)")
        #expect(html.contains(expected), "\(tex) gave \(html)")
    }

    @Test func unsupportedTeXShowsItsSource() {
        #expect(TeXMath.html("\\foo{x} + 1", display: false)
                == "<code class=\"math-source\" title=\"not typeset: \\foo is not supported\">$\\foo{x} + 1$</code>")
        #expect(TeXMath.html("\\frac{a}{b", display: true).hasPrefix("<code class=\"math-source\""))
        #expect(TeXMath.html("x^", display: false).hasPrefix("<code class=\"math-source\""))
        #expect(TeXMath.html("a } b", display: false).hasPrefix("<code class=\"math-source\""))
        #expect(TeXMath.html("<script>", display: false).contains("<mo>&lt;</mo>"))
        let deep = String(repeating: "{", count: 5000) + "x" + String(repeating: "}", count: 5000)
        #expect(TeXMath.html(deep, display: false).hasPrefix("<code class=\"math-source\""), "deep nesting is refused, not a crash")
        for chain in ["\\hat", "\\frac", "\\sqrt", "x^", "\\left(", "\\begin{matrix}"] {
            let long = String(repeating: chain, count: 20_000) + "x"
            #expect(TeXMath.html(long, display: false).hasPrefix("<code class=\"math-source\""), "\(chain) × 20,000")
        }
    }

    /// A notebook written to attack its reader: no script, event attribute or script URL
    /// reaches the page.
    @Test func anExportedPageNeverRunsScriptFromTheNotebook() throws {
        let folder = temporaryFolder()
        let prose = """
        # Hostile <script>alert(0)</script>

        <script>alert(1)</script>

        Inline <img src=x onerror="alert(2)"> and <a href="javascript:alert(3)">a</a>.
        [plain](javascript:alert(4)) [case](JaVaScRiPt:alert(5)) [tab](java\tscript:alert(6))
        [entity](&#106;avascript:alert(7)) [vb](vbscript:msgbox) [data](data:text/html,<script>alert(8)</script>)
        ![quote](x.png"onerror="alert(9)) ![svg](data:image/svg+xml,<svg onload=alert(10)>)
        [title](https://ok.example "x\\" onmouseover=\\"alert(11)")

        | <script>alert(12)</script> | $\\text{<img src=x onerror=alert(13)>}$ |
        |---|---|
        | [t](javascript:alert(14)) | ~~<b onclick=alert(15)>~~ |

        ```hebb
        print("<script>alert(16)</script>")
        ```
        ```output
        <script>alert(17)</script>
        ```
        ![plot](evil.files/cell-1-1.svg)
        """
        write(prose, to: folder + "/evil.nb")
        try FileManager.default.createDirectory(atPath: folder + "/evil.files", withIntermediateDirectories: true)
        write("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(18)\"><script>alert(19)</script></svg>",
              to: folder + "/evil.files/cell-1-1.svg")
        let html = try NotebookExporter.html(path: folder + "/evil.nb")
        #expect(!html.lowercased().contains("<script"), "a <script> element")
        #expect(!html.contains("alert(18)") && !html.contains("alert(19)"), "the hostile plot file was inlined")
        for tag in RenderingTests.tags(in: html) {
            let lower = tag.lowercased()
            // Attribute names only: every value is double-quoted, with its quotes escaped.
            let names = lower.replacingOccurrences(of: #""[^"]*""#, with: "\"\"", options: .regularExpression)
            #expect(names.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "an event attribute in \(tag)")
            #expect(!lower.contains("javascript:") && !lower.contains("vbscript:") && !lower.contains("data:text/html")
                    && !lower.contains("data:image/svg"), "a script URL in \(tag)")
        }
        #expect(html.contains("script-src 'none'"), "the Content-Security-Policy")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "raw HTML is shown as text")
    }

    @Test func thePageFollowsTheColourSchemeAndWrapsLongLines() {
        let css = NotebookExporter.stylesheet
        #expect(css.contains("@media (prefers-color-scheme: dark)"))
        #expect(css.contains("pre { padding: 0.6rem 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere;"))
        #expect(!css.contains("overflow-x: auto; border-radius: 4px; background: var(--code-bg)"), "code does not scroll sideways")
    }

    /// The start tags of a page (`<a href=...>`), without text between them.
    static func tags(in html: String) -> [String] {
        var tags: [String] = [], current: String?
        for character in html {
            if character == "<" { current = "<" } else if character == ">", let tag = current {
                tags.append(tag + ">"); current = nil
            } else { current?.append(character) }
        }
        return tags
    }
}
