// Documentation of the tensor rules that are not builtins (`hebb help >`, `hebb help
// indexing`), beside the builtins' texts and the keywords' (KeywordHelp.swift; `==` is there).

/// Help texts for operators and topics, by the names a user types.
enum Topics {
    static let comparison = """
        a > b, a >= b, a < b, a <= b, a == b, a != b
        On numbers: true or false. On tensors (elementwise, with NumPy broadcasting): a bool
        mask, printed as NumPy prints one ([False  True  True]; x.dtype is "bool").
        A mask selects: x[x > 0] (see `hebb help indexing`). In arithmetic it counts as
        0/1 in the other operand's dtype (float64 alone): sum(Y == 3) counts, mean(P == Y)
        is a rate, x * (x > 0) zeroes the negatives. float64(mask) converts it. Between two
        masks NumPy's rules hold: + is "or" and * is "and" (the result is a mask), - is an
        error.
        Combine masks with and, or, not (or logical_and, logical_or, logical_xor, logical_not).
        """

    static let logic = """
        a and b, a or b, not a   (also &&, ||, !)
        On truth values they short-circuit, as in Python. When an operand is a tensor of
        rank 1 or more, both sides are evaluated and combined elementwise into a bool mask:
        (x > 0) and (x < 5) is NumPy's (x > 0) & (x < 5); not mask is ~mask.
        """

    static let indexing = """
        x[i], x[i, j], x[a:b:step], x[:, j]   positions (negative counts from the end)
        x[[4, 0, 0]], x[idx]                  rows by number (a list or tensor of numbers)
        x[mask]                               a bool mask (a comparison such as x > 0):
          - with the shape of x: the elements where it is true, as a 1-d tensor;
          - with the shape of the leading axes (X[Y == 3] on a matrix): those rows;
          - in a later place, 1-d: x[:, keep] picks the columns where keep is true.
        x[mask] = v writes only the selected places (v a number, or one value per selected
        element or row); x[mask] += 1 too. The gradient of a masked read flows back into
        the selected places. A list of true/false is a mask; nonzero(mask) gives the
        positions as numbers. A mask of any other shape is an error naming both shapes.
        """

    static let table: [String: String] = {
        var entries: [String: String] = ["indexing": indexing, "masks": comparison, "and": logic, "or": logic,
                                         "not": logic, "&&": logic, "||": logic, "!": logic, "[]": indexing]
        for op in [">", ">=", "<", "<=", "comparison", "comparisons"] { entries[op] = comparison }
        return entries
    }()
}
