#!/usr/bin/env python3
"""Runs one savp command as a test: checks its exit code, text it must print, and files it must
(not) leave behind.

usage: run_case.py --savp BIN [--exit N] [--stderr TEXT]... [--stdout TEXT]... [--absent PATH]...
                   [--present PATH]... [--cwd DIR] -- ARGS...
"""
import argparse
import os
import subprocess
import sys

# Every run in the test suite has the TLM base-protocol checker on every socket.
os.environ["SAVP_PROTOCOL_CHECK"] = "1"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--savp", required=True)
    ap.add_argument("--exit", type=int, default=0)
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("--stdout", action="append", default=[])
    ap.add_argument("--absent", action="append", default=[])
    ap.add_argument("--present", action="append", default=[])
    ap.add_argument("--cwd", default=None)
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.args[1:] if a.args and a.args[0] == "--" else a.args
    for p in a.absent:
        if os.path.exists(p):
            import shutil
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    env = dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE")
    r = subprocess.run([a.savp] + args, capture_output=True, text=True, cwd=a.cwd, env=env, timeout=600)
    problems = []
    if r.returncode != a.exit:
        problems.append(f"exit code {r.returncode}, expected {a.exit}")
    for t in a.stderr:
        if t not in r.stderr:
            problems.append(f"stderr lacks {t!r}")
    for t in a.stdout:
        if t not in r.stdout:
            problems.append(f"stdout lacks {t!r}")
    for p in a.absent:
        if os.path.exists(p):
            problems.append(f"{p} exists but must not")
    for p in a.present:
        if not os.path.exists(p):
            problems.append(f"{p} is missing")
    print("$ savp " + " ".join(args))
    print("--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr)
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
