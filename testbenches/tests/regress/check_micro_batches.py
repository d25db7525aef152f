#!/usr/bin/env python3
"""Issue 21: micro-batches (workload.micro_batches) let one micro-batch's linear layers overlap
another's attention.

usage: check_micro_batches.py SAVP SCENARIOS OUTDIR PART

PART:
  dense    the 2-layer Llama-style model (prefill of 64 tokens then 4 decode steps, batch 4, fp32) with
           its linear layers on one dense array and its attention on a second: micro_batches 4 gives a
           shorter prefill (ttft_ns) than 1, the linear and attention arrays ran at the same time
           (model.overlap.both_busy_ns > 0), every layer's rel L2 against the reference is the one
           micro_batches 1 gives (up to fp32 ordering), the GEMM jobs are 4x as many, and the extra
           weight bytes are 3 x weight_bytes x passes. micro_batches 1 given explicitly is the run
           without the key (everything but the echoed scenario), with no overlap block.
  spatten  the same with the attention on SpAtten (a whole-layer job per sequence, pruning and
           quantisation off): micro_batches 2 matches micro_batches 1 layer by layer, and the
           linear and attention engines ran at the same time.
  bad      micro_batches that does not divide the batch, or exceeds it: exit 2 with the file and
           /workload/micro_batches, nothing written.
"""
import os
import sys

SAVP, SCEN, OUT, PART = sys.argv[1:5]
TINY = os.path.join(SCEN, "models", "tiny-llama-generate-dense.json")
TWO_DENSE = ['platform.accelerators=[{"type": "dense", "name": "dense0", "datapath": {"format": "fp32"}}, '
             '{"type": "dense", "name": "dense1", "datapath": {"format": "fp32"}}]',
             'platform.mapping={"linear": 0, "attention": 1}', "workload.batch=4"]
SPATTEN = ['platform.accelerators=[{"type": "dense", "name": "dense0", "datapath": {"format": "fp32"}}, '
           '{"type": "spatten", "name": "spatten0", "pruning": {"token_ratio": 0, "head_ratio": 0, '
           '"value_ratio": 0}, "quantisation": {"enabled": false}}]',
           'platform.mapping={"linear": 0, "attention": 1}', "workload.batch=4"]


from check_models import fail  # noqa: E402  (same argv: SAVP SCENARIOS OUT PART)
from check_models import run as run_scenario  # noqa: E402


def run(name, *sets, expect=0):
    return run_scenario(name, TINY, *sets, expect=expect)


def check_layers(a, b, what):
    for la, lb in zip(a["model"]["layers"], b["model"]["layers"]):
        ra, rb = la["rel_l2"], lb["rel_l2"]
        if ra is None or rb is None or abs(ra - rb) > 1e-3 * max(ra, rb) + 1e-12:
            fail("%s: layer %d rel L2 %r with micro-batches, %r without" % (what, la["layer"], rb, ra))
    for s in (a, b):
        if s["model"].get("accuracy_passed") is not True or s["totals"]["jobs_failed"] != 0:
            fail("%s: a run failed its checks" % what)


def faster(one, many, what):
    # The prefill: GEMMs of 64 rows per sequence, compute-bound, so splitting them costs little and the
    # attention hides behind them. (A decode step's GEMMs of one row per sequence are weight-bound:
    # micro-batches read the weights again and can make it slower; the report shows it.)
    if not many["model"]["ttft_ns"] < one["model"]["ttft_ns"]:
        fail("%s: ttft_ns %g with micro-batches, %g without: not faster" % (what, many["model"]["ttft_ns"],
                                                                         one["model"]["ttft_ns"]))


def part_dense():
    one, _ = run("mb1", *TWO_DENSE)
    four, _ = run("mb4", *TWO_DENSE, "workload.micro_batches=4")
    check_layers(one, four, "dense")
    faster(one, four, "dense")
    ov = four["model"].get("overlap")
    if ov is None or four["model"].get("micro_batches") != 4:
        fail("micro_batches 4: no model.overlap / model.micro_batches")
    if not ov["both_busy_ns"] > 0 or ov["both_busy_ns"] > min(ov["linear_busy_ns"], ov["attention_busy_ns"]):
        fail("overlap %s: both_busy_ns must be > 0 and at most either engine's busy time" % ov)
    passes = 1 + 4
    want = 3 * four["model"]["weight_bytes"] * passes
    if ov["extra_weight_bytes"] != want:
        fail("extra_weight_bytes %r, expected 3 x weight_bytes x %d passes = %r" % (ov["extra_weight_bytes"],
                                                                                  passes, want))
    for op in ("q_proj", "ffn_down"):
        if four["model"]["ops"][op]["jobs"] != 4 * one["model"]["ops"][op]["jobs"]:
            fail("%s: %d jobs with 4 micro-batches, %d with 1" % (op, four["model"]["ops"][op]["jobs"],
                                                                one["model"]["ops"][op]["jobs"]))
    if four["model"]["linear"]["dram_bytes"] <= one["model"]["linear"]["dram_bytes"]:
        fail("the linear layers read no more bytes with micro-batches (the weights are read again)")
    explicit, _ = run("mb1-explicit", *TWO_DENSE, "workload.micro_batches=1")
    if "overlap" in explicit["model"] or "micro_batches" in explicit["model"]:
        fail("micro_batches 1 reports an overlap block")
    for k in explicit:
        if k not in ("scenario", "run_info") and explicit[k] != one[k]:
            fail("micro_batches 1 given differs from the key absent in %s" % k)
    print("ok: micro_batches 4 ttft %.0f -> %.0f ns, tpot %.0f -> %.0f ns, both busy %.0f ns, rel L2 %s"
          % (one["model"]["ttft_ns"], four["model"]["ttft_ns"], one["model"]["tpot_ns"], four["model"]["tpot_ns"],
             ov["both_busy_ns"], [l["rel_l2"] for l in four["model"]["layers"]]))


def part_spatten():
    one, _ = run("spatten-mb1", *SPATTEN)
    two, _ = run("spatten-mb2", *SPATTEN, "workload.micro_batches=2")
    check_layers(one, two, "spatten")
    if not two["model"]["overlap"]["both_busy_ns"] > 0:
        fail("spatten: no overlap")
    print("ok: SpAtten micro_batches 2 ttft %.0f -> %.0f ns, tpot %.0f -> %.0f ns, rel L2 %s"
          % (one["model"]["ttft_ns"], two["model"]["ttft_ns"], one["model"]["tpot_ns"], two["model"]["tpot_ns"], [l["rel_l2"] for l in two["model"]["layers"]]))


def part_bad():
    for sets, phrase in ((["workload.batch=4", "workload.micro_batches=3"], "does not divide"),
                         (["workload.batch=4", "workload.micro_batches=8"], "does not divide"),
                         (["workload.micro_batches=0"], "")):
        p, out = run("bad", *sets, expect=2)
        if "tiny-llama-generate-dense.json" not in p.stderr or "/workload/micro_batches" not in p.stderr \
                or phrase not in p.stderr:
            fail("%s: expected the file, /workload/micro_batches and %r in:\n%s" % (sets, phrase, p.stderr))
        if os.path.exists(out):
            fail("%s wrote %s" % (sets, out))
    print("ok: bad micro_batches refused")


{"dense": part_dense, "spatten": part_spatten, "bad": part_bad}[PART]()
