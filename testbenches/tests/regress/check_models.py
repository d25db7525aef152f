#!/usr/bin/env python3
"""Issue 21: model workloads end to end through savp.

usage: check_models.py SAVP SCENARIOS OUTDIR PART

PART:
  numerics  the 2-layer Llama-style model (GQA, RoPE, SwiGLU; prefill then 4 decode steps, fp32) on
            one dense array: every layer's hidden state against the double-precision model, the
            `model` report's fields and their arithmetic (KV cache bytes, bytes read per token, what
            GQA saved), then the same run with numerics off: identical cycles, bytes, energy and
            times (everything but the accuracy fields).
  growth    decode cost grows with the cache: one decode step after prompts of 64 and 256 tokens
            reads 4x the K/V bytes in the attention; the weights' traffic does not change.
  salo      the 2-layer Longformer-style encoder with its linear layers on a dense array and its
            hybrid sparse attention on SALO: runs, SALO ran every attention job, numerics in range.
  salo_decode
            the 2-layer Llama-style model generating with its attention on SALO (prefill, then one
            query per step on one row of the array): every layer within SALO's datapath bound, a
            decode alone against the prompt's cache too, numerics on and off identical, and a
            sliding window reads only the window's keys.
  spatten   the 2-layer Llama-style model generating with its attention on SpAtten (linear layers on
            a dense array): pruning off and quantisation off matches the reference within the bound
            of an fp16 dense attention (SpAtten reads Q and the new K/V at fp16); pruning on: the kept
            tokens per layer and step follow the cascade schedule carried across steps, the K/V bytes
            per token fall, rel L2 is reported; numerics on and off give identical cycles and bytes
            when no decision depends on the data; a SRAM too small for the context and a schedule
            infeasible for 2 layers are exit 2 with their paths.
  sprint    the 2-layer Llama-style model generating with its attention on SPRINT (linear layers on a
            dense array): a threshold keeping every key matches the reference within the bound of an
            int8 dense attention (SPRINT stores K and V as 8-bit codes); with the calibrated threshold
            the kept keys per layer are reported and the K/V bytes per token fall; the ReRAM bytes
            written equal the tokens' K MSB codes (layers x sequences x tokens x kv heads x head_dim);
            numerics off states its model; a context the ReRAM arrays cannot hold and a decode alone
            with numerics on are exit 2 with their paths.
  preset_override
            a preset with keys replaced ({"preset": "gpt2-small", "layers": 1}) runs exactly as the
            same model written inline (every total and per-layer figure equal), and its report names
            the preset and the replaced keys; a bad preset name, a bad replaced value, an unknown
            key and "sources" beside "preset" are exit 2 with their paths.
  post_norm the 2-layer Llama-style model made post-norm (norm(x + f(x)), as BERT): every layer's
            hidden state against the double-precision post-norm model within the fp32 bound.
  chela     the 2-layer Llama-style model generating with its attention on CHELA (linear layers on a
            dense array): stats say the attention is linear (model.attention_function) and every layer
            is within CHELA's fp16 tolerance of the linear-attention reference; one job per (sequence,
            layer, K/V head) and pass, no KV-cache append or cache (kv_cache_bytes 0); decode reads
            the state only, the same bytes per token after a 64- and a 256-token prompt; numerics on
            and off identical; a pattern CHELA cannot run, the convolution branch, a too small state
            buffer and a decode alone with numerics on are exit 2 with their paths.
  bad       bad inputs: exit 2, the file and the JSON path, nothing written.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

SAVP, SCEN, OUT, PART = sys.argv[1:5]
MODELS = os.path.join(SCEN, "models")
ACCURACY = {"max_abs_err", "rel_l2_err", "cosine", "rel_l2", "rmse", "mean_abs_err", "snr_db", "passed"}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(name, scenario, *sets, expect=0):
    out = os.path.join(OUT, name)
    shutil.rmtree(out, ignore_errors=True)
    args = [SAVP, "run", scenario, "-o", out, "-q", "--force"]
    for s in sets:
        args += ["--set", s]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != expect:
        fail("%s: exit %d (expected %d)\n%s%s" % (name, p.returncode, expect, p.stdout, p.stderr))
    if expect != 0:
        return p, out
    with open(os.path.join(out, "stats.json")) as f:
        return json.load(f), out


def strip(x, drop):
    if isinstance(x, dict):
        return {k: strip(v, drop) for k, v in x.items() if k not in drop}
    if isinstance(x, list):
        return [strip(v, drop) for v in x]
    return x


def part_numerics():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    on, _ = run("numerics-on", scen)
    m, t = on["model"], on["totals"]
    layers, batch, prompt, steps = 2, 2, 64, 4
    heads, kv_heads, d, eb = 4, 2, 64, 4  # fp32 datapath: the cache holds 4-byte elements
    if t["jobs_failed"] != 0 or t["jobs"] != t["jobs_planned"]:
        fail("jobs failed or missing: %s" % {k: t[k] for k in ("jobs", "jobs_planned", "jobs_failed")})
    for k in ("ttft_ns", "tpot_ns", "tokens_per_s", "energy_per_token_pj"):
        if not (isinstance(m.get(k), (int, float)) and m[k] > 0):
            fail("model.%s = %r, expected a positive number" % (k, m.get(k)))
    if abs(m["tokens_per_s"] - batch * steps / (m["tpot_ns"] * steps * 1e-9)) > 1e-6 * m["tokens_per_s"]:
        fail("tokens_per_s %g does not follow from tpot_ns %g" % (m["tokens_per_s"], m["tpot_ns"]))
    want_cache = layers * batch * kv_heads * 2 * (prompt + steps) * d * eb
    if m["kv_cache_bytes"] != want_cache:
        fail("kv_cache_bytes %s, expected %d" % (m["kv_cache_bytes"], want_cache))
    # Each decode step's query sees the prompt, the earlier new tokens and itself; a dense array reads
    # each K/V head once for its group of 2 query heads.
    grouped = sum(layers * batch * kv_heads * 2 * (prompt + s + 1) * d * eb for s in range(steps)) / (batch * steps)
    if abs(m["kv_bytes_read_per_token"] - grouped) > 1e-9 * grouped:
        fail("kv_bytes_read_per_token %s, expected %g" % (m["kv_bytes_read_per_token"], grouped))
    if abs(m["kv_bytes_read_per_token_ungrouped"] - 2 * grouped) > 1e-9 * grouped:
        fail("ungrouped bytes per token %s, expected %g" % (m["kv_bytes_read_per_token_ungrouped"], 2 * grouped))
    if abs(m["kv_bytes_saved_by_gqa"] - grouped * batch * steps) > 1e-6 * grouped:
        fail("kv_bytes_saved_by_gqa %s, expected %g" % (m["kv_bytes_saved_by_gqa"], grouped * batch * steps))
    if len(m["layers"]) != layers:
        fail("expected %d layers in model.layers" % layers)
    for l in m["layers"]:
        if l["rel_l2"] is None or not (0 <= l["rel_l2"] < 1e-4):
            fail("layer %d: rel_l2 %r against the double-precision model (fp32 datapath: expected < 1e-4)"
                 % (l["layer"], l["rel_l2"]))
        if l["attention_ns"] <= 0 or l["linear_ns"] <= 0 or l["dram_bytes"] <= 0:
            fail("layer %d: empty timing or traffic %s" % (l["layer"], l))
    span = m["linear"]["latency_ns"] + m["attention"]["latency_ns"]
    if abs(span - t["latency_ns"]) > 1e-6 * t["latency_ns"]:
        fail("linear + attention time %g differs from the run's latency %g (stages run one after another)"
             % (span, t["latency_ns"]))
    for op in ("norm1", "q_proj", "k_proj", "v_proj", "rope_q", "rope_k", "append_k", "append_v", "attention",
               "o_proj", "residual1", "norm2", "ffn_up", "ffn_gate", "ffn_act", "ffn_down", "residual2"):
        if m["ops"].get(op, {}).get("jobs", 0) <= 0:
            fail("op %s did not run" % op)
    # The scoreboard: a layer beyond the datapath's tolerance fails the run (exit 1), naming the layer.
    p, _ = run("tolerance", scen, "platform.accelerators.0.tolerance_rel_l2=1e-9", expect=1)
    if "scoreboard: layer 0: hidden state rel L2" not in p.stderr:
        fail("a layer beyond the tolerance did not fail the run by name:\n" + p.stderr)
    off, _ = run("numerics-off", scen, "workload.numerics=off")
    if off["model"]["numerics"] != "off" or "rel_l2_err" in off["totals"]:
        fail("numerics off: the report still claims accuracy")
    drop = ACCURACY | {"run_info", "scenario", "numerics", "components", "tolerance_rel_l2", "accuracy_passed"}
    a, b = strip(on, drop), strip(off, drop)
    if a != b:
        for k in a:
            if a[k] != b.get(k):
                fail("numerics on and off differ in %s:\n on  %s\n off %s" % (k, json.dumps(a[k])[:600],
                                                                               json.dumps(b.get(k))[:600]))
    print("ok: numerics, report arithmetic, GQA bytes, on/off identical timing")


def part_growth():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    res = {}
    for prompt in (64, 256):
        s, _ = run("growth-%d" % prompt, scen, "workload.phase=decode", "workload.steps=1",
                   "workload.seq_len=%d" % prompt, "workload.numerics=off")
        res[prompt] = s["model"]
    r = res[256]["kv_bytes_read_per_token"] / res[64]["kv_bytes_read_per_token"]
    if abs(r - 257 / 65) > 1e-9:
        fail("K/V bytes per token grew %gx from 64 to 256 tokens of context, expected %g" % (r, 257 / 65))
    att = res[256]["ops"]["attention"]["dram_bytes"] / res[64]["ops"]["attention"]["dram_bytes"]
    if not 3.0 < att < 4.2:
        fail("the attention's DRAM traffic grew %gx, expected about 4x" % att)
    lin = res[256]["ops"]["q_proj"]["dram_bytes"] / res[64]["ops"]["q_proj"]["dram_bytes"]
    if abs(lin - 1) > 1e-9:
        fail("a projection's traffic changed with the context (%gx)" % lin)
    if res[256]["tpot_ns"] <= res[64]["tpot_ns"]:
        fail("a decode step against 256 tokens was not slower than against 64")
    print("ok: decode cost grows with the cache (attention DRAM x%.2f)" % att)


def part_salo():
    s, _ = run("salo", os.path.join(MODELS, "tiny-longformer-salo.json"))
    m, t = s["model"], s["totals"]
    if t["jobs_failed"] != 0:
        fail("jobs failed")
    salo = s["components"].get("top.salo0", {})
    if not salo:
        fail("no salo0 component in the stats")
    if m["attention"]["jobs"] != 2 * 4:
        fail("expected 8 attention jobs on SALO (2 layers x 4 heads), found %s" % m["attention"]["jobs"])
    for l in m["layers"]:
        if l["rel_l2"] is None or not (0 <= l["rel_l2"] < 0.05):
            fail("layer %d: rel_l2 %r (fp16 linear layers, SALO's fixed-point attention: expected < 0.05)"
                 % (l["layer"], l["rel_l2"]))
    print("ok: SALO attention with dense linear layers, rel_l2 %s" % [l["rel_l2"] for l in m["layers"]])


SALO_ON_DENSE = ['platform.accelerators=[{"type": "dense", "name": "dense0", "datapath": {"format": "fp16"}}, '
                 '{"type": "salo", "name": "salo0"}]', 'platform.mapping={"linear": 0, "attention": 1}']


def part_salo_decode():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    layers, batch, heads, steps = 2, 2, 4, 4
    on, _ = run("salo-generate", scen, *SALO_ON_DENSE)
    m, t = on["model"], on["totals"]
    if t["jobs_failed"] != 0 or t["jobs"] != t["jobs_planned"]:
        fail("jobs failed or missing")
    # SALO does not stack a GQA group (its rows are positions): one job per (sequence, head).
    want = layers * batch * heads * (1 + steps)
    if m["attention"]["jobs"] != want:
        fail("expected %d attention jobs on SALO, found %s" % (want, m["attention"]["jobs"]))
    if m["gqa_shared_reads"] or m["kv_bytes_saved_by_gqa"] != 0:
        fail("SALO does not share a K/V head's read across its group, the report says it did")
    if on["components"].get("top.salo0", {}).get("jobs", {}).get("value") != want:
        fail("the SALO accelerator did not run the %d attention jobs" % want)
    for l in m["layers"]:
        if l["rel_l2"] is None or not (0 <= l["rel_l2"] < 0.05):
            fail("layer %d: rel_l2 %r (fp16 linear layers, SALO's fixed-point attention: expected < 0.05)"
                 % (l["layer"], l["rel_l2"]))
    # One query on one row of the 32 x 32 array (plus the global row and column): at most 1/32 busy.
    u = m["attention"]["decode_array_utilisation"]
    if not (u and 0 < u <= 1 / 32 < m["attention"]["prefill_array_utilisation"]):
        fail("SALO's decode utilisation %r, prefill %r: expected (0, 1/32] and below the prefill's"
             % (u, m["attention"]["prefill_array_utilisation"]))
    dec, _ = run("salo-decode", scen, *SALO_ON_DENSE, "workload.phase=decode", "workload.steps=2")
    for l in dec["model"]["layers"]:
        if l["rel_l2"] is None or not (0 <= l["rel_l2"] < 0.05):
            fail("decode alone: layer %d rel_l2 %r" % (l["layer"], l["rel_l2"]))
    off, _ = run("salo-generate-off", scen, *SALO_ON_DENSE, "workload.numerics=off")
    drop = ACCURACY | {"run_info", "scenario", "numerics", "components", "tolerance_rel_l2", "accuracy_passed"}
    a, b = strip(on, drop), strip(off, drop)
    for k in a:
        if a[k] != b.get(k):
            fail("SALO: numerics on and off differ in %s" % k)
    # A sliding window of 16 keys: each decode step reads 16 K and 16 V vectors per head, not the cache.
    model = json.load(open(os.path.join(MODELS, "workloads", "tiny-llama.json")))
    res = {}
    for w in (0, 16):
        mm = dict(model, attention={"causal": True, "window": w} if w else {"causal": True})
        s, _ = run("salo-window-%d" % w, scen, *SALO_ON_DENSE, "workload.phase=decode", "workload.steps=1",
                   "workload.numerics=off", "workload.model=" + json.dumps(mm))
        res[w] = s["model"]["ops"]["attention"]["dram_bytes"]
    # Per job: Q (64 fp16) + keys x 64 x 2 (K) + keys x 64 x 2 (V) + the output (64 fp32).
    per = lambda keys: 64 * 2 + 2 * keys * 64 * 2 + 64 * 4
    jobs = layers * batch * heads
    for w, keys in ((0, 65), (16, 16)):
        if res[w] < jobs * per(keys) or res[w] > jobs * (per(keys) + 4096):
            fail("window %d: the attention moved %d bytes, expected about %d (%d keys per query)"
                 % (w, res[w], jobs * per(keys), keys))
    print("ok: SALO decode, rel_l2 %s, window reads %d of %d bytes"
          % ([round(l["rel_l2"], 5) for l in m["layers"]], res[16], res[0]))
SPATTEN = ('platform.accelerators=[{"type": "dense", "name": "dense0", "datapath": {"format": "fp32"}}, '
           '{"type": "spatten", "name": "spatten0", "pruning": {"token_ratio": %s, "head_ratio": %s, '
           '"value_ratio": 0}, "quantisation": {"enabled": %s}, "tolerance_rel_l2": %s}]')
SPATTEN_MAP = 'platform.mapping={"linear": 0, "attention": 1}'


def keep(total, f):
    import math
    return max(1, math.ceil(total * (1 - f) * (1 - 1e-9)))


def part_spatten():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    layers, batch, prompt, steps, heads = 2, 2, 64, 4, 4
    # Pruning and quantisation off: the reference within an fp16 dense attention's bound.
    fp16, _ = run("dense-fp16-attention", scen,
                  'platform.accelerators=[{"type": "dense", "name": "dense0", "datapath": {"format": "fp32"}}, '
                  '{"type": "dense", "name": "dense1", "datapath": {"format": "fp16"}}]', SPATTEN_MAP)
    bound = max(l["rel_l2"] for l in fp16["model"]["layers"])
    off, _ = run("spatten-unpruned", scen, SPATTEN % (0, 0, "false", 1), SPATTEN_MAP)
    m = off["model"]
    if off["totals"]["jobs_failed"] != 0:
        fail("unpruned SpAtten: jobs failed")
    if m["ops"].get("append_k") or m["ops"]["attention"]["jobs"] != layers * batch * (1 + steps):
        fail("expected one SpAtten job per (sequence, layer, pass) and no append on the dense array: %s"
             % {k: v["jobs"] for k, v in m["ops"].items()})
    for l in m["layers"]:
        if l["rel_l2"] is None or not l["rel_l2"] <= 2 * bound:
            fail("unpruned SpAtten layer %d: rel_l2 %r beyond twice the fp16 dense attention's %g"
                 % (l["layer"], l["rel_l2"], bound))
        if l["tokens_kept_mean"] != l["tokens_in_mean"] or l["heads_kept_mean"] != heads:
            fail("unpruned SpAtten pruned something: %s" % l)
    # Numerics off, nothing data-dependent (no pruning, no progressive step): identical timing.
    t_off, _ = run("spatten-unpruned-off", scen, SPATTEN % (0, 0, "false", 1), SPATTEN_MAP, "workload.numerics=off")
    for k in ("cycles", "dram_bytes_read", "dram_bytes_written", "latency_ns", "energy_pj"):
        if off["totals"][k] != t_off["totals"][k]:
            fail("unpruned SpAtten: numerics on and off differ in totals.%s: %s vs %s"
                 % (k, off["totals"][k], t_off["totals"][k]))
    # Pruning on: 2 layers, the first unpruned; layer 1 keeps 1 - f of the context, f = 2 r L / (n + 1).
    r = 0.3
    f1 = 2 * r * layers / 2
    on, _ = run("spatten-pruned", scen, SPATTEN % (r, 0.2, "true", 1), SPATTEN_MAP)
    pm = on["model"]
    survivors = keep(prompt, f1)  # after the prefill's layer 1
    want = {0: [], 1: []}
    for s in range(steps):
        ctx = prompt + s + 1
        n0 = min(survivors + 1, keep(ctx, 0))
        want[0].append((survivors + 1, n0))
        n1 = min(n0, keep(ctx, f1))
        want[1].append((n0, n1))
        survivors = n1
    for l in pm["layers"]:
        w_in = sum(a for a, _ in want[l["layer"]]) / steps
        w_kept = sum(b for _, b in want[l["layer"]]) / steps
        if abs(l["tokens_in_mean"] - w_in) > 1e-9 or abs(l["tokens_kept_mean"] - w_kept) > 1e-9:
            fail("layer %d: tokens in/kept %s/%s per decode job, the schedule says %s/%s"
                 % (l["layer"], l["tokens_in_mean"], l["tokens_kept_mean"], w_in, w_kept))
        if l["rel_l2"] is None:
            fail("pruned SpAtten: layer %d has no rel_l2" % l["layer"])
    unpruned_q, _ = run("spatten-unpruned-quant", scen, SPATTEN % (0, 0, "true", 1), SPATTEN_MAP)
    a, b = pm["kv_bytes_read_per_token"], unpruned_q["model"]["kv_bytes_read_per_token"]
    if not a < 0.75 * b:
        fail("K/V bytes per token %g with eviction, %g without: expected a fall" % (a, b))
    print("ok: SpAtten model form: unpruned rel_l2 %s (fp16 dense %g), pruned rel_l2 %s, KV bytes/token %.0f -> %.0f"
          % ([l["rel_l2"] for l in m["layers"]], bound, [l["rel_l2"] for l in pm["layers"]], b, a))
    for sets, path, phrase in (
            ([SPATTEN % (0, 0, "true", 1), SPATTEN_MAP, "platform.accelerators.1.sram_kib=4"],
             "/platform/accelerators/1/sram_kib", "does not fit"),
            ([SPATTEN % (0.6, 0, "true", 1), SPATTEN_MAP], "/platform/accelerators/1/pruning/token_ratio",
             "token schedule")):
        p, out = run("spatten-bad", scen, *sets, expect=2)
        if "tiny-llama-generate-dense.json" not in p.stderr or path not in p.stderr or phrase not in p.stderr:
            fail("expected the file, %s and %r in:\n%s" % (path, phrase, p.stderr))
        if os.path.exists(out):
            fail("a refused SpAtten model wrote %s" % out)


SPRINT = ('platform.accelerators=[{"type": "dense", "name": "dense0", "datapath": {"format": "fp32"}}, '
          '{"type": "sprint", "name": "sprint0", "threshold": %s, "tolerance_rel_l2": 1}]')
SPRINT_ALL = '{"policy": "fixed", "value": -1}'
SPRINT_CAL = '{"policy": "calibrated", "keep_ratio": 0.25}'


def part_sprint():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    layers, batch, prompt, steps, kv_heads, d = 2, 2, 64, 4, 2, 64
    int8, _ = run("dense-int8-attention", scen,
                  'platform.accelerators=[{"type": "dense", "name": "dense0", "datapath": {"format": "fp32"}}, '
                  '{"type": "dense", "name": "dense1", "datapath": {"format": "int", "int_bits": 8}}]', SPATTEN_MAP)
    bound = max(l["rel_l2"] for l in int8["model"]["layers"])
    every, _ = run("sprint-every-key", scen, SPRINT % SPRINT_ALL, SPATTEN_MAP)
    m = every["model"]
    if every["totals"]["jobs_failed"] != 0:
        fail("SPRINT keeping every key: jobs failed")
    if m["ops"].get("append_k") or m["ops"]["attention"]["jobs"] != layers * batch * (1 + steps):
        fail("expected one SPRINT job per (sequence, layer, pass) and no append on the dense array: %s"
             % {k: v["jobs"] for k, v in m["ops"].items()})
    for l in m["layers"]:
        if l["rel_l2"] is None or not l["rel_l2"] <= 2 * bound:
            fail("SPRINT keeping every key, layer %d: rel_l2 %r beyond twice the int8 dense attention's %g"
                 % (l["layer"], l["rel_l2"], bound))
        if l["tokens_kept_mean"] != l["tokens_in_mean"]:
            fail("SPRINT with a threshold keeping every key pruned something: %s" % l)
    pim = [v for k, v in every["components"].items() if "threshold_steps" in v]  # the ReRAM PIM target
    want = layers * batch * (prompt + steps) * kv_heads * d
    if len(pim) != 1 or pim[0].get("bytes_written", {}).get("value") != want:
        fail("ReRAM bytes written %s, the tokens' K MSB codes are %d" % (pim, want))
    cal, _ = run("sprint-calibrated", scen, SPRINT % SPRINT_CAL, SPATTEN_MAP)
    cm = cal["model"]
    for l in cm["layers"]:
        if not l["tokens_kept_mean"] < l["tokens_in_mean"] or l["rel_l2"] is None:
            fail("calibrated SPRINT layer %d: kept %s of %s keys, rel_l2 %r"
                 % (l["layer"], l["tokens_kept_mean"], l["tokens_in_mean"], l["rel_l2"]))
    a, b = cm["kv_bytes_read_per_token"], m["kv_bytes_read_per_token"]
    if not a < 0.75 * b:
        fail("K/V bytes per token %g with pruning, %g keeping every key: expected a fall" % (a, b))
    off, _ = run("sprint-calibrated-off", scen, SPRINT % SPRINT_CAL, SPATTEN_MAP, "workload.numerics=off")
    if "keep_ratio" not in off["model"]["attention_pruning"]["decisions"]:
        fail("numerics off: the stated model is not in model.attention_pruning: %s" % off["model"]["attention_pruning"])
    # A decode alone, timing only: each query keeps max(1, round(0.25 x visible)) keys, visible = 65 .. 68.
    import math
    dec, _ = run("sprint-decode-off", scen, SPRINT % SPRINT_CAL, SPATTEN_MAP, "workload.phase=decode",
                 "workload.numerics=off")
    want_kept = sum(max(1, math.floor(0.25 * (prompt + s + 1) + 0.5)) for s in range(steps)) / steps
    for l in dec["model"]["layers"]:
        if abs(l["tokens_kept_mean"] - want_kept) > 1e-9:
            fail("numerics off decode: layer %d keeps %s keys per query, the stated model %s"
                 % (l["layer"], l["tokens_kept_mean"], want_kept))
    print("ok: SPRINT model form: every key rel_l2 %s (int8 dense %g), calibrated rel_l2 %s, kept %s of %s, "
          "KV bytes/token %.0f -> %.0f, ReRAM bytes written %d"
          % ([l["rel_l2"] for l in m["layers"]], bound, [l["rel_l2"] for l in cm["layers"]],
             [l["tokens_kept_mean"] for l in cm["layers"]], [l["tokens_in_mean"] for l in cm["layers"]], b, a, want))
    llama = os.path.join(MODELS, "llama-3-8b-decode-32k-spatten.json")
    for f, sets, path, phrase in (
            (scen, [SPRINT % SPRINT_CAL, SPATTEN_MAP, "workload.phase=decode"], "/workload/phase", "generate"),
            (llama, ['platform.accelerators.1=' + SPRINT_ACC, "workload.batch=4",
                     "platform.memory.size_mib=32768"], "/workload/seq_len",
             "ReRAM arrays")):
        p, out = run("sprint-bad", f, *sets, expect=2)
        if os.path.basename(f) not in p.stderr or path not in p.stderr or phrase not in p.stderr:
            fail("expected the file, %s and %r in:\n%s" % (path, phrase, p.stderr))
        if os.path.exists(out):
            fail("a refused SPRINT model wrote %s" % out)


SPRINT_ACC = '{"type": "sprint", "name": "sprint0", "threshold": %s}' % SPRINT_CAL
def part_chela():
    scen = os.path.join(MODELS, "tiny-llama-generate-chela.json")
    layers, batch, steps, kv_heads, d = 2, 2, 4, 2, 64
    state = d * (d + 1) * 4  # one (layer, K/V head) state: d x (d + 1) fp32
    on, _ = run("chela-on", scen)
    m, t = on["model"], on["totals"]
    if t["jobs_failed"] != 0 or t["jobs"] != t["jobs_planned"]:
        fail("CHELA model: jobs failed or missing: %s" % {k: t[k] for k in ("jobs", "jobs_planned", "jobs_failed")})
    if "linear attention" not in m.get("attention_function", ""):
        fail("model.attention_function does not say the attention is linear: %r" % m.get("attention_function"))
    if m["tolerance_rel_l2"] != 1e-2 or not m["accuracy_passed"]:
        fail("expected CHELA's fp16 tolerance 1e-2 and a pass: %s" % {k: m.get(k) for k in ("tolerance_rel_l2", "accuracy_passed")})
    for l in m["layers"]:
        if l["rel_l2"] is None or not 0 < l["rel_l2"] <= 1e-2:
            fail("layer %d: rel_l2 %r against the linear-attention reference (CHELA fp16: <= 1e-2)"
                 % (l["layer"], l["rel_l2"]))
    if m["ops"].get("append_k") or m["ops"]["attention"]["jobs"] != layers * batch * kv_heads * (1 + steps):
        fail("expected one CHELA job per (sequence, layer, K/V head, pass) and no append: %s"
             % {k: v["jobs"] for k, v in m["ops"].items()})
    if m["kv_cache_bytes"] != 0 or m["state_bytes"] != batch * layers * kv_heads * state:
        fail("kv_cache_bytes %s (expected 0), state_bytes %s (expected %d)"
             % (m["kv_cache_bytes"], m["state_bytes"], batch * layers * kv_heads * state))
    if m["kv_bytes_read_per_token"] != layers * kv_heads * state:
        fail("kv_bytes_read_per_token %s: expected the state, %d" % (m["kv_bytes_read_per_token"], layers * kv_heads * state))
    # Numerics off: the same transactions, cycles, bytes, energy and times.
    off, _ = run("chela-off", scen, "workload.numerics=off")
    drop = ACCURACY | {"run_info", "scenario", "numerics", "components", "tolerance_rel_l2", "accuracy_passed"}
    a, b = strip(on, drop), strip(off, drop)
    for k in a:
        if a[k] != b.get(k):
            fail("CHELA numerics on and off differ in %s:\n on  %s\n off %s" % (k, json.dumps(a[k])[:600],
                                                                                  json.dumps(b.get(k))[:600]))
    # Decode cost does not grow with the context: one step after 64 and 256 prompt tokens.
    res = {}
    for prompt in (64, 256):
        st, _ = run("chela-decode-%d" % prompt, scen, "workload.phase=decode", "workload.steps=1",
                    "workload.seq_len=%d" % prompt, "workload.numerics=off")
        res[prompt] = st["model"]
    for k in ("kv_bytes_read_per_token", "tpot_ns"):
        if res[64][k] != res[256][k]:
            fail("CHELA decode %s after 64 and 256 tokens differs: %s vs %s" % (k, res[64][k], res[256][k]))
    if res[64]["attention"]["dram_bytes"] != res[256]["attention"]["dram_bytes"]:
        fail("CHELA decode attention DRAM bytes grow with the context: %s vs %s"
             % (res[64]["attention"]["dram_bytes"], res[256]["attention"]["dram_bytes"]))
    print("ok: CHELA model form: rel_l2 %s (tolerance 1e-2), state %d B/token, decode bytes constant in the context"
          % ([l["rel_l2"] for l in m["layers"]], m["kv_bytes_read_per_token"]))
    # A bidirectional post-norm encoder (BERT's shape) on CHELA: the state pass over every key, then
    # the outputs; every layer against the non-causal linear-attention reference.
    enc = {"layers": 2, "hidden": 256, "heads": 4, "kv_heads": 2, "head_dim": 64, "ffn_hidden": 512,
           "max_positions": 1024, "ffn": "gelu", "norm": "layernorm", "norm_position": "post",
           "positions": "learned", "attention": {"causal": False}}
    st, _ = run("chela-encoder", scen, "workload.model=" + json.dumps(enc), "workload.phase=prefill",
                "workload.steps=null")
    me = st["model"]
    rel = [l["rel_l2"] for l in me["layers"]]
    if not me["accuracy_passed"] or not all(r < 1e-3 for r in rel) or "sum_s " not in me["attention_function"]:
        fail("CHELA non-causal encoder: rel_l2 %s, function %r" % (rel, me["attention_function"]))
    for sets, path, phrase in (
            (['workload.model.attention={"causal": true, "window": 16}'], "/workload/model", "no window"),
            (["platform.accelerators.1.conv.enabled=true"], "/platform/accelerators/1/conv/enabled",
             "convolution branch"),
            (["platform.accelerators.1.buffers={\"state_kib\": 8}"], "/platform/accelerators/1/buffers/state_kib",
             "state buffer"),
            (["workload.phase=decode", "workload.steps=1"], "/workload/phase", "prefill wrote")):
        p, out = run("chela-bad", scen, *sets, expect=2)
        if "tiny-llama-generate-chela.json" not in p.stderr or path not in p.stderr or phrase not in p.stderr:
            fail("expected the file, %s and %r in:\n%s" % (path, phrase, p.stderr))
        if os.path.exists(out):
            fail("a refused CHELA model wrote %s" % out)


def write_npy(path, shape, seed):
    """A float64 .npy file (standard library only) of small deterministic values."""
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }" % dims
    text += " " * ((64 - (10 + len(text) + 1) % 64) % 64) + "\n"
    n = 1
    for d in shape:
        n *= d
    x, vals = seed, []
    for _ in range(n):
        x = (1103515245 * x + 12345) % 2**31
        vals.append((x / 2**30 - 1.0) * 0.05)
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin-1"))
        f.write(struct.pack("<%dd" % n, *vals))


def npy_weights(dir, wrong=None):
    """The tiny Llama's weights as .npy files (2 layers, hidden 256, 4/2 heads of 64, SwiGLU 512);
    `wrong` names one tensor written with its dimensions swapped."""
    os.makedirs(dir, exist_ok=True)
    shapes = {"wq": (256, 256), "wk": (256, 128), "wv": (256, 128), "wo": (256, 256), "w_up": (256, 512),
              "w_gate": (256, 512), "w_down": (512, 256), "norm1_gamma": (256,), "norm2_gamma": (256,)}
    for l in range(2):
        for i, (t, shape) in enumerate(shapes.items()):
            if t == wrong and l == 1:
                shape = tuple(reversed(shape))
            write_npy(os.path.join(dir, "layer%d.%s.npy" % (l, t)), shape, 7 + 31 * l + i)


def part_bad():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    salo = os.path.join(MODELS, "tiny-longformer-salo.json")
    cases = [
        (scen, ["workload.model.kv_heads=3"], "/workload/model/kv_heads", "divisor of heads"),
        (scen, ["workload.model.head_dim=32"], "/workload/model/head_dim", "differs from hidden"),
        (scen, ["workload.steps=0"], "/workload/steps", ""),
        (scen, ["workload.seq_len=1021"], "/workload/steps", "exceeds the model's 1024 positions"),
        (scen, ["workload.seq_len=2000"], "/workload/seq_len", "exceeds the model's 1024 positions"),
        (salo, ["workload.accelerator=1"], "/platform/mapping", "not both"),
        (scen, ["platform.accelerators=[{\"type\": \"dense\", \"name\": \"d0\", \"datapath\": {\"format\": \"fp32\"}}, "
                "{\"type\": \"dense\", \"name\": \"d1\", \"datapath\": {\"format\": \"fp32\"}}, "
                "{\"type\": \"dense\", \"name\": \"d2\", \"datapath\": {\"format\": \"fp16\"}}]",
                "platform.mapping={\"linear\": 0, \"attention\": [1, 2]}"], "/platform/mapping/attention",
         "share one datapath format"),
        (scen, ["workload.model=\"gpt-17\""], "/workload/model", "a model preset"),
        (scen, ["platform.mapping={\"linear\": 0, \"attention\": 3}"], "/platform/mapping/attention",
         "accelerator index below 1"),
        (scen, ["platform.accelerators.0.datapath.format=int"], "/platform/accelerators/0/format",
         "floating-point datapath"),
        (salo, ["workload.phase=generate", "workload.steps=2"], "/workload/phase", "causal"),
        (salo, ["platform.mapping.linear=1"], "/platform/mapping/linear", "\"dense\" array"),
        (scen, ["workload.weights={\"source\": \"npy\", \"dir\": \"nowhere\"}"], "/workload/weights/dir",
         "not a directory"),
        (scen, ["workload.phase=prefill"], "/workload/steps", "prefill runs the prompt only"),
    ]
    # .npy weights: a good set runs; one tensor of the wrong shape is refused naming it.
    good = os.path.join(OUT, "weights-good")
    npy_weights(good)
    st, _ = run("npy-good", scen, "workload.weights={\"source\": \"npy\", \"dir\": \"%s\"}" % good)
    if st["totals"]["jobs_failed"] != 0 or not st["model"]["layers"][1]["rel_l2"] < 1e-4:
        fail(".npy weights: the model did not run on them")
    bad = os.path.join(OUT, "weights-bad")
    npy_weights(bad, wrong="wk")
    cases.append((scen, ["workload.weights={\"source\": \"npy\", \"dir\": \"%s\"}" % bad], "/workload/weights/dir",
                  "layer1.wk.npy"))
    for i, (f, sets, path, phrase) in enumerate(cases):
        p, out = run("bad-%d" % i, f, *sets, expect=2)
        if os.path.basename(f) not in p.stderr or path not in p.stderr or phrase not in p.stderr:
            fail("case %s: expected the file, %s and %r in:\n%s" % (sets, path, phrase, p.stderr))
        if os.path.exists(out):
            fail("case %s wrote %s" % (sets, out))
    print("ok: %d bad inputs refused" % len(cases))


def part_post_norm():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    with open(os.path.join(MODELS, "workloads", "tiny-llama.json")) as f:
        model = json.load(f)
    model["norm_position"] = "post"
    st, _ = run("post-norm", scen, "workload.model=" + json.dumps(model))
    rel = [l["rel_l2"] for l in st["model"]["layers"]]
    if len(rel) != 2 or not all(r < 1e-4 for r in rel) or not st["model"]["accuracy_passed"]:
        fail("post-norm layers against the post-norm reference: rel L2 %s" % rel)
    print("ok: post-norm layers within the fp32 bound (rel L2 %s)" % ", ".join("%.2e" % r for r in rel))


def part_preset_override():
    scen = os.path.join(MODELS, "tiny-llama-generate-dense.json")
    base = ["platform.accelerators.0.buffers={\"input_kib\": 1024, \"weight_kib\": 1024, \"output_kib\": 1024}", "workload.batch=1", "workload.seq_len=64", "workload.steps=2", "workload.numerics=off"]
    st_a, _ = run("override", scen, 'workload.model={"preset": "gpt2-small", "layers": 1}', *base)
    with open(os.path.join(MODELS, "presets", "gpt2-small.json")) as f:
        inline = json.load(f)
    inline.pop("sources")
    inline["layers"] = 1
    st_b, _ = run("inline", scen, "workload.model=" + json.dumps(inline), *base)
    ma, mb = st_a["model"], st_b["model"]
    if ma.get("preset") != "gpt2-small" or ma.get("overrides") != ["layers"]:
        fail("the report does not name the preset and its replaced keys: %s %s" % (ma.get("preset"), ma.get("overrides")))
    if "overrides" in mb:
        fail("an inline model reports overrides")
    if len(ma["layers"]) != 1:
        fail("the replaced layer count did not take: %d layers" % len(ma["layers"]))
    for key in ("ttft_ns", "tpot_ns", "kv_cache_bytes", "kv_bytes_read_per_token", "weight_bytes", "layers"):
        if ma[key] != mb[key]:
            fail("model.%s differs between the preset with overrides and the same model inline" % key)
    for key in ("energy_pj", "cycles", "dram_bytes_read", "dram_bytes_written"):
        if key in st_a["totals"] and st_a["totals"][key] != st_b["totals"][key]:
            fail("totals.%s differs between the preset with overrides and the same model inline" % key)
    cases = [
        ('workload.model={"preset": "gpt-17"}', "/workload/model/preset", "a model preset"),
        ('workload.model={"preset": "gpt2-small", "layers": 0}', "/workload/model/layers", ""),
        ('workload.model={"preset": "gpt2-small", "heads": 5}', "/workload/model/head_dim", "differs from hidden"),
        ('workload.model={"preset": "gpt2-small", "layer": 2}', "/workload/model/layer", ""),
        ('workload.model={"preset": "gpt2-small", "sources": {"layers": "me"}}', "/workload/model/sources",
         "cannot be replaced"),
    ]
    for i, (s, path, phrase) in enumerate(cases):
        p, out = run("override-bad-%d" % i, scen, s, *base, expect=2)
        if os.path.basename(scen) not in p.stderr or path not in p.stderr or phrase not in p.stderr:
            fail("case %s: expected the file, %s and %r in:\n%s" % (s, path, phrase, p.stderr))
        if os.path.exists(out):
            fail("case %s wrote %s" % (s, out))
    print("ok: a preset with a replaced key runs as the same model inline; %d bad overrides refused" % len(cases))


if __name__ == "__main__":  # check_micro_batches.py imports run and fail from here
    {"numerics": part_numerics, "growth": part_growth, "salo": part_salo, "salo_decode": part_salo_decode,
     "spatten": part_spatten, "preset_override": part_preset_override,
     "post_norm": part_post_norm, "sprint": part_sprint, "chela": part_chela,
     "bad": part_bad}[PART]()
