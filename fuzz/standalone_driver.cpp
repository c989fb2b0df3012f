// Runs a libFuzzer-style target without libFuzzer (g++ builds, CI): every
// seed file given on the command line, then a fixed number of deterministic
// mutations of each (bit flips, byte overwrites with boundary values,
// insertions, deletions, truncations). A crash or an escaping exception fails
// the run. With clang, build the targets with -fsanitize=fuzzer instead for
// coverage-guided fuzzing (see fuzz/README.md).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes mutate(Bytes b, std::mt19937& rng) {
  static const std::uint8_t kBoundary[] = {0x00, 0x01, 0x7f, 0x80, 0xff, '(', ')', ',', '\'', '9', ' '};
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = b.empty() ? 0 : rng() % b.size();
    switch (rng() % 5) {
      case 0:
        if (!b.empty()) b[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:
        if (!b.empty()) b[at] = kBoundary[rng() % std::size(kBoundary)];
        break;
      case 2:
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), kBoundary[rng() % std::size(kBoundary)]);
        break;
      case 3:
        if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      default:
        b.resize(at);
        break;
    }
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 2000;
  std::vector<std::filesystem::path> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--iterations=", 0) == 0) {
      iterations = std::stoi(arg.substr(13));
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::directory_iterator(arg)) seeds.push_back(e.path());
    } else {
      seeds.emplace_back(arg);
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "usage: %s [--iterations=N] SEED_FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  std::mt19937 rng(12345);
  std::size_t runs = 0;
  for (const auto& seed : seeds) {
    std::ifstream in(seed, std::ios::binary);
    const Bytes original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(original.data(), original.size());
    ++runs;
    Bytes current = original;
    for (int i = 0; i < iterations; ++i) {
      // Mostly stack mutations; sometimes restart from the seed.
      current = mutate(rng() % 8 == 0 ? original : current, rng);
      LLVMFuzzerTestOneInput(current.data(), current.size());
      ++runs;
    }
  }
  std::printf("%zu inputs from %zu seeds ran without a crash\n", runs, seeds.size());
  return 0;
}
