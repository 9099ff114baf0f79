// Shell quoting and the resume commands of an interrupted run or experiment.
#include "cli/resume_hint.hpp"

#include <fmt/format.h>

namespace cxsim::cli {

namespace {

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_-./=:,+@%").find(c) != std::string_view::npos;
}

}  // namespace

std::string shell_quote(std::string_view arg) {
  bool needs_quotes = arg.empty();
  for (char c : arg) needs_quotes = needs_quotes || !plain(c);
  if (!needs_quotes) return std::string(arg);
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string resume_command(const RunArguments& args, const std::string& output) {
  std::string out = "cxsim run " + shell_quote(args.scenario) + " -o " + shell_quote(output);
  for (const auto& o : args.overrides) out += " --set " + shell_quote(o);
  if (args.replications) out += fmt::format(" --replications {}", *args.replications);
  if (args.seed) out += fmt::format(" --seed {}", *args.seed);
  if (args.avoidable_cost) out += " --avoidable-cost";
  if (args.independent_streams) out += " --independent-streams";
  if (args.threads > 0) out += fmt::format(" --threads {}", args.threads);
  return out + " --resume";
}

std::string resume_hint(const RunArguments& args, const std::string& output, std::int64_t kept,
                        std::int64_t total, std::string_view how, std::int64_t extends) {
  const std::string beside =
      extends > 0 ? fmt::format(" ({} keeps its complete {} until this finishes)", output, extends)
                  : std::string();
  return fmt::format("{} of {} replications kept in {}.partial{}; finish{} with: {}", kept, total,
                     output, beside, how, resume_command(args, output));
}

std::string experiment_resume_command(const ExperimentArguments& args, const std::string& output) {
  std::string out =
      fmt::format("cxsim {} {} -o {}", args.command, shell_quote(args.file), shell_quote(output));
  for (const auto& o : args.overrides) out += " --set " + shell_quote(o);
  if (args.replications) out += fmt::format(" --replications {}", *args.replications);
  if (args.seed) out += fmt::format(" --seed {}", *args.seed);
  if (args.threads > 0) out += fmt::format(" --threads {}", args.threads);
  return out + " --resume";
}

std::string experiment_resume_hint(const ExperimentArguments& args, const std::string& output,
                                   std::int64_t kept, std::int64_t total, std::string_view how,
                                   std::string_view items) {
  return fmt::format("{} of {} {} kept in {}.partial; finish{} with: {}", kept, total, items,
                     output, how, experiment_resume_command(args, output));
}

}  // namespace cxsim::cli
