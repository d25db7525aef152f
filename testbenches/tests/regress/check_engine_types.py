#!/usr/bin/env python3
"""Checks that no C++ code branches on an engine's type string (DESIGN.md "The system round", issue 20).

usage: check_engine_types.py REPO_ROOT

The engine types are the ones the registration table lists (tlm/platform/engine_registry.cpp,
&<type>_engine()). A line of tlm/ or testbenches/ C++ that compares with one of them
(== "salo", "salo" !=, a .type == / .type != comparison) is reported: the loader, the platform,
the planner, the memory estimate and the host ask the registry (EngineDescriptor, EngineFlow)
instead; only the two tables' lookups by type are exempt. Also checks that the savp program's
table (testbenches/savp/engine_flow.cpp) registers a flow for exactly those types.
Standard library only. Exit 0 when clean, 1 with the lines otherwise.
"""
import pathlib
import re
import sys


def main():
    root = pathlib.Path(sys.argv[1])
    table = (root / "tlm/platform/engine_registry.cpp").read_text()
    types = re.findall(r"&(\w+)_engine\(\)", table)
    if not types:
        print("no engine registered in tlm/platform/engine_registry.cpp")
        return 1
    flows = re.findall(r"&(\w+)_flow\(\)", (root / "testbenches/savp/engine_flow.cpp").read_text())
    problems = []
    if sorted(flows) != sorted(types):
        problems.append("engine types %s but savp flows %s" % (types, flows))
    names = "|".join(map(re.escape, types))
    compare = re.compile(r'(==|!=)\s*"(%s)"|"(%s)"\s*(==|!=)|\btype\s*(==|!=)|(==|!=)\s*\w*\.type\b' % (names, names))
    exempt = {"tlm/platform/engine_registry.cpp", "testbenches/savp/engine_flow.cpp"}  # find by type
    for top in ("tlm", "testbenches"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".h") or "tests" in path.relative_to(root).parts or \
                    path.relative_to(root).as_posix() in exempt:
                continue
            for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                code = line.split("//")[0]
                if compare.search(code):
                    problems.append("%s:%d: %s" % (path.relative_to(root), n, line.strip()))
    for p in problems:
        print(p)
    print("%d engine types, %d problems (places branching on a type string, table mismatches)" % (len(types), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
