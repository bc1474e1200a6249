// A grid of Unicode braille characters used as a 2×4-dots-per-cell bitmap.

/// A monochrome dot canvas `columns` × `rows` characters (2·columns × 4·rows dots). Each
/// character also remembers the last colour drawn into it, for optional ANSI colouring.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private var bits: [UInt8]
    private var colours: [Int]
    /// Characters drawn over the dots (markers for values off the scale), by cell index.
    private var overlay: [Int: Character] = [:]

    /// Dot bit for (dot row 0...3, dot column 0...1) inside one braille character.
    private static let dotBits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    init(columns: Int, rows: Int) {
        self.columns = Swift.max(1, columns)
        self.rows = Swift.max(1, rows)
        bits = [UInt8](repeating: 0, count: self.columns * self.rows)
        colours = [Int](repeating: -1, count: self.columns * self.rows)
    }

    var dotWidth: Int { columns * 2 }
    var dotHeight: Int { rows * 4 }

    /// Sets the dot at (`x`, `y`), with y = 0 the top row; dots outside are ignored.
    mutating func set(x: Int, y: Int, colour: Int = 0) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * columns + x / 2
        bits[cell] |= BrailleCanvas.dotBits[y % 4][x % 2]
        colours[cell] = colour
    }

    /// Draws a straight line of dots (Bresenham).
    mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), colour: Int = 0) {
        var (x, y) = start
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let stepX = x < end.x ? 1 : -1, stepY = y < end.y ? 1 : -1
        var error = dx + dy
        for _ in 0...(dx - dy) {
            set(x: x, y: y, colour: colour)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// Puts `character` in the cell at (`column`, `row`) in place of its dots (red with ANSI).
    mutating func mark(column: Int, row: Int, _ character: Character) {
        guard column >= 0, row >= 0, column < columns, row < rows else { return }
        overlay[row * columns + column] = character
    }

    /// The canvas as `rows` strings; with `ansi`, each character is coloured by palette index.
    func lines(ansi: Bool) -> [String] {
        (0..<rows).map { row in
            var text = ""
            for column in 0..<columns {
                let cell = row * columns + column
                if let marker = overlay[cell] {
                    text += ansi ? "\u{1B}[31m" + String(marker) + "\u{1B}[0m" : String(marker)
                    continue
                }
                let character = Character(Unicode.Scalar(0x2800 + UInt32(bits[cell])) ?? " ")
                if ansi && bits[cell] != 0 {
                    text += TextChart.ansiColour(colours[cell]) + String(character) + "\u{1B}[0m"
                } else {
                    text.append(character)
                }
            }
            return text
        }
    }
}
