// Credential chain precedence, expiry, profile parsing, and that secrets never reach text.
#include <gtest/gtest.h>

#include <unistd.h>
#include <map>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/credential_plan.hpp"
#include "aws/credentials_chain.hpp"
#include "aws/imds_parse.hpp"

namespace bedrock_reach {
namespace {

/// Environment from literal pairs (a braced single pair is ambiguous for Environment itself).
Environment env_of(std::map<std::string, std::string> vars) { return Environment(std::move(vars)); }

using Clock = std::chrono::system_clock;

/// A scratch directory for credential files, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "br-aws-creds-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Credentials role(std::optional<Clock::time_point> expiration) {
  Credentials c;
  c.access_key_id = "ASIAROLE";
  c.secret_access_key = Secret("role-secret-value");
  c.session_token = Secret("role-token-value");
  c.expiration = expiration;
  c.source = "instance-role:diag-role";
  return c;
}

std::string all_text(const CredentialsResult& r) {
  std::string text;
  for (const auto& n : r.notes) text += n + "\n";
  for (const auto& f : r.findings) {
    text += f.message + "\n" + f.remediation + "\n";
    for (const auto& e : f.evidence) text += e + "\n";
  }
  return text;
}

TEST(AwsCredentials, EnvironmentWinsOverFileAndRole) {
  TempDir dir;
  std::string file =
      dir.write("credentials", "[default]\naws_access_key_id=AKIAFILE\naws_secret_access_key=s\n");
  Environment env({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                   {"AWS_SECRET_ACCESS_KEY", "env-secret-value"},
                   {"AWS_SESSION_TOKEN", "env-token-value"},
                   {"AWS_SHARED_CREDENTIALS_FILE", file}});
  auto r = resolve_credentials(env, role(std::nullopt), Clock::now());
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.credentials->access_key_id, "AKIAENV");
  EXPECT_EQ(r.credentials->session_token.reveal(), "env-token-value");
  EXPECT_EQ(r.credentials->source, "environment");
  EXPECT_TRUE(r.findings.empty());
}

TEST(AwsCredentials, SharedFileProfileWinsOverRole) {
  TempDir dir;
  std::string file = dir.write("credentials",
                               "[default]\naws_access_key_id=AKIADEFAULT\naws_secret_access_key=d\n"
                               "[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = o\n"
                               "aws_session_token = ops-token\n");
  Environment env({{"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "ops"}});
  auto r = resolve_credentials(env, role(std::nullopt), Clock::now());
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.credentials->access_key_id, "AKIAOPS");
  EXPECT_EQ(r.credentials->session_token.reveal(), "ops-token");
  EXPECT_EQ(r.credentials->source, "shared-file:ops");
}

TEST(AwsCredentials, DefaultProfileFromHome) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/.aws");
  dir.write(".aws/credentials", "[default]\naws_access_key_id=AKIAHOME\naws_secret_access_key=h\n");
  auto r = resolve_credentials(env_of({{"HOME", dir.path()}}), std::nullopt, Clock::now());
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.credentials->access_key_id, "AKIAHOME");
  EXPECT_EQ(r.credentials->source, "shared-file:default");
}

TEST(AwsCredentials, ConfigFileStaticKeysUseProfilePrefix) {
  TempDir dir;
  std::string config = dir.write("config",
                                 "[ops]\naws_access_key_id=AKIAWRONG\naws_secret_access_key=w\n"
                                 "[profile ops]\nregion=us-east-1\naws_access_key_id=AKIACONF\n"
                                 "aws_secret_access_key=c\n");
  Environment env({{"AWS_CONFIG_FILE", config},
                   {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/missing"},
                   {"AWS_PROFILE", "ops"}});
  auto r = resolve_credentials(env, std::nullopt, Clock::now());
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.credentials->access_key_id, "AKIACONF");
  EXPECT_EQ(r.credentials->source, "config-file:ops");
}

TEST(AwsCredentials, MissingProfileFallsThroughToRoleWithANote) {
  TempDir dir;
  std::string file =
      dir.write("credentials", "[default]\naws_access_key_id=AKIAD\naws_secret_access_key=d\n");
  Environment env({{"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "nope"}});
  auto r = resolve_credentials(env, role(std::nullopt), Clock::now());
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.credentials->source, "instance-role:diag-role");
  EXPECT_NE(all_text(r).find("profile nope"), std::string::npos);
}

TEST(AwsCredentials, PartialEnvironmentIsSkipped) {
  Environment env({{"AWS_ACCESS_KEY_ID", "AKIAONLY"}, {"HOME", "/nonexistent-br"}});
  auto r = resolve_credentials(env, role(std::nullopt), Clock::now());
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.credentials->source, "instance-role:diag-role");
  EXPECT_NE(all_text(r).find("only one of"), std::string::npos);
}

TEST(AwsCredentials, ExpiredCredentialsAreSkipped) {
  auto now = Clock::now();
  Environment env({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                   {"AWS_SECRET_ACCESS_KEY", "env-secret-value"},
                   {"AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"},
                   {"HOME", "/nonexistent-br"}});
  auto fresh = resolve_credentials(env, role(now + std::chrono::hours(1)), now);
  ASSERT_TRUE(fresh.credentials);
  EXPECT_EQ(fresh.credentials->source, "instance-role:diag-role");

  auto none = resolve_credentials(env, role(now + std::chrono::seconds(5)), now);
  EXPECT_FALSE(none.credentials);  // 5 s left is inside the safety margin
  ASSERT_EQ(none.findings.size(), 1u);
  EXPECT_EQ(none.findings[0].code, "NO_CREDENTIALS");
  EXPECT_EQ(none.findings[0].severity, Severity::info);
}

TEST(AwsCredentials, NothingGivesNoCredentials) {
  auto r = resolve_credentials(env_of({{"HOME", "/nonexistent-br"}}), std::nullopt, Clock::now());
  EXPECT_FALSE(r.credentials);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "NO_CREDENTIALS");
  EXPECT_FALSE(r.findings[0].evidence.empty());
}

TEST(AwsCredentials, SecretsNeverAppearInNotesOrFindings) {
  TempDir dir;
  std::string file = dir.write("credentials",
                               "[default]\naws_access_key_id=AKIAFILE\n"
                               "aws_secret_access_key=file-secret-value\n");
  auto now = Clock::now();
  Environment env({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                   {"AWS_SECRET_ACCESS_KEY", "env-secret-value"},
                   {"AWS_SESSION_TOKEN", "env-token-value"},
                   {"AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"},
                   {"AWS_SHARED_CREDENTIALS_FILE", file},
                   {"AWS_PROFILE", "other"}});
  auto r = resolve_credentials(env, role(now - std::chrono::hours(1)), now);
  std::string text = all_text(r);
  for (const char* secret : {"env-secret-value", "env-token-value", "file-secret-value",
                             "role-secret-value", "role-token-value"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  std::ostringstream printed;
  printed << role(std::nullopt).secret_access_key;
  EXPECT_EQ(printed.str(), "***");
}

TEST(AwsCredentials, ProfileParserHandlesCommentsSpacesAndMissingKeys) {
  std::string ini =
      "# top\n[default]\r\naws_access_key_id = AKID \r\n; note\naws_secret_access_key=SK\n"
      "[profile  spaced ]\naws_access_key_id=A2\naws_secret_access_key=S2\n[nokeys]\nregion=x\n";
  auto d = parse_profile_keys(ini, "default", false);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->access_key_id, "AKID");
  EXPECT_EQ(d->secret_access_key.reveal(), "SK");
  EXPECT_TRUE(d->session_token.empty());
  auto spaced = parse_profile_keys(ini, "spaced", true);
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->access_key_id, "A2");
  EXPECT_FALSE(parse_profile_keys(ini, "nokeys", false));
  EXPECT_FALSE(parse_profile_keys("[default\naws_access_key_id", "default", false));
}

// botocore reads both files with configparser.RawConfigParser: '=' or ':' ends the key (whichever
// comes first), keys are case-insensitive, aws_session_token wins over aws_security_token.
TEST(AwsCredentials, ProfileParserReadsConfigparserSyntax) {
  std::string ini =
      "[colon]\naws_access_key_id: AKCOLON\nAWS_Secret_Access_Key : S:with:colons\n"
      "aws_security_token = OLD\naws_session_token = NEW\n"
      "[equals-first]\naws_access_key_id = AK=1\naws_secret_access_key = arn:aws:x\n";
  auto colon = parse_profile_keys(ini, "colon", false);
  ASSERT_TRUE(colon);
  EXPECT_EQ(colon->access_key_id, "AKCOLON");
  EXPECT_EQ(colon->secret_access_key.reveal(), "S:with:colons");
  EXPECT_EQ(colon->session_token.reveal(), "NEW");
  auto equals = parse_profile_keys(ini, "equals-first", false);
  ASSERT_TRUE(equals);
  EXPECT_EQ(equals->access_key_id, "AK=1");
  EXPECT_EQ(equals->secret_access_key.reveal(), "arn:aws:x");
}

TEST(AwsCredentials, IniSectionsSplitOnTheFirstDelimiter) {
  std::string config =
      "[profile app]\nRegion: us-west-2\nrole_arn = arn:aws:iam::111122223333:role/app\n"
      "services = local\n"
      "[services local]\nbedrock_runtime =\n  endpoint_url = https://vpce-1.example:443\n"
      "bedrock:\n  endpoint_url = https://bedrock.example\n";
  auto app = ini_section(config, "profile app");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->at("region"), "us-west-2");
  EXPECT_EQ(app->at("role_arn"), "arn:aws:iam::111122223333:role/app");
  auto services = ini_section_nested(config, "services local");
  ASSERT_TRUE(services);
  // Nested lines split on '=' only (_parse_nested), so the URL's ':' stays in the value.
  EXPECT_EQ(services->nested.at("bedrock_runtime").at("endpoint_url"),
            "https://vpce-1.example:443");
  // A block opened with ':' is a block as with '=' (configparser's delimiter).
  EXPECT_EQ(services->nested.at("bedrock").at("endpoint_url"), "https://bedrock.example");
}

// ---- IMDS documents ----

TEST(AwsImdsParse, RoleCredentialsDocument) {
  const char* doc = R"({
  "Code" : "Success",
  "LastUpdated" : "2012-04-26T16:39:16Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "Token" : "token",
  "Expiration" : "2017-05-17T15:09:54Z"
})";
  auto c = parse_imds_role_credentials(doc, "diag-role");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c->secret_access_key.reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(c->session_token.reveal(), "token");
  EXPECT_EQ(c->source, "instance-role:diag-role");
  ASSERT_TRUE(c->expiration);
  EXPECT_EQ(Clock::to_time_t(*c->expiration), 1495033794);
}

TEST(AwsImdsParse, RoleCredentialsErrorsNameTheCodeOnly) {
  auto denied = parse_imds_role_credentials(
      R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role"})", "r");
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().message.find("AssumeRoleUnauthorizedAccess"), std::string::npos);
  auto partial = parse_imds_role_credentials(
      R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"very-secret"})", "r");
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().message.find("very-secret"), std::string::npos);
  EXPECT_FALSE(parse_imds_role_credentials("not json", "r"));
  EXPECT_FALSE(parse_imds_role_credentials("[1,2]", "r"));
}

TEST(AwsImdsParse, Iso8601) {
  auto t = parse_iso8601_utc("2024-05-14T09:21:37.412Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(Clock::to_time_t(*t), 1715678497);
  EXPECT_TRUE(parse_iso8601_utc("2024-05-14T09:21:37+00:00"));
  EXPECT_FALSE(parse_iso8601_utc("2024-05-14T09:21:37+02:00"));
  EXPECT_FALSE(parse_iso8601_utc("2024-13-14T09:21:37Z"));
  // Past 2262 system_clock's nanoseconds overflow (a fuzzer finding): refused, not UB.
  EXPECT_FALSE(parse_iso8601_utc("2417-05-17T15:09:54Z"));
  EXPECT_FALSE(parse_iso8601_utc("1969-12-31T23:59:59Z"));
  EXPECT_TRUE(parse_iso8601_utc("2200-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_iso8601_utc("yesterday"));
  EXPECT_FALSE(parse_iso8601_utc(""));
}

TEST(AwsImdsParse, ListingsAndValues) {
  EXPECT_EQ(parse_imds_lines("0e:49:61:0f:c3:11/\n0e:49:61:0f:c3:12/\n"),
            (std::vector<std::string>{"0e:49:61:0f:c3:11/", "0e:49:61:0f:c3:12/"}));
  EXPECT_EQ(parse_imds_lines("10.0.0.0/16\r\n\n100.64.0.0/16"),
            (std::vector<std::string>{"10.0.0.0/16", "100.64.0.0/16"}));
  EXPECT_EQ(parse_imds_value("us-east-1"), "us-east-1");
  EXPECT_EQ(parse_imds_value("us-east-1\n"), "us-east-1");
  EXPECT_EQ(parse_imds_value(""), "");
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "x\n";
  EXPECT_EQ(parse_imds_lines(many).size(), kMaxImdsListEntries);
  EXPECT_EQ(parse_imds_account_id(R"({"accountId" : "123456789012", "region" : "us-east-1"})"),
            "123456789012");
  EXPECT_EQ(parse_imds_instance_profile_arn(
                R"({"Code":"Success","InstanceProfileArn":"arn:aws:iam::1:instance-profile/p"})"),
            "arn:aws:iam::1:instance-profile/p");
  EXPECT_EQ(parse_imds_account_id("{"), "");
}

}  // namespace
}  // namespace bedrock_reach
