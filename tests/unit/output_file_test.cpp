// write_file_atomically: content lands whole, replaces the old file, leaves no temporary file,
// and reports errors as values that name the path.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

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

TEST_F(OutputFile, NewFileModeIsReadableByCollectorsAndAnOldFileKeepsItsMode) {
  const fs::path target = dir_ / "out.json";
  ASSERT_TRUE(write_file_atomically(target.string(), "{}").has_value());
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  ASSERT_EQ(::chmod(target.c_str(), 0640), 0);
  ASSERT_TRUE(write_file_atomically(target.string(), "{}", 0600).has_value());
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  const fs::path fresh = dir_ / "fresh.json";
  ASSERT_TRUE(write_file_atomically(fresh.string(), "{}", 0600).has_value());
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(OutputFile, AnOldFileKeepsItsOwnerWhenRootWrites) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  const fs::path target = dir_ / "owned.txt";
  ASSERT_TRUE(write_file_atomically(target.string(), "a").has_value());
  ASSERT_EQ(::chown(target.c_str(), 4242, 4343), 0);
  ASSERT_TRUE(write_file_atomically(target.string(), "b").has_value());
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4242u);
  EXPECT_EQ(st.st_gid, 4343u);
  EXPECT_EQ(read(target), "b");
}

TEST_F(OutputFile, ASymlinkIsWrittenThroughAndStaysALink) {
  const fs::path real = dir_ / "real.txt";
  const fs::path link = dir_ / "link.txt";
  ASSERT_TRUE(write_file_atomically(real.string(), "old").has_value());
  fs::create_symlink(real, link);
  ASSERT_TRUE(write_file_atomically(link.string(), "new").has_value());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(real), "new");
  // A dangling link is refused: nothing is created somewhere the link points.
  const fs::path later = dir_ / "later.txt";
  fs::create_symlink(dir_ / "sub" / "x.txt", later);
  EXPECT_FALSE(write_file_atomically(later.string(), "x").has_value());
  EXPECT_TRUE(fs::is_symlink(later));
}

TEST_F(OutputFile, FifoDeviceAndDirectoryAreRefusedAndLeftAsTheyWere) {
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fs::create_directory(dir_ / "occupied");
  const fs::path to_null = dir_ / "to-null";
  fs::create_symlink("/dev/null", to_null);
  const std::vector<std::string> paths = {fifo.string(), "/dev/null", to_null.string(),
                                          (dir_ / "occupied").string()};
  for (const std::string& path : paths) {
    auto prepared = prepare_output(path);
    ASSERT_FALSE(prepared.has_value()) << path;
    EXPECT_NE(prepared.error().message.find(path), std::string::npos) << prepared.error().message;
    EXPECT_NE(prepared.error().message.find("refusing"), std::string::npos);
    EXPECT_FALSE(write_file_atomically(path, "x").has_value()) << path;
  }
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_TRUE(fs::is_symlink(to_null));
  EXPECT_TRUE(fs::is_directory(dir_ / "occupied"));
  EXPECT_EQ(entries(), 3u);  // no temporary file left
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

TEST_F(OutputFile, AppendAddsLinesAndRefusesLinksAndFifos) {
  const fs::path log = dir_ / "emf.log";
  ASSERT_TRUE(append_to_file(log.string(), "{\"a\":1}\n").has_value());
  ASSERT_TRUE(append_to_file(log.string(), "{\"a\":2}\n").has_value());
  EXPECT_EQ(read(log), "{\"a\":1}\n{\"a\":2}\n");
  const fs::path link = dir_ / "link.log";
  fs::create_symlink(log, link);
  EXPECT_FALSE(append_to_file(link.string(), "x\n").has_value());
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(append_to_file(fifo.string(), "x\n").has_value());  // and never blocks
  EXPECT_EQ(read(log), "{\"a\":1}\n{\"a\":2}\n");
}

TEST_F(OutputFile, EmptyOrTrailingSlashPathIsRefused) {
  EXPECT_FALSE(write_file_atomically("", "x").has_value());
  EXPECT_FALSE(write_file_atomically((dir_ / "").string() + "/", "x").has_value());
  EXPECT_EQ(entries(), 0u);
}

TEST_F(OutputFile, PrepareWritesNothing) {
  const fs::path target = dir_ / "later.json";
  auto prepared = prepare_output(target.string());
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
  EXPECT_FALSE(prepared->exists);
  EXPECT_EQ(entries(), 0u);
}

}  // namespace
}  // namespace bedrock_reach
