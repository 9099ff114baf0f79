// Names of scenario enumerations, as spelt in YAML.
#include "engine/core/scenario.hpp"

namespace cxsim {

const char* to_string(NetworkType type) {
  switch (type) {
    case NetworkType::none: return "none";
    case NetworkType::complete: return "complete";
    case NetworkType::ring: return "ring";
    case NetworkType::random: return "random";
    case NetworkType::small_world: return "small_world";
    case NetworkType::scale_free: return "scale_free";
  }
  return "?";
}

const char* to_string(EffectOp op) {
  switch (op) {
    case EffectOp::multiply: return "multiply";
    case EffectOp::add: return "add";
    case EffectOp::set: return "set";
  }
  return "?";
}

}  // namespace cxsim
