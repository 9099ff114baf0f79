// The command that finishes an interrupted `cxsim run`, `cxsim sweep` or `cxsim sensitivity`:
// printed at the end of the last line on stderr, so that it can be copied and typed as it is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cli/commands.hpp"

namespace cxsim::cli {

// `arg` as one POSIX shell word: unchanged when it holds only characters no shell treats
// specially (letters, digits and _ - . / = : , + @ %), else in single quotes, with each ' inside
// written as '\''. The empty string is ''.
std::string shell_quote(std::string_view arg);

// `cxsim run SCENARIO -o OUTPUT [--set A]... [--replications N] [--seed S] [--avoidable-cost]
// [--independent-streams] [--threads T] --resume`: every option that decides the results, each
// word quoted. --threads is kept when it was given (results are the same at any thread count;
// it only keeps the resumed run as polite to a shared machine as the first); --force and --quiet
// are dropped.
std::string resume_command(const RunArguments& args, const std::string& output);

// "K of N replications kept in OUTPUT.partial; finish<how> with: <resume_command>": the command
// comes last, so that the line ends with it. `how` is e.g. " (with any number of ranks)". When
// the run extends a complete OUTPUT of `extends` replications, the hint says that OUTPUT keeps
// them until the extension finishes.
std::string resume_hint(const RunArguments& args, const std::string& output, std::int64_t kept,
                        std::int64_t total, std::string_view how = "", std::int64_t extends = 0);

// `cxsim sweep|sensitivity FILE -o OUTPUT [--set A]... [--replications N] [--seed S]
// [--threads T] --resume`, with the same rules as resume_command.
std::string experiment_resume_command(const ExperimentArguments& args, const std::string& output);

// "K of N points kept in OUTPUT.partial; finish<how> with: <experiment_resume_command>".
std::string experiment_resume_hint(const ExperimentArguments& args, const std::string& output,
                                   std::int64_t kept, std::int64_t total, std::string_view how = "",
                                   std::string_view items = "points");

}  // namespace cxsim::cli
