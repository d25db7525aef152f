#!/usr/bin/env python3
"""The SystemVerilog testbench over DPI (testbenches/dpi/tb/savp_ref_tb.sv): verilates it with the
project's SALO array and top-k RTL (Verilator 5, --binary --timing), links libsavp_ref.so, runs it.

  check_dpi_tb.py --src ROOT --lib LIBDIR --work DIR [--verilator BIN] [--variant good|broken] [--expect pass|fail]
                  [--tiles N] [--selections N] [--measure]

variant broken: a copy of salo_array.sv with one bug (the weighted-sum unit's merge weight truncated
instead of rounded) replaces the original; --expect fail then requires a non-zero exit and a
"first mismatch" message naming the tile, the row and the field. --measure also runs the RTL alone
(+no_check) and the reference alone (+dpi_only) and prints cycles/s and DPI calls/s.
"""
import argparse
import os
import re
import resource
import subprocess
import sys

BUG = ("((32'(sa) << 9) + 32'(w)) / (32'(w) << 1)", "((32'(sa) << 9)) / (32'(w) << 1)")


def build(args, work):
    rtl = os.path.join(args.src, "testbenches", "cosim", "rtl")
    salo = os.path.join(rtl, "salo_array.sv")
    if args.variant == "broken":
        text = open(salo).read()
        if text.count(BUG[0]) != 1:
            sys.exit("check_dpi_tb: the bug's site is not found once in salo_array.sv: " + BUG[0])
        salo = os.path.join(work, "salo_array_broken.sv")
        with open(salo, "w") as f:
            f.write(text.replace(BUG[0], BUG[1]))
    dpi = os.path.join(args.src, "testbenches", "dpi")
    cmd = [args.verilator, "--binary", "--timing", "-j", "2", "-Wno-fatal", "-Wno-lint", "-Wno-style",
           "-Wno-TIMESCALEMOD", "--top-module", "savp_ref_tb", "-Mdir", os.path.join(work, "obj"),
           os.path.join(dpi, "savp_ref_pkg.sv"), os.path.join(rtl, "salo_arith.sv"), salo,
           os.path.join(rtl, "topk_engine.sv"), os.path.join(dpi, "tb", "savp_ref_tb.sv"),
           "-LDFLAGS", "-L%s -lsavp_ref -Wl,-rpath,%s" % (args.lib, args.lib)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(os.path.join(work, "verilator.log"), "w") as f:
        f.write(" ".join(cmd) + "\n" + r.stdout)
    if r.returncode != 0:
        sys.exit("check_dpi_tb: verilator failed (%s):\n%s" % (os.path.join(work, "verilator.log"), r.stdout[-3000:]))
    return os.path.join(work, "obj", "Vsavp_ref_tb")


def run(exe, plusargs):
    """Exit code, output and the CPU seconds (user + system) of one run: wall-clock time on a shared
    machine measures the other jobs, not the simulation."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([exe] + plusargs, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return r.returncode, r.stdout, max(cpu, 1e-6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--verilator", default="verilator")
    ap.add_argument("--variant", choices=["good", "broken"], default="good")
    ap.add_argument("--expect", choices=["pass", "fail"], default="pass")
    ap.add_argument("--tiles", type=int, default=300)
    ap.add_argument("--selections", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--measure", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    exe = build(args, args.work)
    plus = ["+seed=%d" % args.seed, "+tiles=%d" % args.tiles, "+selections=%d" % args.selections]
    rc, out, secs = run(exe, plus)
    print(out.rstrip())
    if args.expect == "pass":
        m = re.search(r"PASS savp_ref_tb: .*?(\d+) DPI calls; (\d+) cycles", out)
        if rc != 0 or not m:
            sys.exit("check_dpi_tb: the testbench failed (exit %d)" % rc)
        if args.measure:
            calls, cycles = int(m.group(1)), int(m.group(2))
            rc2, out2, secs2 = run(exe, plus + ["+no_check"])
            m2 = re.search(r"(\d+) cycles \(no_check", out2)
            n_dpi = 20000
            rc3, out3, secs3 = run(exe, ["+seed=%d" % args.seed, "+dpi_only=%d" % n_dpi])
            if rc2 != 0 or rc3 != 0 or not m2:
                sys.exit("check_dpi_tb: a measurement run failed")
            print("MEASURE checked: %d cycles, %d DPI calls in %.3f CPU s: %.0f cycles/s" % (cycles, calls, secs, cycles / secs))
            print("MEASURE rtl only (+no_check): %d cycles in %.3f CPU s: %.0f cycles/s" %
                  (int(m2.group(1)), secs2, int(m2.group(1)) / secs2))
            print("MEASURE reference only (+dpi_only=%d): %d calls in %.3f CPU s: %.0f DPI calls/s" %
                  (n_dpi, 2 * n_dpi, secs3, 2 * n_dpi / secs3))
        return
    # Expected failure: non-zero exit and the first mismatch named.
    if rc == 0:
        sys.exit("check_dpi_tb: the %s variant passed; the testbench did not catch the bug" % args.variant)
    m = re.search(r"first mismatch: (salo tile \d+ row \d+: [^(]+)\(rtl (-?\d+), reference (-?\d+)\)", out)
    if not m:
        sys.exit("check_dpi_tb: exit %d without a first-mismatch message naming tile, row and field" % rc)
    print("caught as expected: %s (rtl %s, reference %s)" % (m.group(1).strip(), m.group(2), m.group(3)))


if __name__ == "__main__":
    main()
