// write_file_atomically: content lands whole, replaces the old file, leaves no temporary file,
// and reports errors as values that name the path.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "render/output_file.hpp"

namespace bedrock_reach {
namespace {

namespace fs = std::filesystem;

class OutputFile : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "br-output-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  size_t entries() const {
    return static_cast<size_t>(
        std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(OutputFile, WritesReplacesAndLeavesNoTemporaryFile) {
  const fs::path target = dir_ / "bedrock-reach.prom";
  ASSERT_TRUE(write_file_atomically(target.string(), "first\n").has_value());
  EXPECT_EQ(read(target), "first\n");
  const std::string big(3 * 1024 * 1024 + 7, 'x');
  ASSERT_TRUE(write_file_atomically(target.string(), big).has_value());
  EXPECT_EQ(read(target), big);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFile, ModeIsReadableByCollectors) {
  const fs::path target = dir_ / "out.json";
  ASSERT_TRUE(write_file_atomically(target.string(), "{}").has_value());
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  ASSERT_TRUE(write_file_atomically(target.string(), "{}", 0600).has_value());
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(OutputFile, EmptyContentIsAFileToo) {
  const fs::path target = dir_ / "empty";
  ASSERT_TRUE(write_file_atomically(target.string(), "").has_value());
  EXPECT_TRUE(fs::exists(target));
  EXPECT_EQ(fs::file_size(target), 0u);
}

TEST_F(OutputFile, RelativePathWritesInTheWorkingDirectory) {
  const auto old = fs::current_path();
  fs::current_path(dir_);
  const auto result = write_file_atomically("relative.txt", "r");
  fs::current_path(old);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(read(dir_ / "relative.txt"), "r");
}

TEST_F(OutputFile, MissingDirectoryIsAnErrorNamingThePath) {
  const std::string target = (dir_ / "no-such-dir" / "out.txt").string();
  const auto result = write_file_atomically(target, "x");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::io);
  EXPECT_NE(result.error().message.find(target), std::string::npos) << result.error().message;
}

TEST_F(OutputFile, DirectoryTargetFailsAndCleansUp) {
  fs::create_directory(dir_ / "occupied");
  const auto result = write_file_atomically((dir_ / "occupied").string(), "x");
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("rename"), std::string::npos) << result.error().message;
  EXPECT_EQ(entries(), 1u);  // the temporary file is gone
  EXPECT_FALSE(write_file_atomically("", "x").has_value());
  EXPECT_FALSE(write_file_atomically((dir_ / "").string() + "/", "x").has_value());
}

}  // namespace
}  // namespace bedrock_reach
