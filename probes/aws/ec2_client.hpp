#pragma once
// The EC2 Query API client on the check's event loop: signed form POSTs through HttpClient,
// retries with jittered exponential backoff on throttling, 5xx and transport errors (bounded by
// the caller's deadline), and paging through nextToken.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/ec2_parse.hpp"
#include "aws/ec2_request.hpp"
#include "bedrock_reach/event_loop.hpp"
#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

template <typename T>
using Ec2Result = tl::expected<T, Ec2Failure>;

class Ec2Client {
 public:
  using BodyCallback = std::function<void(Ec2Result<std::string>)>;
  template <typename T>
  using PageParser = Result<Ec2Page<T>> (*)(std::string_view);

  struct Stats {
    int requests = 0;   // HTTP exchanges started
    int retries = 0;    // of which were retries
    int throttled = 0;  // answers that said "slow down"
  };

  /// `loop` and `http` must outlive every call; the client itself may go away earlier.
  Ec2Client(EventLoop& loop, HttpClient& http, Ec2Options options, Credentials credentials);

  /// One request (one page) with retries. `done` runs exactly once on the loop thread, with the
  /// 200 body or the last failure; nothing is started past `deadline`.
  void request(std::string action, QueryParams params, TimePoint deadline, BodyCallback done);

  /// Every page of a Describe* call, parsed; fails on the first page that fails.
  template <typename T>
  void describe_all(std::string action, QueryParams params, PageParser<T> parse, TimePoint deadline,
                    std::function<void(Ec2Result<std::vector<T>>)> done) {
    struct Paging {
      std::string action;
      QueryParams params;
      PageParser<T> parse;
      TimePoint deadline;
      std::function<void(Ec2Result<std::vector<T>>)> done;
      std::vector<T> items;
      int pages = 0;
    };
    auto paging = std::make_shared<Paging>(
        Paging{std::move(action), std::move(params), parse, deadline, std::move(done), {}, 0});
    next_page<T>(*this, paging, "");
  }

  const Stats& stats() const;
  const Ec2Options& options() const;

  struct Shared;  // implementation detail: what in-flight calls keep alive

 private:
  template <typename T, typename Paging>
  static void next_page(Ec2Client& client, std::shared_ptr<Paging> paging,
                        const std::string& token) {
    QueryParams params = paging->params;
    if (!token.empty()) params.emplace_back("NextToken", token);
    // Pages after the first run on the shared state, so the client object may be gone by then.
    client.request(paging->action, std::move(params), paging->deadline,
                   [shared = client.shared_, paging](Ec2Result<std::string> body) {
                     if (!body) return paging->done(tl::unexpected(std::move(body.error())));
                     auto page = paging->parse(*body);
                     if (!page) {
                       Ec2Failure f;
                       f.kind = Ec2FailureKind::parse;
                       f.action = paging->action;
                       f.message = page.error().message;
                       return paging->done(tl::unexpected(std::move(f)));
                     }
                     for (auto& item : page->items) paging->items.push_back(std::move(item));
                     ++paging->pages;
                     if (page->next_token.empty()) return paging->done(std::move(paging->items));
                     if (paging->pages >= shared_max_pages(*shared)) {
                       Ec2Failure f;
                       f.kind = Ec2FailureKind::client;
                       f.action = paging->action;
                       f.code = "PageLimit";
                       f.message = "more than " + std::to_string(paging->pages) + " pages";
                       return paging->done(tl::unexpected(std::move(f)));
                     }
                     Ec2Client again(shared);
                     next_page<T>(again, paging, page->next_token);
                   });
  }

  explicit Ec2Client(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  static int shared_max_pages(const Shared& shared);
  std::shared_ptr<Shared> shared_;
};

}  // namespace bedrock_reach
