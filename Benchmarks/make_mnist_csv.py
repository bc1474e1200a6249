"""Writes a file shaped like Kaggle's MNIST train.csv: a header `label,pixel0,...,pixel783` and
42,000 rows of 785 integers (label 0-9, pixels 0-255, ~81% zeros as in MNIST, ~76 MB), deterministic (seed 12).
Usage: python3 make_mnist_csv.py [OUT] [ROWS]   (default /tmp/hebb-peers/mnist_train.csv, 42000)
Only the standard library is used, so the file is the same with or without NumPy."""
import os
import random
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("PEERS_DIR", "/tmp/hebb-peers"), "mnist_train.csv")
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 42000
rng = random.Random(12)
# 200 distinct digit-like rows, each written under 210 labels/shifts: a fresh random number per
# cell would make the generator slower than every loader it feeds.
templates = []
for _ in range(200):
    cells = []
    for pixel in range(784):
        r, c = divmod(pixel, 28)
        inside = 4 <= r < 24 and 6 <= c < 22 and rng.random() < 0.46
        if not inside:
            cells.append("0")
        else:
            v = rng.random()
            cells.append(str(rng.choice((252, 253, 254, 255))) if v < 0.5 else str(rng.randint(1, 251)))
    templates.append(cells)
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out + ".tmp", "w", newline="\n") as f:
    f.write("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n")
    for i in range(rows):
        cells = templates[rng.randrange(200)]
        shift = rng.randrange(5)
        f.write(str(rng.randrange(10)) + "," + ",".join(cells[shift:] + cells[:shift]) + "\n")
os.replace(out + ".tmp", out)
print(f"{out}: {rows} rows x 785 columns, {os.path.getsize(out) / 1e6:.1f} MB")
