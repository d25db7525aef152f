"""diff(a, b, path, out, names): the differing leaves of two stats.json trees, as lines in `out`
(shared by check_backends.py and check_rtl_plugin.py)."""


def diff(a, b, path, out, names=("model", "rtl")):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}/{key}: only in {names[1] if key in b else names[0]}")
            else:
                diff(a[key], b[key], f"{path}/{key}", out, names)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}/{i}", out, names)
    elif a != b:
        out.append(f"{path}: {names[0]} {a!r} != {names[1]} {b!r}")
