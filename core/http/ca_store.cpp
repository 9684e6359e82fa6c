#include "http/ca_store.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstring>
#include <vector>

#include "fs/text_file.hpp"

namespace bedrock_reach {

namespace {

constexpr std::size_t kMaxBundleBytes = 16u << 20;

struct Tlv {
  unsigned char tag = 0;
  std::size_t header = 0;  // tag and length octets
  std::size_t length = 0;  // content octets
};

// One DER element at `pos`: single-octet tags and definite lengths of up to four octets only
// (everything a certificate's outer fields use); the element must fit in `der`.
std::optional<Tlv> read_tlv(std::string_view der, std::size_t pos) {
  if (pos >= der.size() || der.size() - pos < 2) return std::nullopt;
  Tlv tlv;
  tlv.tag = static_cast<unsigned char>(der[pos]);
  if ((tlv.tag & 0x1f) == 0x1f) return std::nullopt;
  auto first = static_cast<unsigned char>(der[pos + 1]);
  tlv.header = 2;
  if (first < 0x80) {
    tlv.length = first;
  } else {
    std::size_t octets = first & 0x7f;
    if (octets == 0 || octets > 4 || der.size() - pos - 2 < octets) return std::nullopt;
    for (std::size_t i = 0; i < octets; ++i) {
      tlv.length = (tlv.length << 8) | static_cast<unsigned char>(der[pos + 2 + i]);
    }
    tlv.header += octets;
  }
  if (tlv.length > der.size() - pos - tlv.header) return std::nullopt;
  return tlv;
}

struct X509NameDeleter {
  void operator()(X509_NAME* name) const { X509_NAME_free(name); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct OpenSslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

// Leaves OpenSSL's per-thread error queue as it found it: curl reads that queue to describe a
// failed handshake, and nothing of ours may show up in its message.
struct ErrorMark {
  ErrorMark() { ERR_set_mark(); }
  ~ErrorMark() { ERR_pop_to_mark(); }
  ErrorMark(const ErrorMark&) = delete;
  ErrorMark& operator=(const ErrorMark&) = delete;
};

}  // namespace

std::optional<std::string_view> der_certificate_subject(std::string_view der) {
  auto cert = read_tlv(der, 0);
  if (!cert || cert->tag != 0x30) return std::nullopt;
  std::string_view cert_body = der.substr(cert->header, cert->length);
  auto tbs = read_tlv(cert_body, 0);
  if (!tbs || tbs->tag != 0x30) return std::nullopt;
  std::string_view body = cert_body.substr(tbs->header, tbs->length);
  std::size_t pos = 0;
  // [0] version (optional), serialNumber, signature, issuer, validity, then subject.
  const unsigned char expected[] = {0x02, 0x30, 0x30, 0x30};
  auto first = read_tlv(body, pos);
  if (!first) return std::nullopt;
  if (first->tag == 0xa0) pos += first->header + first->length;
  for (unsigned char tag : expected) {
    auto field = read_tlv(body, pos);
    if (!field || field->tag != tag) return std::nullopt;
    pos += field->header + field->length;
  }
  auto subject = read_tlv(body, pos);
  if (!subject || subject->tag != 0x30) return std::nullopt;
  return body.substr(pos, subject->header + subject->length);
}

struct LazyCaStore::Impl {
  struct Entry {
    std::string der;
    bool trusted_form = false;  // "TRUSTED CERTIFICATE": DER followed by OpenSSL's trust settings
    std::unique_ptr<X509_NAME, X509NameDeleter> subject;
    bool decoded = false;
  };
  std::vector<Entry> entries;
  std::size_t decoded = 0;
  X509_LOOKUP_METHOD* method = nullptr;
  X509_STORE* store = nullptr;

  ~Impl() {
    X509_STORE_free(store);  // frees the lookup before its method
    X509_LOOKUP_meth_free(method);
  }

  // X509_STORE_CTX_get_by_subject calls this only when the store holds nothing under `name`.
  // Every indexed certificate with that subject is decoded into the store (as the hashed-directory
  // lookup does); the answer is a reference the store owns, as OpenSSL's own lookups return.
  static int get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name,
                            X509_OBJECT* ret) {
    if (type != X509_LU_X509 || name == nullptr) return 0;
    auto* self = static_cast<Impl*>(X509_LOOKUP_get_method_data(lookup));
    if (self == nullptr) return 0;
    ErrorMark mark;
    bool added = false;
    for (auto& entry : self->entries) {
      if (entry.decoded || X509_NAME_cmp(entry.subject.get(), name) != 0) continue;
      entry.decoded = true;
      ++self->decoded;
      const auto* p = reinterpret_cast<const unsigned char*>(entry.der.data());
      auto length = static_cast<long>(entry.der.size());
      std::unique_ptr<X509, X509Deleter> cert(entry.trusted_form ? d2i_X509_AUX(nullptr, &p, length)
                                                                 : d2i_X509(nullptr, &p, length));
      if (cert && X509_STORE_add_cert(self->store, cert.get()) == 1) added = true;
    }
    if (!added || ret == nullptr) return 0;
    if (X509_STORE_lock(self->store) != 1) return 0;
    X509_OBJECT* held =
        X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(self->store), X509_LU_X509, name);
    X509* cert = held != nullptr ? X509_OBJECT_get0_X509(held) : nullptr;
    int ok = cert != nullptr && X509_OBJECT_set1_X509(ret, cert) == 1 ? 1 : 0;
    X509_STORE_unlock(self->store);
    // set1 took a reference the caller does not release (it takes its own): give it back; the
    // store's reference keeps the certificate alive.
    if (ok == 1) X509_free(cert);
    return ok;
  }
};

LazyCaStore::LazyCaStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LazyCaStore::~LazyCaStore() = default;
X509_STORE* LazyCaStore::store() const { return impl_->store; }
std::size_t LazyCaStore::certificates() const { return impl_->entries.size(); }
std::size_t LazyCaStore::decoded() const { return impl_->decoded; }

std::shared_ptr<LazyCaStore> LazyCaStore::open(const std::string& path) {
  if (path.empty()) return nullptr;
  auto text = read_text_file(path, kMaxBundleBytes);
  if (!text) return nullptr;
  return from_pem(*text);
}

std::shared_ptr<LazyCaStore> LazyCaStore::from_pem(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxBundleBytes) return nullptr;
  ErrorMark mark;
  auto impl = std::make_unique<Impl>();
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  for (;;) {
    char* raw_name = nullptr;
    char* raw_header = nullptr;
    unsigned char* raw_data = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &raw_name, &raw_header, &raw_data, &length) != 1) {
      unsigned long error = ERR_peek_last_error();
      // The end of the text; anything else is a broken block.
      if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE) break;
      return nullptr;
    }
    std::unique_ptr<char, OpenSslFree> name(raw_name);
    std::unique_ptr<char, OpenSslFree> header(raw_header);
    std::unique_ptr<unsigned char, OpenSslFree> data(raw_data);
    std::string_view kind(name.get());
    bool trusted = kind == PEM_STRING_X509_TRUSTED;
    if (kind != PEM_STRING_X509 && kind != PEM_STRING_X509_OLD && !trusted) continue;
    Impl::Entry entry;
    entry.der.assign(reinterpret_cast<const char*>(data.get()), static_cast<std::size_t>(length));
    entry.trusted_form = trusted;
    auto subject = der_certificate_subject(entry.der);
    if (!subject) return nullptr;
    const auto* p = reinterpret_cast<const unsigned char*>(subject->data());
    entry.subject.reset(d2i_X509_NAME(nullptr, &p, static_cast<long>(subject->size())));
    if (!entry.subject) return nullptr;
    impl->entries.push_back(std::move(entry));
  }
  if (impl->entries.empty()) return nullptr;
  impl->method = X509_LOOKUP_meth_new("bedrock-reach lazy CA bundle");
  if (impl->method == nullptr) return nullptr;
  X509_LOOKUP_meth_set_get_by_subject(impl->method, &Impl::get_by_subject);
  impl->store = X509_STORE_new();
  if (impl->store == nullptr) return nullptr;
  X509_LOOKUP* lookup = X509_STORE_add_lookup(impl->store, impl->method);
  if (lookup == nullptr) return nullptr;
  X509_LOOKUP_set_method_data(lookup, impl.get());
  return std::shared_ptr<LazyCaStore>(new LazyCaStore(std::move(impl)));
}

}  // namespace bedrock_reach
