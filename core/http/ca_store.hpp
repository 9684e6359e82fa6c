#pragma once
// A CA bundle as an X509_STORE that decodes a certificate only when verification asks for its
// subject (issue 19). OpenSSL 3.0 decodes every public key through its provider framework when a
// bundle is loaded (X509_STORE_load_file: ~1.6 M instructions per certificate, 237 M for Debian's
// 145-certificate bundle, about half a check); a chain needs one or two of them. The bundle is read
// once, each PEM block base64-decoded and indexed by its subject name; the store's lookup decodes
// the matching certificates on first use and keeps them. Shared by every connection of a client.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct x509_store_st X509_STORE;  // NOLINT: OpenSSL's own typedef

namespace bedrock_reach {

/// The subject Name (tag, length and content) of a DER X.509 certificate, read by walking the
/// TBSCertificate's outer fields without decoding them; nullopt when the bytes are not shaped like
/// a certificate. Pure and bounds-checked (the fuzz target ca_store feeds it arbitrary bytes).
std::optional<std::string_view> der_certificate_subject(std::string_view der);

class LazyCaStore {
 public:
  /// Indexes the PEM bundle at `path` (at most 16 MiB). nullptr when the file cannot be read, holds
  /// no certificate, or a CERTIFICATE block is malformed: the caller then lets curl load the file
  /// itself, so an unusable bundle fails exactly as before.
  static std::shared_ptr<LazyCaStore> open(const std::string& path);
  /// The same, from bundle text already in memory (tests, the fuzz target).
  static std::shared_ptr<LazyCaStore> from_pem(std::string_view pem);

  ~LazyCaStore();
  LazyCaStore(const LazyCaStore&) = delete;
  LazyCaStore& operator=(const LazyCaStore&) = delete;

  X509_STORE* store() const;
  std::size_t certificates() const;  // indexed
  std::size_t decoded() const;       // decoded so far (verification asked for them)

  struct Impl;

 private:
  explicit LazyCaStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bedrock_reach
