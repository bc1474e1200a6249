"""The twins of load_csv.hebb: a Kaggle-format MNIST train.csv (make_mnist_csv.py) read by
pandas.read_csv, pyarrow.csv.read_csv and numpy.loadtxt into a float64 matrix plus labels
(pyarrow_table: Arrow's read alone, its int64 columns not made into a matrix);
median of 5 after a warm-up (numpy.loadtxt: 1 run, it takes seconds). A missing package is
reported and skipped. Usage: python3 load_csv.py [pandas|pyarrow|pyarrow_table|numpy ...]"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
import statistics, sys, time

path = os.path.join(os.environ.get("PEERS_DIR", "/tmp/hebb-peers"), "mnist_train.csv")

def with_pandas():
    import pandas as pd
    frame = pd.read_csv(path)
    return frame.drop(columns="label").to_numpy(dtype="float64"), frame["label"].to_numpy(dtype="float64")

def with_pyarrow():
    import numpy as np
    from pyarrow import csv
    table = csv.read_csv(path)
    X = np.column_stack([table.column(i).to_numpy() for i in range(1, table.num_columns)]).astype("float64")
    return X, table.column(0).to_numpy().astype("float64")

def pyarrow_table_only():
    # Arrow's own int64 columns, no matrix: the reader's speed alone (not what load_csv returns).
    from pyarrow import csv
    table = csv.read_csv(path)
    class Shape:
        shape = (table.num_rows, table.num_columns - 1)
        def sum(self):
            return sum(table.column(i).to_numpy().sum() for i in range(1, table.num_columns))
    return Shape(), table.column(0).to_numpy()

def with_numpy():
    import numpy as np
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, 1:], data[:, 0]

loaders = {"pandas": (with_pandas, 5), "pyarrow": (with_pyarrow, 5), "pyarrow_table": (pyarrow_table_only, 5),
           "numpy": (with_numpy, 1)}
for name in sys.argv[1:] or loaders:
    load, reps = loaders[name]
    try:
        X, y = load()
    except ImportError as error:
        print(f"RESULT system={name}-read_csv skipped ({error})")
        continue
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        X, y = load()
        times.append(time.perf_counter() - t0)
    print(f"RESULT system={name}-read_csv shape={list(X.shape)} sum={X.sum() + y.sum():.0f} "
          f"median_ms={statistics.median(times) * 1000:.1f} min_ms={min(times) * 1000:.1f}")
