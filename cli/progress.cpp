// Rendering of run progress: replications done, rate and time left.
#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

namespace cxsim::cli {

Progress::Progress(std::int64_t total, std::int64_t already, Style style, std::FILE* out,
                   int runs_per_replication)
    : total_(total),
      done_(already),
      runs_per_replication_(runs_per_replication),
      style_(style),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  if (style_ == Style::bar) draw(false);
}

Progress::Style Progress::style_for(bool quiet) {
  if (quiet) return Style::quiet;
  return isatty(STDERR_FILENO) ? Style::bar : Style::lines;
}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

void Progress::advance() {
  ++done_;
  ++done_here_;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  // A terminal redraws often; a log gets a line every 10 seconds and at the end.
  const double interval = style_ == Style::bar ? 0.1 : 10.0;
  if (since >= interval || done_ == total_) draw(false);
}

void Progress::finish() {
  if (style_ == Style::bar) draw(true);
}

void Progress::draw(bool final_line) {
  if (style_ == Style::quiet) return;
  last_draw_ = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();
  const double rate = elapsed > 0 ? done_here_ / elapsed : 0.0;
  const double left = rate > 0 ? (total_ - done_) / rate : NAN;
  const double fraction = total_ > 0 ? static_cast<double>(done_) / total_ : 1.0;
  const std::string runs = runs_per_replication_ > 1
                               ? fmt::format(" ({}/{} roadmap runs)", done_ * runs_per_replication_,
                                             total_ * runs_per_replication_)
                               : std::string();
  const std::string stats =
      fmt::format("{}/{} replications{}  {:.1f}/s  elapsed {}  left {}", done_, total_, runs, rate,
                  format_duration(elapsed), done_ == total_ ? "0s" : format_duration(left));
  if (style_ == Style::bar) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    fmt::print(out_, "\r[{}{}] {:3.0f}%  {}\033[K", std::string(filled, '#'),
               std::string(kWidth - filled, '.'), 100 * fraction, stats);
    if (final_line) fmt::print(out_, "\n");
  } else {
    fmt::print(out_, "progress: {:.0f}%  {}\n", 100 * fraction, stats);
  }
  std::fflush(out_);
}

}  // namespace cxsim::cli
