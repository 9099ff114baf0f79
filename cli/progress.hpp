// Progress of a long run: a live bar on a terminal, plain periodic lines otherwise, or nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace cxsim::cli {

class Progress {
 public:
  enum class Style { bar, lines, quiet };

  // `already` replications were done before this process (a resumed run). Each replication is
  // `runs_per_replication` roadmap runs (roadmaps, zero-defect counterfactuals and per-touchpoint
  // twins); more than one shows the runs too.
  Progress(std::int64_t total, std::int64_t already, Style style, std::FILE* out = stderr,
           int runs_per_replication = 1);

  // One more replication finished.
  void advance();
  // Replications finished by this process.
  std::int64_t done_here() const { return done_here_; }
  // Ends the bar's line.
  void finish();

  // The bar on a terminal, plain lines when stderr is not one, nothing when quiet.
  static Style style_for(bool quiet);
  // "2m05s", "1h02m", "45s"
  static std::string format_duration(double seconds);

 private:
  void draw(bool final_line);

  std::int64_t total_;
  std::int64_t done_;
  std::int64_t done_here_ = 0;
  int runs_per_replication_ = 1;
  Style style_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace cxsim::cli
