#include "testbenches/savp/data_stats.hpp"

#include <boost/program_options.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "models/common/attention_statistics.hpp"
#include "models/common/input_error.hpp"
#include "models/common/random.hpp"
#include "models/common/workload_generator.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

namespace po = boost::program_options;
using common::AttentionStatistics;

namespace {

common::Json stats_json(const AttentionStatistics& s) {
  return {{"entropy_nats", s.entropy_nats},
          {"local_mass", s.local_mass},
          {"top8_mass", s.top8_mass},
          {"top1_mass", s.top1_mass},
          {"queries", s.queries}};
}

void print_row(const std::string& head, const AttentionStatistics& s) {
  std::printf("%-6s %12.3f %12.3f %10.3f %10.3f %9llu\n", head.c_str(), s.entropy_nats, s.local_mass,
              s.top8_mass, s.top1_mass, static_cast<unsigned long long>(s.queries));
}

}  // namespace

int cmd_data_stats(const std::vector<std::string>& args, const std::string& data_dir) {
  po::options_description opts("data-stats options");
  opts.add_options()("set", po::value<std::vector<std::string>>()->composing(), "PATH=VALUE override")(
      "json", po::bool_switch()->default_value(false), "print JSON")(
      "radius", po::value<std::uint32_t>()->default_value(4), "local mass radius in tokens")(
      "file", po::value<std::string>(), "scenario");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "savp: data-stats: " << e.what() << "\n";
    return 2;
  }
  if (!vm.count("file")) {
    std::cerr << "savp: data-stats: expected exactly one SCENARIO.json\n";
    return 2;
  }
  const std::string file = vm["file"].as<std::string>();
  const std::vector<std::string> sets =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const std::uint32_t radius = vm["radius"].as<std::uint32_t>();
  sc::Scenario s = sc::load_scenario(file, sets, data_dir);
  if (!s.tasks.empty() || s.workload.kind != common::WorkloadSpec::Kind::Attention)
    throw common::InputError(s.file, "/workload/kind",
                             "data-stats characterises an attention workload's Q and K; this scenario's "
                             "workload is not one (tasks, gemm, traffic and model workloads are not)");
  const common::WorkloadSpec& w = s.workload;
  if (w.source == "trace")
    throw common::InputError(s.file, "/workload/data/source",
                             "a pruning trace holds an engine's recorded decisions, not Q and K data");
  // The plan's checks (and its .npy loading, which sets seq_len from the files' shapes).
  const JobPlan plan = make_plan(s);
  std::shared_ptr<common::NpyWorkload> npy = plan.npy;
  if (w.source == "npy" && !npy)  // a timing-only plan keeps no values
    npy = std::make_shared<common::NpyWorkload>(common::load_npy_workload(w, s.file));
  const std::uint64_t L = w.seq_len;
  const double scale = w.effective_softmax_scale();
  std::vector<AttentionStatistics> by_head(w.heads);
  AttentionStatistics all;
  for (std::uint64_t b = 0; b < w.batch; ++b) {
    for (std::uint64_t l = 0; l < w.layers; ++l) {
      for (std::uint64_t h = 0; h < w.heads; ++h) {
        // The run's data: the index and seed every host derives for (batch, layer, head).
        const std::uint64_t index = (b * w.layers + l) * w.heads + h;
        const common::QkvData d = npy ? npy->head(index)
                                      : common::generate_qkv(w.synthetic, L, w.head_dim, w.value_dim,
                                                             common::derive_seed(s.seed, b, l, h));
        const AttentionStatistics st = common::attention_statistics(d.q, d.k, w.pattern, scale, radius);
        by_head[h].merge(st);
        all.merge(st);
      }
    }
  }
  if (vm["json"].as<bool>()) {
    common::Json j;
    j["scenario"] = s.id;
    j["source"] = w.source;
    j["seq_len"] = L;
    j["local_radius"] = radius;
    j["all"] = stats_json(all);
    j["heads"] = common::Json::array();
    for (const auto& h : by_head) j["heads"].push_back(stats_json(h));
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s: %s data, %llu x %llu x %llu heads of %llu tokens, pattern %s, scale %.4g\n", s.id.c_str(),
              w.source.c_str(), static_cast<unsigned long long>(w.batch),
              static_cast<unsigned long long>(w.layers), static_cast<unsigned long long>(w.heads),
              static_cast<unsigned long long>(L), w.pattern.describe().c_str(), scale);
  std::printf("%-6s %12s %12s %10s %10s %9s\n", "head", "entropy_nats", "local_mass", "top8_mass",
              "top1_mass", "queries");
  for (std::size_t h = 0; h < by_head.size(); ++h) print_row(std::to_string(h), by_head[h]);
  print_row("all", all);
  std::printf(
      "local_mass: keys within +-%u tokens; means over queries (batch elements and layers pooled per "
      "head); uniform attention over n keys has entropy ln(n) = %.3f nats for n = %llu\n",
      radius, std::log(static_cast<double>(L)), static_cast<unsigned long long>(L));
  return 0;
}

}  // namespace savp::tb
