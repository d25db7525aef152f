#!/usr/bin/env python3
"""Adversarial JSON input for savp (issue 19): one case per call. The case writes its files (values
nested 1e5 deep, duplicate keys, a NUL then garbage, empty / directory / FIFO paths) into WORKDIR,
runs savp through run_case.py, and checks exit code 2, the file and JSON path in the message, and
that the output directory was not created.

usage: check_json_input.py SAVP SCENARIOS BAD_DIR WORKDIR CASE   (CASE "list" prints the cases)
"""
import json
import os
import shutil
import subprocess
import sys

DEEP = 100000  # the depth that crashed savp (SIGSEGV in nlohmann's recursive copy and compare)


def deep_array(depth=DEEP):
    return "[" * depth + "]" * depth


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


def scenario(s, work, name, edit):
    """default.json with `edit(text) -> text` applied, written as WORKDIR/name."""
    with open(os.path.join(s, "default.json")) as f:
        base = json.load(f)
    base["platform"]["accelerators"] = [os.path.join(s, "hardware", "dense-32x32.json")]
    return write(os.path.join(work, name), edit(json.dumps(base, indent=1)))


def sweep(work, name, body):
    return write(os.path.join(work, name), body)


def cases(s, bad, work):
    d = os.path.join(s, "default.json")
    npy = os.path.join(bad, "good-npy.json")
    fifo = os.path.join(work, "fifo.json")
    adir = os.path.join(work, "a_dir")
    out = os.path.join(work, "out")
    c = {}
    # ---- depth: every document savp reads, 1e5 deep (the limit is 64)
    c["deep sweep grid"] = lambda: (
        ["sweep", sweep(work, "deep-grid.json", '{"base": "%s", "grid": {"workload.seq_len": [64, %s]}}' % (d, deep_array())), "-o", out],
        ["deep-grid.json: /grid/workload.seq_len/1/0/0/0", "nested deeper than 64"])
    c["deep sweep points"] = lambda: (
        ["sweep", sweep(work, "deep-points.json", '{"base": "%s", "points": [{"workload.seq_len": %s}]}' % (d, deep_array())), "-o", out],
        ["deep-points.json: /points/0/workload.seq_len/0/0", "nested deeper than 64"])
    c["deep validate sweep"] = lambda: (
        ["validate", sweep(work, "deep-validate.json", '{"base": "%s", "points": [{"seed": %s}]}' % (d, deep_array()))],
        ["deep-validate.json: /points/0/seed/0/0", "nested deeper than 64"])
    c["deep same_engine"] = lambda: (
        ["run", scenario(s, work, "deep-same-engine.json", lambda t: t[:-1] + ', "outputs": {"baseline": {"same_engine": {"x": %s}}}}' % deep_array(10 * DEEP)), "-o", out],  # 1e6: copied recursively
        ["deep-same-engine.json: /outputs/baseline/same_engine/x/0/0", "nested deeper than 64"])
    def deep_include():
        write(os.path.join(work, "deep-inc.json"), '{"window": %s}' % deep_array())
        main = scenario(s, work, "with-deep-include.json", lambda t: t.replace('"workload": {', '"workload": {"pattern": "deep-inc.json", ', 1))
        return ["run", main, "-o", out], ["deep-inc.json: /window/0/0/0", "nested deeper than 64"]
    c["deep include"] = deep_include
    c["deep set value"] = lambda: (
        ["run", d, "-o", out, "--set", "workload.pattern=" + deep_array(50000)],  # an argument holds at most 128 KiB
        ["default.json", "/workload/pattern", "--set", "value at /0/0/0", "nested deeper than 64"])
    c["deep memory preset"] = lambda: (
        ["run", d, "-o", out, "--set", "platform.memory.preset=deep"],
        ["presets/deep.json: /0/0/0", "nested deeper than 64"], {"SAVP_DATA_DIR": data_dir_with(s, work, "deep.json", deep_array())})
    # ---- duplicate keys, bytes after the value
    c["duplicate key in a scenario"] = lambda: (
        ["run", scenario(s, work, "dup.json", lambda t: t.replace('"workload": {', '"workload": {"seq_len": 64, ', 1)), "-o", out],
        ["dup.json: /workload/seq_len", "duplicate key \"seq_len\""])
    c["duplicate key in a sweep"] = lambda: (
        ["sweep", sweep(work, "dup-sweep.json", '{"base": "%s", "grid": {"seed": [1], "seed": [2]}}' % d), "-o", out],
        ["dup-sweep.json: /grid/seed", "duplicate key \"seed\""])
    c["duplicate key in a set value"] = lambda: (
        ["run", d, "-o", out, "--set", 'workload.pattern={"window": 8, "window": 16}'],
        ["default.json", "/workload/pattern", "duplicate key \"window\""])
    c["NUL then garbage"] = lambda: (
        ["run", scenario(s, work, "nul.json", lambda t: t + "\0garbage"), "-o", out],
        ["nul.json: line", "malformed JSON: a NUL byte"])
    c["NUL then garbage in a sweep"] = lambda: (
        ["sweep", write(os.path.join(work, "nul-sweep.json"), ('{"base": "%s", "grid": {"seed": [1]}}\0{"x"' % d).encode(), "wb"), "-o", out],
        ["nul-sweep.json: line 1", "malformed JSON: a NUL byte"])
    # ---- --set dotted paths with an empty component
    for p in ["workload.seq_len.", "workload..seq_len", ".workload.seq_len"]:
        c["set path " + p] = (lambda p=p: (["run", d, "-o", out, "--set", p + "=128"], ["default.json", "empty component"]))
    # ---- keys that name a file: empty, missing, a directory, a FIFO
    for key in ["q", "k", "v"]:
        for what, value, msg in [("empty", "", "expected a file path, found an empty string"),
                                 ("directory", adir, "is a directory"), ("FIFO", fifo, "is not a regular file"),
                                 ("missing", os.path.join(work, "none.npy"), "not found")]:
            c["npy %s %s" % (key, what)] = (lambda key=key, value=value, msg=msg: (
                ["run", npy, "-o", out, "--set", 'workload.data.%s="%s"' % (key, value)],
                ["good-npy.json", "/workload/data/" + key, msg]))
    for what, value, msg in [("empty", "", "expected a file path, found an empty string"), ("directory", adir, "is a directory"),
                             ("FIFO", fifo, "is not a regular file")]:
        c["trace " + what] = (lambda value=value, msg=msg: (
            ["run", os.path.join(bad, "spatten-broken-trace.json"), "-o", out, "--set", 'workload.data.trace="%s"' % value],
            ["spatten-broken-trace.json", "/workload/data/trace", msg]))
        c["sweep base " + what] = (lambda value=value, msg=msg: (
            ["sweep", sweep(work, "base.json", '{"base": "%s", "grid": {"seed": [1]}}' % value), "-o", out],
            ["base.json: /base", msg]))
        c["include " + what] = (lambda value=value, msg=msg: (
            ["run", scenario(s, work, "inc.json", lambda t: t.replace('"workload": {', '"workload": {"pattern": "%s", ' % value, 1)), "-o", out],
            ["inc.json: /workload/pattern", msg]))
        c["energy table " + what] = (lambda value=value, msg=msg: (
            ["run", d, "-o", out, "--set", 'platform.energy="%s"' % value],
            ["default.json", "/platform/energy", msg]))
    # The uncaught exceptions of issue 19: an empty path named by a file in the working directory
    # (std::filesystem::absolute("") threw inside the simulation).
    c["npy q empty, scenario in cwd"] = lambda: (
        ["run", "good-npy.json", "-o", out, "--set", 'workload.data.q=""'],
        ["good-npy.json", "/workload/data/q", "expected a file path, found an empty string"], {}, bad)
    c["trace empty, scenario in cwd"] = lambda: (
        ["run", "spatten-broken-trace.json", "-o", out, "--set", 'workload.data.trace=""'],
        ["spatten-broken-trace.json", "/workload/data/trace", "expected a file path, found an empty string"], {}, bad)
    c["sweep base empty, sweep in cwd"] = lambda: (
        ["sweep", os.path.basename(sweep(work, "cwd-base.json", '{"base": "", "grid": {"seed": [1]}}')), "-o", out],
        ["cwd-base.json: /base", "expected a file path, found an empty string"], {}, work)
    # ---- size: a huge include is refused before it is read (a sparse file: no disk used)
    def huge_include():
        with open(os.path.join(work, "huge.json"), "wb") as f:
            f.truncate(1 << 30)
        main = scenario(s, work, "with-huge-include.json", lambda t: t.replace('"workload": {', '"workload": {"pattern": "huge.json", ', 1))
        return ["run", main, "-o", out], ["huge.json", "a JSON file of 1024 MiB; at most 64 MiB"]
    c["huge include"] = huge_include
    def huge_npy():
        with open(os.path.join(work, "huge.npy"), "wb") as f:
            f.write(b"notnumpy")
            f.truncate(1 << 30)
        return (["run", npy, "-o", out, "--set", "workload.data.q=" + os.path.join(work, "huge.npy")],
                ["huge.npy", "bad magic"])
    c["huge file that is not a .npy"] = huge_npy
    # ---- SAVP_DATA_DIR naming nothing
    c["SAVP_DATA_DIR missing"] = lambda: (
        ["run", d, "-o", out], ["SAVP_DATA_DIR=" + os.path.join(work, "nowhere") + ": no such directory"],
        {"SAVP_DATA_DIR": os.path.join(work, "nowhere")})
    return c


def data_dir_with(s, work, preset_name, text):
    """A copy of the scenarios/ tree's presets and energy tables with one preset added."""
    root = os.path.join(work, "data")
    shutil.copytree(os.path.join(s, "memory", "presets"), os.path.join(root, "memory", "presets"))
    shutil.copytree(os.path.join(s, "energy"), os.path.join(root, "energy"))
    write(os.path.join(root, "memory", "presets", preset_name), text)
    return root


def main():
    savp, s, bad, work, name = sys.argv[1:6]
    s, bad, work = os.path.abspath(s), os.path.abspath(bad), os.path.abspath(work)
    table = cases(s, bad, work)
    if name == "list":
        print(";".join(table))
        return 0
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(os.path.join(work, "a_dir"))
    os.mkfifo(os.path.join(work, "fifo.json"))
    spec = table[name]()
    args, expected = spec[0], spec[1]
    env = dict(os.environ, **(spec[2] if len(spec) > 2 else {}))
    cwd = spec[3] if len(spec) > 3 else work
    # run_case.py runs savp and checks exit code 2, the message and that nothing was written.
    cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_case.py"),
           "--savp", os.path.abspath(savp), "--exit", "2", "--absent", os.path.join(work, "out"), "--cwd", cwd]
    for t in expected:
        cmd.append("--stderr=" + t)
    return subprocess.run(cmd + ["--"] + args, env=env, timeout=300).returncode


if __name__ == "__main__":
    sys.exit(main())
