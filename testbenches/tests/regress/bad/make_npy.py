#!/usr/bin/env python3
"""Writes the .npy fixtures under npy/ (committed; rerun only to regenerate them).

Standard library only: the .npy v1.0 header is written by hand. good_{q,k,v}.npy hold one head of
seq_len 32 x head_dim 16 float32 values; the others are each broken in one way for bad_input.cmake.
"""
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")


def header(descr, shape):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    text = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    pad = (64 - (10 + len(text) + 1) % 64) % 64
    text = (text + " " * pad + "\n").encode("latin-1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def values(n, seed):
    # A small LCG: deterministic values in [-1, 1) without numpy or random's version drift.
    out, x = [], seed
    for _ in range(n):
        x = (1103515245 * x + 12345) % 2**31
        out.append(x / 2**30 - 1.0)
    return out


def npy(name, shape, descr="<f4", fmt="<f", data=None, cut=0):
    n = 1
    for d in shape:
        n *= d
    data = values(n, len(name)) if data is None else data
    body = b"".join(struct.pack(fmt, v) for v in data)
    blob = header(descr, shape) + body
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(blob[: len(blob) - cut] if cut else blob)


def main():
    os.makedirs(HERE, exist_ok=True)
    for i, m in enumerate("qkv"):
        npy("good_%s.npy" % m, (32, 16), data=values(32 * 16, 11 + i))
    npy("truncated.npy", (32, 16), cut=100)                   # data cut short
    npy("complex.npy", (32, 16), descr="<c8", fmt="<d")       # complex64: unsupported dtype
    npy("big_endian.npy", (32, 16), descr=">f4", fmt=">f")    # big-endian float32
    npy("dim8.npy", (32, 8))                                  # last dim != head_dim 16
    npy("seq16.npy", (16, 16))                                # seq_len differs from Q
    npy("flat.npy", (512,))                                   # 1-d
    npy("two_heads.npy", (2, 32, 16))                         # 2 heads, workload has 1
    npy("nan.npy", (32, 16), data=[float("nan")] + values(511, 5))
    with open(os.path.join(HERE, "not_npy.npy"), "wb") as f:
        f.write(b"this is a text file, not an array\n")


if __name__ == "__main__":
    main()
