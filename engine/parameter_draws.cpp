// Drawing uncertain parameters from streams keyed by the parameter's path, so adding a
// parameter never shifts another's draw; the posterior particle comes from a stream of its own.
#include "engine/parameter_draws.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/rng.hpp"

namespace cxsim {

namespace {

using Kind = PosteriorTarget::Kind;

// Per slot, what the posterior does to it: the parameter index that sets its value (plain
// slot), and whether any of its distribution's parameters is set.
struct SlotRoles {
  std::vector<int> value_from;  // -1: not set by the posterior
  std::vector<char> touched;    // set, or one of its distribution's parameters set
};

SlotRoles slot_roles(const Scenario& sc) {
  SlotRoles roles{std::vector<int>(sc.slots.size(), -1), std::vector<char>(sc.slots.size(), 0)};
  if (!sc.posterior) return roles;
  const auto& targets = sc.posterior->parameters;
  for (std::size_t j = 0; j < targets.size(); ++j) {
    const PosteriorTarget& t = targets[j];
    if (t.slot < 0 || t.slot >= static_cast<int>(sc.slots.size())) continue;
    const auto i = static_cast<std::size_t>(t.slot);
    if (t.kind == Kind::slot) roles.value_from[i] = static_cast<int>(j);
    if (t.kind == Kind::slot || t.kind == Kind::distribution_parameter) roles.touched[i] = 1;
  }
  return roles;
}

}  // namespace

std::vector<int> uncertain_slots(const Scenario& scenario) {
  const SlotRoles roles = slot_roles(scenario);
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(scenario.slots.size()); ++i) {
    if (!scenario.slots[i].value.is_constant() && roles.touched[i] == 0) out.push_back(i);
  }
  return out;
}

std::vector<std::string> recorded_parameters(const Scenario& scenario) {
  const SlotRoles roles = slot_roles(scenario);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scenario.slots.size(); ++i) {
    if (!scenario.slots[i].value.is_constant() || roles.value_from[i] >= 0) {
      out.push_back(scenario.slots[i].path);
    }
  }
  if (scenario.posterior) {
    for (const PosteriorTarget& t : scenario.posterior->parameters) {
      if (t.kind != Kind::slot) out.push_back(t.name);
    }
  }
  return out;
}

bool clamp_to_bounds(const Slot& slot, double& x) {
  double hi = slot.hi;
  if (slot.hi_exclusive) hi = std::nextafter(slot.hi, slot.lo);
  if (std::isnan(x)) {
    // Within the checked distribution parameters a draw is never NaN; if one were, it would
    // poison every result: it takes the distribution's mean, and counts as a clamp.
    x = std::clamp(slot.value.mean(), slot.lo, hi);
    if (std::isnan(x)) x = std::max(slot.lo, std::min(0.0, hi));
    return true;
  }
  if (x < slot.lo) {
    x = slot.lo;
    return true;
  }
  if (x > hi) {
    x = hi;
    return true;
  }
  return false;
}

ParameterDraw draw_parameters(const Scenario& scenario, std::int64_t replication) {
  ParameterDraw draw;
  draw.values.resize(scenario.slots.size());
  const Posterior* posterior = scenario.posterior ? &*scenario.posterior : nullptr;
  const SlotRoles roles = slot_roles(scenario);
  std::size_t particle = 0;
  if (posterior != nullptr) {
    particle = posterior->choose_particle(scenario.seed, replication);
    draw.particle = static_cast<std::int64_t>(particle);
  }
  for (std::size_t i = 0; i < scenario.slots.size(); ++i) {
    const Slot& slot = scenario.slots[i];
    if (roles.value_from[i] >= 0) {
      // The loader checked every particle's value against the slot's bounds.
      const double x = posterior->value(particle, static_cast<std::size_t>(roles.value_from[i]));
      draw.values[i] = x;
      draw.uncertain.push_back(x);
      continue;
    }
    if (slot.value.is_constant()) {
      draw.values[i] = slot.value.a;
      continue;
    }
    Distribution d = slot.value;
    if (roles.touched[i] != 0) {
      for (std::size_t j = 0; j < posterior->parameters.size(); ++j) {
        const PosteriorTarget& t = posterior->parameters[j];
        if (t.kind == Kind::distribution_parameter && t.slot == static_cast<int>(i)) {
          d.parameter(t.index) = posterior->value(particle, j);
        }
      }
    }
    // The same stream whatever the posterior sets: a distribution parameter changes the draw's
    // distribution, never its random numbers.
    Stream stream(scenario.seed, path_hash(slot.path), static_cast<std::uint32_t>(replication), 0,
                  Purpose::parameters);
    double x = d.sample(stream);
    if (clamp_to_bounds(slot, x)) ++draw.clamps;
    draw.values[i] = x;
    draw.uncertain.push_back(x);
  }
  if (posterior == nullptr) return draw;
  for (std::size_t j = 0; j < posterior->parameters.size(); ++j) {
    const PosteriorTarget& t = posterior->parameters[j];
    if (t.kind == Kind::slot) continue;
    draw.uncertain.push_back(posterior->value(particle, j));
    if (t.kind != Kind::heterogeneity_parameter) continue;
    if (draw.heterogeneity.empty()) {
      for (const Segment& seg : scenario.segments) {
        draw.heterogeneity.push_back(seg.churn_heterogeneity.value_or(Distribution{}));
      }
    }
    Distribution& het = draw.heterogeneity[static_cast<std::size_t>(t.segment)];
    het.parameter(t.index) = posterior->value(particle, j);
  }
  // A baseline churn that stands for the per-agent distribution's mean follows it.
  for (const PosteriorTarget& t : posterior->parameters) {
    if (t.kind == Kind::heterogeneity_parameter && t.mean_slot >= 0) {
      draw.values[static_cast<std::size_t>(t.mean_slot)] =
          draw.heterogeneity[static_cast<std::size_t>(t.segment)].mean();
    }
  }
  return draw;
}

}  // namespace cxsim
