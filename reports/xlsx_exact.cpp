// Unzips the workbook (minizip), rewrites the listed number cells of each worksheet's XML, and
// zips it again with every other member copied unchanged.
#include "reports/xlsx_exact.hpp"

#include <fmt/format.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>

#include <algorithm>
#include <memory>

#include "engine/core/errors.hpp"

namespace cxsim::reports {

namespace {

struct Member {
  std::string name;
  std::string data;
};

std::vector<Member> read_zip(const std::filesystem::path& path) {
  unzFile zip = unzOpen64(path.c_str());
  if (zip == nullptr) throw IoError(fmt::format("{}: cannot open the workbook", path.string()));
  std::unique_ptr<void, int (*)(unzFile)> closer(zip, unzClose);
  std::vector<Member> members;
  for (int status = unzGoToFirstFile(zip); status == UNZ_OK; status = unzGoToNextFile(zip)) {
    unz_file_info64 info{};
    std::vector<char> name(4096, '\0');
    if (unzGetCurrentFileInfo64(zip, &info, name.data(), name.size() - 1, nullptr, 0, nullptr, 0) !=
            UNZ_OK ||
        unzOpenCurrentFile(zip) != UNZ_OK) {
      throw IoError(fmt::format("{}: cannot read a member of the workbook", path.string()));
    }
    Member m{name.data(), std::string(static_cast<std::size_t>(info.uncompressed_size), '\0')};
    std::size_t at = 0;
    while (at < m.data.size()) {
      const int n = unzReadCurrentFile(
          zip, m.data.data() + at,
          static_cast<unsigned>(std::min<std::size_t>(m.data.size() - at, 1u << 20)));
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    unzCloseCurrentFile(zip);
    if (at != m.data.size()) {
      throw IoError(fmt::format("{}: {} is truncated", path.string(), m.name));
    }
    members.push_back(std::move(m));
  }
  return members;
}

void write_zip(const std::filesystem::path& path, const std::vector<Member>& members) {
  zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (zip == nullptr) throw IoError(fmt::format("{}: cannot create the workbook", path.string()));
  bool ok = true;
  for (const Member& m : members) {
    zip_fileinfo info{};
    info.tmz_date.tm_year = 1980;  // a fixed date: the same inputs give the same bytes
    info.tmz_date.tm_mday = 1;
    ok = ok && zipOpenNewFileInZip64(zip, m.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                     Z_DEFLATED, Z_DEFAULT_COMPRESSION, 0) == ZIP_OK;
    ok = ok &&
         zipWriteInFileInZip(zip, m.data.data(), static_cast<unsigned>(m.data.size())) == ZIP_OK;
    ok = ok && zipCloseFileInZip(zip) == ZIP_OK;
  }
  ok = zipClose(zip, nullptr) == ZIP_OK && ok;
  if (!ok) throw IoError(fmt::format("{}: cannot write the workbook", path.string()));
}

// Rewrites <c r="REF" ...><v>TEXT</v></c> for every listed REF; returns how many were found.
std::size_t rewrite_sheet(std::string& xml, const std::unordered_map<std::string, double>& cells) {
  std::string out;
  out.reserve(xml.size() + xml.size() / 8);
  std::size_t found = 0, at = 0;
  while (true) {
    const std::size_t c = xml.find("<c r=\"", at);
    if (c == std::string::npos) break;
    const std::size_t ref_begin = c + 6;
    const std::size_t ref_end = xml.find('"', ref_begin);
    const std::size_t tag_end = xml.find('>', ref_end);
    if (ref_end == std::string::npos || tag_end == std::string::npos) break;
    const auto it = cells.find(xml.substr(ref_begin, ref_end - ref_begin));
    const bool number = xml.compare(tag_end + 1, 3, "<v>") == 0 && xml[tag_end - 1] != '/' &&
                        xml.substr(c, tag_end - c).find(" t=\"") == std::string::npos;
    if (it == cells.end() || !number) {
      out.append(xml, at, tag_end + 1 - at);
      at = tag_end + 1;
      continue;
    }
    const std::size_t v_begin = tag_end + 4;
    const std::size_t v_end = xml.find("</v>", v_begin);
    if (v_end == std::string::npos) break;
    out.append(xml, at, v_begin - at);
    out += xlsx_number_text(it->second);
    at = v_end;
    ++found;
  }
  out.append(xml, at, std::string::npos);
  xml = std::move(out);
  return found;
}

}  // namespace

std::string xlsx_number_text(double value) {
  return fmt::format("{}", value);
}

void write_exact_numbers(const std::filesystem::path& xlsx, const ExactNumbers& numbers) {
  std::vector<Member> members = read_zip(xlsx);
  for (std::size_t s = 0; s < numbers.size(); ++s) {
    if (numbers[s].empty()) continue;
    const std::string name = fmt::format("xl/worksheets/sheet{}.xml", s + 1);
    auto m = std::find_if(members.begin(), members.end(),
                          [&](const Member& x) { return x.name == name; });
    if (m == members.end()) {
      throw IoError(fmt::format("{}: {} is missing from the workbook", xlsx.string(), name));
    }
    const std::size_t found = rewrite_sheet(m->data, numbers[s]);
    if (found != numbers[s].size()) {
      throw IoError(fmt::format("{}: {} has {} of the {} number cells written", xlsx.string(), name,
                                found, numbers[s].size()));
    }
  }
  std::filesystem::path tmp = xlsx;
  tmp += ".exact";
  write_zip(tmp, members);
  std::error_code ec;
  std::filesystem::rename(tmp, xlsx, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw IoError(fmt::format("{}: cannot replace the workbook", xlsx.string()));
  }
}

}  // namespace cxsim::reports
