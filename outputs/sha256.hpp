// SHA-256 digests (OpenSSL): of the resolved scenario, and of the data a results file holds.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cxsim {

// SHA-256 (lower-case hex) of text: the scenario_sha256 attribute of Scenario::resolved_yaml.
std::string sha256_hex(std::string_view text);

// An incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void add(const void* data, std::size_t size);
  void add(std::string_view text);
  // Lower-case hex of everything added; the digest can be taken once.
  std::string hex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace cxsim
