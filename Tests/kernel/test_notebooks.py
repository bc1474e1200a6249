"""Every chapter notebook, exported to .ipynb, executed by nbclient through the Hebb kernel
(as JupyterLab would run it), then compared with the .nb's saved outputs by `hebb test
NB.nb --against RUN.ipynb`: the same tolerance rule as `hebb test`."""
import glob
import os
import subprocess
import tempfile
import unittest

import nbformat
from nbclient import NotebookClient

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEBB = os.path.abspath(os.path.join(ROOT, os.environ.get("HEBB_BINARY", ".build/debug/hebb")))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "ch*.nb")))


def notebook_kernel_environment():
    """The saved outputs were computed with the kernels `hebb run NB.nb` uses on every CPU
    (OpenBLAS's Haswell set for every product, SLEEF's 256-bit functions); the Jupyter kernel uses the CPU's
    fastest, whose last bits can differ (and chapter 6's training amplifies them). So the
    kernel processes this test starts are asked for the notebooks' kernels, as a user
    reproducing a notebook's saved outputs from Jupyter would ask (docs/guide/notebooks.md)."""
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo if line.startswith("flags")), [])
    return {"OPENBLAS_CORETYPE": "Haswell", "HEBB_VECMATH_ISA": "256", "HEBB_SMALL_GEMM": "openblas"} if "avx2" in flags and "fma" in flags else {}


class ChapterNotebooksThroughTheKernel(unittest.TestCase):
    def test_every_chapter_notebook(self):
        self.assertGreaterEqual(len(NOTEBOOKS), 9)
        saved = dict(os.environ)
        os.environ.update(notebook_kernel_environment())  # the kernels inherit it
        try:
            with tempfile.TemporaryDirectory() as folder:
                for path in NOTEBOOKS:
                    with self.subTest(notebook=os.path.basename(path)):
                        self.check(path, folder)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def check(self, path, folder):
        name = os.path.splitext(os.path.basename(path))[0]
        exported = os.path.join(folder, name + ".ipynb")
        subprocess.run([HEBB, "export", path, "--ipynb", "-o", exported], check=True, capture_output=True)
        notebook = nbformat.read(exported, as_version=4)
        self.assertEqual(notebook.metadata.kernelspec.name, "hebb")
        # The kernel starts in the notebook's folder, as JupyterLab starts it.
        client = NotebookClient(notebook, timeout=600, allow_errors=True,
                                resources={"metadata": {"path": os.path.dirname(path)}})
        client.execute()
        executed = os.path.join(folder, name + ".run.ipynb")
        nbformat.write(notebook, executed)
        result = subprocess.run([HEBB, "test", path, "--against", executed], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
