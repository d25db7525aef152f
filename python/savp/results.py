"""Parsed savp outputs: one run's stats.json (RunResult) and a sweep's results (SweepResult).

Tables (jobs, tasks, layers, sweep points) are pandas DataFrames when pandas is installed
(Debian's python3-pandas), else lists of dicts; both hold the same rows and the same columns, nested
objects flattened with dots as savp's results.csv does (energy_by_component_pj.top.memory).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Union

if TYPE_CHECKING:  # pandas is optional: imported where a table is made
    import pandas

Table = Union[List[Dict[str, Any]], "pandas.DataFrame"]


def flatten(record: Mapping[str, Any], prefix: str = "") -> Dict[str, Any]:
    """`record` with nested objects flattened into dotted keys; arrays and scalars kept as they are."""
    out: Dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def have_pandas() -> bool:
    """Whether pandas can be imported (tables are then DataFrames)."""
    try:
        importlib.import_module("pandas")
    except ImportError:
        return False
    return True


def table(rows: Iterable[Mapping[str, Any]]) -> Table:
    """Rows as a table: a pandas DataFrame when pandas is installed, else a list of dicts.

    Each row is flattened (nested objects into dotted columns); columns keep first-seen order.
    """
    flat = [flatten(r) for r in rows]
    try:
        import pandas
    except ImportError:
        return flat
    return pandas.DataFrame.from_records(flat)


def _load(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@dataclass
class RunResult:
    """One `savp run`: its parsed stats.json and where it was written.

    Attributes:
        stats: stats.json as a dict (schema_version, scenario, totals, area, jobs, components, and
            tasks or model when the scenario has them).
        out_dir: the output directory, or None when the run went to a temporary directory.
        stdout: what savp printed (its summary; empty with quiet=True).
    """

    stats: Dict[str, Any]
    out_dir: Optional[Path] = None
    stdout: str = ""

    @classmethod
    def from_dir(cls, out_dir: Union[str, Path]) -> "RunResult":
        """The result of an earlier run, read from its output directory."""
        d = Path(out_dir)
        return cls(stats=_load(d / "stats.json"), out_dir=d)

    @property
    def totals(self) -> Dict[str, Any]:
        """stats.json's totals: cycles, latency_ns, energy_pj, energy_by_component_pj, ..."""
        return self.stats["totals"]

    @property
    def area(self) -> Dict[str, Any]:
        """stats.json's area (total_mm2 and per component), or {} when absent."""
        return self.stats.get("area", {})

    @property
    def jobs(self) -> Table:
        """One row per job (engine, latency_ns, energy_pj, phase cycles, accuracy, ...)."""
        return table(self.stats.get("jobs", []))

    @property
    def tasks(self) -> Table:
        """One row per task of a scenario with tasks, its id in column "task"; empty otherwise."""
        return table({"task": tid, **t} for tid, t in self.stats.get("tasks", {}).items())

    @property
    def model(self) -> Dict[str, Any]:
        """A model workload's figures (ttft_ns, tpot_ns, tokens_per_s, energy_per_token_pj, linear,
        attention, layers, ...); {} for other workloads."""
        return self.stats.get("model", {})

    @property
    def layers(self) -> Table:
        """One row per layer of a model workload (attention_ns, linear_ns, energy_pj, ...)."""
        return table(self.model.get("layers", []))

    def row(self) -> Dict[str, Any]:
        """The totals flattened into one row (dotted keys), e.g. to tabulate many runs with table()."""
        return flatten(self.totals)


@dataclass
class SweepResult:
    """One `savp sweep`: a row per point from results.jsonl (its id, the axes' values, status,
    exit_code and the flattened totals, as in results.csv).

    Attributes:
        rows: the points' rows as dicts, in point order.
        out_dir: the sweep's output directory, or None when it went to a temporary directory.
    """

    rows: List[Dict[str, Any]] = field(default_factory=list)
    out_dir: Optional[Path] = None

    @classmethod
    def from_dir(cls, out_dir: Union[str, Path]) -> "SweepResult":
        """The result of an earlier sweep, read from its output directory."""
        d = Path(out_dir)
        with open(d / "results.jsonl", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        return cls(rows=rows, out_dir=d)

    @property
    def points(self) -> Table:
        """The points as a table (DataFrame with pandas, else a list of dicts)."""
        return table(self.rows)

    @property
    def failed(self) -> List[Dict[str, Any]]:
        """The rows of points whose status is not "done"."""
        return [r for r in self.rows if r.get("status") != "done"]

    def point(self, point_id: str) -> RunResult:
        """The full RunResult of one point (points/<id>/stats.json); needs a kept out_dir."""
        if self.out_dir is None:
            raise ValueError("the sweep ran in a temporary directory: pass out=... to keep its points")
        if point_id not in {r.get("id") for r in self.rows}:
            raise KeyError(f"no point {point_id!r} in this sweep")
        return RunResult.from_dir(self.out_dir / "points" / point_id)
