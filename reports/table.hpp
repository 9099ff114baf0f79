// The finance tables of a results file, in one shape that the workbook, the tidy CSV files and the
// HTML report all render: a title, the datasets its numbers come from, typed columns and rows of
// cells (a number exactly as read or computed, a text, or empty).
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cxsim::reports {

// How a number is shown (the value itself is never rounded).
enum class Format {
  text,
  money,       // large sums: shown in millions of the currency
  money_unit,  // small sums (per failure): shown in units of the currency
  share,       // 0..1 shown as a percentage
  ratio,       // ROI: shown as a percentage
  month,       // a month number
  count,       // people, failures
  number,      // anything else (parameters)
};

// Empty (NaN, or nothing to show), a number, or a text.
using Cell = std::variant<std::monostate, double, std::string>;

struct Column {
  std::string id;      // key columns: the tidy CSV column name; others: unused
  std::string header;  // as shown in the workbook and the report
  bool key = false;    // identifies the row (a key column of the long format)
  // What the column holds, as (dimension, value) pairs that become columns of the long format:
  // {{"metric", "npv"}, {"statistic", "mean"}}, {{"year", "2"}, {"statistic", "p05"}}.
  std::vector<std::pair<std::string, std::string>> dims;
  Format format = Format::number;
  std::string source;  // the dataset its numbers come from, when one column has one
};

struct Table {
  std::string id;     // file name of its CSV (<id>.csv) and anchor in the report
  std::string sheet;  // workbook sheet it goes on (tables sharing a sheet are stacked)
  std::string title;
  std::string note;                  // how to read it and how its numbers are made
  std::vector<std::string> sources;  // every dataset its numbers come from
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  // Optional, one per row: the dataset a row's numbers come from, and a row's number format
  // (overriding the columns' where the rows differ in kind, e.g. money and counts).
  std::vector<std::string> row_sources;
  std::vector<Format> row_formats;
  // Optional, one per row and column: a cell's own dataset, where it depends on the row and the
  // column together (/sensitivity/<output>/<index>); empty entries fall back to the above.
  std::vector<std::vector<std::string>> cell_sources;

  Format format_of(std::size_t row, std::size_t column) const {
    if (!columns[column].key && row < row_formats.size() && row_formats[row] != Format::text) {
      return row_formats[row];
    }
    return columns[column].format;
  }
  std::string source_of(std::size_t row, std::size_t column) const;
};

// The shortest decimal text that reads back as exactly this double ("0.1",
// "1.2345678901234567e+17").
std::string exact_number(double value);

}  // namespace cxsim::reports
