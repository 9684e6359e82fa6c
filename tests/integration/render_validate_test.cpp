// Every sample report, rendered in each machine format, passes that format's real validator
// (scripts/validate-output: jsonschema, promtool, the EMF checker, headless chromium). The
// validators must also reject broken input, or a pass would prove nothing. Validators that
// are not installed skip the test with the reason.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "render/output_file.hpp"
#include "render/render.hpp"
#include "support/sample_reports.hpp"

namespace bedrock_reach {
namespace {

namespace fs = std::filesystem;
constexpr int kValidatorMissing = 77;

struct Validation {
  int exit_code = -1;
  std::string output;
};

// Runs scripts/validate-output FORMAT FILE and collects its exit status and messages.
Validation validate(const std::string& format, const fs::path& file,
                    const std::string& keep_screenshot = {}) {
  const std::string command =
      (keep_screenshot.empty() ? std::string() : "BR_KEEP_SCREENSHOT='" + keep_screenshot + "' ") +
      "'" + BR_SOURCE_DIR + "/scripts/validate-output' " + format + " '" + file.string() + "' 2>&1";
  Validation v;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return v;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) v.output.append(buf, n);
  const int status = ::pclose(pipe);
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return v;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "br-render-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

fs::path write(const TempDir& dir, const std::string& name, const std::string& content) {
  const fs::path file = dir.path() / name;
  EXPECT_TRUE(write_file_atomically(file.string(), content).has_value()) << file;
  return file;
}

struct Case {
  std::string fixture;
  OutputFormat format;
  bool address_labels = false;
};

// Short parameter descriptions, so ctest lists readable test names.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.fixture << " as " << output_format_name(c.format)
      << (c.address_labels ? " with address labels" : "");
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return info.param.fixture + "_" + std::string(output_format_name(info.param.format)) +
         (info.param.address_labels ? "_addresses" : "");
}

std::vector<Case> machine_cases() {
  std::vector<Case> cases;
  for (const auto& [name, report] : samples::all_sample_reports()) {
    cases.push_back({name, OutputFormat::json});
    cases.push_back({name, OutputFormat::prometheus});
    cases.push_back({name, OutputFormat::prometheus, true});
    cases.push_back({name, OutputFormat::emf});
  }
  return cases;
}

Report fixture(const std::string& name) {
  for (auto& [n, report] : samples::all_sample_reports()) {
    if (n == name) return report;
  }
  ADD_FAILURE() << "no fixture " << name;
  return {};
}

void expect_valid(const Case& c) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  RenderOptions options;
  options.address_labels = c.address_labels;
  const std::string format(output_format_name(c.format));
  const fs::path file =
      write(dir, c.fixture + "." + format, render_report(fixture(c.fixture), c.format, options));
  // HTML: the screenshot is kept as a test artefact (build/ci/artifacts/FIXTURE.png).
  std::string keep;
  if (c.format == OutputFormat::html) {
    const fs::path artifacts = fs::path(BR_BINARY).parent_path().parent_path() / "artifacts";
    std::error_code ignored;
    fs::create_directories(artifacts, ignored);
    keep = (artifacts / (c.fixture + ".png")).string();
  }
  const Validation v = validate(format, file, keep);
  if (v.exit_code == kValidatorMissing) GTEST_SKIP() << v.output;
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

class RenderValidates : public testing::TestWithParam<Case> {};

TEST_P(RenderValidates, AgainstTheFormatsValidator) { expect_valid(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Fixtures, RenderValidates, testing::ValuesIn(machine_cases()), case_name);

class RenderHtmlInChromium : public testing::TestWithParam<Case> {};

// Headless chromium loads the page from a file:// URL: DOM checks and a non-blank screenshot.
TEST_P(RenderHtmlInChromium, DomAndScreenshot) { expect_valid(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Fixtures, RenderHtmlInChromium,
                         testing::Values(Case{"healthy", OutputFormat::html},
                                         Case{"sg_blocks", OutputFormat::html},
                                         Case{"hostile", OutputFormat::html}),
                         case_name);

struct BrokenCase {
  std::string name, format, content;
};

void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.name; }

class ValidatorRejects : public testing::TestWithParam<BrokenCase> {};

TEST_P(ValidatorRejects, BrokenDocument) {
  TempDir dir;
  const fs::path file = write(dir, "broken", GetParam().content);
  const Validation v = validate(GetParam().format, file);
  if (v.exit_code == kValidatorMissing) GTEST_SKIP() << v.output;
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("invalid"), std::string::npos) << v.output;
}

std::string json_without(const std::string& key) {
  auto j = report_to_json(samples::healthy_report());
  j.erase(key);
  return j.dump();
}

std::string json_with_status_mismatch() {
  auto j = report_to_json(samples::healthy_report());
  j["exit_code"] = 2;  // status "ok" must be exit code 0
  return j.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Broken, ValidatorRejects,
    testing::Values(
        BrokenCase{"json_no_services", "json", json_without("services")},
        BrokenCase{"json_status_exit_mismatch", "json", json_with_status_mismatch()},
        BrokenCase{"json_not_json", "json", "{\"status\": "},
        BrokenCase{"prom_bad_name", "prometheus",
                   "# HELP bad-name x\n# TYPE bad-name gauge\nbad-name 1\n"},
        BrokenCase{"prom_duplicate", "prometheus",
                   "# HELP a_b x\n# TYPE a_b gauge\na_b{x=\"1\"} 1\na_b{x=\"1\"} 2\n"},
        BrokenCase{"emf_no_aws", "emf", "{\"Status\": 1}\n"},
        BrokenCase{"emf_dimension_not_string", "emf",
                   "{\"_aws\":{\"Timestamp\":1795885200000,\"CloudWatchMetrics\":[{\"Namespace\":"
                   "\"N\",\"Dimensions\":[[\"Region\"]],\"Metrics\":[{\"Name\":\"S\",\"Unit\":"
                   "\"None\"}]}]},\"Region\":7,\"S\":1}\n"},
        BrokenCase{"emf_bad_unit", "emf",
                   "{\"_aws\":{\"Timestamp\":1795885200000,\"CloudWatchMetrics\":[{\"Namespace\":"
                   "\"N\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"S\",\"Unit\":\"ms\"}]}]},"
                   "\"S\":1}\n"},
        BrokenCase{"html_external_asset", "html",
                   "<!DOCTYPE html><html><head><script src=\"https://cdn.example/x.js\"></script>"
                   "</head><body><header id=\"verdict\">OK</header></body></html>"}),
    [](const testing::TestParamInfo<BrokenCase>& param) { return param.param.name; });

}  // namespace
}  // namespace bedrock_reach
