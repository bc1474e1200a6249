// `hebb help fn`, `help("if")`: the rules of the language's own keywords and operators,
// which have no builtin to carry their documentation.

extension Session {
    static let keywordDocs: [String: String] = [
        "fn": """
        fn name(a, b = 1) { body }   fn(x) => expr   fn(x) { body }
        Defines a function (a closure over the scope it is written in). The value of the
        body's final bare expression is returned, as in Rust and Ruby:
            fn double(x) { x * 2 }          # double(3) is 6
        A final if/else returns the value of the branch taken; 'return value' leaves early;
        a body that ends in a statement (an assignment, a loop) returns none.
        Python's 'def f(x):' and 'lambda x: x * 2' are written 'fn f(x) { ... }' and 'fn(x) => x * 2'.
        """,
        "if": """
        if condition { ... } else if other { ... } else { ... }
        Blocks are in braces (Python's 'if c:' and 'elif' are errors that say so). There is no
        'a if c else b' expression: assign in both branches, or use where(c, a, b) on tensors.
        """,
        "for": """
        for x in sequence { ... }   for i, x in enumerate(xs) { ... }   for i in 0..<n { ... }
        Walks a range, list, tuple, string or the rows of a tensor. There are no
        comprehensions: build a list with ys = [] and append(ys, x) inside the loop.
        """,
        "while": "while condition { ... }\nRepeats the block while the condition is true; break and continue work as in Python.",
        "==": """
        a == b, a != b
        Numbers, strings, booleans and none compare by value. Lists, tuples and records
        compare by value too, deeply, as in Python ([1, [2]] == [1, [2]] is true; a record's
        field order does not matter). Tensors compare elementwise and give a bool mask (hebb
        help >); a tensor inside a list equals only itself: against another tensor or a number
        it is an error (use all(a == b)); against none, a string or a list it is not equal
        (W == none is false).
        Functions are equal only to themselves.
        """,
    ]
}
