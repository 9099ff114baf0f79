// Turns a ReplicationResult into a flat byte buffer and back, bit for bit, so that a rank can
// send it to the rank that writes the results file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/metrics.hpp"

namespace cxsim {

// Native byte order and IEEE doubles copied as they are (NaN payloads included): every rank of
// a job must run on the same architecture, which MPI jobs on one cluster do.
std::vector<std::byte> encode_result(const ReplicationResult& result);

// The inverse of encode_result; IoError when the buffer is truncated, too long or inconsistent.
ReplicationResult decode_result(std::span<const std::byte> bytes);

}  // namespace cxsim
