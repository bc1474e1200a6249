"""The Hebb kernel under jupyter_client: streaming, interrupts (message and SIGINT), a
restart, dropped bad signatures, progress bars in place, and the permission model."""
import base64
import os
import signal
import struct
import tempfile
import time
import unittest

import jupyter_client
from jupyter_client.blocking.client import BlockingKernelClient

TIMEOUT = 60


def run(kc, code, timeout=TIMEOUT):
    """Executes `code`; returns the reply content and the IOPub messages with arrival times."""
    messages = []
    reply = kc.execute_interactive(
        code, timeout=timeout,
        output_hook=lambda m: messages.append((time.monotonic(), m["msg_type"], m["content"])))
    return reply["content"], messages


def steps_taking(kc, seconds):
    """The length of a `s += j` loop that takes at least `seconds` on this machine: grown
    until it does, rather than guessed (the compiled interpreter is fast, machines differ)."""
    n = 100000
    while True:
        start = time.monotonic()
        run(kc, f"s = 0\nfor j in 1...{n} {{ s += j }}")
        if time.monotonic() - start >= seconds or n >= 10**9:
            return n
        n *= 4


def result_text(messages):
    return [c["data"]["text/plain"] for _, t, c in messages if t == "execute_result"]


class KernelBehaviour(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name="hebb", cwd=self.folder)

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def test_output_is_streamed_while_the_cell_runs(self):
        # The pause between prints must outlast the kernel's 50 ms flush on any machine.
        n = steps_taking(self.kc, 0.3)
        code = ("for i in 1...3 {\n    print(\"step\", i)\n    s = 0\n"
                f"    if i < 3 {{ for j in 1...{n} {{ s += j }} }}\n}}")
        reply, messages = run(self.kc, code)
        self.assertEqual(reply["status"], "ok")
        streams = [(t, c["text"]) for t, kind, c in messages if kind == "stream"]
        self.assertEqual("".join(text for _, text in streams), "step 1\nstep 2\nstep 3\n")
        self.assertGreaterEqual(len(streams), 2, "printed lines arrived in one message at the end")

    def test_interrupt_request_stops_a_cell_and_keeps_its_variables(self):
        msg_id = self.kc.execute("i = 0\nwhile true { i += 1 }")
        time.sleep(1.5)
        self.km.interrupt_kernel()   # interrupt_mode "message": interrupt_request on control
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("interrupted", reply["content"]["evalue"])
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        content, messages = run(self.kc, "i > 0")
        self.assertEqual(content["status"], "ok")
        self.assertEqual(result_text(messages), ["true"])

    def test_sigint_stops_a_cell_too(self):
        self.kc.execute("k = 0\nwhile true { k += 1 }")
        time.sleep(1.5)
        os.kill(self.km.provisioner.process.pid, signal.SIGINT)
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["status"], "error")
        content, messages = run(self.kc, "k > 0")
        self.assertEqual(result_text(messages), ["true"])

    def test_restart_gives_a_fresh_session(self):
        run(self.kc, "before_restart = 5")
        self.km.restart_kernel(now=False)   # shutdown_request with restart: true, then a new kernel
        self.kc.wait_for_ready(timeout=TIMEOUT)
        content, _ = run(self.kc, "before_restart")
        self.assertEqual(content["status"], "error")
        self.assertIn("before_restart", content["evalue"])
        content, messages = run(self.kc, "1 + 1")
        self.assertEqual(result_text(messages), ["2"])

    def test_shutdown_replies_and_the_process_exits(self):
        reply = self.kc.shutdown(reply=True, timeout=TIMEOUT)
        self.assertEqual(reply["content"], {"status": "ok", "restart": False})
        process = self.km.provisioner.process
        for _ in range(200):
            if process.poll() is not None:
                break
            time.sleep(0.05)
        self.assertEqual(process.poll(), 0)

    def test_wrongly_signed_messages_are_dropped(self):
        forger = BlockingKernelClient()
        forger.load_connection_info(self.km.get_connection_info())
        forger.session.key = b"not-the-key"
        forger.start_channels()
        try:
            forger.execute("forged = 1")
            with self.assertRaises(Exception):
                forger.get_shell_msg(timeout=2)   # no reply: the message was never executed
        finally:
            forger.stop_channels()
        content, _ = run(self.kc, "forged")
        self.assertEqual(content["status"], "error")
        self.assertIn("forged", content["evalue"])
        self.assertTrue(self.km.is_alive())

    def test_user_expressions_are_evaluated_after_the_cell(self):
        self.kc.execute("w = 2", user_expressions={"double": "w * 2", "bad": "nope"})
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertEqual(reply["user_expressions"]["double"]["data"]["text/plain"], "4")
        self.assertEqual(reply["user_expressions"]["bad"]["status"], "error")

    def test_cells_queued_after_a_failure_are_aborted(self):
        # The failing cell runs long enough that the second request is queued behind it.
        n = steps_taking(self.kc, 0.5)
        first = self.kc.execute(f"s = 0\nfor j in 1...{n} {{ s += j }}\nundefined_name + 1")
        second = self.kc.execute("queued = 1")
        replies = {}
        while len(replies) < 2:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            replies[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        self.assertEqual(replies, {first: "error", second: "aborted"})
        content, _ = run(self.kc, "queued")
        self.assertEqual(content["status"], "error")
        content, messages = run(self.kc, "2 * 3")
        self.assertEqual(result_text(messages), ["6"])

    def test_plots_come_as_svg_png_and_text(self):
        reply, messages = run(self.kc, 'plot([1, 4, 9], title: "Loss")')
        self.assertEqual(reply["status"], "ok")
        displays = [c for _, t, c in messages if t == "display_data"]
        self.assertEqual(len(displays), 1)
        data, metadata = displays[0]["data"], displays[0]["metadata"]
        self.assertTrue(data["image/svg+xml"].startswith("<svg"))
        self.assertEqual(data["text/plain"], "[line chart: Loss]")
        # The PNG copy (librsvg, from scripts/install-deps.sh) keeps plots visible in untrusted notebooks.
        png = base64.b64decode(data["image/png"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        self.assertEqual((width, height), (2 * metadata["image/png"]["width"], 2 * metadata["image/png"]["height"]))

    def test_progress_bars_update_one_display(self):
        reply, messages = run(self.kc, "for e in progress(1...200) { s = e * 2 }")
        self.assertEqual(reply["status"], "ok")
        created = [c for _, t, c in messages if t == "display_data"]
        updates = [c for _, t, c in messages if t == "update_display_data"]
        self.assertEqual(len(created), 1)
        display_id = created[0]["transient"]["display_id"]
        self.assertTrue(all(u["transient"]["display_id"] == display_id for u in updates))
        last = (updates or created)[-1]["data"]["text/plain"]
        self.assertTrue(last.endswith("200/200"), last)

    def test_files_are_confined_to_the_working_directory(self):
        with open(os.path.join(self.folder, "inside.csv"), "w") as handle:
            handle.write("1,2\n3,4\n")
        content, messages = run(self.kc, 'shape(load_csv("inside.csv"))')
        self.assertEqual(content["status"], "ok", content)
        content, _ = run(self.kc, 'load_csv("/etc/passwd")')
        self.assertEqual(content["status"], "error")
        self.assertIn("--allow-read", content["evalue"])

    def test_completion_and_help_use_the_session(self):
        run(self.kc, "learning_rate = 0.1")
        reply = self.kc.complete("x = learn", 9, reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], ["learning_rate"])
        self.assertEqual(reply["cursor_start"], 4)
        reply = self.kc.inspect("softmax(x)", 3, reply=True, timeout=TIMEOUT)["content"]
        self.assertTrue(reply["found"])
        self.assertIn("softmax", reply["data"]["text/plain"])

    def test_completion_of_fields_labels_and_paths_is_the_repls(self):
        run(self.kc, "model = {weights: ones(2, 3), bias_term: 1}\nX = ones(2, 3)")
        code = "model.bi"
        reply = self.kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], ["bias_term"])
        self.assertEqual(reply["cursor_start"], len("model."))
        code = "model.weights.sha"
        reply = self.kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], ["shape"])
        code = "sum(X, ax"
        reply = self.kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], ["axis:"])
        self.assertEqual(reply["cursor_start"], len("sum(X, "))
        with open(os.path.join(self.folder, "only_file.csv"), "w") as handle:
            handle.write("1\n")
        code = 'p = "only_f'
        reply = self.kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], ['only_file.csv"'], "a unique file closes the quote")
        code = 'p = "only_f"'
        reply = self.kc.complete(code, len(code) - 1, reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], ["only_file.csv"], "no second quote before an existing one")


if __name__ == "__main__":
    unittest.main()
