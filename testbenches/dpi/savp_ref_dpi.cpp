// libsavp_ref.so: the DPI-C wrappers (savp_ref_dpi.h): open arrays to pointers (size-checked), then
// the plain C API (savp_ref.h). svGetArrayPtr and svSize come from the simulator; they are weak here
// so that the library also loads outside a simulator (C/C++ programs, Python ctypes use the plain
// API), where a DPI wrapper then fails with a message instead of the load failing.
#include "testbenches/dpi/savp_ref_dpi.h"

#pragma weak svGetArrayPtr
#pragma weak svSize

#include <cstdint>
#include <stdexcept>
#include <string>

#include "testbenches/dpi/savp_ref_common.hpp"

namespace {

// The open array's elements as T (contiguous in the simulator), refused when shorter than `need`.
template <typename T>
T* elems(const svOpenArrayHandle h, long long need, const char* name) {
  if (!svGetArrayPtr || !svSize) throw std::logic_error("no DPI simulator (svGetArrayPtr/svSize not found)");
  const long long have = svSize(h, 1);
  void* p = svGetArrayPtr(h);
  if (!p) throw std::invalid_argument(std::string(name) + ": not a contiguous open array");
  if (have < need) {
    throw std::invalid_argument(std::string(name) + " has " + std::to_string(have) +
                                " elements, the call needs " + std::to_string(need));
  }
  return static_cast<T*>(p);
}

// Converts the array arguments inside guarded() so that a short array is an error, not a crash.
// A failure of the plain function keeps its own message.
template <typename F>
int wrap(const char* fn, F&& f) {
  int rc = -1;
  std::string inner;
  const int ok = savp::ref::guarded(fn, [&] {
    rc = f();
    if (rc != 0) inner = savp_ref_last_error();
  });
  if (ok != 0) return -1;
  if (rc != 0) savp::ref::set_error(inner);
  return rc;
}

}  // namespace

extern "C" {

int savp_ref_salo_tile(int r, int c, int gr, int gc, int d, int shift, int flush,
                       const svOpenArrayHandle mask, const svOpenArrayHandle q, const svOpenArrayHandle k,
                       const svOpenArrayHandle v, const svOpenArrayHandle prev_valid,
                       const svOpenArrayHandle prev_sum, const svOpenArrayHandle prev_exp,
                       const svOpenArrayHandle prev_out, const svOpenArrayHandle out_valid,
                       const svOpenArrayHandle out_sum, const svOpenArrayHandle out_exp,
                       const svOpenArrayHandle out, long long* cycles, long long* exp_sat,
                       long long* qk_sat) {
  return wrap("savp_ref_salo_tile", [&] {
    const long long nr = r + gr, nk = r + c - 1 + gc + static_cast<long long>(gr) * c, dd = d;
    int64_t cy = 0, es = 0, qs = 0;
    const int rc = savp_ref_salo_tile_p(
        r, c, gr, gc, d, shift, flush, elems<uint64_t>(mask, nr, "mask"), elems<int16_t>(q, nr * dd, "q"),
        elems<int16_t>(k, nk * dd, "k"), elems<int16_t>(v, nk * dd, "v"),
        elems<int32_t>(prev_valid, nr, "prev_valid"), elems<int32_t>(prev_sum, nr, "prev_sum"),
        elems<int32_t>(prev_exp, nr, "prev_exp"), elems<int32_t>(prev_out, nr * dd, "prev_out"),
        elems<int32_t>(out_valid, nr, "out_valid"), elems<int32_t>(out_sum, nr, "out_sum"),
        elems<int32_t>(out_exp, nr, "out_exp"), elems<int32_t>(out, nr * dd, "out"), &cy, &es, &qs);
    *cycles = cy;
    *exp_sat = es;
    *qk_sat = qs;
    return rc;
  });
}

int savp_ref_topk_select(void* h, const svOpenArrayHandle values, int n, int k, const svOpenArrayHandle kept,
                         int* n_kept, long long* cycles, int* passes, long long* comparisons,
                         double* threshold) {
  return wrap("savp_ref_topk_select", [&] {
    int64_t cy = 0, cmp = 0;
    const int rc = savp_ref_topk_select_p(h, elems<double>(values, n, "values"), n, k,
                                          elems<int32_t>(kept, k < n ? k : n, "kept"), n_kept, &cy, passes,
                                          &cmp, threshold);
    *cycles = cy;
    *comparisons = cmp;
    return rc;
  });
}

int savp_ref_pq_decode(int msb_bits, int lsb_bits, int dim, const svOpenArrayHandle msb,
                       const svOpenArrayHandle lsb, int with_lsb, const svOpenArrayHandle codes) {
  return wrap("savp_ref_pq_decode", [&] {
    const int rc = savp_ref_pq_decode_p(msb_bits, lsb_bits, dim, elems<int32_t>(msb, dim, "msb"),
                                        with_lsb ? elems<int32_t>(lsb, dim, "lsb") : nullptr,
                                        elems<int32_t>(codes, dim, "codes"));
    return rc;
  });
}

int savp_ref_pq_needs_lsb(const svOpenArrayHandle probs, int n, double threshold, int* needs) {
  return wrap("savp_ref_pq_needs_lsb", [&] {
    const int rc = savp_ref_pq_needs_lsb_p(elems<double>(probs, n, "probs"), n, threshold, needs);
    return rc;
  });
}

int savp_ref_sprint_score(long long seed, int noise, int msb_bits, int dac_bits, int n, int d,
                          const svOpenArrayHandle keys, const svOpenArrayHandle q, double threshold,
                          const svOpenArrayHandle keep, const svOpenArrayHandle current) {
  return wrap("savp_ref_sprint_score", [&] {
    const int rc = savp_ref_sprint_score_p(
        static_cast<uint64_t>(seed), noise, msb_bits, dac_bits, n, d,
        elems<int32_t>(keys, static_cast<long long>(n) * d, "keys"), elems<int32_t>(q, d, "q"), threshold,
        elems<int32_t>(keep, n, "keep"), elems<double>(current, n, "current"));
    return rc;
  });
}

int savp_ref_dense_gemm(int format, int acc_bits, int m, int n, int k, const svOpenArrayHandle a,
                        const svOpenArrayHandle b, const svOpenArrayHandle c_fp32,
                        const svOpenArrayHandle c_int, int rows, int cols, int dataflow, long long* cycles) {
  return wrap("savp_ref_dense_gemm", [&] {
    const long long mn = static_cast<long long>(m) * n;
    int64_t cy = 0;
    const int rc = savp_ref_dense_gemm_p(
        format, acc_bits, m, n, k, elems<int32_t>(a, static_cast<long long>(m) * k, "a"),
        elems<int32_t>(b, static_cast<long long>(k) * n, "b"), elems<int32_t>(c_fp32, mn, "c_fp32"),
        elems<int64_t>(c_int, mn, "c_int"), rows, cols, dataflow, &cy);
    *cycles = cy;
    return rc;
  });
}
}
