// The module that holds pagmo2 (experiments/gaco_search.hpp): the user-defined problem (integer
// bounds, one objective), a batch evaluator that hands a generation's decision vectors to the
// caller in one call, and the run of gaco. Nothing else of cxsim is in here.
#include <type_traits>

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/gaco.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>
#include <pagmo/types.hpp>

#include "experiments/gaco_search.hpp"

namespace {

using cxsim::GacoSearch;

struct IntegerProblem {
  const GacoSearch* search = nullptr;

  pagmo::vector_double fitness(const pagmo::vector_double& x) const {
    return {search->evaluate({x}).at(0)};
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    return {pagmo::vector_double(search->upper.size(), 0.0), search->upper};
  }
  pagmo::vector_double::size_type get_nix() const { return search->upper.size(); }
  // The caller's evaluation owns a TBB arena and a cache: only pagmo's calling thread may use it.
  pagmo::thread_safety get_thread_safety() const { return pagmo::thread_safety::none; }
};

// A generation's decision vectors in one call, so that the caller scores them together (pagmo's
// own bfes would call the problem from several threads).
struct GenerationEvaluator {
  const GacoSearch* search = nullptr;

  pagmo::vector_double operator()(const pagmo::problem& p, const pagmo::vector_double& dvs) const {
    const std::size_t n = p.get_nx();
    std::vector<std::vector<double>> xs;
    for (std::size_t at = 0; at + n <= dvs.size(); at += n) {
      xs.emplace_back(dvs.begin() + static_cast<std::ptrdiff_t>(at),
                      dvs.begin() + static_cast<std::ptrdiff_t>(at + n));
    }
    return search->evaluate(xs);
  }
};

void run(const GacoSearch& s) {
  const pagmo::problem problem(IntegerProblem{&s});
  const GenerationEvaluator batch{&s};
  pagmo::population population(problem, pagmo::bfe(batch),
                               static_cast<pagmo::population::size_type>(s.population), s.seed);
  pagmo::gaco gaco(s.generations, s.population, 1.0, 0.0, 0.01, s.generations, 7u, 100000u, 100000u,
                   0.0, false, s.seed);
  gaco.set_bfe(pagmo::bfe(batch));
  // The caller's record of evaluations is the result; the final population adds nothing to it.
  (void)pagmo::algorithm(gaco).evolve(population);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void cxsim_gaco_run(
    const cxsim::GacoSearch& search, std::exception_ptr& error) {
  try {
    run(search);
  } catch (...) {
    error = std::current_exception();
  }
}

// The entry point has the type the loader casts it to.
static_assert(std::is_same_v<decltype(&cxsim_gaco_run), cxsim::GacoEntry>);
