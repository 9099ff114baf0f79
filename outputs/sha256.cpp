// SHA-256 over OpenSSL's EVP interface.
#include "outputs/sha256.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>

#include "engine/core/errors.hpp"

namespace cxsim {

namespace {

std::string to_hex(const unsigned char* digest, unsigned int length) {
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// The SHA-256 implementation, looked up once. EVP_sha256() alone makes OpenSSL 3 look it up again
// at every EVP_DigestInit_ex, which costs more than digesting a replication's values. Kept for the
// life of the process.
const EVP_MD* sha256_method() {
  static const EVP_MD* const method = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return method;
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  Sha256 sha;
  sha.add(text);
  return sha.hex();
}

struct Sha256::Context {
  EVP_MD_CTX* ctx = nullptr;
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  context_->ctx = EVP_MD_CTX_new();
  if (context_->ctx == nullptr || EVP_DigestInit_ex(context_->ctx, sha256_method(), nullptr) != 1) {
    throw IoError("cannot compute SHA-256 (OpenSSL EVP_DigestInit_ex failed)");
  }
}

Sha256::~Sha256() = default;

void Sha256::add(const void* data, std::size_t size) {
  if (size > 0 && EVP_DigestUpdate(context_->ctx, data, size) != 1) {
    throw IoError("cannot compute SHA-256 (OpenSSL EVP_DigestUpdate failed)");
  }
}

void Sha256::add(std::string_view text) {
  add(text.data(), text.size());
}

std::string Sha256::hex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->ctx, digest.data(), &length) != 1) {
    throw IoError("cannot compute SHA-256 (OpenSSL EVP_DigestFinal_ex failed)");
  }
  return to_hex(digest.data(), length);
}

}  // namespace cxsim
