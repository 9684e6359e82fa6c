// CA bundles (issue 19): the PEM indexer and the DER walk to a certificate's subject take whatever
// file AWS_CA_BUNDLE names. The first byte picks the entry point: even, DER; odd, a PEM bundle.
#include <cstdint>
#include <string_view>

#include "http/ca_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    if (auto subject = der_certificate_subject(input)) {
      if (subject->data() < input.data() ||
          subject->data() + subject->size() > input.data() + input.size())
        __builtin_trap();
    }
  } else if (auto store = LazyCaStore::from_pem(input)) {
    if (store->certificates() == 0 || store->decoded() != 0) __builtin_trap();
  }
  return 0;
}
