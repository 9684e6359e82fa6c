#include "aws/imds_parse.hpp"

#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>

namespace bedrock_reach {
namespace {

std::string_view trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool digits(std::string_view s, std::size_t at, std::size_t count, int& out) {
  if (at + count > s.size()) return false;
  auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + count, out);
  return ec == std::errc() && end == s.data() + at + count;
}

nlohmann::json parse_json(std::string_view text) {
  if (text.size() > kMaxImdsBodyBytes) return nlohmann::json();
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

std::string string_field(const nlohmann::json& doc, const char* name) {
  if (!doc.is_object()) return {};
  auto found = doc.find(name);
  if (found == doc.end() || !found->is_string()) return {};
  return found->get<std::string>();
}

}  // namespace

std::vector<std::string> parse_imds_lines(std::string_view body) {
  std::vector<std::string> out;
  body = body.substr(0, kMaxImdsBodyBytes);
  while (!body.empty() && out.size() < kMaxImdsListEntries) {
    auto end = body.find('\n');
    std::string_view line = trim(body.substr(0, end));
    if (!line.empty()) out.emplace_back(line);
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 1);
  }
  return out;
}

std::string parse_imds_value(std::string_view body) {
  auto lines = parse_imds_lines(body);
  return lines.empty() ? std::string() : lines.front();
}

Result<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view text) {
  text = trim(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':' ||
      !digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day) ||
      !digits(text, 11, 2, hour) || !digits(text, 14, 2, minute) || !digits(text, 17, 2, second)) {
    return make_error(ErrorKind::parse, "not an ISO-8601 time");
  }
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    std::size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    rest.remove_prefix(i);
  }
  if (rest != "Z" && rest != "+00:00" && rest != "z") {
    return make_error(ErrorKind::parse, "ISO-8601 time is not UTC");
  }
  auto seconds = unix_seconds_utc(year, month, day, hour, minute, second);
  if (!seconds) return make_error(ErrorKind::parse, "ISO-8601 time out of range");
  return std::chrono::system_clock::from_time_t(static_cast<std::time_t>(*seconds));
}

std::optional<long long> unix_seconds_utc(int year, int month, int day, int hour, int minute,
                                          int second) {
  // system_clock counts nanoseconds in 64 bits: years past 2262 overflow it (found by fuzzing).
  // Credentials and clocks we can judge lie well inside 1970..2200.
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<long long>(timegm(&tm));
}

Result<Credentials> parse_imds_role_credentials(std::string_view json, const std::string& role) {
  nlohmann::json doc = parse_json(json);
  if (!doc.is_object()) {
    return make_error(ErrorKind::parse, "instance role credentials are not a JSON object");
  }
  std::string code = string_field(doc, "Code");
  if (code != "Success") {
    // The Code (e.g. AssumeRoleUnauthorizedAccess) is safe to show; the Message may be long.
    return make_error(ErrorKind::access_denied,
                      "instance role credentials unavailable: Code=" +
                          (code.empty() ? std::string("(none)") : code.substr(0, 64)));
  }
  Credentials c;
  c.access_key_id = string_field(doc, "AccessKeyId");
  c.secret_access_key = Secret(string_field(doc, "SecretAccessKey"));
  c.session_token = Secret(string_field(doc, "Token"));
  if (c.access_key_id.empty() || c.secret_access_key.empty() || c.session_token.empty()) {
    return make_error(ErrorKind::parse,
                      "instance role credentials lack AccessKeyId, SecretAccessKey or Token");
  }
  std::string expiration = string_field(doc, "Expiration");
  if (!expiration.empty()) {
    auto when = parse_iso8601_utc(expiration);
    if (!when) return make_error(ErrorKind::parse, "instance role Expiration is not ISO-8601");
    c.expiration = *when;
  }
  c.source = "instance-role:" + role;
  return c;
}

std::string parse_imds_instance_profile_arn(std::string_view json) {
  return string_field(parse_json(json), "InstanceProfileArn");
}

std::string parse_imds_account_id(std::string_view json) {
  return string_field(parse_json(json), "accountId");
}

}  // namespace bedrock_reach
