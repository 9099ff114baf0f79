// Fake scenario and results: hand-made, so the outputs tests need no loader or engine.
#include "fake_results.hpp"

#include <unistd.h>

#include <cmath>
#include <limits>

#include "outputs/results_integrity.hpp"

namespace cxsim::testing {

Scenario fake_scenario() {
  Scenario s;
  s.file = "fake.yaml";
  s.name = "fake-results";
  s.horizon_months = 4;
  s.replications = 5;
  s.seed = 42;
  s.agents = 200;
  s.population = 10000;
  s.zero_defect_counterfactual = true;
  s.segments = {{"consumer", 0.7, 0.1, false, std::nullopt},
                {"business", 0.3, 0.2, true, std::nullopt}};
  s.touchpoints = {{"call_centre"}, {"web"}};
  s.roadmaps = {{"baseline", {}}, {"chatbot", {}}, {"redesign", {}}};
  s.baseline = 0;
  s.layout = ParamLayout(2, 2);
  for (int i = 0; i < s.layout.model_count(); ++i) {
    s.slots.push_back(Slot{"slot" + std::to_string(i), Distribution::constant(1.0)});
  }
  s.slots[s.layout.segment(0, SegmentParam::price)] =
      Slot{"segments.consumer.revenue.price", Distribution{DistributionKind::normal, 30.0, 2.0, 0}};
  s.slots.push_back(Slot{"initiatives.chatbot.effects.touchpoints.*.failure_rate#2",
                         Distribution{DistributionKind::triangular, 0.8, 0.9, 1.0}});
  s.resolved_yaml = "name: fake-results\nhorizon_months: 4\nreplications: 5\nseed: 42\n";
  return s;
}

double fake_summary(SummaryMetric m, int roadmap, std::int64_t replication) {
  const auto k = static_cast<int>(m);
  // Payback never reached for the baseline and in every third replication.
  if (m == SummaryMetric::payback_month && (roadmap == 0 || replication % 3 == 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (m == SummaryMetric::roi && roadmap == 0) return std::numeric_limits<double>::quiet_NaN();
  return 1e6 * (roadmap + 1) + 1000.0 * k + 37.5 * static_cast<double>(replication * replication) -
         11.0 * static_cast<double>(replication);
}

ReplicationResult fake_result(const Scenario& s, std::int64_t replication) {
  ReplicationResult r;
  r.replication = replication;
  const int T = s.horizon_months;
  const int S = static_cast<int>(s.segments.size());
  const int K = static_cast<int>(s.touchpoints.size());
  const auto rep = static_cast<double>(replication);
  for (int i = 0; i < static_cast<int>(s.roadmaps.size()); ++i) {
    RoadmapRun run(T, S, K);
    RoadmapRun zd(T, S, K);
    for (int m = 0; m < kMetrics; ++m) {
      for (int t = 1; t <= T; ++t) {
        run.at(static_cast<Metric>(m), t) = 1e4 * rep + 1e3 * i + 10.0 * m + t + 0.25;
        zd.at(static_cast<Metric>(m), t) = -(1e4 * rep + 1e3 * i + 10.0 * m + t);
      }
    }
    for (int m = 0; m < kSegmentMetrics; ++m) {
      for (int t = 1; t <= T; ++t) {
        for (int seg = 0; seg < S; ++seg) {
          run.at(static_cast<SegmentMetric>(m), t, seg) =
              1e5 * rep + 1e4 * i + 100.0 * m + 10.0 * t + seg;
        }
      }
    }
    for (int m = 0; m < kTouchpointMetrics; ++m) {
      for (int t = 1; t <= T; ++t) {
        for (int k = 0; k < K; ++k) {
          run.at(static_cast<TouchpointMetric>(m), t, k) =
              2e5 * rep + 2e4 * i + 200.0 * m + 20.0 * t + k;
        }
      }
    }
    for (int m = 0; m < kSummaryMetrics; ++m) {
      run.at(static_cast<SummaryMetric>(m)) =
          fake_summary(static_cast<SummaryMetric>(m), i, replication);
      zd.at(static_cast<SummaryMetric>(m)) =
          -fake_summary(static_cast<SummaryMetric>(m), i, replication);
    }
    r.roadmaps.push_back(std::move(run));
    r.zero_defect.push_back(std::move(zd));
  }
  r.parameters = {30.0 + 0.5 * rep, 0.8 + 0.01 * rep};
  return r;
}

TempDir::TempDir(const std::string& name)
    : path_(std::filesystem::temp_directory_path() /
            ("cxsim_outputs_" + std::to_string(getpid()) + "_" + name)) {
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;  // never throw from a destructor; a leftover temp dir is harmless
  std::filesystem::remove_all(path_, ec);
}

std::string read_back_verdict(const std::filesystem::path& file) {
  try {
    verify_results_file(file);
    return "whole";
  } catch (const DamagedFile& e) {
    return e.what();
  }
}

}  // namespace cxsim::testing
