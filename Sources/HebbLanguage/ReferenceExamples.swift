// One example per reference entry: a few lines a learner can paste into the REPL or a
// notebook cell, and what they print (printed text, then the value of a trailing
// expression, as a notebook saves them). `hebb help NAME` and docs/guide/reference.md show
// them; ReferenceTests runs every one in a fresh session (seed 42) and compares.

extension Reference {
    /// An example: its source and its output ("" when it prints nothing, as a plot in a script).
    struct Example: Sendable {
        let code: String
        let output: String
        init(_ code: String, _ output: String) {
            self.code = code
            self.output = output
        }
    }

    /// The examples by name (every public builtin and stdlib function has one).
    static let examples: [String: Example] = [
        "tensor": Example(#"""
            tensor([[1, 2], [3, 4]])
            """#, #"""
            [[1. 2.]
             [3. 4.]]
            """#),
        "array": Example(#"""
            array([1, 2, 3], dtype: "float32")
            """#, #"""
            [1. 2. 3.]
            <tensor float32 (3,)>
            """#),
        "zeros": Example(#"""
            zeros(2, 3)
            """#, #"""
            [[0. 0. 0.]
             [0. 0. 0.]]
            """#),
        "ones": Example(#"""
            ones(3)
            """#, #"""
            [1. 1. 1.]
            """#),
        "full": Example(#"""
            full([2, 2], 7)
            """#, #"""
            [[7. 7.]
             [7. 7.]]
            """#),
        "zeros_like": Example(#"""
            zeros_like(eye(2))
            """#, #"""
            [[0. 0.]
             [0. 0.]]
            """#),
        "ones_like": Example(#"""
            ones_like(zeros(2, 3))
            """#, #"""
            [[1. 1. 1.]
             [1. 1. 1.]]
            """#),
        "eye": Example(#"""
            eye(3)
            """#, #"""
            [[1. 0. 0.]
             [0. 1. 0.]
             [0. 0. 1.]]
            """#),
        "arange": Example(#"""
            print(arange(5))
            arange(1, 2, step: 0.25)
            """#, #"""
            [0. 1. 2. 3. 4.]
            [1.   1.25 1.5  1.75]
            """#),
        "linspace": Example(#"""
            linspace(0, 1, 5)
            """#, #"""
            [0.   0.25 0.5  0.75 1.  ]
            """#),
        "randn": Example(#"""
            seed(0)
            x = randn(1000)
            print(shape(randn(2, 3)))
            abs(item(mean(x))) < 0.1         # close to 0
            """#, #"""
            (2, 3)
            true
            """#),
        "rand": Example(#"""
            x = rand(2, 3)
            all(x >= 0) and all(x < 1)
            """#, #"""
            true
            """#),
        "randint": Example(#"""
            d = randint(1, 7, 10)      # ten dice
            print(shape(d))
            all(d >= 1) and all(d <= 6)
            """#, #"""
            (10,)
            true
            """#),
        "permutation": Example(#"""
            p = permutation(5)
            sort(p)
            """#, #"""
            [0. 1. 2. 3. 4.]
            """#),
        "seed": Example(#"""
            seed(7);  a = randn(3)
            seed(7);  b = randn(3)
            all(a == b)
            """#, #"""
            true
            """#),
        "logical_and": Example(#"""
            x = arange(6)
            logical_and(x > 1, x < 4)
            """#, #"""
            [False False  True  True False False]
            """#),
        "logical_or": Example(#"""
            x = arange(6)
            logical_or(x < 1, x > 4)
            """#, #"""
            [ True False False False False  True]
            """#),
        "logical_xor": Example(#"""
            logical_xor(tensor([true, true, false]), tensor([true, false, false]))
            """#, #"""
            [False  True False]
            """#),
        "logical_not": Example(#"""
            logical_not(arange(4) > 1)
            """#, #"""
            [ True  True False False]
            """#),
        "maximum": Example(#"""
            maximum(tensor([-2, 0.5, 3]), 0)
            """#, #"""
            [0.  0.5 3. ]
            """#),
        "minimum": Example(#"""
            minimum(tensor([-2, 0.5, 3]), 1)
            """#, #"""
            [-2.   0.5  1. ]
            """#),
        "pow": Example(#"""
            pow(tensor([1, 2, 3]), 2)
            """#, #"""
            [1. 4. 9.]
            """#),
        "exp": Example(#"""
            exp(tensor([0, 1]))
            """#, #"""
            [1.         2.71828183]
            """#),
        "log": Example(#"""
            log(tensor([1, 100]))
            """#, #"""
            [0.         4.60517019]
            """#),
        "sqrt": Example(#"""
            sqrt(tensor([4, 9, 2]))
            """#, #"""
            [2.         3.         1.41421356]
            """#),
        "abs": Example(#"""
            abs(tensor([-1.5, 0, 2]))
            """#, #"""
            [1.5 0.  2. ]
            """#),
        "tanh": Example(#"""
            tanh(tensor([-1, 0, 1]))
            """#, #"""
            [-0.76159416  0.          0.76159416]
            """#),
        "sigmoid": Example(#"""
            sigmoid(tensor([-2, 0, 2]))
            """#, #"""
            [0.11920292 0.5        0.88079708]
            """#),
        "relu": Example(#"""
            relu(tensor([-1, 0, 2]))
            """#, #"""
            [0. 0. 2.]
            """#),
        "sin": Example(#"""
            sin(tensor([0, pi / 2]))
            """#, #"""
            [0. 1.]
            """#),
        "cos": Example(#"""
            cos(tensor([0, pi]))
            """#, #"""
            [ 1. -1.]
            """#),
        "sign": Example(#"""
            sign(tensor([-3, 0, 2]))
            """#, #"""
            [-1.  0.  1.]
            """#),
        "floor": Example(#"""
            floor(tensor([-1.5, 0.5, 2.7]))
            """#, #"""
            [-2.  0.  2.]
            """#),
        "round": Example(#"""
            round(tensor([0.4, 0.6, 2.5]))
            """#, #"""
            [0. 1. 2.]
            """#),
        "square": Example(#"""
            square(tensor([1, -2, 3]))
            """#, #"""
            [1. 4. 9.]
            """#),
        "log1p": Example(#"""
            log1p(tensor([0, 1e-10]))
            """#, #"""
            [0.e+00 1.e-10]
            """#),
        "expm1": Example(#"""
            expm1(tensor([0, 1e-10]))
            """#, #"""
            [0.e+00 1.e-10]
            """#),
        "softmax": Example(#"""
            P = softmax(tensor([[1, 2, 3], [0, 0, 0]]))
            print(P)
            sum(P, axis: 1)
            """#, #"""
            [[0.09003057 0.24472847 0.66524096]
             [0.33333333 0.33333333 0.33333333]]
            [1. 1.]
            """#),
        "log_softmax": Example(#"""
            log_softmax(tensor([1000, 1000]))
            """#, #"""
            [-0.69314718 -0.69314718]
            """#),
        "clip": Example(#"""
            clip(tensor([-2, 0.5, 3]), 0, 1)
            """#, #"""
            [0.  0.5 1. ]
            """#),
        "softplus": Example(#"""
            softplus(tensor([-1000, 0, 1000]))
            """#, #"""
            [0.00000000e+00 6.93147181e-01 1.00000000e+03]
            """#),
        "leaky_relu": Example(#"""
            leaky_relu(tensor([-10, 0, 5]), slope: 0.1)
            """#, #"""
            [-1.  0.  5.]
            """#),
        "sum": Example(#"""
            X = tensor([[1, 2, 3], [4, 5, 6]])
            print(sum(X))
            print(sum(X, axis: 0))
            sum(X, axis: 1, keepdims: true)
            """#, #"""
            21.0
            [5. 7. 9.]
            [[ 6.]
             [15.]]
            """#),
        "mean": Example(#"""
            X = tensor([[1, 2, 3], [4, 5, 6]])
            print(mean(X))
            mean(X, axis: 0)
            """#, #"""
            3.5
            [2.5 3.5 4.5]
            """#),
        "max": Example(#"""
            X = tensor([[1, 7, 3], [4, 5, 6]])
            print(max(X))
            print(max(X, axis: 1))
            max(2, 9, 4)
            """#, #"""
            7.0
            [7. 6.]
            9
            """#),
        "min": Example(#"""
            X = tensor([[1, 7, 3], [4, 5, 6]])
            print(min(X))
            min(X, axis: 0)
            """#, #"""
            1.0
            [1. 5. 3.]
            """#),
        "argmax": Example(#"""
            P = tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
            argmax(P, axis: 1)
            """#, #"""
            [1. 0.]
            """#),
        "argmin": Example(#"""
            argmin(tensor([3, 1, 2]))
            """#, #"""
            1.0
            """#),
        "any": Example(#"""
            any(tensor([0, 0, 1]) > 0)
            """#, #"""
            true
            """#),
        "all": Example(#"""
            all(tensor([1, 2, 3]) > 0)
            """#, #"""
            true
            """#),
        "std": Example(#"""
            std(tensor([1, 2, 3, 4]))
            """#, #"""
            1.118033988749895
            """#),
        "variance": Example(#"""
            variance(tensor([[1, 2], [3, 6]]), axis: 0)
            """#, #"""
            [1. 4.]
            """#),
        "median": Example(#"""
            median(tensor([5, 1, 4, 2]))
            """#, #"""
            3
            """#),
        "shape": Example(#"""
            shape(zeros(4, 3))
            """#, #"""
            (4, 3)
            """#),
        "rows": Example(#"""
            rows(zeros(4, 3))
            """#, #"""
            4
            """#),
        "cols": Example(#"""
            cols(zeros(4, 3))
            """#, #"""
            3
            """#),
        "size": Example(#"""
            size(zeros(4, 3))
            """#, #"""
            12
            """#),
        "reshape": Example(#"""
            print(reshape(arange(6), 2, 3))
            shape(reshape(arange(6), -1, 2))
            """#, #"""
            [[0. 1. 2.]
             [3. 4. 5.]]
            (3, 2)
            """#),
        "flatten": Example(#"""
            flatten(tensor([[1, 2], [3, 4]]))
            """#, #"""
            [1. 2. 3. 4.]
            """#),
        "concat": Example(#"""
            a = ones(1, 2);  b = zeros(2, 2)
            concat([a, b], axis: 0)
            """#, #"""
            [[1. 1.]
             [0. 0.]
             [0. 0.]]
            """#),
        "stack": Example(#"""
            stack([tensor([1, 2]), tensor([3, 4])])
            """#, #"""
            [[1. 2.]
             [3. 4.]]
            """#),
        "vstack": Example(#"""
            vstack([tensor([1, 2]), tensor([3, 4])])
            """#, #"""
            [[1. 2.]
             [3. 4.]]
            """#),
        "hstack": Example(#"""
            hstack([ones(2, 1), zeros(2, 2)])
            """#, #"""
            [[1. 0. 0.]
             [1. 0. 0.]]
            """#),
        "onehot": Example(#"""
            onehot(tensor([0, 2, 1]), 3)
            """#, #"""
            [[1. 0. 0.]
             [0. 0. 1.]
             [0. 1. 0.]]
            """#),
        "float32": Example(#"""
            x = float32(tensor([1, 2]))
            x.dtype
            """#, #"""
            "float32"
            """#),
        "float64": Example(#"""
            float64(tensor([1, 2, 3]) > 1)
            """#, #"""
            [0. 1. 1.]
            """#),
        "bool": Example(#"""
            print(bool(tensor([0, 2, -1])))
            bool(0)
            """#, #"""
            [False  True  True]
            false
            """#),
        "item": Example(#"""
            item(sum(tensor([1, 2, 3])))
            """#, #"""
            6
            """#),
        "detach": Example(#"""
            w = tensor([2.0])
            J = sum(w * detach(w))     # the second factor is a constant to grad
            grad(J, w)
            """#, #"""
            [2.]
            """#),
        "nonzero": Example(#"""
            Y = tensor([3, 1, 3, 0])
            nonzero(Y == 3)
            """#, #"""
            [0. 2.]
            """#),
        "where": Example(#"""
            x = tensor([-2, 1, -3, 4])
            where(x > 0, x, 0)
            """#, #"""
            [0. 1. 0. 4.]
            """#),
        "transpose": Example(#"""
            X = tensor([[1, 2, 3], [4, 5, 6]])
            print(transpose(X))
            shape(transpose(zeros(2, 3, 4), axes: [2, 0, 1]))
            """#, #"""
            [[1. 4.]
             [2. 5.]
             [3. 6.]]
            (4, 2, 3)
            """#),
        "dot": Example(#"""
            print(dot(tensor([1, 2, 3]), tensor([4, 5, 6])))
            dot(eye(2), tensor([[1, 2], [3, 4]]))
            """#, #"""
            32.0
            [[1. 2.]
             [3. 4.]]
            """#),
        "outer": Example(#"""
            outer(tensor([1, 2]), tensor([1, 10, 100]))
            """#, #"""
            [[  1.  10. 100.]
             [  2.  20. 200.]]
            """#),
        "conv2d": Example(#"""
            I = ones(1, 1, 4, 4)            # batch, channels, height, width
            K = ones(2, 1, 3, 3)            # filters, channels, height, width
            print(shape(conv2d(I, K)))
            conv2d(I, K, padding: "same")[0, 0]
            """#, #"""
            (1, 2, 2, 2)
            [[4. 6. 6. 4.]
             [6. 9. 9. 6.]
             [6. 9. 9. 6.]
             [4. 6. 6. 4.]]
            """#),
        "max_pool2d": Example(#"""
            X = reshape(arange(16), 1, 1, 4, 4)
            max_pool2d(X, size: 2)
            """#, #"""
            [[[[ 5.  7.]
               [13. 15.]]]]
            """#),
        "avg_pool2d": Example(#"""
            X = reshape(arange(16), 1, 1, 4, 4)
            avg_pool2d(X, size: 2)
            """#, #"""
            [[[[ 2.5  4.5]
               [10.5 12.5]]]]
            """#),
        "pad": Example(#"""
            pad(ones(2, 2), ((1, 0), (0, 1)))
            """#, #"""
            [[0. 0. 0.]
             [1. 1. 0.]
             [1. 1. 0.]]
            """#),
        "rnn_cell": Example(#"""
            cell = rnn_cell(3, 5)
            print(cell.kind, shape(cell.Wx), shape(cell.Wh), shape(cell.b))
            """#, #"""
            rnn (3, 5) (5, 5) (5,)
            """#),
        "lstm_cell": Example(#"""
            cell = lstm_cell(3, 5)
            print(cell.kind, shape(cell.Wx), shape(cell.Wh), shape(cell.b))
            """#, #"""
            lstm (3, 20) (5, 20) (20,)
            """#),
        "gru_cell": Example(#"""
            cell = gru_cell(3, 5)
            print(cell.kind, shape(cell.Wx), shape(cell.bx), shape(cell.bh))
            """#, #"""
            gru (3, 15) (15,) (15,)
            """#),
        "cell_params": Example(#"""
            cell = rnn_cell(3, 5)
            ps = cell_params(cell)
            [shape(ps[0]), shape(ps[1]), shape(ps[2])]
            """#, #"""
            [(3, 5), (5, 5), (5,)]
            """#),
        "set_cell_params": Example(#"""
            cell = rnn_cell(2, 4)
            Wo = randn(4, 1)
            params = cell_params(cell) + [Wo]
            rest = set_cell_params(cell, params)
            len(rest)
            """#, #"""
            1
            """#),
        "initial_state": Example(#"""
            print(shape(initial_state(rnn_cell(3, 5), 2)))
            h, c = initial_state(lstm_cell(3, 5), 2)
            shape(c)
            """#, #"""
            (2, 5)
            (2, 5)
            """#),
        "rnn_step": Example(#"""
            cell = rnn_cell(3, 5)
            h = rnn_step(cell, randn(2, 3), initial_state(cell, 2))
            shape(h)
            """#, #"""
            (2, 5)
            """#),
        "lstm_step": Example(#"""
            cell = lstm_cell(3, 5)
            h, c = lstm_step(cell, randn(2, 3), initial_state(cell, 2))
            shape(h)
            """#, #"""
            (2, 5)
            """#),
        "gru_step": Example(#"""
            cell = gru_cell(3, 5)
            h = gru_step(cell, randn(2, 3), initial_state(cell, 2))
            shape(h)
            """#, #"""
            (2, 5)
            """#),
        "unroll": Example(#"""
            cell = rnn_cell(1, 4)
            X = randn(8, 10)                # 8 sequences of 10 steps, one feature each
            H, h = unroll(cell, X)
            print(shape(H))
            shape(h)
            """#, #"""
            (8, 10, 4)
            (8, 4)
            """#),
        "dropout": Example(#"""
            H = ones(2, 4)
            print(dropout(H, keep: 0.5))
            dropout(H, training: false)
            """#, #"""
            [[2. 2. 0. 0.]
             [0. 0. 0. 0.]]
            [[1. 1. 1. 1.]
             [1. 1. 1. 1.]]
            """#),
        "add_noise": Example(#"""
            X = zeros(1000, 2)
            N = add_noise(X, std: 0.1)
            round(item(std(N)) * 100) / 100
            """#, #"""
            0.1
            """#),
        "cross_entropy": Example(#"""
            Z = tensor([[2.0, 0.0], [0.0, 3.0]])      # logits, one row per example
            print(cross_entropy(Z, tensor([0, 1])))    # integer labels
            cross_entropy(Z, onehot(tensor([0, 1]), 2)) # or one-hot targets
            """#, #"""
            0.17551536261671458
            0.17551536261671458
            """#),
        "binary_cross_entropy": Example(#"""
            p = tensor([0.9, 0.2])
            binary_cross_entropy(p, tensor([1, 0]))
            """#, #"""
            0.328504066972036
            """#),
        "mse": Example(#"""
            mse(tensor([1, 2, 3]), tensor([1, 2, 5]))
            """#, #"""
            1.3333333333333333
            """#),
        "sse": Example(#"""
            sse(tensor([1, 2, 3]), tensor([1, 2, 5]))
            """#, #"""
            4.0
            """#),
        "predict": Example(#"""
            predict(tensor([[0.1, 0.9], [0.8, 0.2]]))
            """#, #"""
            [1. 0.]
            """#),
        "error_rate": Example(#"""
            error_rate(tensor([0, 1, 1, 2]), tensor([0, 1, 2, 2]))
            """#, #"""
            0.25
            """#),
        "classification_rate": Example(#"""
            classification_rate(tensor([0, 1, 1, 2]), tensor([0, 1, 2, 2]))
            """#, #"""
            0.75
            """#),
        "l2_penalty": Example(#"""
            l2_penalty([tensor([1, 2]), tensor([3])], 0.1)
            """#, #"""
            0.7000000000000001
            """#),
        "l1_penalty": Example(#"""
            l1_penalty([tensor([1, -2]), tensor([3])], 0.1)
            """#, #"""
            0.6000000000000001
            """#),
        "adam_update": Example(#"""
            W, m, v = adam_update(ones(2), tensor([0.5, -0.5]), zeros(2), zeros(2), 0.1, 0.9, 0.999, 1e-8, 0.1, 0.001)
            W
            """#, #"""
            [0.9 1.1]
            """#),
        "momentum_update": Example(#"""
            W, v = momentum_update(ones(2), tensor([0.5, -0.5]), zeros(2), 0.1, 0.9)
            W
            """#, #"""
            [0.95 1.05]
            """#),
        "rmsprop_update": Example(#"""
            W, ms, mom = rmsprop_update(ones(2), tensor([0.5, -0.5]), ones(2), zeros(2), 0.1, 0.9, 0.0, 1e-10)
            W
            """#, #"""
            [0.94801248 1.05198752]
            """#),
        "rmsprop_apply": Example(#"""
            ms = [ones(2)];  mom = [zeros(2)]
            params = rmsprop_apply([ones(2)], [tensor([0.5, -0.5])], ms, mom, 0.1, 0.9, 0.0, 1e-10)
            print(params[0], ms[0])
            """#, #"""
            [0.94801248 1.05198752] [0.925 0.925]
            """#),
        "adam_apply": Example(#"""
            m = [zeros(2)];  v = [zeros(2)]
            params = adam_apply([ones(2)], [tensor([0.5, -0.5])], m, v, 0.1, 0.9, 0.999, 1e-8, 0.1, 0.001)
            print(params[0], m[0])
            """#, #"""
            [0.9 1.1] [ 0.05 -0.05]
            """#),
        "momentum_apply": Example(#"""
            velocity = [zeros(2)]
            params = momentum_apply([ones(2)], [tensor([0.5, -0.5])], velocity, 0.1, 0.9)
            print(params[0], velocity[0])
            """#, #"""
            [0.95 1.05] [-0.05  0.05]
            """#),
        "sgd": Example(#"""
            W = tensor([1.0, 2.0]);  b = tensor([0.5])
            opt = sgd(lr: 0.1)
            W, b = opt.step([W, b], [tensor([1.0, -1.0]), tensor([1.0])])
            print(W)
            b
            """#, #"""
            [0.9 2.1]
            [0.4]
            """#),
        "momentum": Example(#"""
            W = tensor([1.0])
            opt = momentum(lr: 0.1, mu: 0.9)
            for i in 1...3 { W = opt.step([W], [tensor([1.0])])[0] }
            W
            """#, #"""
            [0.439]
            """#),
        "nesterov": Example(#"""
            W = tensor([1.0])
            opt = nesterov(lr: 0.1)
            W = opt.step([W], [tensor([1.0])])[0]
            W
            """#, #"""
            [0.81]
            """#),
        "adagrad": Example(#"""
            W = tensor([1.0])
            opt = adagrad(lr: 0.1)
            W = opt.step([W], [tensor([2.0])])[0]
            W
            """#, #"""
            [0.9]
            """#),
        "rmsprop": Example(#"""
            W1, W2 = ones(2), ones(3)
            opt = rmsprop(lr: 0.01, momentum: 0.9)
            W1, W2 = opt.step([W1, W2], [ones(2), ones(3)])
            W1
            """#, #"""
            [0.99 0.99]
            """#),
        "adam": Example(#"""
            W = tensor([1.0])
            opt = adam(lr: 0.1)
            W = opt.step([W], [tensor([5.0])])[0]
            W
            """#, #"""
            [0.9]
            """#),
        "zeros_like_all": Example(#"""
            zs = zeros_like_all([ones(2, 3), ones(4)])
            [shape(zs[0]), shape(zs[1])]
            """#, #"""
            [(2, 3), (4,)]
            """#),
        "ones_like_all": Example(#"""
            ones_like_all([zeros(2)])
            """#, #"""
            [[1. 1.]]
            """#),
        "clip_by_value": Example(#"""
            clip_by_value([tensor([-5, 0.5]), tensor([3])], 1)
            """#, #"""
            [[-1.   0.5], [1.]]
            """#),
        "global_norm": Example(#"""
            global_norm([tensor([3]), tensor([4])])
            """#, #"""
            5
            """#),
        "clip_by_global_norm": Example(#"""
            clip_by_global_norm([tensor([3]), tensor([4])], 1)
            """#, #"""
            [[0.6], [0.8]]
            """#),
        "step_decay": Example(#"""
            [step_decay(0.1, 0), step_decay(0.1, 10), step_decay(0.1, 25)]
            """#, #"""
            [0.1, 0.05, 0.025]
            """#),
        "inverse_decay": Example(#"""
            inverse_decay(0.1, 100)
            """#, #"""
            0.05
            """#),
        "exp_decay": Example(#"""
            exp_decay(0.1, 100)
            """#, #"""
            0.036787944117144235
            """#),
        "early_stopping": Example(#"""
            W = ones(2)
            es = early_stopping(patience: 2)
            for cost in [5, 4, 4.5, 4.2, 4.1] {
                if es.update(cost, [W]) { print("stop at cost", cost); break }
            }
            """#, #"""
            stop at cost 4.2
            """#),
        "clouds": Example(#"""
            X, Y = clouds(n: 10)
            print(shape(X), shape(Y))
            sort(Y)[0:3]
            """#, #"""
            (30, 2) (30,)
            [0. 0. 0.]
            """#),
        "xor_data": Example(#"""
            X, Y = xor_data(n: 4)
            shape(X)
            """#, #"""
            (4, 2)
            """#),
        "donut": Example(#"""
            X, Y = donut(n: 50)
            print(shape(X))
            sum(Y)
            """#, #"""
            (100, 2)
            50.0
            """#),
        "spirals": Example(#"""
            X, Y = spirals(n: 20)
            shape(X)
            """#, #"""
            (120, 2)
            """#),
        "saddle": Example(#"""
            X, y = saddle(n: 5)
            print(shape(X), shape(y))
            """#, #"""
            (5, 2) (5,)
            """#),
        "parity": Example(#"""
            X, Y = parity(bits: 2)
            print(X)
            Y
            """#, #"""
            [[0. 0.]
             [0. 1.]
             [1. 0.]
             [1. 1.]]
            [0. 1. 1. 0.]
            """#),
        "pad_sequences": Example(#"""
            X, mask = pad_sequences([tensor([1, 2, 3]), tensor([4])])
            print(shape(X))
            mask
            """#, #"""
            (2, 3, 1)
            [[1. 1. 1.]
             [1. 0. 0.]]
            """#),
        "sequence_batches": Example(#"""
            seqs = [tensor([1, 2]), tensor([3]), tensor([4, 5, 6])]
            parts = sequence_batches(seqs, tensor([0, 1, 0]), 2, shuffle: false)
            Xb, Yb, mask = parts[0]
            print(len(parts), shape(Xb))
            mask
            """#, #"""
            2 (2, 2, 1)
            [[1. 1.]
             [1. 0.]]
            """#),
        "shift_images": Example(#"""
            X = reshape(arange(9), 1, 9)      # one 3×3 image as a row
            reshape(shift_images(X, 3, 3, 1, 0), 3, 3)
            """#, #"""
            [[0. 0. 0.]
             [0. 1. 2.]
             [3. 4. 5.]]
            """#),
        "shuffle_rows": Example(#"""
            X = reshape(arange(6), 3, 2);  Y = tensor([0, 1, 2])
            Xs, Ys = shuffle_rows(X, Y)
            all(Xs[:, 0] == 2 * Ys)      # rows stay paired with their labels
            """#, #"""
            true
            """#),
        "batches": Example(#"""
            X = randn(10, 2);  Y = arange(10)
            parts = batches(X, Y, 4)
            print(len(parts))
            shape(parts[2][0])
            """#, #"""
            3
            (2, 2)
            """#),
        "train_test_split": Example(#"""
            X = randn(10, 2);  Y = arange(10)
            Xtr, Ytr, Xte, Yte = train_test_split(X, Y, test: 0.2)
            print(shape(Xtr), shape(Xte))
            """#, #"""
            (8, 2) (2, 2)
            """#),
        "standardize": Example(#"""
            X = tensor([[1, 10], [3, 30]])
            Xs, mu, sigma = standardize(X)
            print(mu)
            Xs
            """#, #"""
            [ 2. 20.]
            [[-0.99999999 -1.        ]
             [ 0.99999999  1.        ]]
            """#),
        "plot": Example(#"""
            costs = []
            for e in 1...20 { append(costs, 1 / e) }
            plot(costs, title: "cost", xlabel: "epoch")
            """#, ""),
        "scatter": Example(#"""
            X, Y = clouds(n: 30)
            scatter(X, labels: Y, title: "three clouds")
            """#, ""),
        "imshow": Example(#"""
            imshow(eye(8), title: "a diagonal")
            """#, ""),
        "hist": Example(#"""
            hist(randn(1000), bins: 10)
            """#, ""),
        "progress": Example(#"""
            total = 0
            for i in progress(1...100) { total += i }
            total
            """#, #"""
            5050
            """#),
        "load_csv": Example(#"""
            save_csv("example.csv", tensor([[1, 0.5, 2], [0, 1.5, 3]]), header: ["label", "a", "b"])
            X, y = load_csv("example.csv", label: "label")
            print(X)
            y
            """#, #"""
            [[0.5 2. ]
             [1.5 3. ]]
            [1. 0.]
            """#),
        "save_csv": Example(#"""
            save_csv("example.csv", tensor([[1, 2], [3, 4]]), header: ["x", "y"])
            load_csv("example.csv")
            """#, #"""
            [[1. 2.]
             [3. 4.]]
            """#),
        "load_npy": Example(#"""
            save_npy("example.npy", eye(2))
            load_npy("example.npy")
            """#, #"""
            [[1. 0.]
             [0. 1.]]
            """#),
        "save_npy": Example(#"""
            save_npy("example.npy", arange(3))
            load_npy("example.npy")
            """#, #"""
            [0. 1. 2.]
            """#),
        "print": Example(#"""
            x = 0.1234567
            print("x is", x, "and rounded {x:.2f}")
            """#, #"""
            x is 0.1234567 and rounded 0.12
            """#),
        "str": Example(#"""
            str([1, 2]) + " and " + str(3)
            """#, #"""
            "[1, 2] and 3"
            """#),
        "repr": Example(#"""
            repr("a string")
            """#, #"""
            "\"a string\""
            """#),
        "type": Example(#"""
            [type(1), type("s"), type(zeros(2)), type({a: 1})]
            """#, #"""
            ["number", "string", "tensor", "record"]
            """#),
        "number": Example(#"""
            number("2.5") + 1
            """#, #"""
            3.5
            """#),
        "float": Example(#"""
            float("1e-3")
            """#, #"""
            0.001
            """#),
        "int": Example(#"""
            [int(2.7), int(-2.7), int("42")]
            """#, #"""
            [2, -2, 42]
            """#),
        "len": Example(#"""
            [len("abc"), len([1, 2]), len(zeros(4, 2))]
            """#, #"""
            [3, 2, 4]
            """#),
        "range": Example(#"""
            print(list(range(5)))
            list(range(2, 10, step: 3))
            """#, #"""
            [0, 1, 2, 3, 4]
            [2, 5, 8]
            """#),
        "list": Example(#"""
            list(1...4)
            """#, #"""
            [1, 2, 3, 4]
            """#),
        "append": Example(#"""
            xs = []
            append(xs, 1);  append(xs, 2)
            xs
            """#, #"""
            [1, 2]
            """#),
        "pop": Example(#"""
            xs = [1, 2, 3]
            print(pop(xs))
            xs
            """#, #"""
            3
            [1, 2]
            """#),
        "copy": Example(#"""
            a = [1, 2];  b = copy(a)
            append(b, 3)
            a
            """#, #"""
            [1, 2]
            """#),
        "enumerate": Example(#"""
            for i, name in enumerate(["a", "b"]) { print(i, name) }
            """#, #"""
            0 a
            1 b
            """#),
        "zip": Example(#"""
            for x, y in zip([1, 2], ["one", "two"]) { print(x, y) }
            """#, #"""
            1 one
            2 two
            """#),
        "keys": Example(#"""
            keys({W: zeros(2), b: 0})
            """#, #"""
            ["W", "b"]
            """#),
        "assert": Example(#"""
            assert(1 + 1 == 2, message: "arithmetic is broken")
            """#, ""),
        "error": Example(#"""
            fn check(lr) { if lr <= 0 { error("lr must be positive, got {lr}") }; return lr }
            check(0.1)
            """#, #"""
            0.1
            """#),
        "warn": Example(#"""
            warn("learning rate looks large", once: true)
            """#, #"""
            warning: learning rate looks large
            """#),
        "sort": Example(#"""
            sort(tensor([3, 1, 2]))
            """#, #"""
            [1. 2. 3.]
            """#),
        "env": Example(#"""
            env("HEBB_NOT_SET", default: "fallback")
            """#, #"""
            "fallback"
            """#),
        "clock": Example(#"""
            t = clock()
            x = randn(100, 100) @ randn(100, 100)
            clock() - t >= 0
            """#, #"""
            true
            """#),
        "isnan": Example(#"""
            isnan(tensor([1, 0 / 0]))
            """#, #"""
            [False  True]
            """#),
        "help": Example(#"""
            help("relu")
            """#, #"""
            relu(x)
            max(0, x) elementwise. Gradient: 1 for x > 0 and 0 for x <= 0, so 0 at x = 0 (as PyTorch and JAX; maximum(x, 0) gives 1/2 there).

            Example:
                relu(tensor([-1, 0, 2]))
                # [0. 0. 2.]
            """#),
        "grad": Example(#"""
            W = tensor([1.0, 2.0])
            J = sum(W ** 2)
            grad(J, W)
            """#, #"""
            [2. 4.]
            """#),
        "gradcheck": Example(#"""
            W = randn(3, 2)
            J = sum(tanh(ones(4, 3) @ W))
            gradcheck(J, [W]) < 1e-6
            """#, #"""
            gradcheck: max relative error 3.8e-11 over 6 elements
            true
            """#),
        "no_grad": Example(#"""
            W = randn(2, 2)
            P = no_grad(fn() => softmax(W))
            shape(P)
            """#, #"""
            (2, 2)
            """#),
    ]
}
