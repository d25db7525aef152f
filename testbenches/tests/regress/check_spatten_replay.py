#!/usr/bin/env python3
"""SpAtten trace replay against the trace itself (and the pruned trace with its effects undone against
the unpruned trace of the same run): the fetch fractions, the requant fraction and the K/V
bytes the engine reports must equal what the CSV's rows say (computed here independently), the DRAM
traffic must cover them, and the pruned replay must beat its unpruned counterpart.
Usage: check_spatten_replay.py SAVP PRUNED.json UNPRUNED.json TRACE.csv OUTDIR"""
import csv, json, math, os, shutil, subprocess, sys

savp, pruned, unpruned, trace, out = sys.argv[1:6]

def run(scn, name, *sets):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    cmd = [savp, "run", scn, "-o", d, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    return json.load(open(os.path.join(d, "stats.json")))["totals"]

rows = [r for r in csv.DictReader(open(trace)) if r["layer_id"] and r["embedding_length_D"]]
L = sum(int(r["sentence_length_L"]) for r in rows)
keys = sum(int(r["key_fetch_num"]) for r in rows)
vals = sum(int(r["value_fetch_num"]) for r in rows)
req = sum(r["if_requant"] == "True" for r in rows)
D = 64
def width(b):
    b = int(b)
    return 32 if b < 0 else b
kv = 0
for r in rows:
    k, v = int(r["key_fetch_num"]), int(r["value_fetch_num"])
    kv += k * math.ceil(D * width(r["quant_key_bit"]) / 8) + v * math.ceil(D * width(r["quant_value_bit"]) / 8)
    if r["if_requant"] == "True":
        kv += k * math.ceil(D * int(r["auto_requant_incre"]) / 8)

p = run(pruned, "pruned")
u = run(unpruned, "unpruned")
def close(a, b, what):
    if abs(a - b) > 1e-9 * max(1.0, abs(b)):
        sys.exit("%s: engine %r, trace %r" % (what, a, b))
close(p["keys_fetched_fraction"], keys / L, "keys_fetched_fraction")
close(p["values_fetched_fraction"], vals / L, "values_fetched_fraction")
close(p["requant_fraction"], req / len(rows), "requant_fraction")
close(p["kv_dram_bytes"]["fetched"], kv, "K/V bytes fetched")
if p["dram_bytes_read"] < kv:
    sys.exit("DRAM bytes read %d below the K/V bytes the trace fetches %d" % (p["dram_bytes_read"], kv))
close(u["keys_fetched_fraction"], 1.0, "unpruned keys_fetched_fraction")
# The pruned trace replayed with none of its effects is the unpruned run: same cycles, same bytes.
n = run(pruned, "no-effects", "workload.data.effects=[]")
if (n["cycles"], n["dram_bytes_read"]) != (u["cycles"], u["dram_bytes_read"]):
    sys.exit("pruned trace without its effects: %d cycles, %d bytes; unpruned trace: %d cycles, %d bytes"
             % (n["cycles"], n["dram_bytes_read"], u["cycles"], u["dram_bytes_read"]))
speedup = u["latency_ns"] / p["latency_ns"]
reduction = u["dram_bytes_read"] / p["dram_bytes_read"]
if speedup <= 1.5 or reduction <= 5:
    sys.exit("pruned replay: speedup %.2f, DRAM reduction %.2f; expected clearly better than unpruned" % (speedup, reduction))
print("replay matches the trace; speedup %.2fx, DRAM read reduction %.2fx" % (speedup, reduction))
