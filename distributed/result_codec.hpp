// Turns a ReplicationResult (or the replications of one experiment point) into a flat byte
// buffer and back, bit for bit, so that a rank can send it to the rank that writes the file.
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

// Several results in one buffer (an experiment point's replications, in order), each as
// encode_result writes it.
std::vector<std::byte> encode_results(std::span<const ReplicationResult> results);

// The inverse of encode_results, with the same checks for each result.
std::vector<ReplicationResult> decode_results(std::span<const std::byte> bytes);

}  // namespace cxsim
