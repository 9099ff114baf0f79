// Shaping the flat parameter vector into the kernel's per-month view.
#include "engine/month_parameters.hpp"

#include <cmath>

namespace cxsim {

double monthly_discount_rate(double annual) {
  return std::pow(1.0 + annual, 1.0 / 12.0) - 1.0;
}

MonthParameters shape_month_parameters(const Scenario& scenario, std::span<const double> v,
                                       std::span<const double> base) {
  const ParamLayout& L = scenario.layout;
  auto g = [&](GlobalParam p) { return v[L.global(p)]; };
  MonthParameters m{};
  m.weights = {g(GlobalParam::memory), g(GlobalParam::gain_weight), g(GlobalParam::loss_weight),
               g(GlobalParam::price_gain_weight), g(GlobalParam::price_loss_weight)};
  m.expectation_adaptation = g(GlobalParam::expectation_adaptation);
  m.expectation_drift = g(GlobalParam::expectation_drift_per_year);
  m.reference_adaptation = g(GlobalParam::reference_price_adaptation);
  m.wom_positive_effect = g(GlobalParam::wom_positive_effect);
  m.wom_negative_effect = g(GlobalParam::wom_negative_effect);
  m.churn_satisfaction = g(GlobalParam::churn_satisfaction);
  m.churn_price = g(GlobalParam::churn_price);
  m.churn_failure = g(GlobalParam::churn_unrecovered_failure);
  m.churn_wom = g(GlobalParam::churn_negative_wom);
  m.churn_competitor = g(GlobalParam::churn_competitor);
  m.competitor_pressure = g(GlobalParam::competitor_pressure);
  m.monthly_discount = monthly_discount_rate(g(GlobalParam::discount_rate_annual));

  const int n_seg = L.segments();
  const int n_tp = L.touchpoints();
  m.touchpoints.resize(n_tp);
  for (int k = 0; k < n_tp; ++k) {
    auto t = [&](TouchpointParam p) { return v[L.touchpoint(k, p)]; };
    TouchpointMonth& tp = m.touchpoints[k];
    tp.failure_rate = t(TouchpointParam::failure_rate);
    tp.recovery_rate = t(TouchpointParam::recovery_rate);
    tp.failure_words = Stream::words_below(tp.failure_rate);
    tp.recovery_words = Stream::words_below(tp.recovery_rate);
    tp.cost_per_contact = t(TouchpointParam::cost_per_contact);
    tp.failure_cost = t(TouchpointParam::failure_cost);
    tp.severity = t(TouchpointParam::severity);
    tp.recovered_severity = t(TouchpointParam::recovered_severity);
    tp.contacts.reserve(n_seg);
    for (int s = 0; s < n_seg; ++s) tp.contacts.emplace_back(v[L.contacts(k, s)]);
  }

  m.segments.resize(n_seg);
  for (int s = 0; s < n_seg; ++s) {
    auto p = [&](SegmentParam q) { return v[L.segment(s, q)]; };
    const Segment& seg = scenario.segments[s];
    SegmentMonth& sm = m.segments[s];
    sm.baseline_churn = p(SegmentParam::baseline_churn_monthly);
    sm.baseline_churn_log_odds = sm.baseline_churn > 0.0 ? rules::logit(sm.baseline_churn) : 0.0;
    sm.performance = p(SegmentParam::performance);
    sm.performance_sd = p(SegmentParam::performance_sd);
    sm.experience_noise = p(SegmentParam::experience_noise);
    sm.satisfaction_ref = p(SegmentParam::satisfaction_mean);
    sm.satisfaction_sd = p(SegmentParam::satisfaction_sd);
    sm.expectation_mean = p(SegmentParam::expectation_mean);
    sm.expectation_sd = p(SegmentParam::expectation_sd);
    sm.price = p(SegmentParam::price);
    sm.variable_cost = p(SegmentParam::variable_cost);
    sm.transactional = seg.transactional;
    const double purchases = seg.transactional ? p(SegmentParam::purchases_per_month) : 1.0;
    if (seg.transactional) sm.purchases = PoissonDraw(purchases);
    sm.acquisition_cost = p(SegmentParam::acquisition_cost);
    sm.innovation = p(SegmentParam::innovation);
    sm.imitation = p(SegmentParam::imitation);
    sm.deterrence = p(SegmentParam::negative_wom_deterrence);
    sm.promoter_talk = p(SegmentParam::promoter_talk_probability);
    sm.detractor_talk = p(SegmentParam::detractor_talk_probability);
    sm.promoter_talk_words = Stream::words_below(sm.promoter_talk);
    sm.detractor_talk_words = Stream::words_below(sm.detractor_talk);
    sm.broadcast_reach = p(SegmentParam::broadcast_reach);
    sm.winback = p(SegmentParam::winback_probability);
    sm.heterogeneous = seg.churn_heterogeneity.has_value();
    const double drawn_churn =
        base.empty() ? sm.baseline_churn : base[L.segment(s, SegmentParam::baseline_churn_monthly)];
    sm.churn_scale = drawn_churn > 0.0 ? sm.baseline_churn / drawn_churn : 1.0;

    // m_s = E[purchases](price - variable cost) - sum_k lambda c - sum_k lambda phi c_fail
    double margin = purchases * (sm.price - sm.variable_cost);
    for (const TouchpointMonth& tp : m.touchpoints) {
      const double lambda = tp.contacts[s].mean();
      margin -= lambda * tp.cost_per_contact + lambda * tp.failure_rate * tp.failure_cost;
    }
    sm.margin = margin;
  }
  return m;
}

}  // namespace cxsim
