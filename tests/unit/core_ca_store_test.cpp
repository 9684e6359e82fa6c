// LazyCaStore (issue 19): a CA bundle indexed by subject, each certificate decoded only when a
// chain needs it; verification must answer as with the whole bundle loaded.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "http/ca_store.hpp"

namespace bedrock_reach {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

Key new_key() { return Key(EVP_EC_gen("P-256")); }

// A certificate for `subject`, issued by `issuer` (nullptr: self-signed with `key`).
Cert make_cert(const std::string& subject, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
               bool ca) {
  Cert x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()),
                   static_cast<long>(subject.size()) + (ca ? 1 : 2));
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(subject.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(x.get(), key);
  if (ca) {
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
    X509_EXTENSION* bc =
        X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(x.get(), bc, -1);
    X509_EXTENSION_free(bc);
  }
  X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256());
  return x;
}

std::string pem_of(X509* x) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

int verify(X509_STORE* store, X509* leaf) {
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  int ok = X509_verify_cert(ctx);
  int error = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  return ok == 1 ? X509_V_OK : error;
}

class CaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_key = new_key();
    ca = make_cert("Test Root", ca_key.get(), nullptr, nullptr, true);
    leaf_key = new_key();
    leaf = make_cert("bedrock-runtime.us-east-1.amazonaws.com", leaf_key.get(), ca.get(),
                     ca_key.get(), false);
    for (int i = 0; i < 5; ++i) {
      Key k = new_key();
      others += pem_of(
          make_cert("Other Root " + std::to_string(i), k.get(), nullptr, nullptr, true).get());
    }
  }
  Key ca_key, leaf_key;
  Cert ca, leaf;
  std::string others;
};

TEST_F(CaStoreTest, VerifiesAgainstTheIssuerAndDecodesOnlyIt) {
  auto store = LazyCaStore::from_pem(others + pem_of(ca.get()) + others);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->certificates(), 11u);
  EXPECT_EQ(store->decoded(), 0u);
  EXPECT_EQ(verify(store->store(), leaf.get()), X509_V_OK);
  EXPECT_EQ(store->decoded(), 1u);
  EXPECT_EQ(verify(store->store(), leaf.get()), X509_V_OK);  // kept: no second decode
  EXPECT_EQ(store->decoded(), 1u);
}

TEST_F(CaStoreTest, AnUnknownIssuerFailsAsWithTheWholeBundle) {
  auto store = LazyCaStore::from_pem(others);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(verify(store->store(), leaf.get()), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  X509_STORE* eager = X509_STORE_new();
  BIO* bio = BIO_new_mem_buf(others.data(), static_cast<int>(others.size()));
  while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(eager, x);
    X509_free(x);
  }
  BIO_free(bio);
  EXPECT_EQ(verify(eager, leaf.get()), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  X509_STORE_free(eager);
  EXPECT_EQ(store->decoded(), 0u);
}

TEST_F(CaStoreTest, UnusableBundlesAreRefusedSoCurlReportsThem) {
  EXPECT_EQ(LazyCaStore::from_pem(""), nullptr);
  EXPECT_EQ(LazyCaStore::from_pem("no certificates here\n"), nullptr);
  EXPECT_EQ(LazyCaStore::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            nullptr);
  std::string broken = pem_of(ca.get());
  broken.insert(broken.find('\n') + 10, "!!");
  EXPECT_EQ(LazyCaStore::from_pem(broken), nullptr);
  EXPECT_EQ(LazyCaStore::open("/nonexistent/ca.pem"), nullptr);
}

TEST_F(CaStoreTest, DebiansBundleIsIndexedWithoutDecoding) {
  std::ifstream in("/etc/ssl/certs/ca-certificates.crt");
  if (!in) GTEST_SKIP() << "no /etc/ssl/certs/ca-certificates.crt on this host";
  std::stringstream text;
  text << in.rdbuf();
  auto store = LazyCaStore::from_pem(text.str() + pem_of(ca.get()));
  ASSERT_NE(store, nullptr);
  EXPECT_GT(store->certificates(), 100u);
  EXPECT_EQ(verify(store->store(), leaf.get()), X509_V_OK);
  EXPECT_EQ(store->decoded(), 1u);
}

TEST(DerCertificateSubject, WalksToTheSubjectOrRefuses) {
  // SEQ{ SEQ{ [0]{INT 2}, INT 1, SEQ{}, SEQ{issuer}, SEQ{}, SEQ{subject} } }
  std::string tbs = std::string("\xa0\x03\x02\x01\x02", 5) + std::string("\x02\x01\x01", 3) +
                    std::string("\x30\x00", 2) + std::string("\x30\x01\x41", 3) +
                    std::string("\x30\x00", 2) + std::string("\x30\x02\x42\x43", 4);
  std::string cert = std::string("\x30") + char(tbs.size() + 2) + "\x30" + char(tbs.size()) + tbs;
  auto subject = der_certificate_subject(cert);
  ASSERT_TRUE(subject.has_value());
  EXPECT_EQ(*subject, std::string("\x30\x02\x42\x43", 4));
  // Without the optional version too.
  std::string v1 = tbs.substr(5);
  std::string cert1 = std::string("\x30") + char(v1.size() + 2) + "\x30" + char(v1.size()) + v1;
  EXPECT_TRUE(der_certificate_subject(cert1).has_value());
  // Truncated anywhere: refused.
  for (std::size_t n = 0; n < cert.size(); ++n) {
    EXPECT_FALSE(der_certificate_subject(cert.substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(der_certificate_subject(std::string("\x30\x84\xff\xff\xff\xff", 6)).has_value());
  EXPECT_FALSE(der_certificate_subject(std::string("\x30\x80\x00\x00", 4)).has_value());
  EXPECT_FALSE(der_certificate_subject(std::string("\x31\x02\x30\x00", 4)).has_value());
}

TEST_F(CaStoreTest, RealCertificatesGiveTheirEncodedSubject) {
  unsigned char* der = nullptr;
  int n = i2d_X509(leaf.get(), &der);
  ASSERT_GT(n, 0);
  auto subject = der_certificate_subject(std::string_view(reinterpret_cast<char*>(der), n));
  unsigned char* name = nullptr;
  int m = i2d_X509_NAME(X509_get_subject_name(leaf.get()), &name);
  ASSERT_TRUE(subject.has_value());
  EXPECT_EQ(*subject, std::string_view(reinterpret_cast<char*>(name), m));
  OPENSSL_free(der);
  OPENSSL_free(name);
}

}  // namespace
}  // namespace bedrock_reach
