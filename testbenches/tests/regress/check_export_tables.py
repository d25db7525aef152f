#!/usr/bin/env python3
"""savp export-tables: ERT.yaml / ART.yaml in Accelergy's v0.3 shapes, every entry of the energy table
with its value, at the table's node and scaled to another node by the table's node_scaling factors
(energy by `energy`, logic area by `logic_area`, SRAM macros by `sram_area`).

usage: check_export_tables.py SAVP TABLE.json OUTDIR
"""
import json
import math
import os
import shutil
import subprocess
import sys

import yaml


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def export(savp, outdir, *extra):
    shutil.rmtree(outdir, ignore_errors=True)
    r = subprocess.run([savp, "export-tables", "-o", outdir, *extra], capture_output=True, text=True)
    if r.returncode != 0:
        fail("export-tables %s exited %d: %s" % (" ".join(extra), r.returncode, r.stderr))
    with open(os.path.join(outdir, "ERT.yaml")) as f:
        ert = yaml.safe_load(f)
    with open(os.path.join(outdir, "ART.yaml")) as f:
        art = yaml.safe_load(f)
    for doc, key in ((ert, "ERT"), (art, "ART")):
        if set(doc) != {key} or doc[key].get("version") != 0.3 or not isinstance(doc[key].get("tables"), list):
            fail("%s.yaml is not {%s: {version: 0.3, tables: [...]}}" % (key, key))
    ert_t = {t["name"]: {a["name"]: a["energy"] for a in t["actions"]} for t in ert["ERT"]["tables"]}
    for t in ert["ERT"]["tables"]:
        for a in t["actions"]:
            if set(a) != {"name", "arguments", "energy"} or a["arguments"] is not None:
                fail("ERT action of %s is not {name, arguments: null, energy}: %r" % (t["name"], a))
    art_t = {t["name"]: t["area"] for t in art["ART"]["tables"]}
    return ert_t, art_t


def check(table, ert, art, f_energy, f_logic, f_sram):
    entries = table["entries"]
    for key, e in entries.items():
        if "pj" in e:
            unit = e.get("unit") or "op"
            if key not in ert or set(ert[key]) != {unit}:
                fail("ERT lacks %s.%s (has %r)" % (key, unit, ert.get(key)))
            if not close(ert[key][unit], e["pj"] * f_energy):
                fail("ERT %s: %r, expected %r" % (key, ert[key][unit], e["pj"] * f_energy))
        elif key in ert:
            fail("area-only entry %s has an ERT table" % key)
        if key not in art or not close(art[key], e.get("area_um2", 0.0) * f_logic):
            fail("ART %s: %r, expected %r" % (key, art.get(key), e.get("area_um2", 0.0) * f_logic))
    sram = table["sram"]
    for a in sram["anchors"]:
        name = "sram_%dB" % a["capacity_bytes"]
        if name not in ert or not close(ert[name]["read"], a["read_pj_per_64b"] * f_energy) or \
                not close(ert[name]["write"], a.get("write_pj_per_64b", a["read_pj_per_64b"]) * f_energy):
            fail("ERT %s: %r" % (name, ert.get(name)))
        area = a["capacity_bytes"] * 8 * sram["area_um2_per_bit"] * f_sram
        if name not in art or not close(art[name], area):
            fail("ART %s: %r, expected %r" % (name, art.get(name), area))
    expected = len(entries) + len(sram["anchors"])
    if len(art) != expected:
        fail("ART has %d tables, expected %d" % (len(art), expected))


def main():
    savp, table_file, outdir = sys.argv[1:4]
    with open(table_file) as f:
        table = json.load(f)
    own = table["node_nm"]
    nodes = table["node_scaling"]["nodes"]
    ert, art = export(savp, os.path.join(outdir, "own"))
    check(table, ert, art, 1.0, 1.0, 1.0)
    a, b = nodes[str(own)], nodes["7"]
    ert7, art7 = export(savp, os.path.join(outdir, "n7"), "--node", "7")
    check(table, ert7, art7, b["energy"] / a["energy"], b["logic_area"] / a["logic_area"],
          b["sram_area"] / a["sram_area"])
    # A second export into the same (SAVP) directory is allowed; a foreign non-empty one is refused.
    foreign = os.path.join(outdir, "foreign")
    shutil.rmtree(foreign, ignore_errors=True)
    os.makedirs(foreign)
    with open(os.path.join(foreign, "notes.txt"), "w") as f:
        f.write("mine\n")
    r = subprocess.run([savp, "export-tables", "-o", foreign], capture_output=True, text=True)
    if r.returncode != 2 or "not a SAVP output" not in r.stderr or os.path.exists(os.path.join(foreign, "ERT.yaml")):
        fail("a foreign non-empty directory was not refused: %d %s" % (r.returncode, r.stderr))
    print("export-tables: %d ERT tables, %d ART tables at %s and 7 nm" % (len(ert), len(art), own))


if __name__ == "__main__":
    main()
