// The declaration tables of every behavioural parameter (see parameters.hpp).
#include "engine/core/parameters.hpp"

#include <array>

namespace cxsim {

namespace {

constexpr double R = kRequired;

// clang-format off
constexpr std::array<ParamInfo, static_cast<int>(GlobalParam::count)> kGlobal{{
  {"market.expectation_drift_per_year", 0.0, -10, 10, false, "points/year",
   "Satisfaction points a year by which expectations rise (the bar rises as competitors improve)",
   "assumption; MODEL.md s.2 step 6", true, true},
  {"market.competitor_pressure", 0.0, -10, 10, false, "index",
   "Competitive pressure on churn log-odds (multiplied by churn.competitor)",
   "assumption; 0 = today's market", true, true},
  {"satisfaction.memory", 0.3, 0, 1, false, "fraction",
   "alpha: weight of this month's experience in satisfaction (exponential smoothing)",
   "assumption; Oliver (1980) cumulative satisfaction", true, true},
  {"satisfaction.expectation_adaptation", 0.1, 0, 1, false, "fraction",
   "beta: how fast expectations move toward perceived performance", "assumption", true, true},
  {"satisfaction.gain_weight", 0.3, 0, 10, false, "points/point",
   "delta_gain: weight of positive disconfirmation (P above E)",
   "Anderson & Sullivan (1993): gains weigh less than losses", true, true},
  {"satisfaction.loss_weight", 0.8, 0, 10, false, "points/point",
   "delta_loss: weight of negative disconfirmation (P below E)",
   "Anderson & Sullivan (1993)", true, true},
  {"satisfaction.price_gain_weight", 2.0, 0, 100, false, "points per 100% price cut",
   "eta_gain: satisfaction gained from a price below the reference price",
   "Kalyanaram & Winer (1995): reference-price effects, loss averse", true, true},
  {"satisfaction.price_loss_weight", 6.0, 0, 100, false, "points per 100% price rise",
   "eta_loss: satisfaction lost from a price above the reference price",
   "Kalyanaram & Winer (1995)", true, true},
  {"satisfaction.reference_price_adaptation", 0.1, 0, 1, false, "fraction",
   "theta: how fast the reference price moves toward the current price", "assumption", true, true},
  {"satisfaction.wom_positive_effect", 0.05, 0, 10, false, "points/message",
   "omega_plus: perceived-performance lift per positive message received", "assumption", true,
   true},
  {"satisfaction.wom_negative_effect", 0.10, 0, 10, false, "points/message",
   "omega_minus: perceived-performance loss per negative message received",
   "assumption; negative WOM weighs more (Goldenberg et al. 2007)", true, true},
  {"churn.satisfaction", 0.45, 0, 100, false, "log-odds/point",
   "b_sat: churn log-odds per satisfaction point below the segment's reference", "assumption",
   true, true},
  {"churn.price", 3.0, 0, 100, false, "log-odds per 100% price rise",
   "b_price: churn log-odds per relative price rise above the reference price", "assumption",
   true, true},
  {"churn.unrecovered_failure", 0.6, 0, 100, false, "log-odds/failure",
   "b_fail: churn log-odds per unrecovered failure this month", "assumption", true, true},
  {"churn.negative_wom", 0.05, 0, 100, false, "log-odds/message",
   "b_wom: churn log-odds per negative message received last month", "assumption", true, true},
  {"churn.competitor", 1.0, 0, 100, false, "log-odds/index",
   "b_comp: churn log-odds per unit of competitor pressure", "assumption", true, true},
  {"discount_rate_annual", 0.10, 0, 1, false, "1/year",
   "Annual discount rate for NPV and customer lifetime value",
   "assumption; a typical cost of capital", true, false},
}};

constexpr std::array<ParamInfo, static_cast<int>(SegmentParam::count)> kSegment{{
  {"baseline_churn_monthly", R, 0, 1, true, "1/month",
   "h0: monthly churn of a customer at reference satisfaction with no failures, price rise or "
   "negative WOM; 0 = never churns",
   "telecom postpaid 1-1.7%/month (carrier reports)", true, true},
  {"performance", R, 0, 10, false, "points (0-10)",
   "P_base: how good the service is for the average customer", "assumption", true, true},
  {"performance_sd", 1.0, 0, 10, false, "points",
   "sd of each customer's persistent fit a_i (drawn once per agent)", "assumption", true, true},
  {"experience_noise", 0.5, 0, 10, false, "points",
   "sd of the month-to-month variation e of perceived performance", "assumption", true, true},
  {"satisfaction.mean", R, 0, 10, false, "points (0-10)",
   "initial satisfaction mean; also S_ref, the reference of the churn hazard", "assumption",
   true, false},
  {"satisfaction.sd", 1.5, 0, 10, false, "points", "initial satisfaction sd", "assumption", true,
   false},
  {"expectation.mean", R, 0, 10, false, "points (0-10)", "initial expectation mean",
   "assumption", true, true},
  {"expectation.sd", 1.0, 0, 10, false, "points", "initial expectation sd", "assumption", true,
   false},
  {"revenue.price", R, 0, kMaxMoney, false, "money/month or money/purchase",
   "price per month (subscription) or per purchase (transactional)", "scenario data", true, true},
  {"revenue.variable_cost", 0.0, 0, kMaxMoney, false, "money/month or money/purchase",
   "variable cost per customer-month or per purchase", "scenario data", true, true},
  {"revenue.purchases_per_month", 1.0, 0, kMaxPoissonMean, false, "purchases/month",
   "Poisson mean of purchases a month; when given, the segment is transactional", "scenario data",
   true, true},
  {"acquisition_cost", 0.0, 0, kMaxMoney, false, "money/customer",
   "cost of acquiring (or winning back) one customer", "scenario data", true, true},
  {"adoption.innovation", 0.0, 0, 1, false, "1/month",
   "p: monthly probability that a prospect adopts without word of mouth", "Bass (1969)", true,
   true},
  {"adoption.imitation", 0.0, 0, 1, false, "1/month",
   "q: monthly imitation; a prospect whose every neighbour recommends adopts with ~p+q",
   "Bass (1969); Goldenberg, Libai & Muller (2001)", true, true},
  {"adoption.negative_wom_deterrence", 0.0, 0, 1, false, "probability/message",
   "nu: chance that one negative message stops an adoption", "Goldenberg et al. (2007)", true,
   true},
  {"wom.promoter_talk_probability", 0.0, 0, 1, false, "1/month",
   "pi_plus: chance that a promoter recommends to all neighbours this month", "assumption", true,
   true},
  {"wom.detractor_talk_probability", 0.0, 0, 1, false, "1/month",
   "pi_minus: chance that a detractor complains to all neighbours this month", "assumption",
   true, true},
  {"wom.broadcast_reach", 0.0, 0, kMaxPoissonMean, false, "people/talk",
   "mean number of random people a talking detractor reaches on social media", "assumption",
   true, true},
  {"winback_probability", 0.0, 0, 1, false, "1/month",
   "monthly probability that a lapsed customer comes back (in place of p)", "assumption", true,
   true},
}};

constexpr std::array<ParamInfo, static_cast<int>(TouchpointParam::count)> kTouchpoint{{
  {"failure_rate", R, 0, 1, false, "probability/contact",
   "phi: chance that a contact fails", "scenario data", true, true},
  {"recovery_rate", 0.0, 0, 1, false, "probability/failure",
   "rho: chance that a failure is resolved at first contact", "scenario data", true, true},
  {"cost_per_contact", 0.0, 0, kMaxMoney, false, "money/contact", "c: cost to serve one contact",
   "scenario data", true, true},
  {"failure_cost", 0.0, 0, kMaxMoney, false, "money/failure",
   "c_fail: direct cost of a failure (repeat contacts, credits, complaint handling)",
   "scenario data", true, true},
  {"severity", 1.0, 0, 10, false, "points/failure",
   "sev: perceived-performance loss of an unrecovered failure", "assumption", true, true},
  {"recovered_severity", 0.0, 0, 10, false, "points/failure",
   "sev_rec: perceived-performance loss of a recovered failure", "assumption", true, true},
}};

constexpr ParamInfo kContacts{"contacts_per_month", R, 0, kMaxPoissonMean, false, "contacts/month",
                              "lambda: Poisson mean of contacts a customer makes a month (one "
                              "number, or a map naming every segment)",
                              "scenario data", true, true};
// clang-format on

}  // namespace

std::span<const ParamInfo> global_params() {
  return kGlobal;
}
std::span<const ParamInfo> segment_params() {
  return kSegment;
}
std::span<const ParamInfo> touchpoint_params() {
  return kTouchpoint;
}
const ParamInfo& contacts_param() {
  return kContacts;
}

}  // namespace cxsim
