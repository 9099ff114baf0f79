// What the calibration tests read from a calibration file: a dataset's values, and the weighted
// 90% interval of one parameter of the posterior particles, computed here independently of the
// engine's own quantiles.
#pragma once

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "shell.hpp"

namespace cxsim::testing {

// Values of a dataset, flattened, read with h5py (repr round-trips doubles exactly).
inline std::vector<double> read_dataset(const std::string& file, const std::string& dataset) {
  const Output o =
      sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
         "for x in h5py.File(sys.argv[1], 'r')[sys.argv[2]][()].ravel(): "
         "print(repr(float(x)))\" " +
         file + " " + dataset);
  std::vector<double> out;
  std::istringstream in(o.text);
  std::string line;
  while (std::getline(in, line)) out.push_back(std::stod(line));
  return out;
}

// The 5% and 95% points of parameter i of particles [particle][parameter] under weights: the
// first particles, in order of value, whose cumulative weight reaches 0.05 and 0.95.
inline std::pair<double, double> weighted_90_interval(const std::vector<double>& particles,
                                                      const std::vector<double>& weights,
                                                      std::size_t i) {
  const std::size_t K = particles.size() / weights.size();
  std::vector<std::pair<double, double>> xw;
  for (std::size_t j = 0; j < weights.size(); ++j)
    xw.emplace_back(particles[j * K + i], weights[j]);
  std::sort(xw.begin(), xw.end());
  double cum = 0, lo = xw.front().first, hi = xw.back().first;
  bool lo_set = false;
  for (const auto& [x, wt] : xw) {
    cum += wt;
    if (!lo_set && cum >= 0.05) {
      lo = x;
      lo_set = true;
    }
    if (cum >= 0.95) {
      hi = x;
      break;
    }
  }
  return {lo, hi};
}

}  // namespace cxsim::testing
