// ReramSpec parsing and validation: see reram_spec.hpp (shared/reference/sprint.md and
// shared/reference/energy-and-memory.md "ReRAM, ADC, DAC" for the defaults; the resolution rule
// follows ISAAC's ADC-resolution counting argument, ISCA 2016).
#include "models/memory/reram_spec.hpp"

#include "models/common/int_math.hpp"

namespace savp::memory {

namespace {

std::string str(std::uint64_t v) { return std::to_string(v); }

// Number of distinct current levels of one column (see the header's resolution rule).
std::uint64_t column_levels(std::uint32_t rows, int dac_bits, int cell_bits) {
  const std::uint64_t dac_steps = (std::uint64_t{1} << dac_bits) - 1;
  const std::uint64_t cell_steps = (std::uint64_t{1} << cell_bits) - 1;
  return std::uint64_t{rows} * dac_steps * cell_steps + 1;  // <= 4096 x 65535 x 255 + 1 < 2^37
}

}  // namespace

std::uint32_t ReramSpec::cells_per_element() const {
  if (cell_bits <= 0) return 0;
  return static_cast<std::uint32_t>((msb_bits + cell_bits - 1) / cell_bits);
}

std::uint32_t ReramSpec::keys_per_mat() const {
  const std::uint32_t c = cells_per_element();
  return c == 0 ? 0 : crossbar_cols / c;
}

std::uint64_t ReramSpec::embedding_slices(std::uint64_t head_dim) const {
  return crossbar_rows == 0 ? 0 : common::ceil_div(head_dim, crossbar_rows);
}

std::uint64_t ReramSpec::mats_for(std::uint64_t keys, std::uint64_t head_dim) const {
  const std::uint32_t per_mat = keys_per_mat();
  return per_mat == 0 ? 0 : embedding_slices(head_dim) * common::ceil_div(keys, std::uint64_t{per_mat});
}

int ReramSpec::required_sense_bits() const {
  return static_cast<int>(common::ceil_log2(column_levels(crossbar_rows, dac_bits, cell_bits)));
}

std::uint64_t ReramSpec::read_burst_cycles(std::uint64_t bits) const {
  return read_cycles + common::ceil_div(bits, bus_bits);
}

std::uint64_t ReramSpec::write_burst_cycles(std::uint64_t bits) const {
  return write_cycles + common::ceil_div(bits, bus_bits);
}

std::optional<ReramSpecProblem> ReramSpec::check() const {
  auto problem = [](std::vector<std::string> keys, std::string message) {
    return std::optional<ReramSpecProblem>(ReramSpecProblem{std::move(keys), std::move(message)});
  };
  auto range = [&](const std::string& key, double v, double lo,
                   double hi) -> std::optional<ReramSpecProblem> {
    if (v >= lo && v <= hi) return std::nullopt;
    return problem({key}, key + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                              "], found " + std::to_string(v));
  };
  std::optional<ReramSpecProblem> p;
  if ((p = range("crossbar_rows", crossbar_rows, 1, 4096))) return p;
  if ((p = range("crossbar_cols", crossbar_cols, 1, 4096))) return p;
  if ((p = range("cell_bits", cell_bits, 1, 8))) return p;
  if ((p = range("msb_bits", msb_bits, 1, 8))) return p;
  if ((p = range("dac_bits", dac_bits, 1, 16))) return p;
  if ((p = range("sense_bits", sense_bits, 1, 32))) return p;
  if ((p = range("conductance_sigma", conductance_sigma, 0, 1))) return p;
  if ((p = range("read_noise_sigma", read_noise_sigma, 0, 1))) return p;
  if ((p = range("comparator_offset_sigma", comparator_offset_sigma, 0, 1))) return p;
  if (!(clock_mhz > 0 && clock_mhz <= 1e6)) return problem({"clock_mhz"}, "clock_mhz must be in (0, 1e6]");
  if ((p = range("read_cycles", read_cycles, 1, 1 << 20))) return p;
  if ((p = range("write_cycles", write_cycles, 1, 1 << 20))) return p;
  if ((p = range("copyq_cycles", copyq_cycles, 1, 1 << 20))) return p;
  if ((p = range("bus_bits", bus_bits, 1, 4096))) return p;
  if (threshold_cycles < 1 || threshold_cycles >= 8) {
    return problem(
        {"threshold_cycles"},
        "the in-memory threshold step takes under 8 memory cycles (SPRINT, shared/reference/sprint.md): "
        "expected threshold_cycles in [1, 7], found " +
            str(threshold_cycles));
  }
  for (const char* key : {"read_pj_per_bit", "write_pj_per_bit", "mac_pj", "dac_pj", "comparator_pj"}) {
    const std::string k = key;
    const double v = k == "read_pj_per_bit"    ? read_pj_per_bit
                     : k == "write_pj_per_bit" ? write_pj_per_bit
                     : k == "mac_pj"           ? mac_pj
                     : k == "dac_pj"           ? dac_pj
                                               : comparator_pj;
    if ((p = range(k, v, 0, 1e6))) return p;
  }
  const int need = required_sense_bits();
  if (need > sense_bits) {
    const std::uint64_t levels = column_levels(crossbar_rows, dac_bits, cell_bits);
    return problem({"cell_bits", "sense_bits", "dac_bits", "crossbar_rows"},
                   "cell_bits = " + std::to_string(cell_bits) +
                       " bits per cell is beyond what the DAC/comparator path resolves: a column of " +
                       str(crossbar_rows) + " rows (crossbar_rows) driven by " + std::to_string(dac_bits) +
                       "-bit DACs (dac_bits) takes " + str(crossbar_rows) + " x " +
                       str((std::uint64_t{1} << dac_bits) - 1) + " x " +
                       str((std::uint64_t{1} << cell_bits) - 1) + " + 1 = " + str(levels) +
                       " current levels, which need " + std::to_string(need) +
                       " sense bits, but sense_bits is " + std::to_string(sense_bits) +
                       " (rule: ceil(log2(crossbar_rows x (2^dac_bits - 1) x (2^cell_bits - 1) + 1)) <= "
                       "sense_bits)");
  }
  if (cells_per_element() > crossbar_cols) {
    return problem({"crossbar_cols", "cell_bits", "msb_bits"},
                   "crossbar_cols = " + str(crossbar_cols) + " cannot hold one key: a " +
                       std::to_string(msb_bits) + "-bit MSB code (msb_bits) in " + std::to_string(cell_bits) +
                       "-bit cells (cell_bits) takes " + str(cells_per_element()) + " adjacent columns");
  }
  return std::nullopt;
}

std::string ReramSpec::check_head_dim(std::uint64_t head_dim) const {
  if (head_dim == 0) return "the head dimension must be at least 1";
  if (head_dim > crossbar_rows && !split_embedding) {
    return "head dimension " + str(head_dim) + " exceeds crossbar_rows = " + str(crossbar_rows) +
           " and split_embedding is false (set split_embedding to true to split each key over " +
           str(embedding_slices(head_dim)) + " mats whose column currents are summed)";
  }
  return "";
}

ReramSpec ReramSpec::parse(common::JsonNode n) {
  ReramSpec s;
  n.get_choice("kind", {"reram"}, "reram");
  s.name = n.get_string("name", s.name);
  s.description = n.get_string("description", "");
  s.crossbar_rows = static_cast<std::uint32_t>(n.get_int("crossbar_rows", s.crossbar_rows, 1, 4096));
  s.crossbar_cols = static_cast<std::uint32_t>(n.get_int("crossbar_cols", s.crossbar_cols, 1, 4096));
  s.cell_bits = static_cast<int>(n.get_int("cell_bits", s.cell_bits, 1, 8));
  s.msb_bits = static_cast<int>(n.get_int("msb_bits", s.msb_bits, 1, 8));
  s.dac_bits = static_cast<int>(n.get_int("dac_bits", s.dac_bits, 1, 16));
  s.sense_bits = static_cast<int>(n.get_int("sense_bits", s.sense_bits, 1, 32));
  s.split_embedding = n.get_bool("split_embedding", s.split_embedding);
  s.noise = n.get_bool("noise", s.noise);
  s.conductance_sigma = n.get_number_in("conductance_sigma", s.conductance_sigma, 0.0, 1.0);
  s.read_noise_sigma = n.get_number_in("read_noise_sigma", s.read_noise_sigma, 0.0, 1.0);
  s.comparator_offset_sigma = n.get_number_in("comparator_offset_sigma", s.comparator_offset_sigma, 0.0, 1.0);
  s.clock_mhz = n.get_number_in("clock_mhz", s.clock_mhz, 1e-3, 1e6);
  s.read_cycles = static_cast<std::uint32_t>(n.get_int("read_cycles", s.read_cycles, 1, 1 << 20));
  s.write_cycles = static_cast<std::uint32_t>(n.get_int("write_cycles", s.write_cycles, 1, 1 << 20));
  s.copyq_cycles = static_cast<std::uint32_t>(n.get_int("copyq_cycles", s.copyq_cycles, 1, 1 << 20));
  s.bus_bits = static_cast<std::uint32_t>(n.get_int("bus_bits", s.bus_bits, 1, 4096));
  s.threshold_cycles =
      static_cast<std::uint32_t>(n.get_int("threshold_cycles", s.threshold_cycles, 1, 1 << 20));
  s.read_pj_per_bit = n.get_number_in("read_pj_per_bit", s.read_pj_per_bit, 0.0, 1e6);
  s.write_pj_per_bit = n.get_number_in("write_pj_per_bit", s.write_pj_per_bit, 0.0, 1e6);
  s.mac_pj = n.get_number_in("mac_pj", s.mac_pj, 0.0, 1e6);
  s.dac_pj = n.get_number_in("dac_pj", s.dac_pj, 0.0, 1e6);
  s.comparator_pj = n.get_number_in("comparator_pj", s.comparator_pj, 0.0, 1e6);
  n.finish();
  if (const auto p = s.check()) {
    // Blame the first of the rule's keys that the JSON gives (else the object itself).
    for (const auto& key : p->keys) {
      if (n.has(key)) n.child(key).fail(p->message);
    }
    n.fail(p->message);
  }
  return s;
}

}  // namespace savp::memory
