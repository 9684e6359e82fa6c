#pragma once
// OpenSSL X509 → CertDetails (subject, issuer, DNS SANs, validity). Adapter-side only.
#include <openssl/x509.h>

#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

CertDetails cert_details(X509* certificate);

}  // namespace bedrock_reach
