#include "support/test_certs.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace bedrock_reach::test {
namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using CertPtr = std::unique_ptr<X509, CertDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (extension == nullptr) throw std::runtime_error("bad extension " + value);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

CertPtr new_cert(EVP_PKEY* key, const std::string& common_name, long long from, long long until,
                 long serial) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(from));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(until));
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("bedrock-reach tests"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  return cert;
}

std::string pem_of(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

struct TestCa::Impl {
  KeyPtr key;
  CertPtr cert;
  std::string pem;
  std::string bundle_path;
  mutable long next_serial = 2;
};

TestCa::TestCa(const std::string& common_name) : impl_(std::make_unique<Impl>()) {
  impl_->key = new_key();
  impl_->cert = new_cert(impl_->key.get(), common_name, -3600, 10LL * 365 * 86400, 1);
  X509_set_issuer_name(impl_->cert.get(), X509_get_subject_name(impl_->cert.get()));
  add_extension(impl_->cert.get(), impl_->cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(impl_->cert.get(), impl_->cert.get(), NID_key_usage,
                "critical,keyCertSign,cRLSign");
  add_extension(impl_->cert.get(), impl_->cert.get(), NID_subject_key_identifier, "hash");
  X509_sign(impl_->cert.get(), impl_->key.get(), EVP_sha256());
  impl_->pem = pem_of(impl_->cert.get());
  char path[] = "/tmp/br-test-ca-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  impl_->bundle_path = path;
  std::ofstream(impl_->bundle_path) << impl_->pem;
}

TestCa::~TestCa() { std::remove(impl_->bundle_path.c_str()); }

TestCert TestCa::issue(const LeafSpec& spec) const {
  KeyPtr key = new_key();
  std::string common_name = spec.dns_names.empty() ? "unnamed" : spec.dns_names.front();
  CertPtr cert = new_cert(key.get(), common_name, spec.valid_from_offset_s,
                          spec.valid_until_offset_s, impl_->next_serial++);
  X509* issuer = spec.self_signed ? cert.get() : impl_->cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  std::string sans;
  for (const auto& name : spec.dns_names) sans += (sans.empty() ? "DNS:" : ",DNS:") + name;
  if (!sans.empty()) add_extension(cert.get(), issuer, NID_subject_alt_name, sans);
  add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), issuer, NID_ext_key_usage, "serverAuth");
  X509_sign(cert.get(), spec.self_signed ? key.get() : impl_->key.get(), EVP_sha256());
  return TestCert{pem_of(cert.get()), pem_of(key.get())};
}

const std::string& TestCa::ca_pem() const { return impl_->pem; }
const std::string& TestCa::bundle_path() const { return impl_->bundle_path; }

}  // namespace bedrock_reach::test
