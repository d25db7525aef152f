"""Finding the savp binary: an explicit argument, $SAVP_BIN, the build directory beside this
package (<checkout>/build/bin/savp), then PATH, in that order."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional, Union

from .errors import SavpNotFoundError

PathLike = Union[str, "os.PathLike[str]"]

#: The build directory beside the package: python/savp/ -> <checkout>/build/bin/savp.
BUILD_BINARY = Path(__file__).resolve().parent.parent.parent / "build" / "bin" / "savp"


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_savp(savp_bin: Optional[PathLike] = None) -> Path:
    """The savp binary to run.

    Args:
        savp_bin: an explicit path; it must name an executable file.

    Returns:
        The absolute path of the binary: `savp_bin` if given, else $SAVP_BIN if set, else
        <checkout>/build/bin/savp if built, else `savp` on PATH.

    Raises:
        SavpNotFoundError: `savp_bin` or $SAVP_BIN names no executable file, or none is found.
    """
    for origin, value in (("savp_bin", savp_bin), ("SAVP_BIN", os.environ.get("SAVP_BIN"))):
        if value is None or (origin == "SAVP_BIN" and value == ""):
            continue
        path = Path(value).expanduser()
        if not _executable(path):
            raise SavpNotFoundError(f"{origin}={str(value)!r} is not an executable file")
        return path.resolve()
    if _executable(BUILD_BINARY):
        return BUILD_BINARY
    on_path = shutil.which("savp")
    if on_path is not None:
        return Path(on_path).resolve()
    raise SavpNotFoundError(
        "no savp binary: pass savp_bin=..., set SAVP_BIN, build the checkout "
        f"(expected {BUILD_BINARY}) or put savp on PATH")
