"""SAVP from Python: run scenarios and sweeps through the savp CLI and read their results.

    import savp
    r = savp.run("scenarios/default.json", set={"workload.seq_len": 512})
    r.totals["latency_ns"], r.totals["energy_pj"]
    s = savp.sweep({"base": "scenarios/default.json", "grid": {"workload.seq_len": [128, 256]}})
    s.points  # a pandas DataFrame when pandas is installed, else a list of dicts

Pure Python (standard library only; pandas optional). The savp binary is found from savp_bin=...,
$SAVP_BIN, the build directory beside this package, or PATH, in that order.
"""

from .binary import find_savp
from .commands import run, set_args, sweep, validate
from .errors import SavpError, SavpInputError, SavpNotFoundError, SavpRunError
from .results import RunResult, SweepResult, flatten, have_pandas, table

__all__ = [
    "RunResult", "SavpError", "SavpInputError", "SavpNotFoundError", "SavpRunError", "SweepResult",
    "find_savp", "flatten", "have_pandas", "run", "set_args", "sweep", "table", "validate",
]
