# Bad input (DESIGN.md "Exit codes"): exit 2, a message naming the file and the JSON path with what
# was expected and what was found, and no output directory. Each case asserts the key phrase and
# the path; ABSENT proves that nothing was written.
set(BAD ${REGRESS_DIR}/bad)
set(DEF ${SCENARIOS}/default.json)

# bad_case(NAME FILE STDERR... [SET PATH=VALUE...])
function(bad_case name file)
  cmake_parse_arguments(B "" "" "STDERR;SET" ${ARGN})
  string(REGEX REPLACE "[^A-Za-z0-9]+" "-" slug "${name}")
  set(out ${REGRESS_OUT}/bad-${slug})
  set(args run ${file} -o ${out})
  foreach(s ${B_SET})
    list(APPEND args --set ${s})
  endforeach()
  savp_case("${name}" EXIT 2 LABEL bad_input STDERR ${B_STDERR} ABSENT ${out} ARGS ${args})
endfunction()

# ---- ids name directories: "..", "." and control characters would write outside the output (audit);
# ids and accelerator names are letters, digits, '-', '_' (and '.' in ids, not first) (issue 19)
bad_case("scenario id dot-dot" ${DEF} SET "id=\"..\"" STDERR "default.json" "/id" "not starting with '.'")
bad_case("scenario id with a newline" ${DEF} SET "id=\"a\\nb\"" STDERR "default.json" "/id" "letters, digits")
bad_case("scenario id starting with a dot" ${DEF} SET "id=.a.tmp" STDERR "default.json" "/id" "not starting with '.'")
bad_case("scenario id with a quote and a command" ${DEF} SET "id=\"x'$(touch\${IFS}f)'\""
  STDERR "default.json" "/id" "letters, digits, '-', '_' and '.'")
bad_case("accelerator name with a dot" ${BAD}/accelerator-name-dot.json
  STDERR "accelerator-name-dot.json" "/platform/accelerators/0/name" "found \"a.b\"")
bad_case("accelerator name with a space via set" ${DEF} SET "platform.accelerators.0.name=a b"
  STDERR "default.json" "/platform/accelerators/0/name" "letters, digits, '-' and '_'")
bad_case("seed beyond int64" ${DEF} SET seed=9223372036854775808 STDERR "default.json" "/seed" "an integer >= 0 (at most 2^63 - 1)")
set_tests_properties("bad_input: seed beyond int64" PROPERTIES LABELS "bad_input;hardening")
foreach(i "00" "+0" " 0")
  bad_case("set index spelled ${i}" ${DEF} SET "platform.accelerators.${i}.name=x" STDERR "is an array: expected an index")
  set_tests_properties("bad_input: set index spelled ${i}" PROPERTIES LABELS "bad_input;hardening")
endforeach()
# The platform's own object names would be renamed by SystemC with a warning (adversarial review).
foreach(n bus memory host bus2x y2bus)
  bad_case("accelerator named ${n}" ${SCENARIOS}/salo/small.json SET "platform.accelerators.0.name=${n}"
    STDERR "small.json" "/platform/accelerators/0/name" "not one of the platform's own names")
  set_tests_properties("bad_input: accelerator named ${n}" PROPERTIES LABELS "bad_input;hardening")
endforeach()
bad_case("baseline accelerator name with a dot" ${SCENARIOS}/salo/small.json SET "outputs.baseline.name=x.y"
  STDERR "small.json" "/outputs/baseline/name" "found \"x.y\"")
# ---- a baseline that cannot run the workload is refused before simulation (issue 19)
bad_case("baseline that cannot run the workload" ${BAD}/baseline-too-small.json
  STDERR "baseline-too-small.json: /outputs/baseline:" "the baseline (dense) cannot run this workload"
         "score/accumulator buffer for seq_len 2048")
bad_case("baseline that cannot run the workload via set" ${SCENARIOS}/salo/small.json SET workload.seq_len=2048
  STDERR "small.json: /outputs/baseline:" "the baseline (dense) cannot run this workload: one block")
savp_case("validate refuses a baseline that cannot run the workload" EXIT 2 LABEL bad_input
  STDERR "baseline-too-small.json: /outputs/baseline:" "cannot run this workload" ARGS validate ${BAD}/baseline-too-small.json)
savp_case("sweep refuses a point whose baseline cannot run" EXIT 2 LABEL bad_input
  STDERR "sweep-baseline-too-small.json" "point 1" "/outputs/baseline" "cannot run this workload"
  ABSENT ${REGRESS_OUT}/bad-sweep-baseline ARGS sweep ${BAD}/sweep-baseline-too-small.json -o ${REGRESS_OUT}/bad-sweep-baseline)
foreach(t "scenario id starting with a dot" "scenario id with a quote and a command" "accelerator name with a dot"
          "accelerator name with a space via set" "baseline accelerator name with a dot"
          "baseline that cannot run the workload" "baseline that cannot run the workload via set"
          "validate refuses a baseline that cannot run the workload" "sweep refuses a point whose baseline cannot run")
  set_tests_properties("bad_input: ${t}" PROPERTIES LABELS "bad_input;hardening")
endforeach()

# ---- files: syntax, structure, includes
bad_case("scenario file missing" ${BAD}/no-such-scenario.json STDERR "no-such-scenario.json" "file not found")
bad_case("malformed JSON" ${BAD}/malformed.json STDERR "bad/malformed.json" "line 5, column 1" "malformed JSON")
bad_case("top level not an object" ${BAD}/not-object.json STDERR "bad/not-object.json: /:" "expected an object, found an array of 3")
bad_case("unknown key" ${BAD}/unknown-key.json
  STDERR "bad/unknown-key.json" "/platform/accelerators/0/rows" "unknown key \"rows\"" "known keys here")
bad_case("missing include file" ${BAD}/missing-include.json
  STDERR "bad/missing-include.json" "/platform/accelerators/0" "include file \"inc/no-such-file.json\" not found")
bad_case("error inside an include names the include" ${BAD}/bad-include.json
  STDERR "bad/inc/zero-rows.json" "/array/rows" "expected an integer in [1, 4096], found 0")
bad_case("include that is not an object" ${BAD}/include-not-object.json
  STDERR "bad/inc/array.json: /:" "expected an object, found an array of 3")
bad_case("duplicate accelerator names" ${BAD}/duplicate-names.json
  STDERR "bad/duplicate-names.json" "/platform/accelerators/1" "duplicate accelerator name \"dense0\"")
bad_case("no accelerators" ${BAD}/no-accelerators.json
  STDERR "bad/no-accelerators.json" "/platform/accelerators" "expected at least one accelerator")
bad_case("missing workload" ${BAD}/missing-workload.json
  STDERR "bad/missing-workload.json: /:" "missing required key \"workload\"")
bad_case("include naming a device" ${BAD}/include-device.json
  STDERR "include-device.json: /platform/accelerators/0" "include file \"/dev/zero\" is not a regular file")
# Found by fuzz_scenario: a number beyond double range escaped the reader as a nlohmann exception.
bad_case("number beyond double range" ${BAD}/number-overflow.json
  STDERR "bad/number-overflow.json" "malformed JSON: number overflow parsing '2147481e308'")
bad_case("global token count too large" ${BAD}/huge-global-count.json
  STDERR "bad/huge-global-count.json" "/workload/pattern/global_tokens" "expected an integer in [0, 16777216], found 2147483648")

# ---- values (default.json with --set): sizes, types, enums
bad_case("zero seq_len" ${DEF} SET workload.seq_len=0
  STDERR "default.json" "/workload/seq_len" "expected an integer in [1, 1099511627776], found 0")
bad_case("negative seq_len" ${DEF} SET workload.seq_len=-5 STDERR "default.json" "/workload/seq_len" "found -5")
bad_case("head_dim too large" ${DEF} SET workload.head_dim=100000
  STDERR "default.json" "/workload/head_dim" "expected an integer in [1, 65536], found 100000")
bad_case("set number beyond double range" ${DEF} SET workload.seq_len=1e999
  STDERR "default.json" "/workload/seq_len" "found \"1e999\"")
string(REPEAT "n" 201 LONG_ID)
bad_case("scenario id too long" ${DEF} SET id=${LONG_ID} STDERR "default.json" "/id" "at most 200 characters")
bad_case("wrong type" ${DEF} SET workload.heads=two STDERR "default.json" "/workload/heads" "found \"two\"")
bad_case("zero array rows" ${DEF} SET platform.accelerators.0.array.rows=0
  STDERR "default.json" "/platform/accelerators/0/array/rows" "expected an integer in [1, 4096], found 0")
bad_case("array too large" ${DEF} SET platform.accelerators.0.array.cols=8192
  STDERR "default.json" "/platform/accelerators/0/array/cols" "found 8192")
bad_case("non-power-of-two burst" ${DEF} SET platform.accelerators.0.dma.max_burst_bytes=48
  STDERR "default.json" "/platform/accelerators/0/dma/max_burst_bytes" "expected a power of two, found 48")
bad_case("zero quantum" ${DEF} SET quantum_ns=0 STDERR "default.json" "/quantum_ns" "found 0")
bad_case("unknown dataflow" ${DEF} SET platform.accelerators.0.dataflow=xy
  STDERR "default.json" "/platform/accelerators/0/dataflow" "expected one of os|ws|is, found \"xy\"")
bad_case("unknown engine type" ${DEF} SET platform.accelerators.0.type=sparse
  STDERR "default.json" "/platform/accelerators/0/type" "expected one of dense|salo|spatten|sprint|chela|traffic, found \"sparse\"")
bad_case("unknown workload kind" ${DEF} SET workload.kind=conv
  STDERR "default.json" "/workload/kind" "expected one of attention|gemm|traffic|model, found \"conv\"")
bad_case("unknown timing mode" ${DEF} SET timing_mode=XT STDERR "default.json" "/timing_mode" "expected one of LT|AT")
bad_case("unknown memory preset" ${DEF} SET platform.memory.preset=hbm9
  STDERR "default.json" "/platform/memory/preset" "expected a memory preset (ddr4|hbm2|hbm2-pc|hbm2-stack|ideal|lpddr4|reram|simple" "found \"hbm9\"")
bad_case("unknown key via set" ${DEF} SET workload.bogus=1 STDERR "default.json" "/workload/bogus" "unknown key \"bogus\"")
bad_case("energy entry without pj" ${DEF} SET "platform.energy.entries.fp32_add={\"source\":\"x\"}"
  STDERR "default.json" "/platform/energy/entries/fp32_add" "missing required key \"pj\"")
bad_case("gemm zero M" ${SCENARIOS}/dense/gemm.json SET workload.M=0
  STDERR "gemm.json" "/workload/M" "found 0")

# ---- --set paths
bad_case("set path not in scenario" ${DEF} SET workload.nothere.x=1
  STDERR "default.json" "/workload/nothere" "unknown key \"nothere\"")
bad_case("set index out of range" ${DEF} SET platform.accelerators.5.array.rows=16
  STDERR "default.json" "/platform/accelerators/5/array/rows" "index 5 out of range")
bad_case("set without value" ${DEF} SET workload.seq_len STDERR "default.json" "expected PATH=VALUE")

# ---- what the engine and the memory map cannot hold (plan-time checks)
bad_case("head_dim beyond the weight buffer" ${DEF}
  SET workload.head_dim=1024 platform.accelerators.0.buffers.weight_kib=1
  STDERR "default.json" "/platform/accelerators/0" "head_dim 1024 does not fit two key rows")
bad_case("seq_len beyond the score buffer" ${DEF} SET workload.seq_len=4096
  STDERR "default.json" "/platform/accelerators/0" "score/accumulator buffer for seq_len 4096")
bad_case("sequence does not fit the memory map" ${DEF}
  SET platform.memory.size_mib=1 workload.seq_len=2048 platform.accelerators.0.buffers.output_kib=1024
  STDERR "default.json" "/platform/memory" "needs 2 MiB of main memory" "the memory has 1 MiB")

# ---- attention patterns
bad_case("global token outside the sequence" ${DEF} SET "workload.pattern={\"global_tokens\":[300]}"
  STDERR "default.json" "/workload/pattern" "global token 300 is outside the sequence (seq_len=256)")
bad_case("2D grid not matching seq_len" ${DEF}
  SET "workload.pattern={\"window_2d\":{\"grid_h\":4,\"grid_w\":4,\"window_h\":3,\"window_w\":3}}"
  STDERR "default.json" "/workload/pattern" "2D grid 4x4 does not hold seq_len=256")

# ---- .npy data: good-npy.json runs; each case swaps Q for a broken fixture (see bad/make_npy.py)
savp_case("npy scenario runs and passes the scoreboard" LABEL bad_input
  STDOUT "total: 1 jobs (0 failed)" PRESENT ${REGRESS_OUT}/good-npy/stats.json
  ARGS run ${BAD}/good-npy.json -o ${REGRESS_OUT}/good-npy)
foreach(c
    "truncated|data truncated: expected 2048 bytes of data"
    "complex|unsupported dtype '<c8'"
    "big_endian|big-endian dtype '>f4' is not supported"
    "dim8|last dimension must equal workload head_dim = 16, found shape (32, 8)"
    "flat|expected at least 2 dimensions (seq_len, dim), found (512)"
    "two_heads|leading dimensions hold 2 heads"
    "nan|contains NaN or infinity"
    "not_npy|bad magic"
    "missing|not found")
  string(REPLACE "|" ";" c "${c}")
  list(GET c 0 f)
  list(GET c 1 msg)
  bad_case("npy ${f}" ${BAD}/good-npy.json SET workload.data.q=npy/${f}.npy
    STDERR "good-npy.json" "/workload/data/" "${f}.npy" "${msg}")
endforeach()

bad_case("npy from a device" ${BAD}/good-npy.json SET workload.data.q=/dev/zero
  STDERR "good-npy.json" "/workload/data/q" "/dev/zero" "not a regular file")
bad_case("npy K shorter than Q" ${BAD}/good-npy.json SET workload.data.k=npy/seq16.npy
  STDERR "good-npy.json" "/workload/data/k" "seq16.npy" "K must have Q's sequence length (32 tokens), found K (16, 16)")

# validate refuses the same way (and never writes anything).
savp_case("validate refuses malformed JSON" EXIT 2 LABEL bad_input STDERR "malformed JSON" ARGS validate ${BAD}/malformed.json)

# The schema in scenarios/schema/ accepts every shipped scenario and names exactly the loader's keys.
add_test(NAME "regress: scenario schema"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_schema.py ${CMAKE_SOURCE_DIR})
set_tests_properties("regress: scenario schema" PROPERTIES LABELS regress)
# One engine registry (issue 20): no loader, platform, planner or host code compares type strings.
add_test(NAME "regress: no code branches on an engine type string"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_engine_types.py ${CMAKE_SOURCE_DIR})
set_tests_properties("regress: no code branches on an engine type string" PROPERTIES LABELS "regress;registry")

# ---- memory system: geometry, JEDEC relations, mappings, address map, kinds
bad_case("DRAM tRC below tRAS + tRP" ${DEF} SET platform.memory.preset=hbm2 platform.memory.timing.RC=10
  STDERR "default.json" "/platform/memory/timing/RC" "JEDEC relation violated" "RC >= RAS + RP (28 + 14 = 42), found RC 10")
bad_case("DRAM tREFI not above tRFC" ${DEF} SET platform.memory.preset=hbm2 platform.memory.timing.REFI=100
  STDERR "default.json" "/platform/memory/timing/REFI" "REFI > RFC (220)")
bad_case("DRAM bank groups not a power of two" ${DEF} SET platform.memory.preset=ddr4 platform.memory.bank_groups=3
  STDERR "default.json" "/platform/memory/bank_groups" "expected a power of two, found 3")
bad_case("DRAM burst length not a power of two" ${DEF} SET platform.memory.preset=ddr4 platform.memory.burst_length=6
  STDERR "default.json" "/platform/memory/burst_length" "found 6")
bad_case("DRAM mapping missing a field" ${DEF} SET platform.memory.preset=ddr4 platform.memory.mapping=RoBaCoCh
  STDERR "default.json" "/platform/memory/mapping" "with Ra 0 times")
bad_case("DRAM mapping with a field twice" ${DEF} SET platform.memory.preset=ddr4 platform.memory.mapping=RoRoBaCoCh
  STDERR "default.json" "/platform/memory/mapping" "with Ro 2 times")
bad_case("DRAM larger than its geometry" ${DEF} SET platform.memory.preset=hbm2 platform.memory.size_mib=99999999
  STDERR "default.json" "/platform/memory/size_mib" "expected an integer in [1, 32768]")
bad_case("simple-memory key on a DRAM" ${DEF} SET platform.memory.preset=hbm2 platform.memory.latency_ns=5
  STDERR "default.json" "/platform/memory/latency_ns" "unknown key \"latency_ns\"")
bad_case("memory overlapping the CSR window" ${DEF} SET platform.memory.size_mib=16777216
  STDERR "default.json" "/platform/memory/size_mib" "overlap the accelerator CSR window")
bad_case("traffic workload on an engine" ${SCENARIOS}/memory/simple-seq-read.json
  SET "platform.accelerators.0={\"type\":\"dense\"}"
  STDERR "simple-seq-read.json" "/workload/accelerator" "needs a \"traffic\" accelerator")
bad_case("interconnect unknown key" ${DEF} SET platform.interconnect.width=5
  STDERR "default.json" "/platform/interconnect/width" "unknown key \"width\"")
# Router quality of service (issue 20): names must be accelerators, settings must fit the policy.
set(IC platform.interconnect)
bad_case("interconnect unknown arbitration" ${DEF} SET ${IC}.arbitration=lottery
  STDERR "default.json" "/platform/interconnect/arbitration" "expected one of round_robin|fixed_priority|weighted")
bad_case("priority naming no accelerator" ${DEF} SET ${IC}.arbitration=fixed_priority ${IC}.priority.nosuch=3
  STDERR "default.json" "/platform/interconnect/priority/nosuch" "names no accelerator of the platform")
bad_case("priority with round_robin" ${DEF} SET ${IC}.priority.dense0=3
  STDERR "default.json" "/platform/interconnect/priority" "applies to \"arbitration\": \"fixed_priority\" only")
bad_case("priority out of range" ${DEF} SET ${IC}.arbitration=fixed_priority ${IC}.priority.dense0=2000000
  STDERR "default.json" "/platform/interconnect/priority/dense0" "expected an integer in [-1000000, 1000000]")
bad_case("weight with fixed_priority" ${DEF} SET ${IC}.arbitration=fixed_priority ${IC}.weight.dense0=2
  STDERR "default.json" "/platform/interconnect/weight" "applies to \"arbitration\": \"weighted\" only")
bad_case("weight zero" ${DEF} SET ${IC}.arbitration=weighted ${IC}.weight.dense0=0
  STDERR "default.json" "/platform/interconnect/weight/dense0" "expected an integer in [1, 1000000], found 0")
bad_case("weight not an integer" ${DEF} SET ${IC}.arbitration=weighted ${IC}.weight.dense0=1.5
  STDERR "default.json" "/platform/interconnect/weight/dense0" "found 1.5")
bad_case("bandwidth cap zero" ${DEF} SET ${IC}.bandwidth_caps_gbps.dense0=0
  STDERR "default.json" "/platform/interconnect/bandwidth_caps_gbps/dense0" "expected a bandwidth cap in (0, 1e6")
bad_case("bandwidth cap negative" ${DEF} SET ${IC}.bandwidth_caps_gbps.dense0=-2
  STDERR "default.json" "/platform/interconnect/bandwidth_caps_gbps/dense0" "found -2")
bad_case("bandwidth cap on the host" ${DEF} SET ${IC}.bandwidth_caps_gbps.host=2
  STDERR "default.json" "/platform/interconnect/bandwidth_caps_gbps/host" "\"host\" names no accelerator")

# ---- the DRAM scheduler and the shared SRAM (issue 20)
bad_case("DRAM scheduler unknown" ${DEF} SET platform.memory.preset=ddr4 platform.memory.scheduler=frfcfs
  STDERR "default.json" "/platform/memory/scheduler" "fr_fcfs|fcfs|fr_fcfs_cap" "found \"frfcfs\"")
bad_case("DRAM scheduler cap without fr_fcfs_cap" ${DEF} SET platform.memory.preset=ddr4 platform.memory.scheduler_cap=4
  STDERR "default.json" "/platform/memory/scheduler_cap" "applies only to \"scheduler\": \"fr_fcfs_cap\"")
bad_case("DRAM scheduler cap zero" ${DEF}
  SET platform.memory.preset=hbm2 platform.memory.scheduler=fr_fcfs_cap platform.memory.scheduler_cap=0
  STDERR "default.json" "/platform/memory/scheduler_cap" "found 0")
# ---- the DRAM write queue (issue 25): depth >= 1, low < high <= depth
bad_case("DRAM write queue depth zero" ${DEF} SET platform.memory.preset=ddr4 platform.memory.write_queue_depth=0
  STDERR "default.json" "/platform/memory/write_queue_depth" "found 0")
bad_case("DRAM write high watermark above the depth" ${DEF}
  SET platform.memory.preset=hbm2 platform.memory.write_queue_depth=16 platform.memory.write_high_watermark=17
  STDERR "default.json" "/platform/memory/write_high_watermark" "found 17")
bad_case("DRAM write low watermark not below the high one" ${DEF}
  SET platform.memory.preset=ddr4 platform.memory.write_high_watermark=40 platform.memory.write_low_watermark=40
  STDERR "default.json" "/platform/memory/write_low_watermark" "write_low_watermark (40) < write_high_watermark (40)")
bad_case("DRAM queue slot release unknown" ${DEF} SET platform.memory.preset=hbm2 platform.memory.queue_slot_release=rd
  STDERR "default.json" "/platform/memory/queue_slot_release" "decision|column_command" "found \"rd\"")
bad_case("DRAM write watermark on a simple memory" ${DEF} SET platform.memory.write_low_watermark=3
  STDERR "default.json" "/platform/memory/write_low_watermark" "unknown key \"write_low_watermark\"")
bad_case("DRAM scheduler on a simple memory" ${DEF} SET platform.memory.scheduler=fcfs
  STDERR "default.json" "/platform/memory/scheduler" "unknown key \"scheduler\"")
bad_case("SRAM without size" ${DEF} SET platform.sram.banks=4
  STDERR "default.json" "/platform/sram" "missing required key \"size_kib\"")
bad_case("SRAM size zero" ${DEF} SET platform.sram.size_kib=0
  STDERR "default.json" "/platform/sram/size_kib" "found 0")
bad_case("SRAM banks not a power of two" ${DEF} SET "platform.sram={\"size_kib\": 64, \"banks\": 3}"
  STDERR "default.json" "/platform/sram/banks" "a power of two, found 3")
bad_case("SRAM word not a power of two" ${DEF} SET "platform.sram={\"size_kib\": 64, \"word_bytes\": 12}"
  STDERR "default.json" "/platform/sram/word_bytes" "a power of two, found 12")
bad_case("SRAM three ports" ${DEF} SET "platform.sram={\"size_kib\": 64, \"ports\": 3}"
  STDERR "default.json" "/platform/sram/ports" "found 3")
bad_case("SRAM smaller than one word per bank" ${DEF}
  SET "platform.sram={\"size_kib\": 1, \"banks\": 256, \"word_bytes\": 8}"
  STDERR "default.json" "/platform/sram/size_kib" "multiple of banks x word_bytes = 256 x 8 = 2048")
bad_case("SRAM larger than its window" ${DEF} SET platform.sram.size_kib=4194305
  STDERR "default.json" "/platform/sram/size_kib" "found 4194305")
bad_case("SRAM leakage without a source" ${DEF} SET "platform.sram={\"size_kib\": 64, \"leakage_mw_per_kib\": 0.1}"
  STDERR "default.json" "/platform/sram/leakage_mw_per_kib" "needs a \"leakage_source\"")
bad_case("SRAM unknown key" ${DEF} SET "platform.sram={\"size_kib\": 64, \"bank\": 4}"
  STDERR "default.json" "/platform/sram/bank" "unknown key \"bank\"")

# ---- SALO: patterns and shapes the engine cannot run
set(SALO ${SCENARIOS}/salo/small.json)
bad_case("SALO window wider than the sequence" ${SALO} SET workload.pattern.window=5000
  STDERR "small.json" "/workload/pattern/window" "wider than the sequence (512 tokens)")
bad_case("SALO dilation below 1" ${SALO} SET workload.pattern.dilation=0
  STDERR "small.json" "/workload/pattern/dilation" "found 0")
bad_case("SALO more global tokens than tokens" ${SALO} SET workload.pattern.global_tokens=600
  STDERR "small.json" "/workload/pattern" "global token 512 is outside the sequence")
bad_case("SALO unsupported head dimension" ${SALO} SET workload.head_dim=32
  STDERR "small.json" "/workload/head_dim" "built for head_dim 64, the workload has 32")
bad_case("SALO 2D window larger than the grid" ${SALO}
  SET "workload.pattern={\"window_2d\":{\"grid_h\":16,\"grid_w\":32,\"window_h\":20,\"window_w\":3}}"
  STDERR "small.json" "/workload/pattern/window_2d" "larger than the 16x32 grid")
bad_case("SALO unknown datapath" ${SALO} SET platform.accelerators.0.datapath=fp8
  STDERR "small.json" "/platform/accelerators/0/datapath" "expected one of fixed|float")
# fixed_arithmetic (issue 25): the fixed datapath's rounding, overflow and normalise widths
bad_case("SALO fixed_arithmetic unknown rounding" ${SALO} SET platform.accelerators.0.fixed_arithmetic.pv.rounding=floor
  STDERR "small.json" "/platform/accelerators/0/fixed_arithmetic/pv/rounding" "expected one of nearest|truncate")
bad_case("SALO fixed_arithmetic unknown overflow" ${SALO} SET platform.accelerators.0.fixed_arithmetic.qk.overflow=clip
  STDERR "small.json" "/platform/accelerators/0/fixed_arithmetic/qk/overflow" "expected one of saturate|wrap")
bad_case("SALO fixed_arithmetic reciprocal width out of range" ${SALO}
  SET platform.accelerators.0.fixed_arithmetic.normalise.reciprocal_bits=16
  STDERR "small.json" "/platform/accelerators/0/fixed_arithmetic/normalise/reciprocal_bits" "16")
bad_case("SALO fixed_arithmetic unknown key" ${SALO} SET platform.accelerators.0.fixed_arithmetic.exp.rounding=truncate
  STDERR "small.json" "/platform/accelerators/0/fixed_arithmetic/exp" "unknown key \"exp\"")
bad_case("SALO fixed_arithmetic unknown stage key" ${SALO} SET platform.accelerators.0.fixed_arithmetic.qk.rounding=truncate
  STDERR "small.json" "/platform/accelerators/0/fixed_arithmetic/qk/rounding" "unknown key \"rounding\"")
bad_case("SALO fixed_arithmetic with the float datapath" ${SALO} SET platform.accelerators.0.datapath=float
  platform.accelerators.0.fixed_arithmetic.pv.rounding=truncate
  STDERR "small.json" "/platform/accelerators/0/fixed_arithmetic" "fixed datapath only")

# ---- RTL co-simulation options (any build)
bad_case("rtl waves without an RTL backend" ${SCENARIOS}/salo/small.json STDERR "/outputs/rtl_waves" "no accelerator"
  SET outputs.rtl_waves=true)

# ---- issue 19: engine-level bad input. One rule for lists of indices on every engine (a repeat is
# refused at its element); npy shape messages name the tensor at fault; SALO names the key at fault
# (workload or accelerator); CHELA refuses normalisation without a positive feature map.
set(ENGINE_CASES
  "duplicate global tokens on SALO" "duplicate global tokens on the dense engine"
  "duplicate trace effects" "npy V shorter than Q" "npy V from Q's file with another value_dim"
  "SALO value_dim other than head_dim" "SALO K buffer too small" "SALO global tokens without a global row"
  "CHELA normalisation without a feature map" "global token outside the sequence names its element")
bad_case("duplicate global tokens on SALO" ${SALO} SET "workload.pattern.global_tokens=[0,0,0,0]"
  STDERR "small.json" "/workload/pattern/global_tokens/1:" "global token 0 appears twice (also at /workload/pattern/global_tokens/0)")
bad_case("duplicate global tokens on the dense engine" ${DEF} SET "workload.pattern={\"window\":8,\"global_tokens\":[3,5,3]}"
  STDERR "default.json" "/workload/pattern/global_tokens/2:" "global token 3 appears twice")
bad_case("duplicate trace effects" ${SCENARIOS}/spatten/gpt2-small-wikitext2-trace.json
  SET "workload.data.effects=[\"token\",\"value\",\"token\"]"
  STDERR "gpt2-small-wikitext2-trace.json" "/workload/data/effects/2:" "effect \"token\" appears twice")
bad_case("npy V shorter than Q" ${BAD}/good-npy.json SET workload.data.v=npy/seq16.npy
  STDERR "good-npy.json" "/workload/data/v:" "seq16.npy" "V must have Q's sequence length (32 tokens), found V (16, 16)")
bad_case("npy V from Q's file with another value_dim" ${BAD}/good-npy.json SET workload.data.v=npy/good_q.npy
  SET workload.value_dim=8
  STDERR "good-npy.json" "/workload/data/v:" "good_q.npy" "V's last dimension must equal workload value_dim = 8")
bad_case("SALO value_dim other than head_dim" ${SALO} SET workload.value_dim=32
  STDERR "small.json" "/workload/value_dim:" "value_dim 32")
bad_case("SALO K buffer too small" ${SALO} SET platform.accelerators.0.buffers.k_vectors=8
  STDERR "small.json" "/platform/accelerators/0/buffers/k_vectors:" "K buffer of 8 vectors")
bad_case("SALO global tokens without a global row" ${SALO} SET platform.accelerators.0.array.global_rows=0
  STDERR "small.json" "/platform/accelerators/0/array/global_rows:" "global_rows=0")
bad_case("CHELA normalisation without a feature map" ${SCENARIOS}/chela/lm-4k.json
  SET platform.accelerators.0.feature_map=none
  STDERR "/platform/accelerators/0/feature_map:" "normalise")
bad_case("global token outside the sequence names its element" ${SALO} SET "workload.pattern.global_tokens=[0,512]"
  STDERR "small.json" "/workload/pattern/global_tokens/1:" "global token 512 is outside the sequence (seq_len=512)")
foreach(c ${ENGINE_CASES})
  set_tests_properties("bad_input: ${c}" PROPERTIES LABELS "bad_input;hardening")
endforeach()

# ---- issue 19: every JSON document savp reads (scenario, include, sweep, preset, energy table,
# --set value) nested 1e5 deep, with a duplicate key or a NUL then garbage; --set paths with an
# empty component; keys naming a file given "", a directory, a FIFO or a missing file; a
# SAVP_DATA_DIR naming nothing. check_json_input.py writes each case's files at test time.
set(CHECK_JSON ${REGRESS_DIR}/check_json_input.py)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CHECK_JSON})
execute_process(COMMAND ${Python3_EXECUTABLE} ${CHECK_JSON} - ${SCENARIOS} ${BAD} - list
  OUTPUT_VARIABLE JSON_CASES OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
foreach(c ${JSON_CASES})
  string(REGEX REPLACE "[^A-Za-z0-9]+" "-" slug "${c}")
  add_test(NAME "bad_input: json ${c}"
    COMMAND ${Python3_EXECUTABLE} ${CHECK_JSON} ${SAVP_BIN} ${SCENARIOS} ${BAD} ${REGRESS_OUT}/json-${slug} ${c})
  set_tests_properties("bad_input: json ${c}" PROPERTIES LABELS "bad_input;hardening")
endforeach()
# ---- technology node (issue 22): a node the energy table's node_scaling does not list, an unknown key
bad_case("technology node not in the table" ${DEF} SET platform.technology.node_nm=5
  STDERR "default.json" "/platform/technology/node_nm" "5 nm is not in energy table")
bad_case("technology unknown key" ${DEF} SET platform.technology.nm=7
  STDERR "/platform/technology/nm")
# ---- SRAM banks (issue 22): a bit cell larger than the per-bit macro area
bad_case("energy SRAM bit cell larger than the per-bit area" ${DEF} SET platform.energy.sram.cell_area_um2=2
  STDERR "default.json" "/platform/energy/sram/cell_area_um2" "found 2")
# ---- SALO's 2D-window mapping is one of two names (issue 25)
bad_case("salo mapping_2d unknown" ${SCENARIOS}/salo/vil-stage2.json SET "platform.accelerators.0.mapping_2d=diagonal"
  STDERR "vil-stage2.json" "/platform/accelerators/0/mapping_2d" "one of" "column_strips")
