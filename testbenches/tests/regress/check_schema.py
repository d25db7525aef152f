#!/usr/bin/env python3
"""Checks scenarios/schema/scenario.schema.json against the shipped scenarios and the C++ loader.

usage: check_schema.py REPO_ROOT

1. Validates the shipped files with a small validator for exactly the JSON Schema subset the schema
   uses (type, properties, required, additionalProperties, enum, minimum, maximum, exclusiveMinimum,
   exclusiveMaximum, maxLength, pattern, items, minItems, anyOf, oneOf, $ref to #/$defs; annotations ignored). An include (a string where the schema allows
   {"$ref": "#/$defs/include"} or an object) is loaded relative to the including file and validated
   against the other branches, like the loader does.
2. For each object type in $defs, compares its property names with the keys the C++ parser reads
   (calls VAR.get_*/child/object_at/has/accept("key") inside the source regions listed in LOADER).
   A key the C++ computes, VAR.get_*(IDENT + "suffix"), is expanded with the values LOADER lists for
   IDENT in that region (see EXPAND below); one with an IDENT the region does not expand is reported,
   so a computed key is never silently skipped.
Standard library only. Exit 0 when both agree, 1 with the differences otherwise.
"""
import glob
import json
import os
import re
import sys

INCLUDE = {"$ref": "#/$defs/include"}
ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "default"}

# $def -> regions of C++ source that read its keys: (file, first line regex, last line regex, variable).
# A region runs from the first line matching the start to the next line (inclusive) matching the end.
# An optional fifth element expands computed key names (EXPAND): {IDENT: (file, regex)} makes every
# VAR.get_*(IDENT + "suffix") in the region stand for the keys V + "suffix", V running over the first
# group of every match of regex in file (the string literals the callers pass as IDENT). It must
# match at least once.
SC = "tlm/platform/scenario.cpp"
DC = "models/dense/dense_config.cpp"
MS = "models/memory/memory_spec.cpp"
ET = "models/common/energy_table.cpp"
WS = "models/common/workload_spec.cpp"
TC = "models/memory/traffic_core.cpp"
DS = "models/memory/dram_spec.cpp"
SA = "models/salo/salo_config.cpp"
DM = "models/common/dma_spec.cpp"
SP = "models/spatten/spatten_config.cpp"
SR = "models/sprint/sprint_config.cpp"
RR = "models/memory/reram_spec.cpp"
CH = "models/chela/chela_config.cpp"
MW = "models/common/model_workload.cpp"
MO = "models/common/model_spec.cpp"
LOADER = {
    "scenario": [(SC, r"void parse_tree", r"top\.finish\(\)", "top")],
    "platform": [(SC, r"JsonNode platform =", r"platform\.finish\(\)", "platform")],
    "interconnect": [("tlm/platform/interconnect_spec.cpp", r"InterconnectSpec InterconnectSpec::parse",
                      r"ic\.finish\(\)", "ic")],
    "outputs": [(SC, r"JsonNode o =", r"o\.finish\(\)", "o")],
    "accelerator_technology": [(SC, r'JsonNode tech = node\.object_at\("technology"\)', r"tech\.finish\(\)", "tech")],
    "power_output": [(SC, r'JsonNode p = o\.object_at\("power"\)', r"p\.finish\(\)", "p")],
    "task": [("tlm/platform/task_spec.cpp", r"TaskSpec parse_task", r"node\.finish\(\)", "node")],
    "task_placement": [("tlm/platform/task_spec.cpp", r"TaskPlacement parse_placement", r"node\.finish\(\)", "node")],
    "dense_accelerator": [(SC, r"AcceleratorSpec parse_accelerator", r"return a;", "node"),
                          (DC, r"DenseConfig DenseConfig::parse", r"node\.finish\(\)", "node"),
                          (DC, r"ArrayShape parse_array_shape", r"^}", "node")],
    "array": [(DC, r'object_at\("array"\)', r"a\.finish\(\)", "a")],
    "datapath": [(DC, r'object_at\("datapath"\)', r"d\.finish\(\)", "d")],
    "vector_unit": [(DC, r'object_at\("vector_unit"\)', r"v\.finish\(\)", "v")],
    "buffers": [(DC, r'object_at\("buffers"\)', r"b\.finish\(\)", "b")],
    "dma": [(DM, r"DmaSpec DmaSpec::parse", r"d\.finish\(\)", "d")],
    "memory": [(MS, r"void read_fields", r"^}", "n"),
               (MS, r"void read_dram_fields", r"^}", "n"),
               (DS, r"DramSpec::json_keys\(\) \{", r"return keys;", "*"),
               (MS, r"MemorySpec MemorySpec::parse", r"node\.finish\(\)", "node")],
    "memory_preset": [(MS, r"void read_fields", r"^}", "n")],
    "dram_memory_preset": [(MS, r"void read_dram_fields", r"^}", "n"),
                           (DS, r"DramSpec::json_keys\(\) \{", r"return keys;", "*")],
    "dram_timing": [(DS, r"void parse_timing", r"t\.finish\(\)", "t"),
                    (DS, r"void parse_timing", r"t\.finish\(\)", "*")],
    "dram_energy": [(DS, r"void parse_energy", r"e\.finish\(\)", "*")],
    "energy_table": [(ET, r"EnergyTable EnergyTable::parse", r"node\.finish\(\)", "node")],
    "energy_entry": [(ET, r"JsonNode e = entries", r"e\.finish\(\)", "e")],
    "sram": [(ET, r"JsonNode sram =", r"sram\.finish\(\)", "sram")],
    "sram_anchor": [(ET, r"JsonNode a = anchors", r"a\.finish\(\)", "a")],
    "platform_sram": [("models/memory/sram_model.cpp", r"SramSpec SramSpec::parse_platform", r"n\.finish\(\)", "n"),
                      ("models/memory/sram_model.cpp", r"void parse_geometry", r"^}", "n")],
    "gemm_workload": [(WS, r"WorkloadSpec WorkloadSpec::parse", r'if \(kind == "traffic"\)', "node"),
                      (WS, r'if \(kind == "gemm"\)', r"node\.finish\(\)", "node")],
    "traffic_workload": [(WS, r"WorkloadSpec WorkloadSpec::parse", r'if \(kind == "traffic"\)', "node"),
                         (WS, r'if \(kind == "traffic"\)', r"node\.finish\(\)", "node")],
    "attention_workload": [(WS, r"WorkloadSpec WorkloadSpec::parse", r'if \(kind == "traffic"\)', "node"),
                           (WS, r"w\.batch = static_cast", r"^}", "node")],
    "model_workload": [(WS, r"WorkloadSpec WorkloadSpec::parse", r'if \(kind == "model"\)', "node"),
                       (MW, r"ModelWorkload ModelWorkload::parse", r"return w;", "node")],
    "model_weights": [(MW, r"JsonNode wt =", r"wt\.finish\(\)", "wt")],
    "model_inputs": [(MW, r"JsonNode in =", r"in\.finish\(\)", "in")],
    "model_mapping": [(SC, r"ModelMapping parse_mapping", r"node\.finish\(\)", "node")],
    "salo_accelerator": [(SC, r"AcceleratorSpec parse_accelerator", r"return a;", "node"),
                         (SA, r"SaloConfig SaloConfig::parse", r"node\.finish\(\)", "node")],
    "salo_array": [(SA, r'object_at\("array"\)', r"a\.finish\(\)", "a")],
    "salo_buffers": [(SA, r'object_at\("buffers"\)', r"b\.finish\(\)", "b")],
    "salo_dma": [(DM, r"DmaSpec DmaSpec::parse", r"d\.finish\(\)", "d")],
    "salo_fixed_arithmetic": [(SA, r"FixedParams parse_fixed_arithmetic", r"node\.finish\(\)", "node")],
    "salo_arith_qk": [(SA, r'object_at\("qk"\)', r"n\.finish\(\)", "n"), (SA, r"Overflow parse_overflow", r"^}", "n")],
    "salo_arith_normalise": [(SA, r'object_at\("normalise"\)', r"n\.finish\(\)", "n"),
                             (SA, r"Rounding parse_rounding", r"^}", "n"), (SA, r"Overflow parse_overflow", r"^}", "n")],
    "salo_arith_pv": [(SA, r'object_at\("pv"\)', r"n\.finish\(\)", "n"), (SA, r"Rounding parse_rounding", r"^}", "n"),
                      (SA, r"Overflow parse_overflow", r"^}", "n")],
    "traffic_accelerator": [(SC, r"AcceleratorSpec parse_accelerator", r"return a;", "node"),
                            (TC, r"TrafficConfig TrafficConfig::parse", r"node\.finish\(\)", "node")],
    "pattern": [(WS, r"AttentionPattern parse_attention_pattern", r"node\.finish\(\)", "node")],
    "window_2d": [(WS, r'object_at\("window_2d"\)', r"w\.finish\(\)", "w")],
    "model": [(MO, r"ModelSpec ModelSpec::parse", r"node\.finish\(\)", "node"),
              (MW, r"ModelSpec parse_preset_overrides", r"^}", "m")],
    "synthetic_data": [(WS, r"w\.source = data\.get_choice", r"w\.source = data\.get_choice", "data"),
                       (WS, r'if \(w\.source == "synthetic"\)', r"\} else \{", "data")],
    "npy_data": [(WS, r"w\.source = data\.get_choice", r"w\.source = data\.get_choice", "data"),
                 (WS, r"w\.q_file =", r"data\.finish\(\)", "data")],
    "trace_data": [(WS, r"w\.source = data\.get_choice", r"w\.source = data\.get_choice", "data"),
                   (WS, r'if \(w\.source == "trace"\)', r"\} else if", "data")],
    "spatten_accelerator": [(SC, r"AcceleratorSpec parse_accelerator", r"return a;", "node"),
                            (SP, r"SpattenConfig SpattenConfig::parse", r"node\.finish\(\)", "node")],
    "spatten_softmax": [(SP, r'object_at\("softmax"\)', r"s\.finish\(\)", "s")],
    "spatten_topk": [(SP, r'object_at\("topk"\)', r"t\.finish\(\)", "t"),
                     (SP, r'parse_backend\(t, "backend"', r'parse_backend\(t, "backend"', "*")],
    "rtl_plugin_backend": [("models/common/rtl_backend_spec.cpp", r"JsonNode b = node\.child", r"b\.finish\(\)", "b")],
    "spatten_dma": [(DM, r"DmaSpec DmaSpec::parse", r"d\.finish\(\)", "d")],
    # The token and head schedules are read by parse_schedule(p, prefix, ...) under prefix + "_ratio",
    # "_unpruned_fraction", "_keep"; the prefixes are the literals its calls pass.
    "spatten_pruning": [(SP, r'object_at\("pruning"\)', r"p\.finish\(\)", "p"),
                        (SP, r"void parse_schedule\(", r"^}", "p",
                         {"prefix": (SP, r'parse_schedule\(\s*p\s*,\s*"(\w+)"')})],
    "spatten_quantisation": [(SP, r'object_at\("quantisation"\)', r"q\.finish\(\)", "q")],
    "sprint_accelerator": [(SC, r"AcceleratorSpec parse_accelerator", r"return a;", "node"),
                           (SR, r"SprintConfig SprintConfig::parse", r"node\.finish\(\)", "node")],
    "sprint_threshold": [(SR, r'object_at\("threshold"\)', r"t\.finish\(\)", "t")],
    "sprint_pim": [(RR, r"ReramSpec ReramSpec::parse", r"n\.finish\(\)", "n")],
    "sprint_dma": [(DM, r"DmaSpec DmaSpec::parse", r"d\.finish\(\)", "d")],
    "chela_accelerator": [(SC, r"AcceleratorSpec parse_accelerator", r"return a;", "node"),
                          (CH, r"ChelaConfig ChelaConfig::parse", r"node\.finish\(\)", "node"),
                          (DC, r"ArrayShape parse_array_shape", r"^}", "node")],
    "chela_datapath": [(CH, r'object_at\("datapath"\)', r"d\.finish\(\)", "d")],
    "chela_conv": [(CH, r'object_at\("conv"\)', r"v\.finish\(\)", "v")],
    "chela_buffers": [(CH, r'object_at\("buffers"\)', r"b\.finish\(\)", "b")],
    # outputs.baseline {"same_engine": {...}}: the overrides inside are the accelerator's own keys.
    "baseline_same_engine": [(SC, r'if \(b\.has\("same_engine"\)\)', r"b\.finish\(\)", "b")],
}


class Invalid(Exception):
    pass


class Validator:
    def __init__(self, schema):
        self.schema = schema

    def ref(self, ref):
        if not ref.startswith("#/$defs/"):
            raise Invalid("unsupported $ref " + ref)
        return self.schema["$defs"][ref[len("#/$defs/"):]]

    def check(self, value, schema, file, ptr):
        """Raises Invalid("file: /pointer: message") at the first violation."""
        def fail(msg):
            raise Invalid("%s: %s: %s" % (file, ptr or "/", msg))

        unknown = set(schema) - ANNOTATIONS - {"$ref", "type", "properties", "required", "additionalProperties",
                                               "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                               "maxLength", "pattern", "items", "minItems", "anyOf", "oneOf"}
        if unknown:
            fail("schema uses keywords outside the supported subset: %s" % sorted(unknown))
        if "$ref" in schema:
            self.check(value, self.ref(schema["$ref"]), file, ptr)
        for key in ("anyOf", "oneOf"):
            if key not in schema:
                continue
            branches = schema[key]
            if INCLUDE in branches:
                if isinstance(value, str):
                    value, file, ptr = self.include(value, file, ptr)
                branches = [b for b in branches if b != INCLUDE]
            if len(branches) == 1:
                self.check(value, branches[0], file, ptr)
                continue
            passed, errors = 0, []
            for b in branches:
                try:
                    self.check(value, b, file, ptr)
                    passed += 1
                except Invalid as e:
                    errors.append(str(e))
            if passed == 0:
                fail("matches none of %d alternatives:\n    " % len(branches) + "\n    ".join(errors))
            if key == "oneOf" and passed > 1:
                fail("matches %d alternatives of a oneOf, expected exactly one" % passed)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(is_type(value, t) for t in types):
                fail("expected %s, found %s" % ("|".join(types), json.dumps(value)[:60]))
        if "enum" in schema and value not in schema["enum"]:
            fail("expected one of %s, found %s" % (schema["enum"], json.dumps(value)))
        if "minimum" in schema and is_type(value, "number") and value < schema["minimum"]:
            fail("expected >= %s, found %s" % (schema["minimum"], value))
        if "maximum" in schema and is_type(value, "number") and value > schema["maximum"]:
            fail("expected <= %s, found %s" % (schema["maximum"], value))
        if "exclusiveMinimum" in schema and is_type(value, "number") and value <= schema["exclusiveMinimum"]:
            fail("expected > %s, found %s" % (schema["exclusiveMinimum"], value))
        if "exclusiveMaximum" in schema and is_type(value, "number") and value >= schema["exclusiveMaximum"]:
            fail("expected < %s, found %s" % (schema["exclusiveMaximum"], value))
        if "maxLength" in schema and isinstance(value, str) and len(value) > schema["maxLength"]:
            fail("expected at most %d characters, found %d" % (schema["maxLength"], len(value)))
        if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
            fail("expected a string matching %s, found %s" % (schema["pattern"], json.dumps(value)))
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                fail("expected at least %d items, found %d" % (schema["minItems"], len(value)))
            if "items" in schema:
                for i, v in enumerate(value):
                    self.check(v, schema["items"], file, "%s/%d" % (ptr, i))
        if isinstance(value, dict):
            for k in schema.get("required", []):
                if k not in value:
                    fail('missing required key "%s"' % k)
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties", True)
            for k, v in value.items():
                if k in props:
                    self.check(v, props[k], file, ptr + "/" + k)
                elif extra is False:
                    fail('unknown key "%s" (known: %s)' % (k, ", ".join(sorted(props))))
                elif isinstance(extra, dict):
                    self.check(v, extra, file, ptr + "/" + k)

    @staticmethod
    def include(rel, file, ptr):
        path = os.path.normpath(os.path.join(os.path.dirname(file), rel))
        if not os.path.isfile(path):
            raise Invalid('%s: %s: include file "%s" not found (looked for %s)' % (file, ptr, rel, path))
        with open(path) as f:
            return json.load(f), path, ""


def is_type(v, t):
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t == "string":
        return isinstance(v, str)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "null":
        return v is None
    if isinstance(v, bool):
        return False
    if t == "integer":
        return isinstance(v, int) or (isinstance(v, float) and v.is_integer())
    if t == "number":
        return isinstance(v, (int, float))
    raise Invalid("unsupported type " + t)


def read_lines(root, rel):
    with open(os.path.join(root, rel)) as f:
        return f.read().splitlines()


def loader_keys(root, regions):
    keys = set()
    for region in regions:
        rel, start, end, var = region[:4]
        expand = region[4] if len(region) > 4 else {}
        lines = read_lines(root, rel)
        first = next((i for i, l in enumerate(lines) if re.search(start, l)), None)
        if first is None:
            raise Invalid("%s: no line matches %r (update LOADER in check_schema.py)" % (rel, start))
        last = next((i for i in range(first, len(lines)) if re.search(end, lines[i])), None)
        if last is None:
            raise Invalid("%s: no line after %r matches %r" % (rel, start, end))
        text = "\n".join(lines[first:last + 1])
        if var == "*":  # a list of key names written out as string literals
            keys |= set(re.findall(r'"([A-Za-z_0-9]+)"', text))
            continue
        call = r"\b%s\.(?:get_\w+|child|object_at|has|accept)\(\s*" % var
        keys |= set(re.findall(call + r"\"([^\"]+)\"", text))
        for ident, suffix in re.findall(call + r"(\w+)\s*\+\s*\"([^\"]+)\"", text):
            if ident not in expand:
                raise Invalid('%s: region %r reads computed keys %s + "%s" (add an expansion for %s to LOADER)'
                              % (rel, start, ident, suffix, ident))
            src, pattern = expand[ident]
            values = set(re.findall(pattern, "\n".join(read_lines(root, src))))
            if not values:
                raise Invalid("%s: no match for %r, the values of %s (update LOADER in check_schema.py)"
                              % (src, pattern, ident))
            keys |= {v + suffix for v in values}
    return keys


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
    scen = os.path.join(root, "scenarios")
    with open(os.path.join(scen, "schema", "scenario.schema.json")) as f:
        schema = json.load(f)
    v = Validator(schema)
    problems = []

    # 1. Shipped files.
    checks = [(p, schema) for p in [os.path.join(scen, "default.json")] + sorted(glob.glob(os.path.join(scen, "dense", "*.json"))) + sorted(glob.glob(os.path.join(scen, "memory", "*.json"))) + sorted(glob.glob(os.path.join(scen, "salo", "*.json"))) + sorted(glob.glob(os.path.join(scen, "spatten", "*.json"))) + sorted(glob.glob(os.path.join(scen, "sprint", "*.json"))) + sorted(glob.glob(os.path.join(scen, "chela", "*.json"))) + sorted(glob.glob(os.path.join(scen, "soc", "*.json")))]
    checks += [(p, {"anyOf": [{"$ref": "#/$defs/memory_preset"}, {"$ref": "#/$defs/dram_memory_preset"}]}) for p in sorted(glob.glob(os.path.join(scen, "memory", "presets", "*.json")))]
    checks += [(p, {"$ref": "#/$defs/model"}) for p in sorted(glob.glob(os.path.join(scen, "models", "presets", "*.json")))]
    checks += [(p, {"$ref": "#/$defs/energy_table"}) for p in sorted(glob.glob(os.path.join(scen, "energy", "*.json")))]
    checks += [(p, {"anyOf": [{"$ref": "#/$defs/dense_accelerator"}, {"$ref": "#/$defs/salo_accelerator"},
                              {"$ref": "#/$defs/spatten_accelerator"}, {"$ref": "#/$defs/sprint_accelerator"}, {"$ref": "#/$defs/chela_accelerator"}]}) for p in sorted(glob.glob(os.path.join(scen, "hardware", "*.json")))]
    for path, s in checks:
        try:
            with open(path) as f:
                doc = json.load(f)
            v.check(doc, s, path, "")
            print("valid: " + os.path.relpath(path, root))
        except (Invalid, ValueError) as e:
            problems.append("invalid: %s" % e)

    # 2. Key sets: schema properties == keys the loader reads.
    object_defs = {n for n, d in schema["$defs"].items() if "properties" in d}
    for name in sorted(object_defs | set(LOADER)):
        if name not in LOADER:
            problems.append("$defs/%s: no loader regions in check_schema.py LOADER" % name)
            continue
        if name not in object_defs:
            problems.append("LOADER names %s, which the schema does not define" % name)
            continue
        try:
            cpp = loader_keys(root, LOADER[name])
        except Invalid as e:
            problems.append(str(e))
            continue
        props = set(schema["$defs"][name]["properties"])
        if props != cpp:
            problems.append("$defs/%s: keys differ from the loader: only in schema %s, only in C++ %s"
                            % (name, sorted(props - cpp) or "-", sorted(cpp - props) or "-"))
        else:
            print("keys agree: %s (%d)" % (name, len(props)))

    for p in problems:
        print("FAILED: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
