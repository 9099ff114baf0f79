// The month kernel: every agent-level step of MODEL.md s.2, in order, without locks or atomics.
#include "engine/month_kernel.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <limits>

#include "agents/behaviour.hpp"
#include "engine/core/branchless.hpp"
#include "engine/core/exp_batch.hpp"
#include "engine/core/philox_batch.hpp"
#include "engine/core/rng.hpp"

namespace cxsim {

void MonthTotals::add(const MonthTotals& o) {
  for (std::size_t s = 0; s < segments.size(); ++s) {
    PerSegment& a = segments[s];
    const PerSegment& b = o.segments[s];
    a.active_during += b.active_during;
    a.satisfaction_sum += b.satisfaction_sum;
    a.promoters += b.promoters;
    a.detractors += b.detractors;
    a.revenue += b.revenue;
    a.variable_cost += b.variable_cost;
    a.churned += b.churned;
    a.acquisitions += b.acquisitions;
    a.winbacks += b.winbacks;
    a.acquisition_cost += b.acquisition_cost;
    a.customers_end += b.customers_end;
    a.prospects_end += b.prospects_end;
    a.lapsed_end += b.lapsed_end;
    a.discounted_lifetime += b.discounted_lifetime;
    a.customer_equity += b.customer_equity;
  }
  for (std::size_t k = 0; k < touchpoints.size(); ++k) {
    PerTouchpoint& a = touchpoints[k];
    const PerTouchpoint& b = o.touchpoints[k];
    a.contacts += b.contacts;
    a.failures += b.failures;
    a.recovered += b.recovered;
    a.failure_cost += b.failure_cost;
    a.cost_to_serve += b.cost_to_serve;
  }
  wom_positive += o.wom_positive;
  wom_negative += o.wom_negative;
  positive_talkers += o.positive_talkers;
  negative_talkers += o.negative_talkers;
  broadcast_lambda += o.broadcast_lambda;
}

namespace {

[[gnu::noinline]] std::uint32_t large_binomial(std::uint32_t n, double p, Stream& stream) {
  return static_cast<std::uint32_t>(
      boost::random::binomial_distribution<int, double>(static_cast<int>(n), p)(stream));
}

// Binomial(n, p): n Bernoulli trials (stream.uniform() < p, compared as words against
// words = Stream::words_below(p)) for the small counts touchpoints produce, Boost beyond.
inline std::uint32_t binomial(std::uint32_t n, double p, std::uint64_t words, Stream& stream) {
  if (n == 0 || p <= 0.0) return 0;
  if (p >= 1.0) return n;
  if (n > 32) return large_binomial(n, p, stream);
  std::uint32_t k = 0;
  for (std::uint32_t j = 0; j < n; ++j) k += stream() < words ? 1u : 0u;
  return k;
}

double normal(double sd, Stream& stream) {
  return sd > 0.0 ? boost::random::normal_distribution<double>(0.0, sd)(stream) : 0.0;
}

double agent_baseline_churn(const SegmentMonth& sp, const Population& pop, std::uint32_t i) {
  if (!sp.heterogeneous) return sp.baseline_churn;
  return std::min(static_cast<double>(pop.base_churn[i]) * sp.churn_scale, 1.0 - 1e-9);
}

template <class Body>
void for_each_block(std::uint32_t n, std::vector<MonthTotals>& blocks, Body body) {
  const std::uint32_t n_blocks = (n + kAgentBlock - 1) / kAgentBlock;
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, n_blocks, 1),
                    [&](const tbb::blocked_range<std::uint32_t>& r) {
                      for (std::uint32_t b = r.begin(); b != r.end(); ++b) {
                        const std::uint32_t lo = b * kAgentBlock;
                        body(lo, std::min(n, lo + kAgentBlock), blocks[b]);
                      }
                    });
}

// Fixed-order reduction: bit-identical at any thread count.
MonthTotals sum_blocks(const std::vector<MonthTotals>& blocks, int n_seg, int n_tp) {
  MonthTotals total(n_seg, n_tp);
  for (const MonthTotals& b : blocks) total.add(b);
  return total;
}

// Agents per batch of first Philox blocks: small enough that the batch's words stay in L1.
constexpr std::uint32_t kBatch = 256;

// Degrees whose imitation term the listening pass reads from a table (higher ones compute it).
constexpr std::uint32_t kDegreeTable = 64;

// What hearing a neighbour with each talk flag adds: silent, positive, negative.
constexpr std::uint64_t kHeard[4] = {0, 1, std::uint64_t{1} << 32, 0};
static_assert(kTalksPositive == 1 && kTalksNegative == 2);

// Talker i (flag `talk`) adds itself to what each of its neighbours hears: directly for the
// neighbours in its own block [lo, hi), which only this block's thread writes in the speaking
// pass, and through the block's remote list for the others. The network is undirected, so this
// counts for every agent exactly the talkers on its own list; the counts are integers, so the
// order of the additions changes nothing.
void tell_neighbours(const Network& network, std::uint32_t i, std::uint8_t talk, std::uint32_t lo,
                     std::uint32_t hi, std::uint64_t* heard, std::vector<std::uint64_t>& remote) {
  const std::uint64_t add = kHeard[talk];
  const std::uint64_t negative = talk == kTalksNegative ? 1 : 0;
  for (const std::uint32_t j : network.neighbours(i)) {
    if (j - lo < hi - lo) {
      heard[j] += add;
    } else {
      remote.push_back(static_cast<std::uint64_t>(j) << 1 | negative);
    }
  }
}

// Message counts below which the listening pass keeps (1 - x)^m once computed.
constexpr std::uint32_t kCachedMessages = 16;

// survive_each_from_log(log_x, m), kept in cache[m] for m below kCachedMessages: a month's
// prospects hear few messages and most share a few (segment, degree, m), so most of the exp calls
// are repeats. Entries start the month at -1; threads that fill one entry at the same time write
// the same bits (relaxed atomics: no data race, plain moves on x86-64).
double cached_survival(double* cache, double log_x, std::uint32_t m) {
  if (m >= kCachedMessages) return rules::survive_each_from_log(log_x, m);
  std::atomic_ref<double> entry(cache[m]);
  double v = entry.load(std::memory_order_relaxed);
  if (v < 0.0) {
    v = rules::survive_each_from_log(log_x, m);
    entry.store(v, std::memory_order_relaxed);
  }
  return v;
}

// Rounds a batch of n > 0 agents up to whole SIMD vectors (kBatch is a multiple of 16) by
// repeating its last agent, so no lane is left to the scalar path; the extra words are unused.
std::uint32_t pad_lanes(std::uint32_t* ids, std::uint32_t n) {
  const std::uint32_t padded = std::min(kBatch, (n + 15u) & ~15u);
  for (std::uint32_t j = n; j < padded; ++j) ids[j] = ids[n - 1];
  return padded;
}

// First blocks of one customer's streams of the month, computed in a batch.
struct Drawn {
  const std::uint32_t* contacts;  // word w at contacts[w * kBatch]
  const std::uint32_t* noise;     // likewise
  const std::uint32_t* failures;  // likewise
  const std::uint32_t* recovery;  // likewise
  std::uint32_t churn;            // first word
  std::uint32_t talk;             // first word
};

// The stream whose first block is at words[w * kBatch], w = 0..3.
Stream batched_stream(const StreamKey& key, std::uint32_t i, int month, Purpose purpose,
                      const std::uint32_t* words) {
  return Stream(key.seed, i, key.replication, static_cast<std::uint32_t>(month), purpose, words[0],
                words[kBatch], words[2 * kBatch], words[3 * kBatch]);
}

// Steps 2-9 for one customer active at the start of the month, but step 8's decision; returns
// the customer's talk flags, which the caller stores (a byte stored here may alias anything, so
// every load of the next customer's parameters would have to be made again).
std::uint8_t experience_and_speak(const MonthParameters& P, const StreamKey& key, int month,
                                  std::uint32_t i, Population& pop, MonthTotals& tally,
                                  const Drawn& drawn, double& minus_churn_log_odds) {
  const int s = pop.segment[i];
  const SegmentMonth& sp = P.segments[s];
  MonthTotals::PerSegment& ts = tally.segments[s];

  // Step 2: touchpoints.
  Stream contacts = batched_stream(key, i, month, Purpose::contacts, drawn.contacts);
  Stream failures = batched_stream(key, i, month, Purpose::failures, drawn.failures);
  Stream recovery = batched_stream(key, i, month, Purpose::recovery, drawn.recovery);
  double service_loss = 0.0;
  std::uint32_t unrecovered_total = 0;
  for (std::size_t k = 0; k < P.touchpoints.size(); ++k) {
    const TouchpointMonth& tp = P.touchpoints[k];
    const std::uint32_t n = tp.contacts[s](contacts);
    if (n == 0) continue;
    const std::uint32_t f = binomial(n, tp.failure_rate, tp.failure_words, failures);
    const std::uint32_t r = binomial(f, tp.recovery_rate, tp.recovery_words, recovery);
    MonthTotals::PerTouchpoint& tt = tally.touchpoints[k];
    tt.contacts += n;
    tt.failures += f;
    tt.recovered += r;
    tt.cost_to_serve += n * tp.cost_per_contact;
    tt.failure_cost += f * tp.failure_cost;
    service_loss += tp.severity * (f - r) + tp.recovered_severity * r;
    unrecovered_total += f - r;
  }

  // Step 3: perceived performance (not clamped).
  Stream noise = batched_stream(key, i, month, Purpose::experience_noise, drawn.noise);
  const double perceived = sp.performance + pop.fit[i] + normal(sp.experience_noise, noise) -
                           service_loss + P.wom_positive_effect * pop.inbox_positive[i] -
                           P.wom_negative_effect * pop.inbox_negative[i];

  // Step 4: price gap against the reference price, then the reference adapts.
  const double reference = pop.reference_price[i];
  const double gap = rules::price_gap(sp.price, reference);
  pop.reference_price[i] =
      static_cast<float>(rules::updated_reference(reference, sp.price, P.reference_adaptation));

  // Steps 5-6: satisfaction and expectations.
  const double expectation = pop.expectation[i];
  const double s_new =
      rules::updated_satisfaction(pop.satisfaction[i], perceived, expectation, gap, P.weights);
  pop.satisfaction[i] = static_cast<float>(s_new);
  pop.expectation[i] = static_cast<float>(rules::updated_expectation(
      expectation, perceived, P.expectation_adaptation, P.expectation_drift));

  // Step 7: NPS class.
  const bool promoter = rules::is_promoter(s_new);
  const bool detractor = rules::is_detractor(s_new);
  ts.active_during += 1;
  ts.satisfaction_sum += s_new;
  ts.promoters += promoter ? 1 : 0;
  ts.detractors += detractor ? 1 : 0;

  // Step 8: minus the churn hazard's log-odds, rules::churn_hazard's arithmetic up to its exp;
  // settle_churn decides for the whole batch. A baseline of 0 never churns: +inf gives the
  // hazard 1 / (1 + exp(inf)) = 0 that churn_hazard returns.
  const double drivers = P.churn_satisfaction * (sp.satisfaction_ref - s_new) +
                         P.churn_price * branchless_max(gap, 0.0) +
                         P.churn_failure * unrecovered_total + P.churn_wom * pop.inbox_negative[i] +
                         P.churn_competitor * P.competitor_pressure;
  const double h0 = sp.heterogeneous ? agent_baseline_churn(sp, pop, i) : sp.baseline_churn;
  minus_churn_log_odds =
      h0 <= 0.0 ? std::numeric_limits<double>::infinity()
                : -((sp.heterogeneous ? rules::logit(h0) : sp.baseline_churn_log_odds) + drivers);

  // Step 9: speak. Promoters and detractors exclude each other, so both tests can be made
  // without a branch (whether a customer is either is random, and was mispredicted).
  const std::uint32_t u = drawn.talk;  // to_uniform(u) < pi exactly when u < words_below(pi)
  const bool talks_positive = promoter & (u < sp.promoter_talk_words);
  const bool talks_negative = detractor & (u < sp.detractor_talk_words);
  tally.positive_talkers += talks_positive ? 1 : 0;
  tally.negative_talkers += talks_negative ? 1 : 0;
  if (talks_negative) tally.broadcast_lambda += sp.broadcast_reach;

  // Step 11 (money of customers): they pay for the month even if they churn at its end.
  if (sp.transactional) {
    Stream purchases(key.seed, i, key.replication, month, Purpose::purchases);
    const double bought = sp.purchases(purchases);
    ts.revenue += bought * sp.price;
    ts.variable_cost += bought * sp.variable_cost;
  } else {
    ts.revenue += sp.price;
    ts.variable_cost += sp.variable_cost;
  }
  if (pop.tenure[i] < 0xffff) ++pop.tenure[i];
  return static_cast<std::uint8_t>((talks_positive ? kTalksPositive : 0) |
                                   (talks_negative ? kTalksNegative : 0));
}

// Step 8 for a batch of m customers, given minus the log-odds of each one's hazard in churn_odds:
// the hazards in vectors (an exp and a division per customer), then the decisions in customer
// order, so the lifetimes are summed in the order they always were. Churn takes effect at the
// end of the month.
void settle_churn(const MonthParameters& P, const std::uint32_t* ids, std::uint32_t m,
                  Population& pop, MonthTotals& tally, double* churn_odds,
                  const std::uint32_t* churn_words) {
  double* const hazard = churn_odds;  // each exp(-log-odds), then each hazard, in place
  exp_batch(churn_odds, hazard, m);
  for (std::uint32_t q = 0; q < m; ++q) hazard[q] = rules::logistic_from_exp_minus(hazard[q]);
  // Locals: each byte stored to will_churn may alias anything, and would reload these.
  std::uint8_t* const will_churn = pop.will_churn.data();
  const std::uint8_t* const segment = pop.segment.data();
  MonthTotals::PerSegment* const segments = tally.segments.data();
  const double discount = P.monthly_discount;
  for (std::uint32_t q = 0; q < m; ++q) {
    const std::uint32_t i = ids[q];
    const bool churns = Stream::to_uniform(churn_words[q]) < hazard[q];
    will_churn[i] = churns ? 1 : 0;
    if (!churns) {
      segments[segment[i]].discounted_lifetime += rules::discounted_lifetime(discount, hazard[q]);
    }
  }
}

// A new or won-back customer starts afresh (MODEL.md s.2 step 10); the first block of its fit
// stream is at fit_words[w * kBatch].
void start_afresh(const SegmentMonth& sp, const StreamKey& key, int month, std::uint32_t i,
                  Population& pop, const std::uint32_t* fit_words) {
  Stream fit = batched_stream(key, i, month, Purpose::fit, fit_words);
  pop.status[i] = Status::active;
  pop.satisfaction[i] = static_cast<float>(sp.satisfaction_ref);
  pop.expectation[i] = static_cast<float>(sp.expectation_mean);
  pop.fit[i] = static_cast<float>(normal(sp.performance_sd, fit));
  pop.reference_price[i] = static_cast<float>(sp.price);
  pop.tenure[i] = 0;
  pop.inbox_positive[i] = 0;
  pop.inbox_negative[i] = 0;
}

}  // namespace

MonthTotals simulate_month(const MonthParameters& P, const Network& network, const StreamKey& key,
                           int month, Population& pop, KernelScratch& scratch) {
  const std::uint32_t n = pop.size();
  const int n_seg = static_cast<int>(P.segments.size());
  const int n_tp = static_cast<int>(P.touchpoints.size());
  const std::uint32_t n_blocks = (n + kAgentBlock - 1) / kAgentBlock;
  scratch.blocks.assign(n_blocks, MonthTotals(n_seg, n_tp));
  const bool mean_field = network.mean_field();
  const bool telling = !mean_field && network.neighbour_array().size() > 0;
  if (telling) {
    scratch.heard.resize(n);
    scratch.remote.resize(n_blocks);
  }
  std::uint64_t* const heard = scratch.heard.data();

  // Pass 1: steps 2-9 for customers; everyone else is silent this month. Talkers tell their
  // neighbours.
  // The first Philox block of every stream a customer certainly opens is computed for a batch of
  // customers at once (SIMD); the streams then continue one by one, bit for bit as before.
  for_each_block(n, scratch.blocks, [&](std::uint32_t lo, std::uint32_t hi, MonthTotals& tally) {
    std::vector<std::uint64_t>* const remote =
        telling ? &scratch.remote[lo / kAgentBlock] : nullptr;
    if (telling) {
      std::fill(heard + lo, heard + hi, std::uint64_t{0});
      remote->clear();
    }
    std::uint32_t ids[kBatch];
    std::uint32_t contact_words[4 * kBatch];
    std::uint32_t noise_words[4 * kBatch];
    std::uint32_t failure_words[4 * kBatch];
    std::uint32_t recovery_words[4 * kBatch];
    std::uint32_t churn_words[kBatch];
    std::uint32_t talk_words[kBatch];
    std::uint32_t talkers[kBatch];
    std::uint8_t talk_flags[kBatch];
    double churn_odds[kBatch];  // -log-odds of each customer's churn hazard
    const auto m_word = static_cast<std::uint32_t>(month);
    const Status* const status = pop.status.data();
    std::uint8_t* const talk = pop.talk.data();
    std::uint8_t* const will_churn = pop.will_churn.data();
    for (std::uint32_t c = lo; c < hi; c += kBatch) {
      const std::uint32_t c_end = std::min(hi, c + kBatch);
      // Branch-free compaction (status is random across agents); customers overwrite both
      // flags below. The flags are bytes, which may alias anything: stored in the same loop,
      // each store made the compiler reload the vectors' pointers, so they are cleared apart.
      std::uint32_t m = 0;
      for (std::uint32_t i = c; i < c_end; ++i) {
        ids[m] = i;
        m += status[i] == Status::active ? 1u : 0u;
      }
      std::fill(talk + c, talk + c_end, std::uint8_t{0});
      std::fill(will_churn + c, will_churn + c_end, std::uint8_t{0});
      if (m == 0) continue;
      const std::uint32_t padded = pad_lanes(ids, m);
      philox_first_blocks(key.seed, ids, padded, key.replication, m_word, Purpose::contacts,
                          contact_words, kBatch);
      philox_first_blocks(key.seed, ids, padded, key.replication, m_word, Purpose::experience_noise,
                          noise_words, kBatch);
      philox_first_blocks(key.seed, ids, padded, key.replication, m_word, Purpose::failures,
                          failure_words, kBatch);
      philox_first_blocks(key.seed, ids, padded, key.replication, m_word, Purpose::recovery,
                          recovery_words, kBatch);
      philox_first_words(key.seed, ids, padded, key.replication, m_word, Purpose::churn,
                         churn_words);
      philox_first_words(key.seed, ids, padded, key.replication, m_word, Purpose::talk, talk_words);
      std::uint32_t n_talkers = 0;
      for (std::uint32_t q = 0; q < m; ++q) {
        const Drawn drawn{contact_words + q,  noise_words + q, failure_words + q,
                          recovery_words + q, churn_words[q],  talk_words[q]};
        talk_flags[q] =
            experience_and_speak(P, key, month, ids[q], pop, tally, drawn, churn_odds[q]);
        talkers[n_talkers] = ids[q];
        n_talkers += talk_flags[q] != 0 ? 1u : 0u;
      }
      for (std::uint32_t q = 0; q < m; ++q) talk[ids[q]] = talk_flags[q];
      settle_churn(P, ids, m, pop, tally, churn_odds, churn_words);
      if (!telling) continue;
      // Talkers are a few in a batch and their lists are cold: request them all, then walk them.
      for (std::uint32_t k = 0; k < n_talkers; ++k) {
        const std::span<const std::uint32_t> list = network.neighbours(talkers[k]);
        if (list.empty()) continue;
        __builtin_prefetch(list.data());
        __builtin_prefetch(&list.back());
      }
      for (std::uint32_t k = 0; k < n_talkers; ++k) {
        tell_neighbours(network, talkers[k], talk[talkers[k]], lo, hi, heard, *remote);
      }
    }
  });
  const MonthTotals spoken = sum_blocks(scratch.blocks, n_seg, n_tp);
  if (telling) {
    // The remote entries, in parallel: atomic integer additions, so any order gives the same
    // counts.
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, n_blocks, 1),
                      [&](const tbb::blocked_range<std::uint32_t>& r) {
                        for (std::uint32_t b = r.begin(); b != r.end(); ++b) {
                          for (const std::uint64_t e : scratch.remote[b]) {
                            std::atomic_ref<std::uint64_t>(heard[e >> 1])
                                .fetch_add(kHeard[1 + (e & 1)], std::memory_order_relaxed);
                          }
                        }
                      });
  }

  // Broadcast: every agent pulls Poisson(Lambda / N) negative messages.
  const PoissonDraw broadcast(n > 0 ? spoken.broadcast_lambda / n : 0.0);
  const std::uint32_t all_positive = static_cast<std::uint32_t>(spoken.positive_talkers);
  const std::uint32_t all_negative = static_cast<std::uint32_t>(spoken.negative_talkers);

  // Pass 2: steps 9 (listen) and 10, then the month's status changes and stocks.
  std::vector<MonthTotals>& blocks = scratch.blocks;
  for (MonthTotals& b : blocks) b = MonthTotals(n_seg, n_tp);
  const bool broadcasting = broadcast.mean() > 0.0;
  // log_survive(q / max(k, 1)) per segment for degrees k below kDegreeTable (and for the
  // everyone-else degree of a mean field), and log_survive(nu): once a month, not per prospect.
  std::vector<double>& log_q = scratch.log_survive_imitation;
  std::vector<double>& log_nu = scratch.log_survive_deterrence;
  log_q.resize(static_cast<std::size_t>(n_seg) * (kDegreeTable + 1));
  log_nu.resize(static_cast<std::size_t>(n_seg));
  for (int s = 0; s < n_seg; ++s) {
    const SegmentMonth& sp = P.segments[s];
    double* const row = log_q.data() + static_cast<std::size_t>(s) * (kDegreeTable + 1);
    for (std::uint32_t k = 0; k < kDegreeTable; ++k) {
      row[k] = rules::log_survive(sp.imitation / std::max(static_cast<double>(k), 1.0));
    }
    row[kDegreeTable] = rules::log_survive(
        sp.imitation / std::max(static_cast<double>(n) - 1.0, 1.0));  // the mean field's
    log_nu[static_cast<std::size_t>(s)] = rules::log_survive(sp.deterrence);
  }
  std::vector<double>& imitation_cache = scratch.imitation_survival;
  std::vector<double>& deterrence_cache = scratch.deterrence_survival;
  imitation_cache.assign(log_q.size() * kCachedMessages, -1.0);
  deterrence_cache.assign(log_nu.size() * kCachedMessages, -1.0);
  // Most prospects hear nothing: then (1 - x)^0 = 1 on both sides and their adoption is a number
  // per segment and kind (prospect, lapsed), drawn as a word against its bound.
  std::vector<std::uint64_t>& quiet_words = scratch.quiet_adoption_words;
  quiet_words.resize(static_cast<std::size_t>(n_seg) * 2);
  for (int s = 0; s < n_seg; ++s) {
    const SegmentMonth& sp = P.segments[s];
    for (const bool lapsed : {false, true}) {
      const double adopt =
          rules::adoption_probability_from_survivals(lapsed ? sp.winback : sp.innovation, 1.0, 1.0);
      quiet_words[static_cast<std::size_t>(s) * 2 + (lapsed ? 1 : 0)] = Stream::words_below(adopt);
    }
  }
  for_each_block(n, blocks, [&](std::uint32_t lo, std::uint32_t hi, MonthTotals& tally) {
    std::uint32_t ids[kBatch];
    std::uint32_t listeners[kBatch];
    std::uint32_t customers[kBatch];
    std::uint32_t positive_heard[kBatch];
    std::uint32_t negative_heard[kBatch];
    std::uint32_t broadcast_words[4 * kBatch];
    std::uint32_t adoption_words[kBatch];
    std::uint32_t adopters[kBatch];
    std::uint32_t fit_words[4 * kBatch];
    const auto m_word = static_cast<std::uint32_t>(month);
    for (std::uint32_t c = lo; c < hi; c += kBatch) {
      const std::uint32_t c_end = std::min(hi, c + kBatch);
      // Customers and the others apart, branch-free (status is random across agents), so each
      // group's loop below runs without mispredicting it. The counts either group adds are
      // integers and each sum of doubles (acquisition cost, lifetimes) is still taken in agent
      // order, so the split changes no bits.
      // (One counter: with two, GCC branches on the status.)
      const std::uint32_t m = c_end - c;
      std::uint32_t n_customers = 0;
      std::uint32_t n_adopters = 0;
      for (std::uint32_t i = c; i < c_end; ++i) {
        ids[i - c] = i;
        listeners[i - c - n_customers] = i;
        customers[n_customers] = i;
        n_customers += pop.status[i] == Status::active ? 1u : 0u;
      }
      const std::uint32_t n_listeners = m - n_customers;
      if (broadcasting && broadcast.one_word()) {
        philox_first_words(key.seed, ids, pad_lanes(ids, m), key.replication, m_word,
                           Purpose::broadcast, broadcast_words);
      } else if (broadcasting) {
        philox_first_blocks(key.seed, ids, pad_lanes(ids, m), key.replication, m_word,
                            Purpose::broadcast, broadcast_words, kBatch);
      }
      if (n_listeners > 0) {
        philox_first_words(key.seed, listeners, pad_lanes(listeners, n_listeners), key.replication,
                           m_word, Purpose::adoption, adoption_words);
      }
      // What everyone heard, one kind of source at a time: each loop runs without tests inside
      // (in one loop with them, the compiler tested every mode and loaded every array's pointer
      // again at each agent). The batch's messages are counted in integers and added to the
      // tally once: every partial sum is an integer far below 2^53, so the double total is the
      // one that adding them one by one gave, without a chain of dependent additions.
      if (mean_field) {
        const std::uint8_t* const talk = pop.talk.data();
        for (std::uint32_t i = c; i < c_end; ++i) {
          positive_heard[i - c] = all_positive - ((talk[i] & kTalksPositive) ? 1u : 0u);
          negative_heard[i - c] = all_negative - ((talk[i] & kTalksNegative) ? 1u : 0u);
        }
      } else if (telling) {
        // Both kinds in one word: positive talkers in the low half, negative ones in the high
        // half (a degree never reaches 2^32).
        for (std::uint32_t i = c; i < c_end; ++i) {
          positive_heard[i - c] = static_cast<std::uint32_t>(heard[i]);
          negative_heard[i - c] = static_cast<std::uint32_t>(heard[i] >> 32);
        }
      } else {
        std::fill(positive_heard, positive_heard + m, 0u);
        std::fill(negative_heard, negative_heard + m, 0u);
      }
      if (broadcasting && broadcast.one_word()) {
        for (std::uint32_t q = 0; q < m; ++q) {
          negative_heard[q] += broadcast.from_word(broadcast_words[q]);
        }
      } else if (broadcasting) {
        for (std::uint32_t i = c; i < c_end; ++i) {
          Stream bstream =
              batched_stream(key, i, month, Purpose::broadcast, broadcast_words + (i - c));
          negative_heard[i - c] += broadcast(bstream);
        }
      }
      std::uint64_t batch_positive = 0;
      std::uint64_t batch_negative = 0;
      for (std::uint32_t q = 0; q < m; ++q) {
        batch_positive += positive_heard[q];
        batch_negative += negative_heard[q];
      }
      tally.wom_positive += static_cast<double>(batch_positive);
      tally.wom_negative += static_cast<double>(batch_negative);
      // Customers: churn takes effect; the others keep what they heard for next month. (Locals:
      // a status stored is a byte, after which the compiler reloaded the vectors' pointers.)
      Status* const status = pop.status.data();
      const std::uint8_t* const segment = pop.segment.data();
      const std::uint8_t* const will_churn = pop.will_churn.data();
      std::uint32_t* const inbox_positive = pop.inbox_positive.data();
      std::uint32_t* const inbox_negative = pop.inbox_negative.data();
      MonthTotals::PerSegment* const segments = tally.segments.data();
      for (std::uint32_t k = 0; k < n_customers; ++k) {
        const std::uint32_t i = customers[k];
        MonthTotals::PerSegment& ts = segments[segment[i]];
        if (will_churn[i]) {
          status[i] = Status::lapsed;
          ts.churned += 1;
          ts.lapsed_end += 1;
        } else {
          inbox_positive[i] = positive_heard[i - c];  // felt in step 3 of next month
          inbox_negative[i] = negative_heard[i - c];
          ts.customers_end += 1;
        }
      }
      // Prospects and lapsed customers: step 10.
      for (std::uint32_t k = 0; k < n_listeners; ++k) {
        const std::uint32_t i = listeners[k];
        const std::uint32_t positive = positive_heard[i - c];
        const std::uint32_t negative = negative_heard[i - c];
        const int s = pop.segment[i];
        const SegmentMonth& sp = P.segments[s];
        MonthTotals::PerSegment& ts = tally.segments[s];
        const bool lapsed = pop.status[i] == Status::lapsed;
        const std::uint32_t adoption_word = adoption_words[k];
        bool adopts = false;
        if ((positive | negative) == 0) {
          adopts = adoption_word < quiet_words[static_cast<std::size_t>(s) * 2 + (lapsed ? 1 : 0)];
        } else {
          const double p = lapsed ? sp.winback : sp.innovation;
          const double degree = mean_field ? static_cast<double>(n) - 1.0 : network.degree(i);
          // The row of this segment and degree (the mean field's is the last).
          const std::size_t row = static_cast<std::size_t>(s) * (kDegreeTable + 1) +
                                  (mean_field ? kDegreeTable : static_cast<std::uint32_t>(degree));
          const double imitation =
              mean_field || degree < kDegreeTable
                  ? cached_survival(imitation_cache.data() + row * kCachedMessages, log_q[row],
                                    positive)
                  : rules::survive_each_from_log(
                        rules::log_survive(sp.imitation / std::max(degree, 1.0)), positive);
          const double deterrence = cached_survival(
              deterrence_cache.data() + static_cast<std::size_t>(s) * kCachedMessages,
              log_nu[static_cast<std::size_t>(s)], negative);
          const double adopt = rules::adoption_probability_from_survivals(p, imitation, deterrence);
          adopts = adopt > 0.0 && Stream::to_uniform(adoption_word) < adopt;
        }
        if (adopts) {
          adopters[n_adopters++] = i;  // starts afresh once the batch is settled
          ts.acquisitions += 1;
          ts.winbacks += lapsed ? 1 : 0;
          ts.acquisition_cost += sp.acquisition_cost;
          ts.customers_end += 1;
          // Valued at the entry hazard: S = S_ref, no failure, WOM or price gap, but the
          // competition that acts on everyone (MODEL.md s.3).
          const double entry_hazard = rules::churn_hazard(
              agent_baseline_churn(sp, pop, i), P.churn_competitor * P.competitor_pressure);
          ts.discounted_lifetime += rules::discounted_lifetime(P.monthly_discount, entry_hazard);
        }
        // Stocks without a branch: lapsed or prospect is random across listeners.
        ts.lapsed_end += lapsed & !adopts ? 1 : 0;
        ts.prospects_end += !lapsed & !adopts ? 1 : 0;
      }
      // Nothing above reads an adopter's state after its decision, so the fresh starts wait for
      // the batch and their fit streams' first blocks are computed together.
      if (n_adopters > 0) {
        philox_first_blocks(key.seed, adopters, pad_lanes(adopters, n_adopters), key.replication,
                            m_word, Purpose::fit, fit_words, kBatch);
        for (std::uint32_t q = 0; q < n_adopters; ++q) {
          const std::uint32_t i = adopters[q];
          start_afresh(P.segments[pop.segment[i]], key, month, i, pop, fit_words + q);
        }
      }
    }
  });
  MonthTotals settled = sum_blocks(blocks, n_seg, n_tp);

  // Merge the two passes: pass 1 owns experience, money and talk; pass 2 owns stocks and WOM.
  for (int s = 0; s < n_seg; ++s) {
    MonthTotals::PerSegment& a = settled.segments[s];
    const MonthTotals::PerSegment& b = spoken.segments[s];
    a.active_during = b.active_during;
    a.satisfaction_sum = b.satisfaction_sum;
    a.promoters = b.promoters;
    a.detractors = b.detractors;
    a.revenue = b.revenue;
    a.variable_cost = b.variable_cost;
    a.discounted_lifetime += b.discounted_lifetime;
    // Every customer of a segment has the segment's margin: CE = m * sum of 1 / (d + h_i).
    a.customer_equity = P.segments[s].margin * a.discounted_lifetime;
  }
  settled.touchpoints = spoken.touchpoints;
  settled.positive_talkers = spoken.positive_talkers;
  settled.negative_talkers = spoken.negative_talkers;
  settled.broadcast_lambda = spoken.broadcast_lambda;
  return settled;
}

double initial_customer_equity(const MonthParameters& P, const Population& pop) {
  double total = 0.0;
  for (std::uint32_t i = 0; i < pop.size(); ++i) {
    if (pop.status[i] != Status::active) continue;
    const SegmentMonth& sp = P.segments[pop.segment[i]];
    const double gap = rules::price_gap(sp.price, pop.reference_price[i]);
    const double drivers = P.churn_satisfaction * (sp.satisfaction_ref - pop.satisfaction[i]) +
                           P.churn_price * std::max(gap, 0.0) +
                           P.churn_competitor * P.competitor_pressure;
    const double hazard = rules::churn_hazard(agent_baseline_churn(sp, pop, i), drivers);
    total += rules::lifetime_value(sp.margin, P.monthly_discount, hazard);
  }
  return total;
}

}  // namespace cxsim
