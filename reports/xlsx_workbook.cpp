// The finance workbook with libxlsxwriter: formats, frozen headers, autofilters, native charts;
// then every number cell rewritten exactly (reports/xlsx_exact.hpp).
#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>

#include "engine/core/errors.hpp"
#include "reports/exporters.hpp"
#include "reports/xlsx_exact.hpp"

namespace cxsim::reports {

namespace {

// Excel's limit on the text of one cell.
constexpr std::size_t kMaxCellText = 32767;

std::string cell_ref(lxw_row_t row, lxw_col_t col) {
  std::string letters;
  for (unsigned c = col + 1; c > 0; c = (c - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return letters + std::to_string(row + 1);
}

// The currency as a literal of a number format: letters, digits and spaces only.
std::string currency_literal(const std::string& currency) {
  std::string out;
  for (char c : currency) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ') out += c;
  }
  return out;
}

class Book {
 public:
  Book(const std::filesystem::path& path, const FinanceTables& tables) : path_(path) {
    lxw_workbook_options options{};
    options.use_zip64 = LXW_TRUE;
    book_ = workbook_new_opt(path.c_str(), &options);
    if (book_ == nullptr) {
      throw IoError(fmt::format("{}: cannot create the workbook", path.string()));
    }
    const std::string cur = currency_literal(tables.fact("currency"));
    const std::string suffix = cur.empty() ? "" : " " + cur;
    // Values stay unscaled: the format shows sums in millions, amounts per failure in units.
    number_formats_[Format::money] = fmt::format("#,##0.00,,\" M{}\"", suffix);
    number_formats_[Format::money_unit] = fmt::format("#,##0.00\"{}\"", suffix);
    number_formats_[Format::share] = "0.0%";
    number_formats_[Format::ratio] = "0.0%";
    number_formats_[Format::month] = "0";
    number_formats_[Format::count] = "#,##0";
    number_formats_[Format::number] = "General";
    for (const auto& [f, text] : number_formats_) {
      lxw_format* x = workbook_add_format(book_);
      format_set_num_format(x, text.c_str());
      formats_[f] = x;
    }
    title_ = workbook_add_format(book_);
    format_set_bold(title_);
    format_set_font_size(title_, 14);
    note_ = workbook_add_format(book_);
    format_set_italic(note_);
    source_ = workbook_add_format(book_);
    format_set_italic(source_);
    format_set_font_color(source_, 0x595959);
    header_ = workbook_add_format(book_);
    format_set_bold(header_);
    format_set_text_wrap(header_);
    format_set_bottom(header_, LXW_BORDER_THIN);
    format_set_bg_color(header_, 0xDDEBF7);
    format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
    text_ = workbook_add_format(book_);

    lxw_doc_properties props{};
    const std::string title = tables.fact("experiment").empty()
                                  ? "cxsim finance workbook"
                                  : "cxsim " + tables.fact("experiment") + " workbook";
    props.title = const_cast<char*>(title.c_str());
    const std::string subject = tables.fact("scenario_name");
    props.subject = const_cast<char*>(subject.c_str());
    const std::string comments =
        "From " + tables.file.filename().string() + " (SHA-256 " + tables.fact("file_sha256") + ")";
    props.comments = const_cast<char*>(comments.c_str());
    props.created = created_time(tables.fact("created_utc"));
    workbook_set_properties(book_, &props);
  }
  ~Book() {
    // Only when close() was not reached (an exception): free without writing.
    if (book_ != nullptr) lxw_workbook_free(book_);
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  lxw_worksheet* sheet(const std::string& name) {
    const auto it = sheets_.find(name);
    if (it != sheets_.end()) return it->second.ws;
    lxw_worksheet* ws = workbook_add_worksheet(book_, name.c_str());
    if (ws == nullptr) throw IoError(fmt::format("cannot add worksheet {}", name));
    sheets_[name] = {ws, order_.size(), 0};
    order_.push_back(name);
    exact_.emplace_back();
    return ws;
  }
  lxw_row_t& next_row(const std::string& name) { return sheets_.at(name).next_row; }

  void text(const std::string& sheet_name, lxw_row_t row, lxw_col_t col, const std::string& s,
            lxw_format* f = nullptr) {
    if (s.empty()) return;
    const std::string clipped = s.size() > kMaxCellText ? s.substr(0, kMaxCellText) : s;
    worksheet_write_string(sheets_.at(sheet_name).ws, row, col, clipped.c_str(), f ? f : text_);
  }
  void number(const std::string& sheet_name, lxw_row_t row, lxw_col_t col, double v, Format f) {
    const Sheet& s = sheets_.at(sheet_name);
    if (std::isnan(v)) return;  // empty cell
    if (std::isinf(v)) {
      text(sheet_name, row, col, v > 0 ? "inf" : "-inf");
      return;
    }
    worksheet_write_number(s.ws, row, col, v, formats_.at(f == Format::text ? Format::number : f));
    exact_[s.index][cell_ref(row, col)] = v;
  }
  void cell(const std::string& sheet_name, lxw_row_t row, lxw_col_t col, const Cell& c, Format f) {
    if (const double* v = std::get_if<double>(&c)) {
      number(sheet_name, row, col, *v, f);
    } else if (const std::string* s = std::get_if<std::string>(&c)) {
      text(sheet_name, row, col, *s);
    }
  }

  lxw_format* title() const { return title_; }
  lxw_format* note() const { return note_; }
  lxw_format* source() const { return source_; }
  lxw_format* header() const { return header_; }
  lxw_workbook* get() const { return book_; }
  const std::string& number_format(Format f) const { return number_formats_.at(f); }

  void close() {
    lxw_workbook* book = book_;
    book_ = nullptr;
    const lxw_error error = workbook_close(book);
    if (error != LXW_NO_ERROR) {
      throw IoError(
          fmt::format("{}: cannot write the workbook: {}", path_.string(), lxw_strerror(error)));
    }
    write_exact_numbers(path_, exact_);
  }

 private:
  static std::time_t created_time(const std::string& utc) {
    std::tm tm{};
    if (utc.empty() || strptime(utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) return 0;
    return timegm(&tm);
  }
  struct Sheet {
    lxw_worksheet* ws;
    std::size_t index;
    lxw_row_t next_row;
  };
  std::filesystem::path path_;
  lxw_workbook* book_ = nullptr;
  std::map<Format, std::string> number_formats_;
  std::map<Format, lxw_format*> formats_;
  lxw_format *title_ = nullptr, *note_ = nullptr, *source_ = nullptr, *header_ = nullptr,
             *text_ = nullptr;
  std::map<std::string, Sheet> sheets_;
  std::vector<std::string> order_;
  ExactNumbers exact_;
};

// Where a table landed: its header row and first data row, for charts.
struct Placed {
  lxw_row_t header = 0;
  lxw_row_t first = 0;
  lxw_row_t last = 0;  // inclusive; == first - 1 when empty
};

Placed write_table(Book& book, const Table& t) {
  lxw_worksheet* ws = book.sheet(t.sheet);
  lxw_row_t& row = book.next_row(t.sheet);
  const bool first_on_sheet = row == 0;
  if (!first_on_sheet) row += 2;
  book.text(t.sheet, row++, 0, t.title, book.title());
  book.text(t.sheet, row++, 0, t.note, book.note());
  std::string sources;
  for (const auto& s : t.sources) sources += (sources.empty() ? "" : ", ") + s;
  book.text(t.sheet, row++, 0, "Source: " + sources, book.source());
  Placed placed;
  placed.header = row;
  const bool source_column = !t.row_sources.empty();
  const auto n_columns = static_cast<lxw_col_t>(t.columns.size() + (source_column ? 1 : 0));
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    book.text(t.sheet, row, static_cast<lxw_col_t>(c), t.columns[c].header, book.header());
  }
  if (source_column) {
    book.text(t.sheet, row, static_cast<lxw_col_t>(t.columns.size()), "source", book.header());
  }
  ++row;
  placed.first = row;
  for (std::size_t r = 0; r < t.rows.size(); ++r, ++row) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      book.cell(t.sheet, row, static_cast<lxw_col_t>(c), t.rows[r][c], t.format_of(r, c));
    }
    if (source_column) {
      book.text(t.sheet, row, static_cast<lxw_col_t>(t.columns.size()), t.row_sources[r],
                book.source());
    }
  }
  placed.last = row - 1;
  if (first_on_sheet) {
    std::size_t keys = 0;
    while (keys < t.columns.size() && t.columns[keys].key) ++keys;
    worksheet_freeze_panes(ws, placed.first, static_cast<lxw_col_t>(keys));
    if (!t.rows.empty()) {
      worksheet_autofilter(ws, placed.header, 0, placed.last, n_columns - 1);
    }
    // Widths: key and text columns by their content (capped), numbers fixed.
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      double width = 14;
      if (t.columns[c].key || t.columns[c].format == Format::text) {
        std::size_t longest = 8;
        for (const auto& r : t.rows) {
          if (const auto* s = std::get_if<std::string>(&r[c])) {
            longest = std::max(longest, s->size());
          }
        }
        width = static_cast<double>(std::min<std::size_t>(longest + 2, 60));
      }
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                           nullptr);
    }
    if (source_column) worksheet_set_column(ws, n_columns - 1, n_columns - 1, 60, nullptr);
  }
  return placed;
}

// Chart data block: mean avoidable cost by touchpoint (rows) and roadmap (columns), copied from
// the avoidable-cost table, placed to the right of it. Returns the measure charted.
std::string write_touchpoint_block(Book& book, const FinanceTables& tables, const Table& t,
                                   lxw_row_t top, lxw_col_t left) {
  const bool twins = tables.fact("by_touchpoint") == "1";
  const std::string measure =
      twins ? "avoidable cost by touchpoint" : "direct failure cost, discounted";
  book.text(t.sheet, top, left, "Chart data: mean " + measure + " (from the table at left)",
            book.header());
  for (std::size_t i = 0; i < tables.roadmaps.size(); ++i) {
    book.text(t.sheet, top + 1, left + 1 + static_cast<lxw_col_t>(i), tables.roadmaps[i],
              book.header());
  }
  for (std::size_t k = 0; k < tables.touchpoints.size(); ++k) {
    const auto row = top + 2 + static_cast<lxw_row_t>(k);
    book.text(t.sheet, row, left, tables.touchpoints[k]);
    for (std::size_t i = 0; i < tables.roadmaps.size(); ++i) {
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const auto& cells = t.rows[r];
        if (std::get<std::string>(cells[0]) == tables.roadmaps[i] &&
            std::get<std::string>(cells[1]) == measure &&
            std::get<std::string>(cells[2]) == tables.touchpoints[k]) {
          book.cell(t.sheet, row, left + 1 + static_cast<lxw_col_t>(i), cells[3], Format::money);
        }
      }
    }
  }
  return measure;
}

// On the Summary sheet: cumulative discounted delta cash per roadmap and avoidable cost by
// touchpoint (each where its table is there).
void add_finance_charts(Book& book, const FinanceTables& tables,
                        std::map<std::string, Placed>& placed) {
  const std::size_t M = tables.roadmaps.size();
  const std::string baseline = tables.fact("baseline");
  const Table* summary = tables.find("summary");
  const Table* cumulative = tables.find("cumulative_delta_cash");
  const Table* avoidable = tables.find("avoidable_cost");
  lxw_worksheet* summary_ws = book.sheet(summary->sheet);
  lxw_row_t chart_row = placed["summary"].last + 3;

  // Cumulative discounted delta cash per roadmap: the median of each (p50 columns).
  if (M > 1 && cumulative != nullptr) {
    lxw_chart* chart = workbook_add_chart(book.get(), LXW_CHART_LINE);
    const Placed& p = placed["cumulative_delta_cash"];
    for (std::size_t i = 0; i < M; ++i) {
      if (tables.roadmaps[i] == baseline) continue;
      const auto col = static_cast<lxw_col_t>(1 + 6 * i + 3);  // mean p05 p25 [p50] p75 p95
      lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
      chart_series_set_categories(s, cumulative->sheet.c_str(), p.first, 0, p.last, 0);
      chart_series_set_values(s, cumulative->sheet.c_str(), p.first, col, p.last, col);
      chart_series_set_name(s, tables.roadmaps[i].c_str());
    }
    chart_title_set_name(chart, "Cumulative discounted cash gained over the baseline (median)");
    chart_axis_set_name(chart->x_axis, "month");
    chart_axis_set_num_format(chart->y_axis, book.number_format(Format::money).c_str());
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options options{};
    options.x_scale = 1.6;
    options.y_scale = 1.4;
    worksheet_insert_chart_opt(summary_ws, chart_row, 0, chart, &options);
  }
  // Avoidable cost by touchpoint, one series per roadmap, from a block beside the table.
  if (!tables.touchpoints.empty() && avoidable != nullptr) {
    const auto left = static_cast<lxw_col_t>(avoidable->columns.size() + 2);
    const lxw_row_t top = placed["avoidable_cost"].header;
    const std::string measure = write_touchpoint_block(book, tables, *avoidable, top, left);
    lxw_chart* chart = workbook_add_chart(book.get(), LXW_CHART_COLUMN);
    const auto K = static_cast<lxw_row_t>(tables.touchpoints.size());
    for (std::size_t i = 0; i < M; ++i) {
      const auto col = left + 1 + static_cast<lxw_col_t>(i);
      lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
      chart_series_set_categories(s, avoidable->sheet.c_str(), top + 2, left, top + 1 + K, left);
      chart_series_set_values(s, avoidable->sheet.c_str(), top + 2, col, top + 1 + K, col);
      chart_series_set_name(s, tables.roadmaps[i].c_str());
    }
    const std::string title =
        measure == "avoidable cost by touchpoint"
            ? "Avoidable cost by touchpoint (mean; churn and word of mouth included)"
            : "Direct failure cost by touchpoint (mean, discounted)";
    chart_title_set_name(chart, title.c_str());
    chart_axis_set_num_format(chart->y_axis, book.number_format(Format::money).c_str());
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options options{};
    options.x_scale = 1.6;
    options.y_scale = 1.4;
    worksheet_insert_chart_opt(summary_ws, chart_row, 10, chart, &options);
  }
}

// On the Sensitivity sheet, right of the table: the main index of the first output (Sobol ST,
// Morris mu*, the tornado's low and high) per factor, for the first roadmap that is not the
// baseline (the baseline's delta_npv does not vary). The table's rows of one output and roadmap
// are consecutive, in factor order, so the chart reads them where they are.
void add_sensitivity_chart(Book& book, const FinanceTables& tables, const Table& t,
                           const Placed& p) {
  const std::string output = tables.fact("first_output");
  const std::string baseline = tables.fact("baseline");
  std::string roadmap = tables.roadmaps.empty() ? "" : tables.roadmaps.front();
  for (const std::string& r : tables.roadmaps) {
    if (r != baseline) {
      roadmap = r;
      break;
    }
  }
  std::size_t first = t.rows.size(), last = 0;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (std::get<std::string>(t.rows[r][0]) == output &&
        std::get<std::string>(t.rows[r][1]) == roadmap) {
      first = std::min(first, r);
      last = r;
    }
  }
  if (first == t.rows.size()) return;
  const std::string method = tables.fact("method");
  std::vector<std::string> series;
  if (method == "sobol") series = {"ST"};
  if (method == "morris") series = {"mu_star"};
  if (method == "tornado") series = {"low", "high"};
  lxw_chart* chart = nullptr;
  for (const std::string& name : series) {
    std::size_t c = 0;
    while (c < t.columns.size() && (t.columns[c].key || t.columns[c].header != name)) ++c;
    if (c == t.columns.size()) continue;
    if (chart == nullptr) chart = workbook_add_chart(book.get(), LXW_CHART_BAR);
    const auto top = p.first + static_cast<lxw_row_t>(first);
    const auto bottom = p.first + static_cast<lxw_row_t>(last);
    const auto col = static_cast<lxw_col_t>(c);
    lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
    chart_series_set_categories(s, t.sheet.c_str(), top, 2, bottom, 2);
    chart_series_set_values(s, t.sheet.c_str(), top, col, bottom, col);
    chart_series_set_name(s, name.c_str());
  }
  if (chart == nullptr) return;
  const std::string title = fmt::format("{} of {}, roadmap {}",
                                        method == "sobol"    ? "Total Sobol index ST"
                                        : method == "morris" ? "Morris mu*"
                                                             : "Tornado: output at p05 and p95",
                                        output, roadmap);
  chart_title_set_name(chart, title.c_str());
  // Factors top to bottom in table order (in a bar chart the y axis is the category axis).
  chart_axis_set_reverse(chart->y_axis);
  chart_axis_set_crossing_max(chart->y_axis);  // the value axis stays at the bottom
  if (series.size() == 1) chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
  lxw_chart_options options{};
  options.x_scale = 1.6;
  options.y_scale = std::max(1.4, 0.06 * static_cast<double>(last - first + 1));
  const auto column = static_cast<lxw_col_t>(t.columns.size() + 1);
  worksheet_insert_chart_opt(book.sheet(t.sheet), p.header, column, chart, &options);
}

}  // namespace

void write_workbook(const FinanceTables& tables, const std::filesystem::path& out) {
  std::filesystem::path partial = out;
  partial += ".partial";
  std::error_code ec;
  std::filesystem::remove(partial, ec);
  {
    Book book(partial, tables);
    std::map<std::string, Placed> placed;
    for (const Table& t : tables.tables) placed[t.id] = write_table(book, t);

    if (tables.find("summary") != nullptr) add_finance_charts(book, tables, placed);
    if (const Table* sensitivity = tables.find("sensitivity")) {
      add_sensitivity_chart(book, tables, *sensitivity, placed["sensitivity"]);
    }
    book.close();
  }
  std::filesystem::rename(partial, out, ec);
  if (ec) {
    throw IoError(
        fmt::format("{}: cannot rename to {}: {}", partial.string(), out.string(), ec.message()));
  }
}

}  // namespace cxsim::reports
