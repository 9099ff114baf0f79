// Generated descriptions of the scenario format: the JSON Schema (`cxsim schema`) and the
// parameter table of docs/parameters.md, both from the declaration tables.
#pragma once

#include <string>

namespace cxsim {

// JSON Schema (draft 2020-12) of a scenario file; additionalProperties false everywhere.
std::string scenario_json_schema();

// docs/parameters.md: every key with type, default, range, unit, meaning and source.
std::string parameters_markdown();

}  // namespace cxsim
