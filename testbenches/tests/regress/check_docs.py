#!/usr/bin/env python3
"""The documentation test: README.md and docs/**/*.md say only what the tree holds.

check_docs.py --root SRC --savp BIN [--out DIR] [--update-scenario-keys]

1. Every relative link [text](path#anchor) names a file (or directory) that exists; an anchor into
   a markdown page names one of its headings (GitHub's slug rule).
2. Every repository path written in the text (scenarios/..., models/..., tlm/..., testbenches/...,
   scripts/..., docs/..., python/...) exists, as given or with an extension (models/salo/scheduler
   names scheduler.hpp); a placeholder (<id>, {a,b}, *) ends the checked prefix.
3. Every `savp ...` line in a ```sh or ```console block runs with the savp of the build and exits 0,
   with its -o directory replaced by a temporary one (one is added to run and sweep). A block
   preceded by the line <!-- docs-test: validate-only --> runs `savp validate FILE [--set ...]`
   instead (for commands that take longer than about 10 s).
4. docs/scenarios.md's key reference (between <!-- keys:begin --> and <!-- keys:end -->) lists every
   property of every object of scenarios/schema/scenario.schema.json under that object's heading,
   and nothing else. --update-scenario-keys rewrites that section from the schema (the meaning
   column keeps text written by hand where the schema has no description).
Exit 0 when all hold; 1 with one line per problem otherwise.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

REPO_DIRS = ("scenarios", "models", "tlm", "testbenches", "scripts", "docs", "python")
LINK_RE = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
PATH_RE = re.compile(r"(?<![A-Za-z0-9_./-])((?:%s)/[A-Za-z0-9_./<>{},*+-]*)" % "|".join(REPO_DIRS))
FENCE_RE = re.compile(r"^```(\S*)\s*$")
COMMENT_RE = re.compile(r"<!--.*?-->")  # merge markers may name pages still to come
VALIDATE_ONLY = "<!-- docs-test: validate-only -->"
KEYS_BEGIN, KEYS_END = "<!-- keys:begin -->", "<!-- keys:end -->"


def doc_files(root):
    files = [os.path.join(root, "README.md")]
    files += sorted(glob.glob(os.path.join(root, "docs", "**", "*.md"), recursive=True))
    return [f for f in files if os.path.isfile(f)]


def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors_of(path):
    out, seen = set(), {}
    in_code = False
    for line in open(path, encoding="utf-8"):
        if FENCE_RE.match(line.strip()):
            in_code = not in_code
            continue
        m = re.match(r"^#{1,6}\s+(.*)$", line)
        if m and not in_code:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            out.add(s if n == 0 else "%s-%d" % (s, n))
    return out


def prose_lines(path):
    """(line number, text, fence language or None) for every line of a markdown file."""
    lang = None
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        m = FENCE_RE.match(line.strip())
        if m:
            lang = None if lang is not None else m.group(1)
            continue
        yield no, COMMENT_RE.sub("", line.rstrip("\n")), lang


def check_links(root, path, problems):
    rel = os.path.relpath(path, root)
    for no, line, lang in prose_lines(path):
        if lang is not None:
            continue
        for target in LINK_RE.findall(line):
            if re.match(r"^[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = path if not file_part else os.path.normpath(os.path.join(os.path.dirname(path), file_part))
            if not os.path.exists(dest):
                problems.append("%s:%d: link to a missing file: %s" % (rel, no, target))
                continue
            if anchor and dest.endswith(".md") and anchor not in anchors_of(dest):
                problems.append("%s:%d: link to a missing heading: %s" % (rel, no, target))


def path_exists(root, p):
    p = p.rstrip(".,;:")
    cut = len(p)
    for ch in "<{*":
        i = p.find(ch)
        if i >= 0:
            cut = min(cut, i)
    if cut < len(p):
        p = p[:cut]
        p = p[: p.rfind("/") + 1] if "/" in p else p
    full = os.path.join(root, p)
    return os.path.exists(full) or bool(glob.glob(full + ".*"))


def check_paths(root, path, problems):
    rel = os.path.relpath(path, root)
    for no, line, lang in prose_lines(path):
        for p in PATH_RE.findall(line):
            if not path_exists(root, p):
                problems.append("%s:%d: names a path the tree does not have: %s" % (rel, no, p))


def commands(path):
    """(line number, argv after 'savp', validate_only) of every savp command in sh/console blocks."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    lang, validate_only, pending = None, False, None
    for i, line in enumerate(lines):
        m = FENCE_RE.match(line.strip())
        if m:
            if lang is None:
                lang = m.group(1)
                j = i - 1
                while j >= 0 and not lines[j].strip():
                    j -= 1
                validate_only = j >= 0 and lines[j].strip() == VALIDATE_ONLY
            else:
                lang = None
            continue
        if lang not in ("sh", "console"):
            continue
        text = line.strip()
        if pending is not None:
            pending[1] += " " + text.rstrip("\\")
            if not text.endswith("\\"):
                out.append(tuple(pending))
                pending = None
            continue
        if text.startswith("$ "):
            text = text[2:]
        if not text.startswith("savp "):
            continue
        cmd = text.split(" #")[0].strip()
        if cmd.endswith("\\"):
            pending = [i + 1, cmd.rstrip("\\"), validate_only]
        else:
            out.append((i + 1, cmd, validate_only))
    return out


def to_argv(cmd, validate_only, tmp):
    argv = shlex.split(cmd)[1:]
    if validate_only and argv and argv[0] in ("run", "sweep"):
        keep, i = ["validate", argv[1]], 2
        while i < len(argv):
            if argv[i] == "--set" and i + 1 < len(argv):
                keep += ["--set", argv[i + 1]] if argv[0] == "run" else []
                i += 2
            elif argv[i] in ("-o", "-j", "--backend", "--time-limit", "--max-memory"):
                i += 2
            else:
                i += 1
        return keep
    if "-o" in argv:
        argv[argv.index("-o") + 1] = tmp
    elif argv and argv[0] in ("run", "sweep"):
        argv += ["-o", tmp]
    return argv


def check_commands(root, files, savp, outdir, problems):
    """Runs every documented command once (two at a time); returns how many ran."""
    jobs, seen, later, outs = [], {}, [], {}
    for path in files:
        for no, cmd, validate_only in commands(path):
            key = (tuple(to_argv(cmd, validate_only, "OUT")), validate_only)
            if key in seen:
                continue
            seen[key] = True
            tmp = os.path.join(outdir, "cmd%d" % (len(jobs) + len(later)))
            argv = to_argv(cmd, validate_only, tmp)
            words = shlex.split(cmd)[1:]
            if "-o" in words and not validate_only:
                outs.setdefault(words[words.index("-o") + 1].rstrip("/"), tmp)
            if argv and argv[0] == "compare":
                # `savp compare` reads the outputs of commands documented before it: it runs after
                # them, with their -o directories mapped to where they were written.
                later.append((os.path.relpath(path, root), no, cmd, argv))
            else:
                jobs.append((os.path.relpath(path, root), no, cmd, [savp] + argv))
    env = dict(os.environ)
    if os.path.isdir(os.path.join(root, "scenarios")):
        env["SAVP_DATA_DIR"] = os.path.join(root, "scenarios")

    def run(job):
        rel, no, cmd, argv = job
        r = subprocess.run(argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode == 0:
            return None
        last = (r.stderr.strip().split("\n") or [""])[-1]
        return "%s:%d: `%s` exits %d: %s" % (rel, no, cmd, r.returncode, last)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for result in pool.map(run, jobs):
            if result:
                problems.append(result)
    for rel, no, cmd, argv in later:
        argv = [outs.get(a.rstrip("/"), a) for a in argv]
        result = run((rel, no, cmd, [savp] + argv))
        if result:
            problems.append(result)
    return len(jobs) + len(later)


def schema_keys(schema_path):
    """{object name: {key path: row}} for every object of the schema; nested inline objects give dotted keys."""
    s = json.load(open(schema_path))
    out = {}

    def props(node, prefix, rows):
        for k, sub in node.get("properties", {}).items():
            rows[prefix + k] = sub
            if isinstance(sub, dict) and "properties" in sub:
                props(sub, prefix + k + ".", rows)

    for name, node in s.get("$defs", {}).items():
        rows = {}
        props(node, "", rows)
        if rows:
            out[name] = rows
    return s, out


def used_at(schema):
    """Where each object of the schema appears, as dotted paths from the scenario (at most three)."""
    defs = schema["$defs"]
    where = {}

    def walk(node, path, stack):
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            if name in stack:
                return
            where.setdefault(name, [])
            if path not in where[name]:
                where[name].append(path)
            walk(defs[name], path, stack + (name,))
        for k in ("oneOf", "anyOf", "allOf"):
            for sub in node.get(k, []):
                walk(sub, path, stack)
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + ".N", stack)
        for k, sub in node.get("properties", {}).items():
            walk(sub, (path + "." + k) if path else k, stack)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], path + ".NAME", stack)

    walk(schema, "", ())
    return {k: sorted(v, key=len)[:3] for k, v in where.items()}


def describe(sub):
    t = sub.get("type", "")
    if "enum" in sub:
        t = " \\| ".join(json.dumps(e) for e in sub["enum"])
    elif "$ref" in sub:
        t = "object (%s)" % sub["$ref"].split("/")[-1]
    elif "anyOf" in sub or "oneOf" in sub:
        alts = []
        for a in sub.get("anyOf", []) + sub.get("oneOf", []):
            alts.append(a["$ref"].split("/")[-1] if "$ref" in a else a.get("type", "enum" if "enum" in a else "?"))
        t = " or ".join(str(a) for a in alts)
    elif isinstance(t, list):
        t = " or ".join(t)
    rng = ""
    if "minimum" in sub or "maximum" in sub:
        rng = "[%s, %s]" % (sub.get("minimum", ""), sub.get("maximum", ""))
    default = json.dumps(sub["default"]) if "default" in sub else ""
    desc = re.sub(r"\s*\(issues? \d+\)", "", sub.get("description", ""))
    return t, rng, default, desc.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def parse_key_section(text):
    """{object name: {key: meaning}} from the key reference of scenarios.md."""
    if KEYS_BEGIN not in text or KEYS_END not in text:
        return None
    body = text.split(KEYS_BEGIN, 1)[1].split(KEYS_END, 1)[0]
    out, cur = {}, None
    for line in body.split("\n"):
        m = re.match(r"^###\s+`([A-Za-z0-9_]+)`", line)
        if m:
            cur = out.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if m and cur is not None:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", m.group(2))]
            cur[m.group(1)] = cells[-1] if cells else ""
    return out


def render_keys(schema, keys, old):
    where = used_at(schema)
    out = [KEYS_BEGIN, ""]
    for name in sorted(keys, key=lambda n: (min((len(p) for p in where.get(n, ["x" * 99])), default=99), n)):
        out.append("### `%s`" % name)
        out.append("")
        paths = where.get(name, [])
        if paths:
            out.append("At " + ", ".join("`%s`" % (p or "(the scenario)") for p in paths) + ".")
            out.append("")
        out.append("| key | type | range | default | meaning |")
        out.append("|---|---|---|---|---|")
        for k, sub in keys[name].items():
            t, rng, default, desc = describe(sub if isinstance(sub, dict) else {})
            if not desc:
                desc = (old or {}).get(name, {}).get(k, "")
            out.append("| `%s` | %s | %s | %s | %s |" % (k, t, rng, default, desc))
        out.append("")
    out.append(KEYS_END)
    return "\n".join(out)


def check_scenario_keys(root, problems, update):
    page = os.path.join(root, "docs", "scenarios.md")
    schema_path = os.path.join(root, "scenarios", "schema", "scenario.schema.json")
    if not os.path.isfile(schema_path):
        return
    if not os.path.isfile(page):
        problems.append("docs/scenarios.md is missing")
        return
    schema, keys = schema_keys(schema_path)
    text = open(page, encoding="utf-8").read()
    documented = parse_key_section(text)
    if update:
        new = render_keys(schema, keys, documented)
        if documented is None:
            text = text.rstrip("\n") + "\n\n## Key reference\n\n" + new + "\n"
        else:
            head, rest = text.split(KEYS_BEGIN, 1)
            text = head + new + rest.split(KEYS_END, 1)[1]
        open(page, "w", encoding="utf-8").write(text)
        documented = parse_key_section(text)
    if documented is None:
        problems.append("docs/scenarios.md: no key reference (%s ... %s)" % (KEYS_BEGIN, KEYS_END))
        return
    for name, rows in keys.items():
        for k in rows:
            if k not in documented.get(name, {}):
                problems.append("docs/scenarios.md: schema key %s.%s is not documented" % (name, k))
    for name, rows in documented.items():
        for k in rows:
            if k not in keys.get(name, {}):
                problems.append("docs/scenarios.md: documents %s.%s, which the schema does not have" % (name, k))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--savp", required=True)
    ap.add_argument("--out")
    ap.add_argument("--update-scenario-keys", action="store_true")
    ap.add_argument("--no-commands", action="store_true")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    savp = os.path.abspath(a.savp)
    problems = []
    check_scenario_keys(root, problems, a.update_scenario_keys)
    files = doc_files(root)
    if not files:
        problems.append("no README.md or docs/*.md under %s" % root)
    for f in files:
        check_links(root, f, problems)
        check_paths(root, f, problems)
    ran = 0
    if not a.no_commands:
        if a.out:
            os.makedirs(a.out, exist_ok=True)
        outdir = tempfile.mkdtemp(prefix="savp-docs-", dir=a.out)
        ran = check_commands(root, files, savp, outdir, problems)
    for p in problems:
        print(p)
    print("%d files, %d commands run, %d problems" % (len(files), ran, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
