// Scenario texts shared by the loader, describe and error tests.
#pragma once

#include <string>

namespace cxsim::testing {

// The example of SCENARIO.md, completed (the business segment's keys).
inline const std::string kExample = R"(name: telecom_postpaid
description: Mid-size operator, 2M addressable, 3-year CX roadmaps
horizon_months: 36
replications: 200
seed: 20261122
agents: 100000
discount_rate_annual: 0.10
terminal_value: customer_equity

market:
  population: 2000000
  expectation_drift_per_year: 0.2
  competitor_pressure: 0.0
  network:
    type: small_world
    mean_degree: 10
    rewire_probability: 0.1
    per_replication: true

organization:
  change_capacity: 2

satisfaction:
  memory: 0.3
  expectation_adaptation: 0.1
  gain_weight: 0.3
  loss_weight: 0.8
  price_gain_weight: 2.0
  price_loss_weight: 6.0
  reference_price_adaptation: 0.1
  wom_positive_effect: 0.05
  wom_negative_effect: 0.10

churn:
  satisfaction: 0.45
  price: 3.0
  unrecovered_failure: 0.6
  negative_wom: 0.05
  competitor: 1.0

segments:
  - name: consumer
    share: 0.85
    initial_penetration: 0.30
    baseline_churn_monthly: 0.015
    performance: 7.6
    performance_sd: 1.3
    experience_noise: 0.5
    satisfaction: {mean: 7.2, sd: 1.5}
    expectation: {mean: 7.5, sd: 1.0}
    revenue: {price: 45.0, variable_cost: 14.0}
    acquisition_cost: 260
    adoption: {innovation: 0.002, imitation: 0.04, negative_wom_deterrence: 0.06}
    wom: {promoter_talk_probability: 0.08, detractor_talk_probability: 0.20, broadcast_reach: 0.5}
    winback_probability: 0.003
  - name: business
    share: 0.15
    initial_penetration: 0.25
    baseline_churn_monthly: {normal: [0.01, 0.002]}
    performance: 7.0
    satisfaction: {mean: 6.9, sd: 1.2}
    expectation: {mean: 7.8}
    revenue: {price: 120.0, variable_cost: 40.0, purchases_per_month: 1.5}
    adoption: {innovation: 0.001, imitation: 0.03}

touchpoints:
  - name: billing
    contacts_per_month: {consumer: 0.25, business: 0.6}
    failure_rate: 0.06
    recovery_rate: 0.55
    cost_per_contact: 3.5
    failure_cost: 14.0
    severity: 1.2
    recovered_severity: 0.3
  - name: app
    contacts_per_month: 1.5
    failure_rate: {beta: [2, 50]}

initiatives:
  - name: billing_fix
    start_month: 1
    ramp_months: 6
    capex: {total: 1500000, months: 6}
    opex_per_month: 20000
    effects:
      - {target: touchpoints.billing.failure_rate, op: multiply, value: {triangular: [0.4, 0.55, 0.8]}}
  - name: app_revamp
    start_month: 3
    end_month: 30
    capex: 800000
    effects:
      - {target: touchpoints.*.recovery_rate, op: add, value: 0.1}
      - {target: touchpoints.app.contacts_per_month, op: multiply, value: 0.9}
      - {target: segments.*.adoption.innovation, op: set, value: {uniform: [0.002, 0.004]}}

analysis:
  zero_defect_counterfactual: true

roadmaps:
  - name: baseline
  - name: fix_billing_first
    initiatives: [billing_fix]
  - name: app_then_billing
    initiatives:
      - app_revamp
      - {use: billing_fix, start_month: 13, capex: 2000000}
)";

// The smallest valid scenario; error tests add or replace one thing in it.
inline const std::string kMinimal = R"(name: minimal
horizon_months: 12
agents: 1000
market:
  population: 10000
segments:
  - name: consumer
    share: 1
    initial_penetration: 0.3
    baseline_churn_monthly: 0.01
    performance: 7
    satisfaction: {mean: 7}
    expectation: {mean: 7}
    revenue: {price: 40}
)";

}  // namespace cxsim::testing
