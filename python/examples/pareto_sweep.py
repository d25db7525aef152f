#!/usr/bin/python3
"""Design-space exploration from Python: sweep the dense array's shape, plot latency vs energy and
the Pareto front (the shapes no other shape beats on both).

    /usr/bin/python3 python/examples/pareto_sweep.py --out pareto.png

Runs `savp sweep` over the default scenario (two heads of 256-token attention on the dense
systolic array) with array rows x cols in {16, 32, 64} x {16, 32, 64}: 9 points. The savp binary is
found as savp.run finds it (--savp, $SAVP_BIN, <checkout>/build/bin/savp, PATH).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List

CHECKOUT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(CHECKOUT / "python"))  # the savp package beside this script

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # a file, no display needed
import matplotlib.pyplot as plt  # noqa: E402

import savp  # noqa: E402

ROWS = "platform.accelerators.0.array.rows"
COLS = "platform.accelerators.0.array.cols"


def pareto_front(rows: List[Dict[str, Any]], x: str, y: str) -> List[Dict[str, Any]]:
    """The rows no other row beats on both x and y (lower is better), sorted by x."""
    front: List[Dict[str, Any]] = []
    for r in sorted(rows, key=lambda r: (r[x], r[y])):
        if not front or r[y] < front[-1][y]:
            front.append(r)
    return front


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="pareto.png", help="the figure (.png, .svg, .pdf)")
    ap.add_argument("--sizes", default="16,32,64", help="array rows and cols to sweep (comma-separated)")
    ap.add_argument("--jobs", type=int, default=2, help="points run in parallel")
    ap.add_argument("--savp", default=None, help="the savp binary")
    args = ap.parse_args()

    sizes = [int(s) for s in args.sizes.split(",")]
    result = savp.sweep({"base": str(CHECKOUT / "scenarios" / "default.json"),
                         "grid": {ROWS: sizes, COLS: sizes}}, jobs=args.jobs, savp_bin=args.savp)
    rows = [dict(r, latency_us=r["latency_ns"] / 1e3, energy_uj=r["energy_pj"] / 1e6) for r in result.rows]
    front = pareto_front(rows, "latency_us", "energy_uj")

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter([r["latency_us"] for r in rows], [r["energy_uj"] for r in rows], color="0.6", label="design point")
    labels: Dict[float, List[str]] = {}  # one label per latency: shapes that tie (16x64, 64x16) share it
    for r in rows:
        labels.setdefault(round(r["latency_us"], 3), []).append(f"{r[ROWS]}x{r[COLS]}")
    for latency_us, names in labels.items():
        energy_uj = max(r["energy_uj"] for r in rows if round(r["latency_us"], 3) == latency_us)
        ax.annotate(", ".join(names), (latency_us, energy_uj), fontsize=7, xytext=(3, 4),
                    textcoords="offset points")
    ax.step([r["latency_us"] for r in front], [r["energy_uj"] for r in front], where="post", color="C3",
            marker="o", label="Pareto front")
    ax.set_xlabel("latency (us)")
    ax.set_ylabel("energy (uJ)")
    ax.set_xlim(left=0)
    ax.set_title("dense array rows x cols, default scenario")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out)

    print(f"{len(rows)} points, {len(front)} on the Pareto front -> {args.out}")
    for r in front:
        print(f"  {r[ROWS]:>3}x{r[COLS]:<3} latency {r['latency_us']:9.3f} us  energy {r['energy_uj']:9.3f} uJ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
