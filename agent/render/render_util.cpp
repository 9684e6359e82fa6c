#include "render/render_util.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace bedrock_reach::render_detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is invalid.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t len = 0;
  unsigned char min_second = 0x80, max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) min_second = 0xA0;  // overlong
    if (lead == 0xED) max_second = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) min_second = 0x90;  // overlong
    if (lead == 0xF4) max_second = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < min_second || byte(i + 1) > max_second) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

// Calls emit(piece) for each valid sequence, and emit(U+FFFD) for each invalid byte.
template <typename Emit>
void for_each_utf8(std::string_view text, Emit emit) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
      emit(kReplacement);
      ++i;
    } else {
      emit(text.substr(i, len));
      i += len;
    }
  }
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool read_digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t k = 0; k < count; ++k) {
    const char c = text[pos + k];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_utf8(text, [&](std::string_view piece) { out += piece; });
  return out;
}

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_utf8(text, [&](std::string_view piece) {
    const auto c = static_cast<unsigned char>(piece[0]);
    if (piece.size() == 1 && (c < 0x20 || c == 0x7F)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else if (piece == "\xC2\x9B") {  // C1 CSI introduces escape sequences on some terminals
      out += "\\xC2\\x9B";
    } else {
      out += piece;
    }
  });
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_utf8(text, [&](std::string_view piece) {
    switch (piece[0]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\0':
        out += kReplacement;
        break;
      default:
        out += piece;
    }
  });
  return out;
}

// Escaped text whose AWS IDs (vpce-0b1a2c3d4e5f60002, eni-..., sg-..., i-...) never break at
// their hyphen: each is wrapped in a no-wrap span. Escaping leaves [a-z0-9-] untouched, so the
// IDs are found in the escaped text.
std::string html_text(std::string_view text) {
  const std::string escaped = html_escape(text);
  auto id_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  };
  auto is_id = [](std::string_view token) {
    const auto dash = token.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 8) return false;
    const std::string_view tail = token.substr(dash + 1);
    return tail.size() >= 8 && tail.size() <= 17 &&
           tail.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  };
  std::string out;
  size_t i = 0;
  while (i < escaped.size()) {
    if (!id_char(escaped[i])) {
      out += escaped[i++];
      continue;
    }
    size_t end = i;
    while (end < escaped.size() && id_char(escaped[end])) ++end;
    const std::string_view token(escaped.data() + i, end - i);
    if (is_id(token)) {
      out.append("<span class=\"id\">").append(token).append("</span>");
    } else {
      out.append(token);
    }
    i = end;
  }
  return out;
}

std::string prometheus_label_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_utf8(text, [&](std::string_view piece) {
    if (piece == "\\") {
      out += "\\\\";
    } else if (piece == "\"") {
      out += "\\\"";
    } else if (piece == "\n") {
      out += "\\n";
    } else {
      out += piece;
    }
  });
  return out;
}

std::string prometheus_name_prefix(std::string_view prefix) {
  std::string out;
  for (char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == ':';
    out += ok ? c : '_';
  }
  if (!out.empty() && out[0] >= '0' && out[0] <= '9') out.insert(out.begin(), '_');
  return out;
}

std::optional<long long> parse_rfc3339_ms(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !read_digits(text, 11, 2, hour) ||
      text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  long long millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 3; ++k) millis *= 10;
  }
  long long offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const long long days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const long long seconds =
      days * 86400 + hour * 3600LL + minute * 60LL + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

double finite_or_zero(double value) { return std::isfinite(value) ? value : 0.0; }

std::vector<OrderedFinding> order_findings(const std::vector<Finding>& findings) {
  const size_t n = findings.size();
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> parent(n, kNone);
  for (size_t i = 0; i < n; ++i) {
    const Finding& effect = findings[i];
    for (const auto& code : effect.caused_by) {
      size_t best = kNone;
      int best_score = -1;
      for (size_t j = 0; j < n; ++j) {
        const Finding& cause = findings[j];
        if (j == i || cause.code != code) continue;
        if (!cause.service.empty() && cause.service != effect.service) continue;
        const int score = cause.address == effect.address ? 2 : cause.address.empty() ? 1 : 0;
        if (score > best_score) best = j, best_score = score;
      }
      if (best != kNone) {
        parent[i] = best;
        break;
      }
    }
  }
  // Break cycles: a finding whose chain of causes leads back to itself becomes a root.
  for (size_t i = 0; i < n; ++i) {
    size_t at = parent[i];
    for (size_t steps = 0; at != kNone && steps < n; ++steps) {
      if (at == i) {
        parent[i] = kNone;
        break;
      }
      at = parent[at];
    }
  }
  std::vector<std::vector<size_t>> children(n);
  std::vector<size_t> roots;
  for (size_t i = 0; i < n; ++i) {
    if (parent[i] == kNone) {
      roots.push_back(i);
    } else {
      children[parent[i]].push_back(i);
    }
  }
  std::stable_sort(roots.begin(), roots.end(),
                   [&](size_t a, size_t b) { return findings[a].severity > findings[b].severity; });
  std::vector<OrderedFinding> out;
  out.reserve(n);
  // Explicit stack: depth-first, children in report order.
  std::vector<std::pair<size_t, int>> stack;
  for (auto root = roots.rbegin(); root != roots.rend(); ++root) stack.emplace_back(*root, 0);
  while (!stack.empty()) {
    auto [index, depth] = stack.back();
    stack.pop_back();
    const size_t p = parent[index];
    out.push_back({&findings[index], p == kNone ? nullptr : &findings[p], depth});
    for (auto child = children[index].rbegin(); child != children[index].rend(); ++child) {
      stack.emplace_back(*child, depth + 1);
    }
  }
  return out;
}

std::string status_upper(Severity status) {
  std::string name(status_name(status));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return name;
}

}  // namespace bedrock_reach::render_detail

namespace bedrock_reach::render_detail {

bool FindingGroup::same_message() const {
  return std::all_of(members.begin(), members.end(),
                     [this](const Finding* f) { return f->message == members.front()->message; });
}

std::vector<FindingGroup> group_findings(const std::vector<OrderedFinding>& ordered) {
  std::vector<FindingGroup> groups;
  // The key of each depth's current ancestor, so children group under their parent's group.
  std::vector<std::string> path;
  std::vector<std::pair<std::string, size_t>> index;  // full path key -> group
  for (const auto& entry : ordered) {
    const Finding& f = *entry.finding;
    const auto depth = static_cast<size_t>(std::max(entry.depth, 0));
    path.resize(depth);
    std::string key =
        f.service + '\x1f' + f.code + '\x1f' + std::to_string(static_cast<int>(f.severity));
    path.push_back(key);
    std::string full;
    for (const auto& part : path) full += part + '\x1e';
    auto found = std::find_if(index.begin(), index.end(),
                              [&full](const auto& item) { return item.first == full; });
    if (found == index.end()) {
      index.emplace_back(full, groups.size());
      FindingGroup group;
      group.cause = entry.cause;
      group.depth = entry.depth;
      groups.push_back(std::move(group));
      found = index.end() - 1;
    }
    FindingGroup& group = groups[found->second];
    group.members.push_back(&f);
    if (!f.address.empty() && std::find(group.addresses.begin(), group.addresses.end(),
                                        f.address) == group.addresses.end()) {
      group.addresses.push_back(f.address);
    }
  }
  return groups;
}

std::vector<const FindingGroup*> headline_causes(const std::vector<FindingGroup>& groups,
                                                 Severity status) {
  std::vector<const FindingGroup*> out;
  if (status == Severity::ok || status == Severity::info) return out;
  for (const auto& group : groups) {
    if (group.depth == 0 && group.members.front()->severity == status) out.push_back(&group);
  }
  return out;
}

size_t display_width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::vector<std::string> wrap(std::string_view text, size_t width, const std::string& first,
                              const std::string& rest) {
  std::vector<std::string> lines;
  std::string line = first;
  bool empty = true;
  std::string gap;  // the spaces before the next word: runs are kept ("CODE  service")
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) {
      if (!empty) gap += ' ';
      continue;
    }
    if (!empty && width > 0 && display_width(line) + gap.size() + display_width(word) > width) {
      lines.push_back(line);
      line = rest;
      empty = true;
    }
    if (!empty) line += gap;
    line += word;
    gap = " ";
    empty = false;
  }
  if (!empty || lines.empty()) lines.push_back(line);
  return lines;
}

}  // namespace bedrock_reach::render_detail
