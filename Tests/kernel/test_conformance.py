"""The official Jupyter kernel conformance suite (jupyter_kernel_test) with Hebb samples."""
import os
import unittest

import jupyter_kernel_test as jkt


class HebbKernelConformance(jkt.KernelTests):
    kernel_name = "hebb"
    language_name = "hebb"
    file_extension = ".hebb"

    code_hello_world = 'print("hello, world")'
    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "sigm", "matches": {"sigmoid"}},
    ]
    complete_code_samples = ["1 + 1", "x = 3", "fn f(x) {\n    return x * 2\n}"]
    incomplete_code_samples = ["for i in 1...3 {", "fn f(x) {", "y = [1, 2,"]
    invalid_code_samples = ["x = )", "1 +* 2"]
    code_generate_error = "zeros(2, 3) @ zeros(2, 3)"
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "[1, 2] + [3]", "result": "[1, 2, 3]"},
        {"code": "zeros(2)", "result": "[0. 0.]"},
    ]
    code_display_data = [
        {"code": "plot([1, 4, 9])", "mime": "image/svg+xml"},
        {"code": "scatter([[1, 2], [3, 4]], [0, 1])", "mime": "image/svg+xml"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "sigmoid"


class HebbKernelspec(unittest.TestCase):
    def test_jupyter_finds_the_kernelspec_with_its_logos(self):
        from jupyter_client.kernelspec import KernelSpecManager
        manager = KernelSpecManager()
        self.assertIn("hebb", manager.find_kernel_specs())
        spec = manager.get_kernel_spec("hebb")
        self.assertEqual((spec.display_name, spec.language, spec.interrupt_mode), ("Hebb", "hebb", "message"))
        self.assertEqual(spec.argv[1:3], ["kernel", "{connection_file}"])
        self.assertTrue(os.path.isabs(spec.argv[0]) and os.access(spec.argv[0], os.X_OK))
        for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
            self.assertTrue(os.path.exists(os.path.join(spec.resource_dir, logo)), logo)


if __name__ == "__main__":
    unittest.main()
