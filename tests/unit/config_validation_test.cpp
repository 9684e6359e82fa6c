// One validation for the file, the flags, `config validate` and a SIGHUP reload: problems are
// {key, reason} values, the file's carry line numbers, unknown keys get a "did you mean", and
// a problem a flag caused names the flag.
#include <gtest/gtest.h>

#include "cli/check_flags.hpp"
#include "config/config.hpp"

namespace bedrock_reach {
namespace {

std::string error_of(const std::string& toml) {
  try {
    parse_config(toml, "t.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(ConfigProblems, DefaultsAreValid) { EXPECT_TRUE(config_problems(Config{}).empty()); }

TEST(ConfigProblems, EveryKindOfBadValueIsAProblemWithItsKey) {
  struct Case {
    void (*spoil)(Config&);
    const char* key;
  };
  const Case cases[] = {
      {[](Config& c) { c.region = "BAD"; }, "check.region"},
      {[](Config& c) { c.services = {"!!"}; }, "check.services"},
      {[](Config& c) { c.extra_services = {"Bedrock Runtime"}; }, "check.extra_services"},
      {[](Config& c) { c.resolvers = {"notanip"}; }, "check.resolvers"},
      {[](Config& c) { c.timeout_ms = 5; }, "check.timeout_ms"},
      {[](Config& c) { c.max_concurrency = 0; }, "check.max_concurrency"},
      {[](Config& c) { c.cert_expiry_warning_days = -1; }, "check.cert_expiry_warning_days"},
      {[](Config& c) { c.format = "xml"; }, "output.format"},
      {[](Config& c) { c.interval_ms = 1; }, "agent.interval_ms"},
      {[](Config& c) { c.listen = "localhost"; }, "agent.listen"},
      {[](Config& c) { c.listen = "127.0.0.1:99999"; }, "agent.listen"},
      {[](Config& c) { c.stale_after_ms = -1; }, "agent.stale_after_ms"},
      {[](Config& c) { c.log_level = "loud"; }, "log.level"},
  };
  for (const auto& test : cases) {
    Config config;
    test.spoil(config);
    auto problems = config_problems(config);
    ASSERT_EQ(problems.size(), 1u) << test.key;
    EXPECT_EQ(problems[0].key, test.key);
    EXPECT_FALSE(problems[0].reason.empty());
  }
}

TEST(ConfigProblems, GoodValuesPass) {
  Config config;
  config.region = "us-gov-west-1";
  config.services = {"bedrock-runtime", "sts"};
  config.resolvers = {"10.0.0.2", "fd00::53"};
  config.listen = "[::1]:0";
  EXPECT_TRUE(config_problems(config).empty());
}

TEST(ConfigFile, ProblemsNameTheLine) {
  const std::string region = error_of("[check]\n\nregion = \"BAD\"\n");
  EXPECT_NE(region.find("t.toml:3: config key 'check.region'"), std::string::npos) << region;
  const std::string services = error_of("[check]\nservices = [\"!!\"]\n");
  EXPECT_NE(services.find("t.toml:2: config key 'check.services'"), std::string::npos) << services;
  const std::string type = error_of("[output]\nformat = 3\n");
  EXPECT_NE(type.find("t.toml:2:"), std::string::npos) << type;
}

TEST(ConfigFile, UnknownKeysGetADidYouMean) {
  const std::string typo = error_of("[check]\nregoin = \"us-east-1\"\n");
  EXPECT_NE(typo.find("t.toml:2: unknown config key 'check.regoin' (did you mean 'check.region'?)"),
            std::string::npos)
      << typo;
  const std::string elsewhere = error_of("[check]\nlisten = \"127.0.0.1:1\"\n");
  EXPECT_NE(elsewhere.find("did you mean 'agent.listen' in [agent]?"), std::string::npos)
      << elsewhere;
  const std::string table = error_of("[chek]\nregion = \"us-east-1\"\n");
  EXPECT_NE(table.find("did you mean 'check'?"), std::string::npos) << table;
  const std::string far = error_of("[check]\ncompletely_different = 1\n");
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
}

TEST(ConfigFile, ErrorsCarryTheKey) {
  try {
    parse_config("[agent]\ninterval_ms = 1\n", "t.toml");
    FAIL() << "accepted";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.key, "agent.interval_ms");
  }
}

TEST(CheckFlags, AProblemAFlagCausedNamesTheFlag) {
  struct Case {
    void (*set)(CheckFlags&);
    const char* flag;
  };
  const Case cases[] = {
      {[](CheckFlags& f) { f.services = {"!!"}; }, "--service: '!!'"},
      {[](CheckFlags& f) { f.resolvers = {"notanip"}; }, "--resolver: 'notanip'"},
      {[](CheckFlags& f) { f.max_concurrency = 0; }, "--max-concurrency:"},
      {[](CheckFlags& f) { f.cert_warning_days = 99999; }, "--cert-warning-days:"},
      {[](CheckFlags& f) { f.timeout_seconds = 0; }, "--timeout"},
  };
  for (const auto& test : cases) {
    CheckFlags flags;
    test.set(flags);
    Config config;
    try {
      apply_check_flags(flags, config);
      ADD_FAILURE() << test.flag << " accepted";
    } catch (const ConfigError& error) {
      EXPECT_EQ(std::string(error.what()).rfind(test.flag, 0), 0u) << error.what();
    }
  }
}

TEST(CheckFlags, EveryFlagKeyIsAConfigKey) {
  // The map from keys to flags names only keys config_problems can report.
  for (const char* key : {"check.region", "check.services", "check.resolvers", "output.format",
                          "agent.listen", "agent.interval_ms"}) {
    EXPECT_NE(flag_for_config_key(key), nullptr) << key;
  }
  EXPECT_EQ(flag_for_config_key("log.level"), nullptr);
}

}  // namespace
}  // namespace bedrock_reach
