// Names of scenario enumerations, as spelt in YAML.
#include "engine/core/scenario.hpp"

namespace cxsim {

const char* to_string(TerminalValue choice) {
  switch (choice) {
    case TerminalValue::customer_equity_net:
      return "customer_equity_net";
    case TerminalValue::customer_equity:
      return "customer_equity";
    case TerminalValue::none:
      return "none";
  }
  return "?";
}

const char* to_string(NetworkType type) {
  switch (type) {
    case NetworkType::none:
      return "none";
    case NetworkType::complete:
      return "complete";
    case NetworkType::ring:
      return "ring";
    case NetworkType::random:
      return "random";
    case NetworkType::small_world:
      return "small_world";
    case NetworkType::scale_free:
      return "scale_free";
  }
  return "?";
}

const char* to_string(EffectOp op) {
  switch (op) {
    case EffectOp::multiply:
      return "multiply";
    case EffectOp::add:
      return "add";
    case EffectOp::set:
      return "set";
  }
  return "?";
}

namespace {
Slot slot_from(const ParamInfo& info, std::string path) {
  Slot slot;
  slot.path = std::move(path);
  slot.value = Distribution::constant(info.default_value);
  slot.lo = info.lo;
  slot.hi = info.hi;
  slot.hi_exclusive = info.hi_exclusive;
  slot.target_ok = info.target_ok;
  return slot;
}
}  // namespace

std::vector<Slot> model_slots(const std::vector<Segment>& segments,
                              const std::vector<Touchpoint>& touchpoints) {
  const ParamLayout layout(static_cast<int>(segments.size()), static_cast<int>(touchpoints.size()));
  std::vector<Slot> slots(layout.model_count());
  for (int g = 0; g < ParamLayout::kGlobals; ++g) {
    const ParamInfo& info = global_params()[g];
    slots[layout.global(static_cast<GlobalParam>(g))] = slot_from(info, std::string(info.key));
  }
  for (int s = 0; s < layout.segments(); ++s) {
    for (int p = 0; p < ParamLayout::kPerSegment; ++p) {
      const ParamInfo& info = segment_params()[p];
      slots[layout.segment(s, static_cast<SegmentParam>(p))] =
          slot_from(info, "segments." + segments[s].name + "." + std::string(info.key));
    }
  }
  for (int k = 0; k < layout.touchpoints(); ++k) {
    const std::string prefix = "touchpoints." + touchpoints[k].name + ".";
    for (int p = 0; p < ParamLayout::kPerTouchpointFixed; ++p) {
      const ParamInfo& info = touchpoint_params()[p];
      slots[layout.touchpoint(k, static_cast<TouchpointParam>(p))] =
          slot_from(info, prefix + std::string(info.key));
    }
    for (int s = 0; s < layout.segments(); ++s) {
      slots[layout.contacts(k, s)] = slot_from(
          contacts_param(), prefix + std::string(contacts_param().key) + "." + segments[s].name);
    }
  }
  return slots;
}

}  // namespace cxsim
