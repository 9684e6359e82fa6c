#include "http/cert_details.hpp"

#include <openssl/asn1.h>
#include <openssl/x509v3.h>

#include <memory>

namespace bedrock_reach {
namespace {

std::string name_line(X509_NAME* name) {
  if (name == nullptr) return {};
  char buffer[512] = {};
  X509_NAME_oneline(name, buffer, sizeof buffer - 1);
  return buffer;
}

long long unix_time(const ASN1_TIME* when) {
  if (when == nullptr) return 0;
  struct tm parsed {};
  if (ASN1_TIME_to_tm(when, &parsed) != 1) return 0;
  return static_cast<long long>(timegm(&parsed));
}

}  // namespace

CertDetails cert_details(X509* certificate) {
  CertDetails out;
  out.subject = name_line(X509_get_subject_name(certificate));
  out.issuer = name_line(X509_get_issuer_name(certificate));
  out.not_before = unix_time(X509_get0_notBefore(certificate));
  out.not_after = unix_time(X509_get0_notAfter(certificate));
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names != nullptr) {
    int count = sk_GENERAL_NAME_num(names);
    for (int i = 0; i < count && i < 100; ++i) {
      const GENERAL_NAME* entry = sk_GENERAL_NAME_value(names, i);
      if (entry->type != GEN_DNS) continue;
      const unsigned char* data = ASN1_STRING_get0_data(entry->d.dNSName);
      int length = ASN1_STRING_length(entry->d.dNSName);
      if (data != nullptr && length > 0 && length < 256) {
        out.sans.emplace_back(reinterpret_cast<const char*>(data), static_cast<size_t>(length));
      }
    }
    GENERAL_NAMES_free(names);
  }
  return out;
}

}  // namespace bedrock_reach
