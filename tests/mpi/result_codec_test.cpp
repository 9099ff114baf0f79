// The replication message codec: bit-exact round trips (NaN payloads, -0.0, infinities) of one
// result and of an experiment point's results, and rejection of truncated or malformed messages.
#include "distributed/result_codec.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/core/errors.hpp"

namespace cxsim {
namespace {

// Every value differs, and the special ones (signalling-style NaN payload, -0.0, inf) show up.
RoadmapRun patterned_run(int months, int segments, int touchpoints, double offset) {
  RoadmapRun run(months, segments, touchpoints);
  double v = offset;
  for (auto* values : {&run.timeseries, &run.by_segment, &run.by_touchpoint}) {
    for (double& x : *values) x = (v += 0.37);
  }
  for (double& x : run.summary) x = (v += 1.5);
  run.timeseries[0] = std::bit_cast<double>(std::uint64_t{0x7ff8dead0000beefULL});
  run.timeseries[1] = -0.0;
  run.summary[2] = std::numeric_limits<double>::infinity();
  run.summary[3] = std::numeric_limits<double>::quiet_NaN();
  return run;
}

ReplicationResult sample(bool zero_defect) {
  ReplicationResult r;
  r.replication = 4242;
  for (int i = 0; i < 3; ++i) r.roadmaps.push_back(patterned_run(5, 2, 3, 100.0 * i));
  if (zero_defect) {
    for (int i = 0; i < 3; ++i) r.zero_defect.push_back(patterned_run(5, 2, 3, -100.0 * i));
    // Per-touchpoint twins: [touchpoint][roadmap], 3 touchpoints of 3 roadmaps.
    r.touchpoint_twins.resize(3);
    for (int k = 0; k < 3; ++k) {
      for (int i = 0; i < 3; ++i) {
        r.touchpoint_twins[k].push_back(patterned_run(5, 2, 3, 1000.0 * (k + 1) + 10.0 * i));
      }
    }
  }
  r.parameters = {0.25, -1.0, 1e300};
  return r;
}

void expect_bits_equal(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0);
}

void expect_same(const std::vector<RoadmapRun>& a, const std::vector<RoadmapRun>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].months, b[i].months);
    EXPECT_EQ(a[i].segments, b[i].segments);
    EXPECT_EQ(a[i].touchpoints, b[i].touchpoints);
    expect_bits_equal(a[i].timeseries, b[i].timeseries);
    expect_bits_equal(a[i].by_segment, b[i].by_segment);
    expect_bits_equal(a[i].by_touchpoint, b[i].by_touchpoint);
    EXPECT_EQ(std::memcmp(a[i].summary.data(), b[i].summary.data(), sizeof(a[i].summary)), 0);
  }
}

TEST(ResultCodec, RoundTripIsBitExact) {
  for (bool zero_defect : {false, true}) {
    const ReplicationResult r = sample(zero_defect);
    const ReplicationResult back = decode_result(encode_result(r));
    EXPECT_EQ(back.replication, r.replication);
    expect_same(back.roadmaps, r.roadmaps);
    expect_same(back.zero_defect, r.zero_defect);
    ASSERT_EQ(back.touchpoint_twins.size(), r.touchpoint_twins.size());
    for (std::size_t k = 0; k < r.touchpoint_twins.size(); ++k) {
      expect_same(back.touchpoint_twins[k], r.touchpoint_twins[k]);
    }
    expect_bits_equal(back.parameters, r.parameters);
  }
}

TEST(ResultCodec, EmptyResultRoundTrips) {
  const ReplicationResult back = decode_result(encode_result(ReplicationResult{}));
  EXPECT_EQ(back.replication, 0);
  EXPECT_TRUE(back.roadmaps.empty());
  EXPECT_TRUE(back.parameters.empty());
}

TEST(ResultCodec, RejectsEveryTruncation) {
  const auto bytes = encode_result(sample(true));
  for (std::size_t n = 0; n < bytes.size(); n += 7) {
    EXPECT_THROW(decode_result(std::span(bytes).first(n)), IoError) << "length " << n;
  }
}

TEST(ResultCodec, RejectsTrailingBytesAndBadMagic) {
  auto bytes = encode_result(sample(false));
  auto longer = bytes;
  longer.push_back(std::byte{0});
  EXPECT_THROW(decode_result(longer), IoError);
  bytes[0] = std::byte{0};
  EXPECT_THROW(decode_result(bytes), IoError);
}

TEST(ResultCodec, RejectsAShapeThatDoesNotMatchItsValues) {
  ReplicationResult r = sample(false);
  r.roadmaps[1].timeseries.pop_back();
  EXPECT_THROW(decode_result(encode_result(r)), IoError);
}

TEST(ResultsCodec, APointsReplicationsRoundTripInOrder) {
  std::vector<ReplicationResult> point;
  for (int r = 0; r < 3; ++r) {
    point.push_back(sample(r == 1));
    point.back().replication = r;
  }
  // As an experiment point sends them: no by-segment or by-touchpoint rows.
  point[2].roadmaps[0] = RoadmapRun(5, 0, 0);
  const std::vector<ReplicationResult> back = decode_results(encode_results(point));
  ASSERT_EQ(back.size(), point.size());
  for (std::size_t r = 0; r < point.size(); ++r) {
    EXPECT_EQ(back[r].replication, static_cast<std::int64_t>(r));
    expect_same(back[r].roadmaps, point[r].roadmaps);
    expect_same(back[r].zero_defect, point[r].zero_defect);
    expect_bits_equal(back[r].parameters, point[r].parameters);
  }
  EXPECT_TRUE(decode_results(encode_results({})).empty());
}

TEST(ResultsCodec, RejectsTruncationsTrailingBytesAndASingleResult) {
  const std::vector<ReplicationResult> point{sample(false), sample(true)};
  const auto bytes = encode_results(point);
  for (std::size_t n = 0; n < bytes.size(); n += 11) {
    EXPECT_THROW(decode_results(std::span(bytes).first(n)), IoError) << "length " << n;
  }
  auto longer = bytes;
  longer.push_back(std::byte{0});
  EXPECT_THROW(decode_results(longer), IoError);
  EXPECT_THROW(decode_results(encode_result(point[0])), IoError);
  EXPECT_THROW(decode_result(bytes), IoError);
}

}  // namespace
}  // namespace cxsim
