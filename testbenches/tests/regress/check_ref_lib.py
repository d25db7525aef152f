#!/usr/bin/env python3
"""libsavp_ref.so: no SystemC inside (ldd, nm), only the savp_ref_* API exported, and the plain C API
(savp_ref.h) called through ctypes answers as its header says, refusals included.

  check_ref_lib.py LIBSAVP_REF_SO
"""
import ctypes as C
import random
import subprocess
import sys

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def main():
    so = sys.argv[1]
    # 1. Dependencies and symbols.
    ldd = subprocess.run(["ldd", so], stdout=subprocess.PIPE, text=True).stdout
    check("systemc" not in ldd.lower(), "ldd lists SystemC:\n" + ldd)
    nm_def = subprocess.run(["nm", "-D", "--defined-only", so], stdout=subprocess.PIPE, text=True).stdout.split("\n")
    exported = [l.split()[-1] for l in nm_def if len(l.split()) == 3 and l.split()[1] in "TtWwDdBbVv"]
    others = [s for s in exported if not s.startswith("savp_ref_") and not s.startswith("_")]
    check(not others, "exports other than savp_ref_*: %s" % others[:10])
    for fn in ["savp_ref_version", "savp_ref_salo_tile", "savp_ref_salo_tile_p", "savp_ref_topk_select",
               "savp_ref_pq_decode", "savp_ref_pq_needs_lsb", "savp_ref_sprint_score", "savp_ref_dense_gemm"]:
        check(fn in exported, "%s not exported" % fn)
    nm_all = subprocess.run(["nm", "-D", "-C", so], stdout=subprocess.PIPE, text=True).stdout
    check("sc_core" not in nm_all and "sc_dt" not in nm_all, "SystemC symbols referenced")

    lib = C.CDLL(so)
    lib.savp_ref_version_string.restype = C.c_char_p
    lib.savp_ref_last_error.restype = C.c_char_p
    check(lib.savp_ref_version() == 10000, "version %d" % lib.savp_ref_version())
    check(lib.savp_ref_version_string().startswith(b"savp_ref 1.0.0"), "version string")
    I32 = C.c_int32

    def arr(t, xs):
        return (t * len(xs))(*xs)

    # 2. Top-k code: order preserving, -0 == +0, round trip.
    lib.savp_ref_topk_encode.restype = C.c_uint64
    lib.savp_ref_topk_encode.argtypes = [C.c_double]
    lib.savp_ref_topk_decode.restype = C.c_double
    lib.savp_ref_topk_decode.argtypes = [C.c_uint64]
    xs = [-1e300, -2.5, -1e-300, 0.0, 1e-300, 3.0, 1e300]
    codes = [lib.savp_ref_topk_encode(x) for x in xs]
    check(codes == sorted(codes) and len(set(codes)) == len(codes), "top-k codes not order preserving")
    check(lib.savp_ref_topk_encode(-0.0) == lib.savp_ref_topk_encode(0.0), "-0.0 and +0.0 codes differ")
    check(all(lib.savp_ref_topk_decode(c) == x for c, x in zip(codes, xs)), "top-k code round trip")

    # 3. Top-k selection: the kept set is the k largest (lowest indices among ties), ascending.
    lib.savp_ref_topk_new.restype = C.c_void_p
    lib.savp_ref_topk_new.argtypes = [C.c_uint64, C.c_int, C.c_int]
    lib.savp_ref_topk_select_p.argtypes = [C.c_void_p, C.POINTER(C.c_double), C.c_int, C.c_int, C.POINTER(I32),
                                           C.POINTER(I32), C.POINTER(C.c_int64), C.POINTER(I32),
                                           C.POINTER(C.c_int64), C.POINTER(C.c_double)]
    h = lib.savp_ref_topk_new(7, 16, 3)
    rng = random.Random(3)
    for n, k in [(100, 10), (57, 56), (300, 1)]:
        vals = [float(rng.randrange(40)) for _ in range(n)]
        kept = (I32 * n)()
        nk, passes = I32(), I32()
        cy, cmp = C.c_int64(), C.c_int64()
        thr = C.c_double()
        rc = lib.savp_ref_topk_select_p(h, arr(C.c_double, vals), n, k, kept, C.byref(nk), C.byref(cy),
                                        C.byref(passes), C.byref(cmp), C.byref(thr))
        want = sorted(sorted(range(n), key=lambda i: (-vals[i], i))[:k])
        check(rc == 0 and list(kept[:nk.value]) == want, "top-k n=%d k=%d kept set" % (n, k))
        check(thr.value == sorted(vals, reverse=True)[k - 1], "top-k threshold")
        check(cy.value > 0 and passes.value > 0 and cmp.value >= 2 * n - 1, "top-k cycles/passes/comparisons")
    rc = lib.savp_ref_topk_select_p(None, arr(C.c_double, [1.0]), 1, 0, (I32 * 1)(), C.byref(I32()),
                                    C.byref(C.c_int64()), C.byref(I32()), C.byref(C.c_int64()), C.byref(C.c_double()))
    check(rc == -1 and b"null handle" in lib.savp_ref_last_error(), "a null top-k handle is refused")

    # 4. Progressive quantisation: q = (MSB << lsb) + LSB; MSB only appends 100..0.
    msb, lsb = [-32, -1, 0, 5, 31], [0, 15, 7, 8, 3]
    out = (I32 * 5)()
    rc = lib.savp_ref_pq_decode_p(6, 4, 5, arr(I32, msb), arr(I32, lsb), out)
    check(rc == 0 and list(out) == [(m << 4) + l for m, l in zip(msb, lsb)], "pq full decode %s" % list(out))
    rc = lib.savp_ref_pq_decode_p(6, 4, 5, arr(I32, msb), None, out)
    check(rc == 0 and list(out) == [(m << 4) + 8 for m in msb], "pq MSB-only decode %s" % list(out))
    rc = lib.savp_ref_pq_decode_p(5, 4, 5, arr(I32, msb), None, out)
    check(rc == -1 and b"savp_ref_pq_decode" in lib.savp_ref_last_error(), "an unsupported split is refused")
    needs = I32()
    lib.savp_ref_pq_needs_lsb_p.argtypes = [C.POINTER(C.c_double), C.c_int, C.c_double, C.POINTER(I32)]
    lib.savp_ref_pq_needs_lsb_p(arr(C.c_double, [0.2, 0.3, 0.5]), 3, 0.6, C.byref(needs))
    check(needs.value == 1, "needs_lsb below threshold")
    lib.savp_ref_pq_needs_lsb_p(arr(C.c_double, [0.2, 0.1, 0.7]), 3, 0.6, C.byref(needs))
    check(needs.value == 0, "needs_lsb above threshold")

    # 5. SPRINT: noise off = exact dot products; noise on = seeded (same seed, same currents).
    lib.savp_ref_sprint_score_p.argtypes = [C.c_uint64, C.c_int, C.c_int, C.c_int, C.c_int, C.c_int, C.POINTER(I32),
                                            C.POINTER(I32), C.c_double, C.POINTER(I32), C.POINTER(C.c_double)]
    n, d = 20, 64
    keys = [rng.randrange(-8, 8) for _ in range(n * d)]
    q = [rng.randrange(-8, 8) for _ in range(d)]
    dots = [sum(q[i] * keys[j * d + i] for i in range(d)) for j in range(n)]

    def score(seed, noise, thr):
        keep, cur = (I32 * n)(), (C.c_double * n)()
        rc = lib.savp_ref_sprint_score_p(seed, noise, 4, 4, n, d, arr(I32, keys), arr(I32, q), thr, keep, cur)
        return rc, list(keep), list(cur)

    rc, keep, cur = score(1, 0, 0.0)
    check(rc == 0 and cur == [float(x) for x in dots], "sprint noise-off currents are the dot products")
    check(keep == [1 if x >= 0 else 0 for x in dots], "sprint keep = current >= threshold")
    a, b, c = score(5, 1, 0.0)[2], score(5, 1, 0.0)[2], score(6, 1, 0.0)[2]
    check(a == b and a != c and a != cur, "sprint noise is seeded (same seed same currents, other seed differs)")
    check(score(1, 0, 0.0)[0] == 0 and score(1, 0, float("nan"))[0] == -1, "sprint refuses a NaN threshold")

    # 6. Dense GEMM, int format: exact products, saturating accumulator; cycles from the array.
    lib.savp_ref_dense_gemm_p.argtypes = [C.c_int, C.c_int, C.c_int, C.c_int, C.c_int, C.POINTER(I32), C.POINTER(I32),
                                          C.POINTER(I32), C.POINTER(C.c_int64), C.c_int, C.c_int, C.c_int,
                                          C.POINTER(C.c_int64)]
    m, nn, kk = 3, 4, 5
    A = [rng.randrange(-128, 128) for _ in range(m * kk)]
    B = [rng.randrange(-128, 128) for _ in range(kk * nn)]
    ci = (C.c_int64 * (m * nn))()
    cy = C.c_int64()
    rc = lib.savp_ref_dense_gemm_p(2, 32, m, nn, kk, arr(I32, A), arr(I32, B), (I32 * (m * nn))(), ci, 4, 4, 0,
                                   C.byref(cy))
    want = [sum(A[i * kk + t] * B[t * nn + j] for t in range(kk)) for i in range(m) for j in range(nn)]
    check(rc == 0 and list(ci) == want and cy.value > 0, "dense int GEMM")
    rc = lib.savp_ref_dense_gemm_p(2, 8, m, nn, kk, arr(I32, A), arr(I32, B), (I32 * (m * nn))(), ci, 4, 4, 0,
                                   C.byref(cy))
    check(rc == 0 and all(-128 <= x <= 127 for x in ci), "dense int GEMM saturates at acc_bits")

    # 7. SALO tile: one row attending one key gives probability 1 (out = v), cycles = 2d + c + gc + 3
    # (+1 flush); a code outside 5.4 is refused with its name.
    r, c_, gr, gc, d = 2, 2, 1, 1, 4
    nr, nk = r + gr, r + c_ - 1 + gc + gr * c_
    mask = [1, 0, 0]  # row 0, column 0: key slot 0 - 0 + c - 1 = 1
    q = [16] * (nr * d)
    k = [16] * (nk * d)
    v = [(n * 16 + x) % 200 for n in range(nk) for x in range(d)]
    outs = [(I32 * nr)(), (I32 * nr)(), (I32 * nr)(), (I32 * (nr * d))()]
    cy, es, qs = C.c_int64(), C.c_int64(), C.c_int64()
    I16 = C.c_int16

    def tile(qv, flush):
        return lib.savp_ref_salo_tile_p(r, c_, gr, gc, d, 0, flush, arr(C.c_uint64, mask), arr(I16, qv), arr(I16, k),
                                        arr(I16, v), arr(I32, [0] * nr), arr(I32, [0] * nr), arr(I32, [0] * nr),
                                        arr(I32, [0] * (nr * d)), *outs, C.byref(cy), C.byref(es), C.byref(qs))

    rc = tile(q, 1)
    check(rc == 0 and list(outs[0]) == [1, 0, 0], "salo tile row validity %s" % list(outs[0]))
    check(list(outs[3][:d]) == [v[1 * d + x] * 16 for x in range(d)], "salo tile single-key row = v (10.8)")
    check(cy.value == 2 * d + c_ + gc + 3 + 1, "salo tile cycles %d" % cy.value)
    rc = tile([300] + q[1:], 0)
    check(rc == -1 and b"Q code 300" in lib.savp_ref_last_error(), "salo refuses a Q code outside 5.4")

    # 8. A DPI wrapper outside a simulator fails with a message (no crash).
    check(lib.savp_ref_pq_needs_lsb(None, 0, C.c_double(0.5), C.byref(needs)) == -1 and
          b"no DPI simulator" in lib.savp_ref_last_error(), "DPI wrapper outside a simulator")
    lib.savp_ref_topk_free(C.c_void_p(h))

    if fails:
        print("check_ref_lib: FAILED:\n  " + "\n  ".join(fails))
        sys.exit(1)
    print("check_ref_lib: ok (%s)" % lib.savp_ref_version_string().decode())


if __name__ == "__main__":
    main()
