// Exact numbers in an .xlsx file. libxlsxwriter (Debian's 1.1.4) writes every number with 16
// significant digits ("%.16G"), and a double needs 17 to read back as itself; so after the
// workbook is closed its worksheets' number cells are rewritten with the shortest text that reads
// back exactly (std::format's round trip), cell by cell, from the values that were written.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace cxsim::reports {

// Per worksheet (in the order they were added, 0-based): cell reference ("B7") -> value.
using ExactNumbers = std::vector<std::unordered_map<std::string, double>>;

// Rewrites `xlsx` in place: the <v> of every number cell listed in `numbers` becomes the value's
// exact text. IoError when the file cannot be read or written, or a listed cell is not found.
void write_exact_numbers(const std::filesystem::path& xlsx, const ExactNumbers& numbers);

// The text of one cell's <v> element: the shortest decimal that reads back as `value`.
std::string xlsx_number_text(double value);

}  // namespace cxsim::reports
