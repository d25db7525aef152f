#!/usr/bin/env python3
"""Runs savp on a scenario with overrides and checks one totals field exactly.
usage: check_cycles.py SAVP SCENARIO OUTDIR FIELD EXPECTED [--set PATH=VALUE]..."""
import json
import os
import subprocess
import sys

# Every run in the test suite has the TLM base-protocol checker on every socket.
os.environ["SAVP_PROTOCOL_CHECK"] = "1"

savp, scenario, outdir, field, expected = sys.argv[1:6]
cmd = [savp, "run", scenario, "-o", outdir, "--quiet"] + sys.argv[6:]
subprocess.run(cmd, check=True)
got = json.load(open(os.path.join(outdir, "stats.json")))["totals"][field]
if str(got) != expected:
    sys.exit(f"totals.{field} = {got}, expected {expected}  ({' '.join(sys.argv[6:])})")
print(f"totals.{field} = {got} as expected")
