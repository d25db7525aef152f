// ModelRunner: the host of a "model" workload (model_plan.hpp). One lane per accelerator the model
// uses (its own initiator socket, its own SystemC thread) takes ready jobs of its kind (linear or
// attention) in a fixed order, the lowest (stage, job) first; a stage becomes ready when the stages
// it reads from (ModelStage::after) have finished, so with micro-batches one micro-batch's GEMMs run
// on the linear accelerator while another's attention runs on the attention accelerators. With numerics on,
// the host keeps every activation the engines wrote, and before a stage loads each job's inputs into its
// operand regions in the engine's format through the debug interface (the producer's write stage converting
// to the consumer's format: zero simulated time, not engine traffic; the timed traffic is each job reading
// its inputs and writing its outputs); after a job it reads the output back. The hidden state after every
// layer is compared with a double-precision reference of the whole model (models/common/model_reference.hpp).
// With numerics off no operand byte is generated, loaded or read: the jobs run timing-only.
#pragma once

#include <systemc>
#include <tlm>

#include <future>
#include <memory>
#include <set>
#include <vector>

#include "models/common/accuracy.hpp"
#include "models/common/model_reference.hpp"
#include "models/common/model_weights.hpp"
#include "testbenches/savp/model_plan.hpp"
#include "tlm/core/initiator_port.hpp"

namespace savp::tb {

// What one job did: where its accelerator recorded it.
struct ModelJobRun {
  std::size_t pass = 0, stage = 0, job = 0;
  std::uint32_t accelerator = 0;
  std::size_t record = 0;  // index into the accelerator's job records
  std::uint64_t status = 0;
};

struct ModelStageTimes {
  sc_core::sc_time start, end;
  bool done = false;
};

class ModelLane : public sc_core::sc_module {
 public:
  tlm::tlm_initiator_socket<> init_socket;
  sc_core::sc_vector<sc_core::sc_in<bool>> irq;
  ModelLane(sc_core::sc_module_name name, std::size_t accelerators);
  sc::InitiatorPort& port() { return port_; }

 private:
  sc::InitiatorPort port_;
};

class ModelRunner : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ModelRunner);
  // record_count(a): the number of job records accelerator a holds (before a job starts).
  ModelRunner(sc_core::sc_module_name name, const sc::Scenario& scenario, const ModelPlan& plan,
              std::uint64_t csr_base_0, std::uint64_t csr_stride,
              std::function<std::size_t(std::uint32_t)> record_count);

  const std::vector<std::unique_ptr<ModelLane>>& lanes() const { return lanes_; }
  const std::vector<ModelJobRun>& runs() const { return runs_; }
  const std::vector<std::vector<ModelStageTimes>>& stage_times() const { return times_; }
  // Per layer: the hidden state after it against the reference, over every pass (numerics on).
  const std::vector<common::AccuracyAccumulator>& layer_accuracy() const { return layer_acc_; }
  const common::AccuracyAccumulator& final_accuracy() const { return final_acc_; }
  const std::string& error() const { return error_; }
  bool finished() const { return finished_; }

 private:
  void control();
  void run_pass(std::size_t p);
  void release(std::size_t stage);
  void lane(std::size_t k);
  void load_weights_and_cache();
  void stage_inputs(const ModelStage& st);
  void read_output(ModelLane& lane, const ModelPass& pass, const ModelStage& st, const ModelJob& j);
  void end_of_layer(std::size_t pass, std::uint64_t layer, std::uint64_t micro_batch);
  // The host rows (sequence-major, the pass's tokens each) of micro-batch mb: first and count.
  std::size_t first_row(std::uint64_t mb, std::uint64_t tokens) const;
  std::size_t micro_rows(std::uint64_t tokens) const;
  // Packs host values into memory at addr in a bus format; returns the scale (INT formats).
  double load(ModelLane& lane, std::uint64_t addr, const common::MatrixD& m, common::ElemFormat fmt,
              int bits);
  common::MatrixD fetch(ModelLane& lane, std::uint64_t addr, std::size_t rows, std::size_t cols,
                        common::ElemFormat fmt);
  common::MatrixD& tensor(ModelTensor t) { return tensors_[static_cast<int>(t)]; }
  common::MatrixD& cache(std::uint64_t layer, std::uint64_t seq, std::uint64_t head, int kv);

  const sc::Scenario& scenario_;
  const ModelPlan& plan_;
  const common::ModelWorkload& w_;
  std::uint64_t csr_base_0_, csr_stride_;
  std::function<std::size_t(std::uint32_t)> record_count_;
  bool numerics_ = true;
  common::ElemFormat lin_fmt_, att_fmt_;
  int lin_bits_ = 8, att_bits_ = 8;
  std::vector<std::uint32_t> lane_acc_;  // accelerator of each lane (lane 0: the linear one)
  std::vector<std::unique_ptr<ModelLane>> lanes_;
  std::vector<std::size_t> attention_lanes_;
  // The current pass: the ready jobs by (stage, job), [0] linear and [1] attention; per stage the
  // jobs not yet finished, the stages it still waits for and the ones waiting for it; the stages
  // finished since control last looked; the events that wake the lanes and control.
  const ModelPass* pass_ = nullptr;
  std::size_t pass_index_ = 0;
  std::set<std::pair<std::size_t, std::size_t>> ready_[2];
  std::vector<std::size_t> jobs_left_, deps_left_, finished_stages_;
  std::vector<std::vector<std::size_t>> dependents_;
  sc_core::sc_event work_, stage_done_;
  bool stop_ = false;
  // Numerics.
  std::shared_ptr<const common::ModelWeights> weights_;
  std::unique_ptr<common::ModelReference> reference_;
  common::MatrixD inputs_;  // every token's embedding: batch x final tokens rows
  common::MatrixD tensors_[static_cast<int>(ModelTensor::Count)];
  std::vector<common::MatrixD> cache_;  // [layer][seq][kv head][K, V]
  std::future<std::vector<common::MatrixD>> pass_reference_;
  std::vector<common::MatrixD> pass_reference_layers_;
  bool have_pass_reference_ = false;
  std::vector<common::AccuracyAccumulator> layer_acc_;
  common::AccuracyAccumulator final_acc_;
  // Results.
  std::vector<ModelJobRun> runs_;
  std::vector<std::vector<ModelStageTimes>> times_;
  std::string error_;
  bool finished_ = false;
};

}  // namespace savp::tb
