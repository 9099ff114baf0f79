// The resume command printed after an interrupted run: shell quoting (checked against /bin/sh)
// and the options it carries.
#include "cli/resume_hint.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace cxsim::cli {
namespace {

// What /bin/sh makes of `word`: printf prints it between brackets.
std::string through_sh(const std::string& word) {
  const std::string command = "printf '[%s]' " + word;
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  if (pipe == nullptr) return out;
  std::array<char, 256> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  pclose(pipe);
  return out;
}

TEST(ShellQuote, PlainWordsStayAsTheyAre) {
  EXPECT_EQ(shell_quote("scenarios/telecom.yaml"), "scenarios/telecom.yaml");
  EXPECT_EQ(shell_quote("agents=2000"), "agents=2000");
  EXPECT_EQ(shell_quote("-o"), "-o");
  EXPECT_EQ(shell_quote("a,b:c+d@e%f"), "a,b:c+d@e%f");
}

TEST(ShellQuote, SpecialCharactersAreSingleQuoted) {
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("my results.h5"), "'my results.h5'");
  EXPECT_EQ(shell_quote("segments.*.revenue.price=50"), "'segments.*.revenue.price=50'");
  EXPECT_EQ(shell_quote("description=it's"), "'description=it'\\''s'");
  EXPECT_EQ(shell_quote("'"), "''\\'''");
  EXPECT_EQ(shell_quote("~/x"), "'~/x'");
  EXPECT_EQ(shell_quote("$HOME"), "'$HOME'");
}

TEST(ShellQuote, TheShellReadsBackTheSameWord) {
  for (const std::string word :
       {"",      "plain", "two words",  "it's",        "''",    "*",   "segments.*.x=1", "$HOME",
        "`ls`",  "a\\b",  "tab\there",  "line\nbreak", "{a,b}", "x;y", "x|y&z",          "!",
        "#hash", "~",     "\"quoted\"", "[abc]",       "(p)",   "<in>"}) {
    EXPECT_EQ(through_sh(shell_quote(word)), "[" + word + "]") << shell_quote(word);
  }
}

TEST(ResumeCommand, CarriesEveryOptionThatDecidesTheResults) {
  RunArguments args;
  args.scenario = "my scenarios/telecom.yaml";
  args.overrides = {"agents=2000", "segments.*.revenue.price=50", "description=a b"};
  args.replications = 40;
  args.seed = 18446744073709551615ull;
  args.avoidable_cost = true;
  args.independent_streams = true;
  args.threads = 3;
  args.force = true;
  args.quiet = true;
  EXPECT_EQ(resume_command(args, "out dir/t.h5"),
            "cxsim run 'my scenarios/telecom.yaml' -o 'out dir/t.h5' --set agents=2000 --set "
            "'segments.*.revenue.price=50' --set 'description=a b' --replications 40 --seed "
            "18446744073709551615 --avoidable-cost --independent-streams --threads 3 --resume");
}

TEST(ResumeCommand, OnlyWhatWasGiven) {
  RunArguments args;
  args.scenario = "s.yaml";
  EXPECT_EQ(resume_command(args, "s.h5"), "cxsim run s.yaml -o s.h5 --resume");
}

TEST(ResumeHint, EndsWithTheCommand) {
  RunArguments args;
  args.scenario = "s.yaml";
  args.overrides = {"segments.*.revenue.price=50"};
  EXPECT_EQ(resume_hint(args, "out.h5", 3, 10),
            "3 of 10 replications kept in out.h5.partial; finish with: cxsim run s.yaml -o out.h5 "
            "--set 'segments.*.revenue.price=50' --resume");
  EXPECT_EQ(resume_hint(args, "out.h5", 0, 4, " (with any number of ranks)"),
            "0 of 4 replications kept in out.h5.partial; finish (with any number of ranks) with: "
            "cxsim run s.yaml -o out.h5 --set 'segments.*.revenue.price=50' --resume");
}

TEST(ResumeHint, AnExtensionSaysTheCompleteFileIsKept) {
  RunArguments args;
  args.scenario = "s.yaml";
  args.replications = 7;
  EXPECT_EQ(resume_hint(args, "out.h5", 5, 7, "", 3),
            "5 of 7 replications kept in out.h5.partial (out.h5 keeps its complete 3 until this "
            "finishes); finish with: cxsim run s.yaml -o out.h5 --replications 7 --resume");
}

TEST(ExperimentResumeHint, EndsWithTheCommandOfEveryOptionThatDecidesTheResults) {
  ExperimentArguments args;
  args.command = "sensitivity";
  args.file = "my experiments/sens.yaml";
  args.overrides = {"agents=2000"};
  args.replications = 4;
  args.seed = 9;
  args.threads = 2;
  args.force = true;
  args.quiet = true;
  EXPECT_EQ(experiment_resume_command(args, "s.h5"),
            "cxsim sensitivity 'my experiments/sens.yaml' -o s.h5 --set agents=2000 "
            "--replications 4 --seed 9 --threads 2 --resume");
  args = {};
  args.command = "sweep";
  args.file = "sweep.yaml";
  EXPECT_EQ(experiment_resume_hint(args, "out.h5", 2, 4, " (with any number of ranks)"),
            "2 of 4 points kept in out.h5.partial; finish (with any number of ranks) with: cxsim "
            "sweep sweep.yaml -o out.h5 --resume");
}

}  // namespace
}  // namespace cxsim::cli
