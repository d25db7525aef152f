# SAVP inside an RTL team's testbench (Verilator builds only): libsavp_ref.so holds no SystemC and its
# plain C API answers as savp_ref.h says (check_ref_lib.py); the SystemVerilog testbench
# testbenches/dpi/tb/savp_ref_tb.sv, verilated with the SALO array and top-k RTL (one Verilator
# build per variant, minutes on a loaded machine), checks them against the library over DPI-C, and
# catches a copy of the SALO array with one bug (check_dpi_tb.py).
# Release pass only: the sanitizer build's library carries the ASan runtime's references, which
# neither Python's ctypes nor a Verilator --binary testbench loads (the Release pass checks it).
if(SAVP_SANITIZE)
  return()
endif()
add_test(NAME "cosim: savp_ref library has no SystemC and answers as its header says"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_ref_lib.py $<TARGET_FILE:savp_ref>)
add_test(NAME "cosim: SV testbench over DPI checks the SALO array and top-k RTL against libsavp_ref"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_dpi_tb.py --src ${CMAKE_SOURCE_DIR}
    --lib $<TARGET_FILE_DIR:savp_ref> --work ${CMAKE_BINARY_DIR}/dpi-tb/good --measure)
add_test(NAME "cosim: SV testbench over DPI catches a broken SALO array"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_dpi_tb.py --src ${CMAKE_SOURCE_DIR}
    --lib $<TARGET_FILE_DIR:savp_ref> --work ${CMAKE_BINARY_DIR}/dpi-tb/broken --variant broken --expect fail)
set_tests_properties("cosim: savp_ref library has no SystemC and answers as its header says"
  "cosim: SV testbench over DPI checks the SALO array and top-k RTL against libsavp_ref"
  "cosim: SV testbench over DPI catches a broken SALO array" PROPERTIES LABELS cosim TIMEOUT 2400)
