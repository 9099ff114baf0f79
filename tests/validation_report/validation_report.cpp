// Runs every MODEL.md s.7 case at report size and writes the results as JSON for
// scripts/validate-model, which draws the curves and writes docs/validation.md.
// Usage: validation_report SOURCE_DIR OUT.json [SCALE] [THREADS]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "engine/core/json_string.hpp"
#include "validation_cases.hpp"

namespace cxsim::validation {
namespace {

std::string json_number(double x) {
  if (std::isnan(x) || std::isinf(x)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string json_numbers(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + json_number(v[i]);
  return out + "]";
}

void write_check(std::ostream& out, const Check& c) {
  out << "{\"label\":" << json_quoted(c.label) << ",\"expected\":" << json_number(c.expected)
      << ",\"simulated\":" << json_number(c.simulated) << ",\"se\":" << json_number(c.se)
      << ",\"z\":" << json_number(c.z()) << ",\"k\":" << json_number(c.k)
      << ",\"slack\":" << json_number(c.slack) << ",\"sense\":" << json_quoted(to_string(c.sense))
      << ",\"passed\":" << (c.passed() ? "true" : "false") << "}";
}

void write_case(std::ostream& out, const CaseResult& r, double seconds) {
  out << "{\"name\":" << json_quoted(r.name) << ",\"scenario\":" << json_quoted(r.scenario)
      << ",\"seconds\":" << json_number(seconds) << ",\"claims\":[";
  for (std::size_t i = 0; i < r.claims.size(); ++i) {
    const Claim& c = r.claims[i];
    std::size_t passed = 0;
    for (const Check& k : c.checks) passed += k.passed() ? 1 : 0;
    out << (i ? "," : "") << "{\"name\":" << json_quoted(c.name)
        << ",\"se_source\":" << json_quoted(c.se_source)
        << ",\"negative_control\":" << (c.negative_control ? "true" : "false")
        << ",\"passed\":" << (c.passed() ? "true" : "false") << ",\"checks\":" << c.checks.size()
        << ",\"checks_passed\":" << passed << ",\"worst\":";
    write_check(out, c.worst());
    out << "}";
  }
  out << "],\"curves\":[";
  for (std::size_t i = 0; i < r.curves.size(); ++i) {
    const Curve& c = r.curves[i];
    out << (i ? "," : "") << "{\"file\":" << json_quoted(c.file)
        << ",\"title\":" << json_quoted(c.title) << ",\"x_label\":" << json_quoted(c.x_label)
        << ",\"y_label\":" << json_quoted(c.y_label) << ",\"x\":" << json_numbers(c.x)
        << ",\"series\":[";
    for (std::size_t s = 0; s < c.names.size(); ++s) {
      out << (s ? "," : "") << "{\"name\":" << json_quoted(c.names[s])
          << ",\"y\":" << json_numbers(c.y[s])
          << ",\"se\":" << json_numbers(s < c.y_se.size() ? c.y_se[s] : std::vector<double>{})
          << "}";
    }
    out << "]}";
  }
  out << "]}";
}

}  // namespace
}  // namespace cxsim::validation

int main(int argc, char** argv) {
  using namespace cxsim::validation;
  if (argc < 3) {
    std::cerr << "usage: validation_report SOURCE_DIR OUT.json [SCALE] [THREADS]\n";
    return 2;
  }
  Options o;
  o.source_dir = argv[1];
  o.scale = argc > 3 ? std::atoi(argv[3]) : 5;
  o.threads = argc > 4 ? std::atoi(argv[4]) : 0;
  using Case = CaseResult (*)(const Options&);
  const std::vector<std::pair<std::string, Case>> cases{
      {"bass_sfl", [](const Options& x) { return bass_mean_field(x, "bass_complete_sfl.yaml"); }},
      {"bass_fast", [](const Options& x) { return bass_mean_field(x, "bass_complete_fast.yaml"); }},
      {"bass_networks", bass_networks},
      {"retention", [](const Options& x) { return retention(x, "retention.yaml"); }},
      {"retention_recovered",
       [](const Options& x) { return retention(x, "retention_recovered_failures.yaml"); }},
      {"clv", clv},
      {"clv_gupta_lehmann", clv_gupta_lehmann},
      {"ltv", ltv_transactional},
      {"heterogeneity", heterogeneity_sbg},
      {"asymmetry", satisfaction_asymmetry},
      {"price", price_loss_aversion},
      {"crn", crn_identical_roadmap},
      {"threads", thread_independence},
      {"direction", failure_direction}};
  std::ofstream out(argv[2]);
  out << "{\"scale\":" << o.scale << ",\"cases\":[";
  int failures = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    const CaseResult r = cases[i].second(o);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const Claim& c : r.claims) failures += c.passed() == c.negative_control ? 1 : 0;
    std::cerr << cases[i].first << ": " << seconds << " s\n";
    out << (i ? "," : "");
    write_case(out, r, seconds);
  }
  out << "]}\n";
  std::cerr << (failures ? "FAILED: " : "all claims hold, all controls rejected: ") << failures
            << " unexpected outcome(s)\n";
  return failures ? 1 : 0;
}
