"""Exceptions raised by the savp package.

savp's exit codes map to exception types: 2 (bad input: usage, an unreadable or invalid file;
nothing was written) raises SavpInputError; any other non-zero code (1: the simulation ran but
failed a check or hit --time-limit; a signal) raises SavpRunError.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence


class SavpError(Exception):
    """A savp command that did not succeed.

    Attributes:
        message: what savp printed on stderr (its "savp: error: ..." lines), stripped.
        returncode: savp's exit code (negative: killed by that signal).
        argv: the command that ran, as a list.
        stdout: what savp printed on stdout.
    """

    def __init__(self, message: str, returncode: int, argv: Sequence[str], stdout: str = "") -> None:
        super().__init__(f"savp exited with code {returncode}: {message}")
        self.message = message
        self.returncode = returncode
        self.argv = list(argv)
        self.stdout = stdout


class SavpInputError(SavpError):
    """savp refused its input (exit code 2): bad scenario, sweep, --set path or option."""


class SavpRunError(SavpError):
    """The simulation ran but did not succeed (exit code 1, or killed).

    Attributes:
        result: the RunResult or SweepResult savp wrote before failing (stats.json of a run whose
            scoreboard check failed, the sweep's results with failed points), or None.
    """

    def __init__(self, message: str, returncode: int, argv: Sequence[str], stdout: str = "",
                 result: Optional[Any] = None) -> None:
        super().__init__(message, returncode, argv, stdout)
        self.result = result


class SavpNotFoundError(SavpError, FileNotFoundError):
    """No savp binary: none given, none in $SAVP_BIN, the build directory or PATH."""

    def __init__(self, message: str) -> None:
        SavpError.__init__(self, message, 127, [])
