"""savp.run, savp.sweep and savp.validate: the savp CLI driven from Python.

Every command runs the savp binary directly (subprocess with an argv list, never a shell). A
scenario or sweep given as a dict is written to a temporary JSON file; `set` values are JSON-encoded
into `--set=PATH=VALUE` argv items.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any, List, Mapping, Optional, TypeVar, Union

from .binary import PathLike, find_savp
from .errors import SavpError, SavpInputError, SavpRunError
from .results import RunResult, SweepResult

#: A scenario or sweep: a JSON file's path, or the JSON object itself.
Source = Union[PathLike, Mapping[str, Any]]
BAD_INPUT = 2  # savp's exit code for bad input (nothing written)
Result = TypeVar("Result", RunResult, SweepResult)


def set_args(values: Optional[Mapping[str, Any]]) -> List[str]:
    """`--set=PATH=VALUE` argv items, VALUE JSON-encoded (strings quoted, so "ws" stays a string).

    Raises:
        ValueError: a path that is empty, not a string or holds '='; a value that is NaN/infinite.
        TypeError: a value JSON cannot encode.
    """
    argv: List[str] = []
    if values is not None and not isinstance(values, Mapping):
        raise TypeError(f"set: expected a mapping {{dotted.path: value}}, found {type(values).__name__}")
    for path, value in (values or {}).items():
        if not isinstance(path, str) or not path or "=" in path:
            raise ValueError(f"set: {path!r} is not a dotted path (a non-empty string without '=')")
        try:
            encoded = json.dumps(value, allow_nan=False)
        except ValueError as e:  # NaN or infinity: JSON has no such number
            raise ValueError(f"set: {path}: {e}") from None
        argv.append(f"--set={path}={encoded}")
    return argv


def _write_json(obj: Mapping[str, Any], directory: Path, stack: ExitStack) -> Path:
    """`obj` written to a new file in `directory`, removed when `stack` closes."""
    fd, name = tempfile.mkstemp(prefix=".savp-", suffix=".json", dir=directory)
    stack.callback(os.unlink, name)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, allow_nan=False)
    return Path(name)


def _source_file(source: Source, base_dir: Optional[PathLike], tmp: Path, stack: ExitStack) -> Path:
    """The file savp reads for `source`: its path, or a dict written to a temporary file.

    A dict's relative file references (includes, a sweep's "base") resolve against `base_dir`
    (the dict is written there, as a hidden file removed afterwards); without it, against the
    current directory for a sweep's "base", and the temporary directory otherwise.
    """
    if not isinstance(source, Mapping):
        path = Path(source).expanduser()
        if not path.exists() and not path.is_absolute() and ".." not in path.parts:
            return path  # a shipped scenario's name ("salo/small"): savp finds it in its data directory
        return Path(os.path.abspath(path))
    obj = dict(source)
    root = Path(os.path.abspath(Path(base_dir).expanduser())) if base_dir is not None else None
    base = obj.get("base")
    if isinstance(base, Mapping):  # a sweep over a scenario dict
        obj["base"] = str(_write_json(base, root or tmp, stack))
    elif isinstance(base, (str, os.PathLike)):  # a sweep's base path, made independent of the file
        obj["base"] = os.path.abspath((root or Path.cwd()) / Path(base).expanduser())
    return _write_json(obj, root or tmp, stack)


def _call(argv: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)


def _finish(proc: subprocess.CompletedProcess, argv: List[str], result: Optional[Result], check: bool,
            nothing: str) -> Result:
    """`result` when savp succeeded (or failed a check with check=False), else the exception:
    exit 2 -> SavpInputError, anything else -> SavpRunError carrying `result`."""
    if proc.returncode == BAD_INPUT:
        raise SavpInputError(proc.stderr.strip(), proc.returncode, argv, proc.stdout)
    if result is not None and (proc.returncode == 0 or (proc.returncode == 1 and not check)):
        return result
    # A sweep's progress lines ("[sweep] 3/4 done, ...") are not its message.
    message = "\n".join(line for line in proc.stderr.strip().splitlines() if not line.startswith("[sweep]"))
    raise SavpRunError(message or nothing, proc.returncode, argv, proc.stdout, result)


def _limit_args(time_limit: Optional[Union[float, str]], max_memory: Optional[Union[int, str]]) -> List[str]:
    argv: List[str] = []
    if time_limit is not None:
        argv += ["--time-limit", str(time_limit)]
    if max_memory is not None:
        argv += ["--max-memory", str(max_memory)]
    return argv


def run(scenario: Source, set: Optional[Mapping[str, Any]] = None,  # noqa: A002 (the CLI's name)
        out: Optional[PathLike] = None, *, quiet: bool = False, force: bool = False,
        check: bool = True, time_limit: Optional[Union[float, str]] = None,
        max_memory: Optional[Union[int, str]] = None, base_dir: Optional[PathLike] = None,
        savp_bin: Optional[PathLike] = None) -> RunResult:
    """Run one scenario (`savp run`) and return its parsed stats.json.

    Args:
        scenario: a scenario file's path, a shipped scenario's name as `savp list` prints it
            ("salo/small"), or a scenario dict.
        set: {dotted.path: value} overrides (`--set`), e.g. {"workload.seq_len": 1024}.
        out: the output directory to keep (stats.json, summary.csv, resolved.json, report.html,
            traces); None runs in a temporary directory that is removed once stats.json is read,
            without drawing report.html (--no-report).
        quiet: pass --quiet (no summary in RunResult.stdout).
        force: pass --force (reuse a non-empty directory that is not a savp output).
        check: raise SavpRunError when the run fails a check (exit 1); False returns its result.
        time_limit: --time-limit (seconds, or "90s", "15m", "2h").
        max_memory: --max-memory ("8G", "512M").
        base_dir: where a dict scenario's relative includes resolve (see the module docs).
        savp_bin: the savp binary (default: $SAVP_BIN, the checkout's build, PATH).

    Raises:
        SavpInputError: savp refused the input (exit 2); its message is savp's.
        SavpRunError: the run failed (exit 1 with check=True, or killed); `.result` holds what it
            wrote (stats.json, or stats.partial.json after --time-limit) when anything.
        SavpNotFoundError: no savp binary.
    """
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="savp-")))
        out_dir = Path(os.path.abspath(Path(out).expanduser())) if out is not None else tmp / "out"
        argv = [str(find_savp(savp_bin)), "run", str(_source_file(scenario, base_dir, tmp, stack)),
                "-o", str(out_dir), *set_args(set), *_limit_args(time_limit, max_memory)]
        argv += ["--quiet"] * quiet + ["--force"] * force
        # report.html costs ~2 s of CPU (matplotlib): drawn only into an output directory kept.
        argv += ["--no-report"] * (out is None)
        proc = _call(argv)
        result = None
        for name in ("stats.json", "stats.partial.json"):  # partial: after --time-limit
            if (out_dir / name).is_file():
                stats = json.loads((out_dir / name).read_text(encoding="utf-8"))
                result = RunResult(stats, out_dir if out is not None else None, proc.stdout)
                break
        return _finish(proc, argv, result, check, "no stats.json written")


def sweep(spec: Source, out: Optional[PathLike] = None, *, jobs: Optional[int] = None,
          resume: bool = False, force: bool = False, check: bool = True,
          time_limit: Optional[Union[float, str]] = None, max_memory: Optional[Union[int, str]] = None,
          base_dir: Optional[PathLike] = None, savp_bin: Optional[PathLike] = None) -> SweepResult:
    """Run a sweep (`savp sweep`, local backend) and return its points' results.

    Args:
        spec: a sweep file's path or a sweep dict ({"base": ..., "grid"|"zip"|"points": ...}); a
            dict's "base" may be a scenario dict or a path (relative to `base_dir`, else the
            current directory).
        out: the output directory to keep (results.csv/jsonl, report.html, points/<id>/); None
            runs in a temporary directory that is removed once the results are read.
        jobs: points run in parallel (-j); savp's default when None.
        resume: pass --resume (run only the points not done yet in `out`).
        force, time_limit, max_memory, base_dir, savp_bin: as for run() (limits are per point).
        check: raise SavpRunError when a point failed (exit 1); False returns the results, the
            failed points with their status (SweepResult.failed).

    Raises:
        SavpInputError, SavpRunError, SavpNotFoundError: as for run().
    """
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="savp-")))
        out_dir = Path(os.path.abspath(Path(out).expanduser())) if out is not None else tmp / "out"
        argv = [str(find_savp(savp_bin)), "sweep", str(_source_file(spec, base_dir, tmp, stack)),
                "-o", str(out_dir), *_limit_args(time_limit, max_memory)]
        if jobs is not None:
            argv += ["-j", str(jobs)]
        argv += ["--resume"] * resume + ["--force"] * force
        proc = _call(argv)
        result = None
        if (out_dir / "results.jsonl").is_file():
            result = SweepResult.from_dir(out_dir)
            if out is None:
                result.out_dir = None
        return _finish(proc, argv, result, check, "the sweep did not finish")


def validate(source: Source, set: Optional[Mapping[str, Any]] = None,  # noqa: A002
             *, base_dir: Optional[PathLike] = None, savp_bin: Optional[PathLike] = None) -> str:
    """Check a scenario or sweep without running it (`savp validate`).

    Returns:
        savp's report (e.g. 'valid scenario "default" (2 jobs on dense, ...)' and the area table).

    Raises:
        SavpInputError: the scenario or sweep is invalid (exit 2), with savp's message.
        SavpError: any other failure; SavpNotFoundError: no savp binary.
    """
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="savp-")))
        argv = [str(find_savp(savp_bin)), "validate", str(_source_file(source, base_dir, tmp, stack)),
                *set_args(set)]
        proc = _call(argv)
        if proc.returncode == BAD_INPUT:
            raise SavpInputError(proc.stderr.strip(), proc.returncode, argv, proc.stdout)
        if proc.returncode != 0:
            raise SavpError(proc.stderr.strip(), proc.returncode, argv, proc.stdout)
        return proc.stdout
