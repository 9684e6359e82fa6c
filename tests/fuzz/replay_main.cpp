// Replays fuzz corpora through a target's LLVMFuzzerTestOneInput in ordinary builds, so every CI
// run checks the saved inputs (label fuzz-replay). Arguments: files or directories.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& file, int& count) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  ++count;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) replay(entry.path(), count);
      }
    } else if (std::filesystem::is_regular_file(path)) {
      replay(path, count);
    }
  }
  // Also the empty input and a few degenerate ones, which corpora rarely hold.
  const std::string edge[] = {"", std::string(1, '\0'), std::string(4096, '<'),
                              std::string(4096, '{')};
  for (const auto& input : edge) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  }
  std::printf("replayed %d corpus inputs\n", count);
  return count > 0 ? 0 : 1;
}
