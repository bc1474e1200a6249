#!/usr/bin/env python3
"""Independent reference gradients for Hebb's autodiff, computed with JAX in float64.

Writes Tests/HebbAutodiffTests/GradFixtures.swift: for each network, its inputs and the
gradients of its scalar cost as literal arrays. FixtureGradientTests.swift builds the same
networks from Hebb's primitive ops and compares.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy jax
    /tmp/venv/bin/python Tests/HebbAutodiffTests/Fixtures/make_grad_fixtures.py

The inputs come from numpy's seeded generator and are stored with the gradients, so the
Swift side does not need to reproduce any random stream.
"""
import os

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)
rng = np.random.default_rng(20240611)


def normal(*shape, scale=1.0):
    return rng.standard_normal(shape) * scale


# MARK: networks (each: inputs dict, names differentiated, cost function of those inputs)

def mlp_relu_cross_entropy():
    """2-layer ReLU network, softmax cross-entropy from logits, integer labels."""
    inputs = dict(X=normal(5, 4), W1=normal(4, 6, scale=0.5), b1=normal(6, scale=0.1),
                  W2=normal(6, 3, scale=0.5), b2=normal(3, scale=0.1),
                  T=np.eye(3)[[0, 2, 1, 1, 0]])

    def cost(W1, b1, W2, b2):
        Z = jax.nn.relu(inputs["X"] @ W1 + b1)
        return -jnp.sum(inputs["T"] * jax.nn.log_softmax(Z @ W2 + b2, axis=-1))
    return inputs, ["W1", "b1", "W2", "b2"], cost


def tanh_three_layers_mse():
    """3-layer tanh network without biases, mean squared error."""
    inputs = dict(X=normal(4, 3), A=normal(3, 5, scale=0.6), B=normal(5, 4, scale=0.6),
                  C=normal(4, 2, scale=0.6), Y=normal(4, 2))

    def cost(A, B, C):
        H = jnp.tanh(jnp.tanh(inputs["X"] @ A) @ B)
        return jnp.mean((H @ C - inputs["Y"]) ** 2)
    return inputs, ["A", "B", "C"], cost


def rnn_unrolled():
    """h_t = tanh(x_t Wx + h_{t-1} Wh + b) over 4 steps; J = sum(h_T^2) + sum_t sum(sigmoid(h_t Wo))."""
    inputs = dict(xs=normal(4, 3), Wx=normal(3, 5, scale=0.5), Wh=normal(5, 5, scale=0.5),
                  b=normal(5, scale=0.1), Wo=normal(5, 2, scale=0.5), h0=normal(5, scale=0.3))

    def cost(Wx, Wh, b, Wo, h0):
        h = h0
        total = 0.0
        for t in range(4):
            h = jnp.tanh(inputs["xs"][t] @ Wx + h @ Wh + b)
            total = total + jnp.sum(jax.nn.sigmoid(h @ Wo))
        return total + jnp.sum(h ** 2)
    return inputs, ["Wx", "Wh", "b", "Wo", "h0"], cost


def mixed_primitives():
    """Broadcasting, transposed products, softmax along axis 0, max/min reductions, gathers
    with repeated rows, concatenation, division, powers, sqrt, exp/log, maximum."""
    inputs = dict(X=normal(3, 4), Y=normal(4), R=normal(3, 4), S=normal(4, 4), M=normal(4, 3))

    def cost(X, Y, M):
        R, S = inputs["R"], inputs["S"]
        a = jnp.sum(jax.nn.softmax(X, axis=0) * R)
        b = jnp.sum(jnp.max(X * Y, axis=1)) + jnp.min(X + Y)
        c = jnp.sum(X[jnp.array([0, 2, 2, 1])] * S)
        d = jnp.sum((X.T @ M.T) * S) + jnp.sum((M @ X) ** 2) / 20
        e = jnp.sum(jnp.concatenate([X, M.T * 2], axis=0) ** 2) / 10
        f = jnp.sum(X / (1 + Y ** 2)) + jnp.sum(jnp.sqrt(jnp.abs(X) + 1) ** 3)
        g = jnp.sum(jnp.log(jnp.exp(X) + jnp.exp(Y))) + jnp.sum(jnp.maximum(X, 0.1 * X))
        return a + b + c + d + e + f + g
    return inputs, ["X", "Y", "M"], cost


def small_cnn():
    """conv2d (stride 1, padding 1) -> relu -> 2x2 max-pool -> conv2d (stride 2) -> dense ->
    softmax cross-entropy. Convolution is cross-correlation, NCHW input, OIHW filters."""
    inputs = dict(X=normal(2, 2, 6, 6), F1=normal(3, 2, 3, 3, scale=0.4), F2=normal(4, 3, 2, 2, scale=0.4),
                  W=normal(4, 3, scale=0.5), T=np.eye(3)[[2, 0]])

    def conv(x, f, stride, padding):
        return jax.lax.conv_general_dilated(x, f, (stride, stride), [(padding, padding)] * 2,
                                            dimension_numbers=("NCHW", "OIHW", "NCHW"))

    def cost(F1, F2, W):
        h = jax.nn.relu(conv(inputs["X"], F1, 1, 1))                        # 2x3x6x6
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")  # 2x3x3x3
        h = conv(h, F2, 2, 0)                                                # 2x4x1x1
        logits = h.reshape(2, 4) @ W
        return -jnp.sum(inputs["T"] * jax.nn.log_softmax(logits, axis=-1))
    return inputs, ["F1", "F2", "W"], cost


NETWORKS = [mlp_relu_cross_entropy, tanh_three_layers_mse, rnn_unrolled, mixed_primitives, small_cnn]


# MARK: output

def literal(array):
    values = ", ".join(repr(float(v)) for v in np.asarray(array, dtype=np.float64).ravel())
    return f"tensor({list(np.shape(array))}, [{values}])"


def fixture(make):
    inputs, wrt, cost = make()
    arguments = [jnp.asarray(inputs[name]) for name in wrt]
    value, grads = jax.value_and_grad(cost, argnums=tuple(range(len(wrt))))(*arguments)
    first, *rest = make.__name__.split("_")
    name = first + "".join(part.capitalize() for part in rest)
    lines = [f"    static var {name}: GradFixture {{",
             "        GradFixture(",
             f"            cost: {float(value)!r},",
             "            inputs: ["]
    lines += [f"                \"{key}\": {literal(array)}," for key, array in inputs.items()]
    lines += ["            ],", "            gradients: ["]
    lines += [f"                \"{key}\": {literal(np.asarray(g))}," for key, g in zip(wrt, grads)]
    lines += ["            ])", "    }"]
    return "\n".join(lines)


def main():
    header = (
        "// GENERATED by Fixtures/make_grad_fixtures.py (JAX "
        + jax.__version__ + ", float64): do not edit by hand.\n"
        "// Inputs and reference gradients of small networks; see FixtureGradientTests.swift.\n\n"
        "import HebbTensor\n\n"
        "enum GradFixtures {\n")
    body = "\n\n".join(fixture(make) for make in NETWORKS)
    path = os.path.join(os.path.dirname(__file__), "..", "GradFixtures.swift")
    with open(path, "w") as out:
        out.write(header + body + "\n}\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
