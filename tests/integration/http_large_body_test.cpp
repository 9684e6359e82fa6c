// The HTTP client reads bodies 1 KiB at a time so that no transfer holds the one event loop for
// long (curl_client.cpp, CURLOPT_BUFFERSIZE). What a test here can pin down is that large bodies
// still arrive whole and the cap still holds; the fairness itself is measured in loop passes on
// the fault that showed it (docs/testing.md, "Time the thing judged"): a loopback server cannot
// keep curl's socket full reliably enough for a pass count to tell the buffer sizes apart.
#include <gtest/gtest.h>

#include "http/curl_client.hpp"
#include "loop/epoll_loop.hpp"
#include "support/fake_http_server.hpp"

namespace bedrock_reach {
namespace {

HttpResult fetch(std::size_t body_bytes, std::size_t max_body_bytes) {
  std::string body(body_bytes, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  test::FakeHttpServer server([&](const test::FakeRequest&) {
    test::FakeReply reply;
    reply.body = body;
    return reply;
  });
  EpollLoop loop;
  CurlClient client(loop);
  HttpRequest request;
  request.url = server.url() + "/large";
  request.max_body_bytes = max_body_bytes;
  request.total_timeout = Millis(60000);
  std::optional<HttpResult> out;
  client.start(request, [&](HttpResult result) { out = std::move(result); });
  loop.run_until([&] { return out.has_value(); }, SteadyClock::now() + std::chrono::seconds(60));
  EXPECT_TRUE(out.has_value());
  if (out && *out) {
    EXPECT_EQ((*out)->body, body);
  }
  if (!out) return tl::unexpected(HttpFailure{});
  return std::move(*out);
}

TEST(HttpLargeBodies, ArriveWholeThroughSmallReads) {
  auto result = fetch(8u << 20, (8u << 20) + 1);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->body.size(), 8u << 20);
}

TEST(HttpLargeBodies, TheCapStillHolds) {
  auto result = fetch((4u << 20) + 1, 4u << 20);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::too_large);
}

}  // namespace
}  // namespace bedrock_reach
