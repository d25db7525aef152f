// Reader for SpAtten's released GPT-2 pruning traces (mit-han-lab/spatten, commit a0f1388,
// spatten_hardware/hardware/workloads/summary-*.csv; copies in scenarios/workloads/spatten-gpt2/).
// Pure C++, no SystemC.
//
// Format: a header line with exactly the 17 columns of kTraceColumns, in that order, then one row per
// (generation iteration, layer, head). Integers are plain decimal (an integral float such as "64.0" is
// accepted, as the files write D that way); booleans are True/False; fields may carry surrounding
// spaces. The published files end with a line that is not a data row: the training config path in the
// first column and 16 empty fields. It is recognised only as the last non-empty line and kept in
// PruningTrace::config; anywhere else it is an error. Lines end in \n or \r\n; the final newline is
// optional; empty lines are allowed only at the end of the file.
//
// Every bad input throws savp::common::InputError(file, "line N" or "line N, column <name>", message).
// Checks: header, field count, numbers (integral where counts), no negative counts, L >= 1,
// keys/values fetched <= L, L constant within one iteration, bit widths in kTraceBitWidths,
// requant threshold -1 or in (0, 1), requant extra bits -1 or 1..16, requant True only with quantised K,
// a threshold and extra bits > 0, topk k in 1..L when if_topk is True and -1 when False, rows ordered
// by iteration then layer with (iteration, layer, head) unique, one head dimension for all rows,
// at least one data row.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace savp::spatten {

// The header, column by column.
// clang-format off
inline constexpr std::array<const char*, 17> kTraceColumns = {
    "iteration_id", "layer_id", "head_id", "embedding_length_D", "sentence_length_L", "key_fetch_num",
    "quant_key_bit", "quant_query_bit", "auto_requant_thres", "if_requant", "auto_requant_incre",
    "value_fetch_num", "quant_value_bit", "if_accumulate_importance", "if_rescale_previous_importance",
    "if_topk", "topk"};
// clang-format on

// Accepted K/Q/V bit widths (-1: not quantised).
inline constexpr std::array<int, 7> kTraceBitWidths = {-1, 4, 6, 8, 10, 12, 16};

// One (iteration, layer, head) of the trace.
struct TraceRow {
  std::uint32_t iteration = 0;         // iteration_id: generation step
  std::uint32_t layer = 0;             // layer_id
  std::uint32_t head = 0;              // head_id (surviving heads are renumbered 0..n-1 after head pruning)
  std::uint32_t head_dim = 0;          // embedding_length_D
  std::uint32_t seq_len = 0;           // sentence_length_L: tokens in the context, >= 1
  std::uint32_t keys_fetched = 0;      // key_fetch_num: keys left after token pruning, <= seq_len
  int key_bits = -1;                   // quant_key_bit: MSB width of K in DRAM, -1 = not quantised
  int query_bits = -1;                 // quant_query_bit
  double requant_threshold = -1.0;     // auto_requant_thres: -1 = progressive quantisation off
  bool requant = false;                // if_requant: K LSBs fetched and the head recomputed
  int requant_extra_bits = -1;         // auto_requant_incre: LSB bits fetched on requant, -1 = none
  std::uint32_t values_fetched = 0;    // value_fetch_num: values left after local V pruning, <= seq_len
  int value_bits = -1;                 // quant_value_bit
  bool accumulate_importance = false;  // if_accumulate_importance
  bool rescale_importance = false;     // if_rescale_previous_importance
  bool topk = false;                   // if_topk: a top-k token selection runs after this head
  std::int64_t topk_k = -1;            // topk: its k (1..seq_len), -1 when topk is false
  std::uint32_t line = 0;              // 1-based line number in the file
};

// The rows of one (iteration, layer), contiguous in PruningTrace::rows.
struct TraceRowRange {
  const TraceRow* first = nullptr;
  const TraceRow* last = nullptr;
  const TraceRow* begin() const { return first; }
  const TraceRow* end() const { return last; }
  std::size_t size() const { return static_cast<std::size_t>(last - first); }
  bool empty() const { return first == last; }
  const TraceRow& operator[](std::size_t i) const { return first[i]; }
};

struct PruningTrace {
  std::string file;              // the path it was read from
  std::string config;            // the closing config line's first field; empty when the file has none
  std::vector<TraceRow> rows;    // file order: by iteration, then layer
  std::uint32_t iterations = 0;  // max iteration_id + 1
  std::uint32_t layers = 0;      // max layer_id + 1
  std::uint32_t heads = 0;       // max head_id + 1
  std::uint32_t head_dim = 0;    // embedding_length_D (the same on every row)

  // Rows of one (iteration, layer); empty when the file has none for it. O(log groups).
  TraceRowRange rows_of(std::uint32_t iteration, std::uint32_t layer) const;
  // Number of heads recorded for one (iteration, layer): rows_of(...).size().
  std::size_t heads_in(std::uint32_t iteration, std::uint32_t layer) const;

  // One entry per (iteration, layer) present, in file order (filled by load_pruning_trace).
  struct Group {
    std::uint32_t iteration = 0;
    std::uint32_t layer = 0;
    std::size_t begin = 0;  // index into rows
    std::size_t count = 0;
  };
  std::vector<Group> groups;
};

// Reads and validates a trace file. Throws savp::common::InputError on any bad input.
PruningTrace load_pruning_trace(const std::string& path);

// Same, from text already in memory; `file` names it in error messages.
PruningTrace parse_pruning_trace(const std::string& text, const std::string& file);

}  // namespace savp::spatten
