"""The Python entry point (python/savp, issue 23) against the real savp binary: a shipped scenario, a
dict scenario, --set values, a sweep, validate, bad input and a failed check raising the right
exception with savp's message, how the binary is found, tables with and without pandas, tasks and
model figures, and the shipped Pareto example (headless).

Usage: check_python.py SAVP CHECKOUT OUTDIR [unittest arguments]
"""

import json
import os
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

SAVP, CHECKOUT, OUT = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve()
sys.path.insert(0, str(CHECKOUT / "python"))
import savp  # noqa: E402
import savp.binary  # noqa: E402

SCENARIOS = CHECKOUT / "scenarios"
DEFAULT = SCENARIOS / "default.json"
SMALL = {"workload.heads": 1, "workload.seq_len": 64}  # the default scenario, one short head
# A 3-bit integer datapath against a tight tolerance: the scoreboard check fails (exit 1).
BREACH = {**SMALL, "platform.accelerators.0.datapath.format": "int", "platform.accelerators.0.datapath.int_bits": 3,
          "platform.accelerators.0.tolerance_rel_l2": 0.001}


class Base(unittest.TestCase):
    def setUp(self):
        self.env = dict(os.environ)
        os.environ["SAVP_BIN"] = str(SAVP)

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.env)

    def fresh(self, name):
        d = OUT / name
        shutil.rmtree(d, ignore_errors=True)
        return d


class Run(Base):
    def test_shipped_scenario(self):
        out = self.fresh("run-shipped")
        r = savp.run(DEFAULT, set=SMALL, out=out)
        on_disk = json.loads((out / "stats.json").read_text())
        self.assertEqual(r.stats, on_disk)
        self.assertEqual(r.out_dir, out)
        self.assertGreater(r.totals["latency_ns"], 0)
        self.assertGreater(r.totals["energy_pj"], 0)
        self.assertIn("top.memory", r.totals["energy_by_component_pj"])
        self.assertEqual(r.row()["energy_by_component_pj.top.memory"], r.totals["energy_by_component_pj"]["top.memory"])
        self.assertEqual(len(r.stats["jobs"]), r.totals["jobs"])
        self.assertIn("scenario default", r.stdout)  # the summary, not quiet
        self.assertTrue((out / "summary.csv").is_file())

    def test_temporary_output_is_removed(self):
        r = savp.run(DEFAULT, set=SMALL, quiet=True)
        self.assertIsNone(r.out_dir)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stats["scenario"]["workload"]["seq_len"], 64)

    def test_set_values_are_json(self):
        a = savp.run(DEFAULT, set=SMALL, quiet=True)
        b = savp.run(DEFAULT, set={**SMALL, "workload.seq_len": 128, "platform.memory.preset": "hbm2"}, quiet=True)
        self.assertEqual(b.stats["scenario"]["workload"]["seq_len"], 128)
        self.assertEqual(b.stats["scenario"]["platform"]["memory"]["preset"], "hbm2")
        self.assertGreater(b.totals["cycles"], a.totals["cycles"])
        self.assertEqual(savp.set_args({"a.b": "ws", "c": [1, 2], "d": True}),
                         ['--set=a.b="ws"', "--set=c=[1, 2]", "--set=d=true"])

    def test_set_paths_checked_before_running(self):
        for bad in ("workload.seq_len=1", "", 3):
            with self.assertRaises(ValueError):
                savp.run(DEFAULT, set={bad: 1})
        with self.assertRaises(ValueError):
            savp.run(DEFAULT, set={"workload.seq_len": float("nan")})

    def test_dict_scenario(self):
        sc = json.loads(DEFAULT.read_text())
        sc["workload"].update(heads=3, seq_len=64)
        r = savp.run(sc, base_dir=SCENARIOS, quiet=True)  # its include "hardware/..." resolves there
        self.assertEqual(r.totals["jobs"], 3)
        self.assertEqual(len(r.stats["jobs"]), 3)
        self.assertEqual([p.name for p in SCENARIOS.glob(".savp-*")], [])  # the temporary file is gone
        sc["platform"]["accelerators"] = [str(SCENARIOS / "hardware" / "dense-32x32.json")]
        self.assertEqual(savp.run(sc, quiet=True).totals["jobs"], 3)  # self-contained: no base_dir needed

    def test_bad_input_raises_input_error(self):
        out = self.fresh("run-bad")
        with self.assertRaises(savp.SavpInputError) as cm:
            savp.run(DEFAULT, set={"workload.seqlen": 64}, out=out)
        e = cm.exception
        self.assertEqual(e.returncode, 2)
        self.assertIn('/workload/seqlen: unknown key "seqlen"', e.message)
        self.assertIn("savp: error:", str(e))
        self.assertFalse(out.exists())
        with self.assertRaises(savp.SavpInputError) as cm:
            savp.run(SCENARIOS / "no-such.json")
        self.assertIn("no-such.json", cm.exception.message)

    def test_failed_check_raises_run_error(self):
        with self.assertRaises(savp.SavpRunError) as cm:
            savp.run(DEFAULT, set=BREACH, quiet=True)
        e = cm.exception
        self.assertNotIsInstance(e, savp.SavpInputError)
        self.assertEqual(e.returncode, 1)
        self.assertIn("outside the scoreboard tolerance", e.message)
        self.assertFalse(e.result.stats["jobs"][0]["passed"])
        r = savp.run(DEFAULT, set=BREACH, quiet=True, check=False)
        self.assertFalse(r.stats["jobs"][0]["passed"])

    def test_validate(self):
        self.assertIn('valid scenario "default"', savp.validate(DEFAULT, set={"workload.seq_len": 128}))
        self.assertIn("valid sweep", savp.validate(SCENARIOS / "sweeps" / "dense-small.json"))
        with self.assertRaises(savp.SavpInputError) as cm:
            savp.validate(DEFAULT, set={"workload.seq_len": -1})
        self.assertIn("/workload/seq_len: expected an integer", cm.exception.message)


class Sweep(Base):
    def test_shipped_sweep(self):
        out = self.fresh("sweep-shipped")
        s = savp.sweep(SCENARIOS / "sweeps" / "dense-small.json", out=out, jobs=2)
        self.assertEqual([r["id"] for r in s.rows], ["p0", "p1", "p2", "p3"])
        self.assertEqual([r["workload.seq_len"] for r in s.rows], [64, 64, 128, 128])
        self.assertEqual(s.failed, [])
        p3 = s.point("p3")
        self.assertEqual(p3.totals["cycles"], s.rows[3]["cycles"])
        self.assertEqual(p3.stats["scenario"]["platform"]["memory"]["preset"], "hbm2")
        with self.assertRaises(KeyError):
            s.point("p9")

    def test_dict_sweep_over_a_dict_base(self):
        base = json.loads(DEFAULT.read_text())
        base["platform"]["accelerators"] = [str(SCENARIOS / "hardware" / "dense-32x32.json")]
        base["workload"]["heads"] = 1
        s = savp.sweep({"base": base, "grid": {"workload.seq_len": [32, 64]}})
        self.assertIsNone(s.out_dir)
        self.assertEqual([r["workload.seq_len"] for r in s.rows], [32, 64])
        self.assertLess(s.rows[0]["latency_ns"], s.rows[1]["latency_ns"])
        with self.assertRaises(ValueError):
            s.point("p0")

    def test_failed_point_raises_run_error(self):
        base = json.loads(DEFAULT.read_text())
        base["platform"]["accelerators"] = [json.loads((SCENARIOS / "hardware" / "dense-32x32.json").read_text())]
        base["platform"]["accelerators"][0]["tolerance_rel_l2"] = 0.001  # a sweep sets only paths the base has
        breach = {**SMALL, "platform.accelerators.0.datapath": {"format": "int", "int_bits": 3}}
        spec = {"base": base, "points": [SMALL, breach]}
        with self.assertRaises(savp.SavpRunError) as cm:
            savp.sweep(spec)
        e = cm.exception
        self.assertEqual(e.returncode, 1)
        self.assertNotIn("[sweep]", e.message)  # progress lines are not the message
        self.assertEqual([r["status"] for r in e.result.rows], ["done", "failed"])
        s = savp.sweep(spec, check=False)
        self.assertEqual([r["id"] for r in s.failed], ["p1"])

    def test_bad_sweep(self):
        with self.assertRaises(savp.SavpInputError) as cm:
            savp.sweep({"base": str(DEFAULT), "grid": {"workload.seqlen": [64]}})
        self.assertIn("/grid/workload.seqlen", cm.exception.message)
        self.assertIn("does not exist in the base scenario", cm.exception.message)


class Binary(Base):
    def test_order(self):
        fake = self.fresh("bin") / "savp"
        fake.parent.mkdir(parents=True)
        fake.symlink_to(SAVP)
        self.assertEqual(savp.find_savp(fake), fake.resolve())  # explicit first
        os.environ["SAVP_BIN"] = str(fake)
        self.assertEqual(savp.find_savp(), fake.resolve())
        with self.assertRaises(savp.SavpNotFoundError):
            savp.find_savp(OUT / "nothing")  # an explicit path that is not a binary: no fallback
        os.environ["SAVP_BIN"] = str(OUT / "nothing")
        with self.assertRaises(savp.SavpNotFoundError) as cm:
            savp.run(DEFAULT)
        self.assertIn("SAVP_BIN", str(cm.exception))
        del os.environ["SAVP_BIN"]
        saved = savp.binary.BUILD_BINARY
        try:
            savp.binary.BUILD_BINARY = SAVP  # the build beside the package before PATH
            os.environ["PATH"] = str(fake.parent)
            self.assertEqual(savp.find_savp(), SAVP)
            savp.binary.BUILD_BINARY = OUT / "nothing"
            self.assertEqual(savp.find_savp(), fake.resolve())  # then PATH
            os.environ["PATH"] = str(OUT / "empty")
            with self.assertRaises(savp.SavpNotFoundError) as cm:
                savp.find_savp()
            self.assertIsInstance(cm.exception, FileNotFoundError)
            self.assertIn("no savp binary", str(cm.exception))
        finally:
            savp.binary.BUILD_BINARY = saved


class Tables(Base):
    @classmethod
    def setUpClass(cls):
        tasks = {"tasks.0.workload.requests": 500, "tasks.1.workload.requests": 500, "outputs.alone": False}
        cls.soc = savp.run(SCENARIOS / "soc" / "traffic-pair-ddr4.json", set=tasks, quiet=True, savp_bin=SAVP)
        model = {"workload.batch": 1, "workload.seq_len": 16, "workload.steps": 1}
        cls.model = savp.run(SCENARIOS / "models" / "tiny-llama-generate-dense.json", set=model, quiet=True,
                             savp_bin=SAVP)

    def without_pandas(self, fn):
        saved = sys.modules.get("pandas")
        sys.modules["pandas"] = None  # import pandas raises ImportError
        try:
            return fn()
        finally:
            if saved is None:
                del sys.modules["pandas"]
            else:
                sys.modules["pandas"] = saved

    def test_plain_lists_without_pandas(self):
        self.assertFalse(self.without_pandas(savp.have_pandas))
        tasks = self.without_pandas(lambda: self.soc.tasks)
        self.assertIsInstance(tasks, list)
        self.assertEqual([t["task"] for t in tasks], ["high", "low"])
        self.assertTrue(all(t["latency_ns"] > 0 and t["passed"] for t in tasks))
        jobs = self.without_pandas(lambda: self.soc.jobs)
        self.assertEqual([j["task"] for j in jobs], ["high", "low"])
        self.assertIn("stall_cycles", jobs[0])
        self.assertEqual(self.model.model["phase"], "generate")
        self.assertGreater(self.model.model["tpot_ns"], 0)
        layers = self.without_pandas(lambda: self.model.layers)
        self.assertEqual([l["layer"] for l in layers], [0, 1])
        self.assertEqual(self.without_pandas(lambda: savp.table([{"a": {"b": 1}, "c": [2]}])), [{"a.b": 1, "c": [2]}])

    def test_dataframes_with_pandas(self):
        if not savp.have_pandas():
            self.skipTest("pandas is not installed (Debian: python3-pandas); the list path is tested")
        import pandas
        for name in ("jobs", "tasks"):
            plain = self.without_pandas(lambda: getattr(self.soc, name))
            frame = getattr(self.soc, name)
            self.assertIsInstance(frame, pandas.DataFrame)
            self.assertEqual(list(frame.columns), list(plain[0].keys()))
            self.assertEqual(len(frame), len(plain))
        self.assertEqual(list(self.soc.tasks["task"]), ["high", "low"])
        self.assertEqual(list(self.model.layers["layer"]), [0, 1])
        self.assertEqual(list(savp.table([{"a": {"b": 1}}]).columns), ["a.b"])


class Example(Base):
    def test_pareto_example_runs_headless(self):
        png = self.fresh("pareto") / "pareto.png"
        png.parent.mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
        p = subprocess.run([sys.executable, str(CHECKOUT / "python" / "examples" / "pareto_sweep.py"),
                            "--out", str(png), "--sizes", "32,64", "--savp", str(SAVP)],
                           capture_output=True, text=True, env=env, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("4 points", p.stdout)
        self.assertIn("on the Pareto front", p.stdout)
        self.assertIn("64x64", p.stdout)  # the fastest shape is on the front
        self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(png.stat().st_size, 10000)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    unittest.main(argv=[sys.argv[0], *sys.argv[4:]], verbosity=2)
