#pragma once
// Errors are values at every network edge: Result<T> carries either a T or an Error.
#include <string>
#include <tl/expected.hpp>

namespace bedrock_reach {

/// What went wrong, coarsely; probes map library statuses to these in one place each.
enum class ErrorKind {
  timeout,        // no answer within the budget
  refused,        // connection refused / reset before any answer
  unreachable,    // no route, network down, address not available
  dns,            // name could not be resolved (carried detail in message)
  tls,            // handshake or verification failure
  protocol,       // the peer answered, but not in the protocol we expect
  http_status,    // a well-formed reply with a failing status
  parse,          // received bytes did not parse
  too_large,      // received bytes exceeded a cap
  access_denied,  // the peer said we may not
  not_found,      // the thing asked for does not exist
  invalid_input,  // bad configuration or argument
  io,             // local file or socket error
  cancelled,      // the check's deadline or a stop cut it short
  internal,       // a bug: should never happen
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;  // one line, no secrets
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> make_error(ErrorKind kind, std::string message) {
  return tl::unexpected<Error>(Error{kind, std::move(message)});
}

}  // namespace bedrock_reach
