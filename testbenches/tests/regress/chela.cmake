# CHELA: the issue's knobs (seq_len, memory presets), causal and non-causal, both long-convolution
# modes, LT/AT agreement, the linear-in-L check, and the issue's bad inputs. The long run (the
# 1K..64K comparison, scripts/chela_figures.py, label "long") exists only when configured with
# -DSAVP_LONG_TESTS=ON, so the default suite stays fast: ctest -L long.
set(CHE ${SCENARIOS}/chela/lm-4k.json)
set(CHEA platform.accelerators.0)
foreach(preset ideal hbm2 ddr4)
  savp_case("chela lm-4k at 2048 tokens on ${preset}" STDOUT "total: 1 jobs (0 failed)"
    ARGS run ${CHE} --set workload.seq_len=2048 --set platform.memory.preset=${preset} -o ${REGRESS_OUT}/chela-${preset})
endforeach()
savp_case("chela non-causal, direct long convolution" STDOUT "total: 1 jobs (0 failed)"
  ARGS run ${CHE} --set workload.seq_len=1024 --set workload.pattern.causal=false --set ${CHEA}.conv.mode=direct
       -o ${REGRESS_OUT}/chela-noncausal)
savp_case("chela without the convolution branch, no feature map" STDOUT "total: 1 jobs (0 failed)"
  ARGS run ${CHE} --set workload.seq_len=1000 --set ${CHEA}.conv.enabled=false --set ${CHEA}.feature_map=none
       --set ${CHEA}.normalise=false -o ${REGRESS_OUT}/chela-plain)
add_test(NAME "regress: chela LT and AT agree"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_lt_at.py ${SAVP_BIN} ${CHE} ${REGRESS_OUT}/ltat-chela
          --set workload.seq_len=1024)
set_tests_properties("regress: chela LT and AT agree" PROPERTIES LABELS regress)
add_test(NAME "regress: chela traffic and cycles linear in L"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_chela_linear.py ${SAVP_BIN} ${CHE} ${REGRESS_OUT}/chela-linear)
set_tests_properties("regress: chela traffic and cycles linear in L" PROPERTIES LABELS regress)
# The figures script itself, on the short end of its range (the long test below runs all of it).
add_test(NAME "regress: chela figures script at 256..1K tokens"
  COMMAND sh -c "/usr/bin/python3 '${CMAKE_SOURCE_DIR}/scripts/chela_figures.py' --savp '${SAVP_BIN}' --out '${REGRESS_OUT}/chela-figures-short' --only compare --max-len 1024 -j 1 > '${REGRESS_OUT}/chela-figures-short.txt' && /usr/bin/python3 -c \"import json,sys; r=json.load(open(sys.argv[1]))['results']; assert sorted(r)==sorted(['chela','chela-attn','salo-w512','spatten','dense']), r; assert all('1024' in v and v['1024']['latency_ns']>0 and v['1024']['dram_bytes']>0 for v in r.values()), r; t=open(sys.argv[2]).read(); assert 'Crossover points' in t and 'CHELA lower from about' in t, t; print('ok')\" '${REGRESS_OUT}/chela-figures-short/compare.json' '${REGRESS_OUT}/chela-figures-short.txt'")
set_tests_properties("regress: chela figures script at 256..1K tokens" PROPERTIES LABELS regress)
option(SAVP_LONG_TESTS "add the long scenario runs (label long)" OFF)
if(SAVP_LONG_TESTS)
add_test(NAME "long: chela figures 1K..64K against SALO, SpAtten, dense"
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/chela_figures.py --savp ${SAVP_BIN}
          --out ${REGRESS_OUT}/chela-figures)
set_tests_properties("long: chela figures 1K..64K against SALO, SpAtten, dense" PROPERTIES LABELS long)
endif()

bad_case("chela chunk not dividing the stream buffer" ${CHE} SET ${CHEA}.chunk=48
  STDERR "/platform/accelerators/0/buffers/stream_tokens" "expected a multiple of chunk = 48" "found 256")
bad_case("chela stream buffer of one chunk" ${CHE} SET ${CHEA}.buffers.stream_tokens=64
  STDERR "/platform/accelerators/0/buffers/stream_tokens" "at least two (double buffering)")
bad_case("chela zero chunk" ${CHE} SET ${CHEA}.chunk=0
  STDERR "/platform/accelerators/0/chunk" "expected an integer in [1, 65536], found 0")
bad_case("chela negative sequence length" ${CHE} SET workload.seq_len=-4096
  STDERR "/workload/seq_len" "found -4096")
bad_case("chela long kernel longer than the sequence, direct mode" ${CHE}
  SET workload.seq_len=1024 ${CHEA}.conv.mode=direct ${CHEA}.conv.long_kernel=2048
  STDERR "/platform/accelerators/0/conv/long_kernel" "longer than the sequence (1024 tokens)" "use mode \"fft\"")
bad_case("chela short kernel longer than the sequence" ${CHE} SET workload.seq_len=8 ${CHEA}.conv.short_kernel=16
  STDERR "/platform/accelerators/0/conv/short_kernel" "longer than the sequence (8 tokens)")
bad_case("chela negative short kernel" ${CHE} SET ${CHEA}.conv.short_kernel=-1
  STDERR "/platform/accelerators/0/conv/short_kernel" "expected an integer in [1, 64], found -1")
bad_case("chela direct history beyond the convolution buffer" ${CHE} SET workload.seq_len=16384 ${CHEA}.conv.mode=direct
  STDERR "/platform/accelerators/0/buffers/conv_kib" "holds the U history" "raise buffers.conv_kib")
bad_case("chela FFT beyond the convolution buffer" ${CHE} SET workload.seq_len=131072
  STDERR "/platform/accelerators/0/buffers/conv_kib" "262144 points")
bad_case("chela work buffer too small for the chunk" ${CHE} SET ${CHEA}.chunk=128 ${CHEA}.buffers.stream_tokens=512
  STDERR "/platform/accelerators/0/buffers/work_kib" "a chunk of 128 tokens needs 97 KiB")
bad_case("chela windowed pattern" ${CHE} SET workload.pattern.window=256
  STDERR "/workload/pattern" "CHELA runs linear attention over the whole sequence")
bad_case("chela int datapath" ${CHE} SET ${CHEA}.datapath.format=int
  STDERR "/platform/accelerators/0/datapath/format" "int")
savp_case("chela chunk-size sweep validates" STDOUT "valid sweep" "(5 points)"
  ARGS validate ${SCENARIOS}/sweeps/chela-chunk.json)
