#!/usr/bin/env python3
"""Seed corpora and dictionaries for the fuzz harnesses, generated from the shipped files.

make_fuzz_inputs.py OUT_DIR  writes OUT_DIR/seeds/<harness>/* and OUT_DIR/<harness>.dict.
Scenario, sweep and config seeds are the shipped scenarios, presets and sweeps (and the bad-input
regression cases); --set seeds come from the regression suite's SET arguments; .npy seeds are the
test arrays plus one small array per supported dtype and header version; trace seeds are the first
rows of the shipped SpAtten traces. The JSON dictionary lists every key and enum value of
scenarios/schema/scenario.schema.json, so it follows the schema.
"""
import hashlib
import json
import pathlib
import re
import shutil
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCEN = ROOT / "scenarios"
REGRESS = ROOT / "testbenches" / "tests" / "regress"
HARNESSES = ["fuzz_scenario", "fuzz_set", "fuzz_sweep", "fuzz_config", "fuzz_npy", "fuzz_pruning_trace"]
# The order of the readers in fuzz_config.cpp's selector byte.
CONFIG_READERS = ["energy", "workload", "dma", "memory", "dram", "reram", "sram", "traffic",
                  "dense", "salo", "spatten", "sprint", "chela"]


def shipped_scenarios():
    """As fuzz_set.cpp enumerates them: default.json, then the engine/memory folders sorted."""
    rest = [p for d in ("dense", "salo", "spatten", "sprint", "chela", "memory") for p in (SCEN / d).glob("*.json")]
    return [SCEN / "default.json"] + sorted(rest, key=str)


def put(out, harness, data):
    if isinstance(data, str):
        data = data.encode()
    d = out / "seeds" / harness
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def regress_sets():
    """--set argument lists of the regression suite (bad_case(... SET a=b c=d STDERR ...))."""
    sets = []
    for cm in REGRESS.glob("*.cmake"):
        text = cm.read_text()
        for m in re.finditer(r"\bSET\s+(.*?)(?=\s+STDERR\b|\s+EXIT\b|\s+ARGS\b|\))", text, re.S):
            args = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', m.group(1))
            vals = [(q.replace('\\"', '"') if q else w) for q, w in args]
            vals = [v for v in vals if "=" in v or "." in v]
            if vals and not any(v.startswith("${") for v in vals):
                sets.append(vals)
    return sets


def scenario_seeds(out):
    for p in shipped_scenarios():
        put(out, "fuzz_scenario", p.read_text())
    for p in REGRESS.glob("bad/*.json"):
        if not p.name.startswith("sweep-"):
            put(out, "fuzz_scenario", p.read_text())
    # The container form: an include written next to main.json, binary .npy files, --set lines.
    default = json.loads((SCEN / "default.json").read_text())
    default["platform"]["accelerators"] = ["1.json"]
    hw = (SCEN / "hardware" / "dense-32x32.json").read_text()
    for sets in regress_sets()[:8]:
        put(out, "fuzz_scenario", json.dumps(default, indent=1) + "\n%% 1.json\n" + hw + "\n%% set\n" +
            "\n".join(sets) + "\n")
    npy = json.loads((REGRESS / "bad" / "good-npy.json").read_text())
    npy["platform"]["accelerators"] = ["hardware/dense-32x32.json"]
    npy["workload"]["data"].update({"q": "q.npy", "k": "k.npy", "v": "v.npy"})
    parts = [json.dumps(npy, indent=1)]
    for t in "qkv":
        parts.append(f"%% {t}.npy\n".encode().decode() + (REGRESS / "bad" / "npy" / f"good_{t}.npy").read_bytes().decode("latin-1"))
    put(out, "fuzz_scenario", "\n".join(parts).encode("latin-1"))


def set_seeds(out):
    scenarios = shipped_scenarios()
    for i, _ in enumerate(scenarios):
        put(out, "fuzz_set", bytes([i]) + b"workload.seq_len=128\n")
    for sets in regress_sets():
        put(out, "fuzz_set", bytes([0]) + "\n".join(sets).encode() + b"\n")


def sweep_seeds(out):
    for p in (SCEN / "sweeps").glob("*.json"):
        put(out, "fuzz_sweep", p.read_text())
    for p in REGRESS.glob("bad/sweep-*.json"):
        put(out, "fuzz_sweep", p.read_text())
    sweep = {"base": "1.json", "zip": {"workload.seq_len": [64, 128]}, "grid": {"workload.heads": [1, 2]},
             "id": "s{workload.seq_len}-{index}"}
    put(out, "fuzz_sweep", json.dumps(sweep) + "\n%% 1.json\n" + (SCEN / "default.json").read_text())
    points = {"base": "../default.json", "points": [{"workload.seq_len": 64}, {"timing_mode": "AT"}], "seed": True}
    put(out, "fuzz_sweep", json.dumps(points))


def config_seeds(out):
    def sel(name, obj):
        put(out, "fuzz_config", bytes([CONFIG_READERS.index(name)]) + json.dumps(obj, indent=1).encode())
    for p in (SCEN / "energy").glob("*.json"):
        sel("energy", json.loads(p.read_text()))
    for p in (SCEN / "memory" / "presets").glob("*.json"):
        j = json.loads(p.read_text())
        sel("memory", {"preset": p.stem})
        sel("memory", j)
        sel("reram" if j.get("kind") == "reram" else "dram", j)
    for p in (SCEN / "hardware").glob("*.json"):
        j = json.loads(p.read_text())
        sel(j.get("type", "dense"), j)
        for key, reader in (("dma", "dma"), ("sram", "sram")):
            if isinstance(j.get(key), dict):
                sel(reader, j[key])
    for p in shipped_scenarios():
        j = json.loads(p.read_text())
        if isinstance(j.get("workload"), dict):
            sel("workload", j["workload"])
        mem = j.get("platform", {}).get("memory")
        if isinstance(mem, dict):
            sel("memory", mem)
        for a in j.get("platform", {}).get("accelerators", []):
            if isinstance(a, dict) and a.get("type") in CONFIG_READERS:
                sel(a["type"], a)


def npy_bytes(descr, shape, payload, version=1):
    shape_txt = "(" + "".join(f"{d}, " if len(shape) == 1 else f"{d}," for d in shape).rstrip(",") + ")"
    if len(shape) == 1:
        shape_txt = f"({shape[0]},)"
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_txt}, }}"
    lenfmt = "<H" if version == 1 else "<I"
    pre = 10 if version == 1 else 12
    pad = (-(pre + len(header) + 1)) % 64
    header = header + " " * pad + "\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(lenfmt, len(header)) + header.encode() + payload


def npy_seeds(out):
    for p in (REGRESS / "bad" / "npy").glob("*.npy"):
        put(out, "fuzz_npy", p.read_bytes())
    fmts = {"<f2": "e", "<f4": "f", "<f8": "d", "<i1": "b", "|i1": "b", "<i2": "h", "<i4": "i", "<i8": "q",
            "|u1": "B", "<u1": "B"}
    for descr, code in fmts.items():
        vals = [1, 2, 3, 4, 5, 6] if code in "bBhiq" else [0.5, -1.0, 2.0, 3.25, 0.0, 1e3]
        put(out, "fuzz_npy", npy_bytes(descr, (2, 3), struct.pack("<" + code * 6, *vals)))
    put(out, "fuzz_npy", npy_bytes("<f4", (1, 2, 2, 1), struct.pack("<4f", 1, 2, 3, 4), version=2))
    put(out, "fuzz_npy", npy_bytes("<f8", (6,), struct.pack("<6d", *range(6)), version=3))


def trace_seeds(out):
    for p in (SCEN / "workloads" / "spatten-gpt2").glob("*.csv"):
        lines = p.read_text().splitlines(keepends=True)
        put(out, "fuzz_pruning_trace", "".join(lines[:40]) + lines[-1])
    put(out, "fuzz_pruning_trace", (REGRESS / "bad" / "spatten-broken-trace.csv").read_text())


def dict_line(s):
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02X}" for c in s) + '"\n'


def dictionaries(out):
    schema = json.loads((SCEN / "schema" / "scenario.schema.json").read_text())
    keys, enums = set(), set()

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "properties" and isinstance(v, dict):
                    keys.update(v)
                if k == "enum" and isinstance(v, list):
                    enums.update(x for x in v if isinstance(x, str))
                walk(v)
        elif isinstance(o, list):
            for x in o:
                walk(x)
    walk(schema)
    words = [f'"{k}":' for k in sorted(keys)] + [f'"{e}"' for e in sorted(enums)]
    words += ["%% 1.json\n", "%% 2.json\n", "%% set\n", '"1.json"', '"../default.json"', '"/dev/zero"', "true", "false",
              "null", "1e308", "-1", "4294967296", "18446744073709551616", "0.5", "{}", "[]", '"base":',
              '"grid":', '"zip":', '"points":', "{index}"]
    json_dict = "".join(dict_line(w) for w in words)
    for h in ("fuzz_scenario", "fuzz_sweep", "fuzz_config"):
        (out / f"{h}.dict").write_text(json_dict)
    set_words = [k + "=" for k in sorted(keys)] + [k + "." for k in sorted(keys)] + sorted(enums)
    set_words += ["platform.accelerators.0.", "workload.", "=null", "={}", "=[]", "=-1", "=1e20"]
    (out / "fuzz_set.dict").write_text("".join(dict_line(w) for w in set_words))
    npy_words = ["\x93NUMPY", "'descr':", "'fortran_order':", "'shape':", "True", "False", "(", ")", ",)",
                 "{", "}"] + ["'" + d + "'" for d in ("<f2", "<f4", "<f8", "<i1", "|i1", "<i2", "<i4", "<i8",
                                                       "|u1", "<u1", ">f4", "<c8")]
    (out / "fuzz_npy.dict").write_text("".join(dict_line(w) for w in npy_words))
    header = (SCEN / "workloads" / "spatten-gpt2" / "summary-gpt2-small-wikitext2-per8.csv").open().readline()
    trace_words = header.strip().split(",") + ["True", "False", "-1", "64.0", ",", "\r\n", " "]
    (out / "fuzz_pruning_trace.dict").write_text("".join(dict_line(w) for w in trace_words))


def main():
    out = pathlib.Path(sys.argv[1])
    shutil.rmtree(out / "seeds", ignore_errors=True)
    scenario_seeds(out)
    set_seeds(out)
    sweep_seeds(out)
    config_seeds(out)
    npy_seeds(out)
    trace_seeds(out)
    dictionaries(out)
    for h in HARNESSES:
        print(f"{h}: {len(list((out / 'seeds' / h).iterdir()))} seeds")


if __name__ == "__main__":
    main()
