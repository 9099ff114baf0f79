// Layout: a magic word, the replication, counts, then each roadmap run's shape and values (the
// roadmaps, the zero-defect runs, then the per-touchpoint twins touchpoint by touchpoint), then
// the parameter values; all fixed-width, so decoding can check every length before reading.
#include "distributed/result_codec.hpp"

#include <fmt/format.h>

#include <cstring>
#include <string_view>

#include "engine/core/errors.hpp"

namespace cxsim {

namespace {

constexpr std::uint32_t kMagic = 0x43585232;         // "CXR2": with per-touchpoint twins
constexpr std::uint32_t kResultsMagic = 0x43585331;  // "CXS1": a count, then sized results

class Writer {
 public:
  template <typename T>
  void put(T value) {
    const auto* p = reinterpret_cast<const std::byte*>(&value);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void put_doubles(std::span<const double> values) {
    put(static_cast<std::uint64_t>(values.size()));
    const auto* p = reinterpret_cast<const std::byte*>(values.data());
    out_.insert(out_.end(), p, p + values.size_bytes());
  }
  std::vector<std::byte> take() { return std::move(out_); }
  void reserve(std::size_t n) { out_.reserve(n); }
  void append(std::span<const std::byte> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }

 private:
  std::vector<std::byte> out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) : in_(in) {}
  template <typename T>
  T get(std::string_view what) {
    T value;
    need(sizeof(T), what);
    std::memcpy(&value, in_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  // expected < 0: any count.
  void get_doubles(std::vector<double>& into, std::int64_t expected, std::string_view what) {
    const auto n = get<std::uint64_t>(what);
    if (expected >= 0 && n != static_cast<std::uint64_t>(expected)) {
      throw IoError(
          fmt::format("replication message: {} has {} values, expected {}", what, n, expected));
    }
    if (n > (in_.size() - at_) / sizeof(double)) need(in_.size() - at_ + 1, what);
    into.resize(n);
    if (n > 0) std::memcpy(into.data(), in_.data() + at_, n * sizeof(double));
    at_ += n * sizeof(double);
  }
  // The next n bytes, as they are.
  std::span<const std::byte> get_bytes(std::uint64_t n, std::string_view what) {
    if (n > in_.size() - at_) need(in_.size() - at_ + 1, what);
    const auto bytes = in_.subspan(at_, static_cast<std::size_t>(n));
    at_ += static_cast<std::size_t>(n);
    return bytes;
  }
  bool at_end() const { return at_ == in_.size(); }

 private:
  void need(std::size_t n, std::string_view what) const {
    if (in_.size() - at_ < n) {
      throw IoError(fmt::format("replication message: truncated while reading {} ({} of {} bytes)",
                                what, at_, in_.size()));
    }
  }
  std::span<const std::byte> in_;
  std::size_t at_ = 0;
};

void put_runs(Writer& w, const std::vector<RoadmapRun>& runs) {
  w.put(static_cast<std::uint32_t>(runs.size()));
  for (const RoadmapRun& run : runs) {
    w.put(static_cast<std::int32_t>(run.months));
    w.put(static_cast<std::int32_t>(run.segments));
    w.put(static_cast<std::int32_t>(run.touchpoints));
    w.put_doubles(run.timeseries);
    w.put_doubles(run.by_segment);
    w.put_doubles(run.by_touchpoint);
    w.put_doubles(run.summary);
  }
}

std::vector<RoadmapRun> get_runs(Reader& r, std::string_view what) {
  const auto n = r.get<std::uint32_t>(what);
  std::vector<RoadmapRun> runs;
  runs.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    RoadmapRun run;
    run.months = r.get<std::int32_t>(what);
    run.segments = r.get<std::int32_t>(what);
    run.touchpoints = r.get<std::int32_t>(what);
    if (run.months < 0 || run.segments < 0 || run.touchpoints < 0) {
      throw IoError(fmt::format("replication message: {} has a negative dimension", what));
    }
    const auto months = static_cast<std::int64_t>(run.months);
    r.get_doubles(run.timeseries, kMetrics * months, what);
    r.get_doubles(run.by_segment, kSegmentMetrics * months * run.segments, what);
    r.get_doubles(run.by_touchpoint, kTouchpointMetrics * months * run.touchpoints, what);
    std::vector<double> summary;
    r.get_doubles(summary, kSummaryMetrics, what);
    std::copy(summary.begin(), summary.end(), run.summary.begin());
    runs.push_back(std::move(run));
  }
  return runs;
}

std::size_t runs_bytes(const std::vector<RoadmapRun>& runs) {
  std::size_t n = 4;
  for (const RoadmapRun& run : runs) {
    n += 12 + 4 * 8 +
         8 * (run.timeseries.size() + run.by_segment.size() + run.by_touchpoint.size() +
              run.summary.size());
  }
  return n;
}

}  // namespace

std::vector<std::byte> encode_result(const ReplicationResult& result) {
  Writer w;
  std::size_t twins_bytes = 4;
  for (const auto& twins : result.touchpoint_twins) twins_bytes += runs_bytes(twins);
  w.reserve(4 + 8 + runs_bytes(result.roadmaps) + runs_bytes(result.zero_defect) + twins_bytes + 8 +
            8 * result.parameters.size());
  w.put(kMagic);
  w.put(static_cast<std::int64_t>(result.replication));
  put_runs(w, result.roadmaps);
  put_runs(w, result.zero_defect);
  w.put(static_cast<std::uint32_t>(result.touchpoint_twins.size()));
  for (const auto& twins : result.touchpoint_twins) put_runs(w, twins);
  w.put_doubles(result.parameters);
  return w.take();
}

ReplicationResult decode_result(std::span<const std::byte> bytes) {
  Reader r(bytes);
  if (r.get<std::uint32_t>("the header") != kMagic) {
    throw IoError("replication message: not a cxsim replication result (bad magic word)");
  }
  ReplicationResult result;
  result.replication = r.get<std::int64_t>("the replication index");
  result.roadmaps = get_runs(r, "the roadmap results");
  result.zero_defect = get_runs(r, "the zero-defect results");
  const auto touchpoints = r.get<std::uint32_t>("the per-touchpoint twin count");
  for (std::uint32_t k = 0; k < touchpoints; ++k) {
    result.touchpoint_twins.push_back(get_runs(r, "the per-touchpoint twins"));
  }
  r.get_doubles(result.parameters, -1, "the parameter values");
  if (!r.at_end()) {
    throw IoError(
        fmt::format("replication message for replication {}: trailing bytes", result.replication));
  }
  return result;
}

std::vector<std::byte> encode_results(std::span<const ReplicationResult> results) {
  std::vector<std::vector<std::byte>> each;
  each.reserve(results.size());
  std::size_t total = 4 + 8;
  for (const ReplicationResult& result : results) {
    each.push_back(encode_result(result));
    total += 8 + each.back().size();
  }
  Writer w;
  w.reserve(total);
  w.put(kResultsMagic);
  w.put(static_cast<std::uint64_t>(each.size()));
  for (const auto& bytes : each) {
    w.put(static_cast<std::uint64_t>(bytes.size()));
    w.append(bytes);
  }
  return w.take();
}

std::vector<ReplicationResult> decode_results(std::span<const std::byte> bytes) {
  Reader r(bytes);
  if (r.get<std::uint32_t>("the header") != kResultsMagic) {
    throw IoError("results message: not a list of cxsim replication results (bad magic word)");
  }
  const auto n = r.get<std::uint64_t>("the result count");
  // Each result takes more than 8 bytes: a count beyond that is a damaged message.
  if (n > bytes.size() / 8) {
    throw IoError(
        fmt::format("results message: {} results cannot fit in {} bytes", n, bytes.size()));
  }
  std::vector<ReplicationResult> results;
  results.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto size = r.get<std::uint64_t>("a result's size");
    results.push_back(decode_result(r.get_bytes(size, "a result")));
  }
  if (!r.at_end()) throw IoError("results message: trailing bytes");
  return results;
}

}  // namespace cxsim
