#include "aws/imds.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>

#include "aws/imds_parse.hpp"
#include "aws/region.hpp"
#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

using strings::lower;

// The tokenless GET that tells a lost PUT reply from a silent IMDS: a reply from the same host
// one hop away takes milliseconds, so this keeps a silent IMDS near the SDKs' one-second verdict.
constexpr Millis kProbeWithoutToken{300};

std::string ms_text(Millis ms) { return std::to_string(ms.count()) + " ms"; }

/// One probe_imds run. Owned by the callbacks it hands out (shared_ptr), so it lives
/// exactly as long as something may still call back.
class ImdsRun : public std::enable_shared_from_this<ImdsRun> {
 public:
  ImdsRun(ProbeContext& ctx, HttpClient& http, const ImdsOptions& options, ImdsTokenCache* cache,
          ProbeCallback<InstanceContext> done, RegionKnownCallback region_known = {})
      : loop_(ctx.loop),
        deadline_(ctx.deadline),
        log_(ctx.log),
        http_(http),
        options_(options),
        cache_(cache != nullptr ? cache : &own_cache_),
        done_(std::move(done)),
        region_known_(std::move(region_known)),
        started_(ctx.loop.now()) {}

  void start() {
    auto self = shared_from_this();
    if (options_.disabled || !options_.config_error.empty()) {
      std::string why =
          options_.disabled ? "AWS_EC2_METADATA_DISABLED=true" : options_.config_error;
      // A timer, not post(): run_until only re-checks its condition after timers and I/O.
      loop_.add_timer(loop_.now(), [self, why] { self->unavailable(why); });
      return;
    }
    deadline_timer_ = loop_.add_timer(deadline_, [self] {
      self->deadline_timer_ = 0;
      self->finish(/*cut=*/true);
    });
    if (cache_->usable(loop_.now())) {
      token_ = cache_->token;
      token_from_cache_ = true;
      read_stage_one();
    } else {
      fetch_token(1);
    }
  }

 private:
  using BodyHandler = std::function<void(const std::string& body)>;

  Millis budget(Millis wanted) const {
    auto left = std::chrono::duration_cast<Millis>(deadline_ - loop_.now());
    return std::max(Millis{0}, std::min(wanted, left));
  }

  HttpRequest request(std::string method, const std::string& path) const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = options_.endpoint + "/latest/" + path;
    r.connect_timeout = budget(options_.connect_timeout);
    r.total_timeout = budget(options_.request_timeout);
    r.proxy = std::nullopt;  // always direct: a proxy must never see IMDS traffic
    r.max_body_bytes = kMaxImdsBodyBytes;
    return r;
  }

  void fetch_token(int attempt) {
    if (finished_) return;
    if (budget(options_.request_timeout) <= Millis{0}) return finish(true);
    HttpRequest r = request("PUT", "api/token");
    r.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds",
                           std::to_string(options_.token_ttl_seconds));
    auto self = shared_from_this();
    http_.start(std::move(r),
                [self, attempt](HttpResult result) { self->on_token(attempt, std::move(result)); });
  }

  /// True when an exchange that failed was cut short by the check's deadline.
  bool at_deadline(const HttpResult& result) const {
    return !result && loop_.now() + Millis(5) >= deadline_;
  }

  void on_token(int attempt, HttpResult result) {
    if (finished_) return;
    if (at_deadline(result)) return finish(true);
    bool retryable = false;
    std::string why;
    if (result) {
      long status = result->status;
      std::string token = parse_imds_value(result->body);
      if (status == 200 && !token.empty()) {
        token_ = Secret(token);
        int ttl = options_.token_ttl_seconds;
        if (const std::string* header = result->header("x-aws-ec2-metadata-token-ttl-seconds")) {
          int parsed = 0;
          auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), parsed);
          if (ec == std::errc() && end == header->data() + header->size() && parsed > 0) {
            ttl = std::min(parsed, ttl);
          }
        }
        cache_->token = token_;
        cache_->expires = loop_.now() + std::chrono::seconds(ttl);
        return read_stage_one();
      }
      if ((status == 403 || status == 404 || status == 405) && options_.allow_v1_fallback) {
        // As the SDKs do: a refused token means IMDSv1 may still answer.
        imds_v1_ = true;
        data_.notes.push_back("IMDSv2 token refused (HTTP " + std::to_string(status) +
                              "); trying IMDSv1");
        return read_stage_one();
      }
      why = "token request answered HTTP " + std::to_string(status);
      retryable = status >= 500 || status == 429;
    } else {
      const HttpFailure& f = result.error();
      if (f.kind == ErrorKind::timeout && f.connected) {
        // TCP connected but the PUT reply never came: EC2 sends it with IP TTL =
        // HttpPutResponseHopLimit, so one routed hop (a container bridge) too many drops it.
        why = "the token request connected but got no reply within " +
              ms_text(options_.request_timeout);
        return probe_without_token(why);
      } else if (f.kind == ErrorKind::timeout) {
        why = "no answer to the token request within " + ms_text(options_.request_timeout);
      } else {
        why = "token request failed: " + std::string(to_string(f.kind)) + " (" +
              f.message.substr(0, 200) + ")";
        retryable = f.kind != ErrorKind::cancelled;
      }
    }
    if (retryable && attempt < options_.max_attempts &&
        budget(options_.retry_delay + options_.request_timeout) > options_.retry_delay) {
      auto self = shared_from_this();
      loop_.add_timer(loop_.now() + options_.retry_delay,
                      [self, attempt] { self->fetch_token(attempt + 1); });
      return;
    }
    unavailable("IMDS at " + options_.endpoint + ": " + why);
  }

  /// After a connected but unanswered token PUT: one short GET without a token. A prompt answer
  /// (401 when IMDSv2 is required, 200 otherwise) means IMDS is there and only the PUT reply is
  /// lost on the way (the hop limit); silence means IMDS itself does not answer.
  void probe_without_token(const std::string& why) {
    HttpRequest r = request("GET", "meta-data/");
    r.total_timeout = budget(kProbeWithoutToken);
    r.connect_timeout = r.total_timeout;
    auto self = shared_from_this();
    http_.start(std::move(r), [self, why](HttpResult result) {
      if (self->finished_) return;
      if (self->at_deadline(result)) return self->finish(true);
      if (!result) return self->unavailable("IMDS at " + self->options_.endpoint + ": " + why);
      self->hop_limit_ = true;
      self->v1_answered_ = true;
      self->data_.notes.push_back(why + "; IMDSv1 answered HTTP " + std::to_string(result->status));
      if (result->status == 200 && self->options_.allow_v1_fallback) {
        self->imds_v1_ = true;  // as the SDKs do after a token timeout
        return self->read_stage_one();
      }
      self->unavailable(why);
    });
  }

  /// GET `path`; `handler` runs for a 200 body. 404 means "not there" (no role, no IPv6).
  void get(const std::string& path, BodyHandler handler, int attempt = 1) {
    if (finished_) return;
    ++pending_;
    HttpRequest r = request("GET", path);
    if (!imds_v1_) r.headers.emplace_back("X-aws-ec2-metadata-token", token_.reveal());
    auto self = shared_from_this();
    http_.start(std::move(r),
                [self, path, handler = std::move(handler), attempt](HttpResult result) mutable {
                  self->on_get(path, std::move(handler), attempt, std::move(result));
                });
  }

  void on_get(const std::string& path, BodyHandler handler, int attempt, HttpResult result) {
    if (finished_) return;
    if (at_deadline(result)) return finish(true);
    // Any prompt HTTP answer without a token tells a dropped PUT reply (hop limit) from an IMDS
    // that is merely slow (then these time out too).
    if (result) v1_answered_ = true;
    bool retry = false;
    if (result && result->status == 200) {
      ++answered_;
      handler(result->body);
    } else if (result && result->status == 404) {
      ++answered_;
    } else if (result && result->status == 401) {
      token_rejected_ = true;
      data_.notes.push_back(path + ": HTTP 401 (token rejected)");
    } else if (result) {
      retry = result->status >= 500 || result->status == 429;
      if (!retry || attempt >= options_.max_attempts) {
        data_.notes.push_back(path + ": HTTP " + std::to_string(result->status));
      }
    } else {
      retry = result.error().kind != ErrorKind::cancelled;
      if (!retry || attempt >= options_.max_attempts) {
        data_.notes.push_back(path + ": " + to_string(result.error().kind));
      }
    }
    if (retry && attempt < options_.max_attempts && budget(options_.request_timeout) > Millis{0}) {
      auto self = shared_from_this();
      loop_.add_timer(loop_.now() + options_.retry_delay,
                      [self, path, handler = std::move(handler), attempt]() mutable {
                        --self->pending_;
                        self->get(path, std::move(handler), attempt + 1);
                      });
      return;  // pending_ stays counted until the retry is issued
    }
    if (--pending_ == 0) stage_done();
  }

  void read_stage_one() {
    stage_ = 1;
    auto self = shared_from_this();
    auto value = [self](std::string InstanceIdentity::*field) {
      return [self, field](const std::string& body) {
        self->identity_.*field = parse_imds_value(body);
      };
    };
    get("meta-data/placement/region", [self](const std::string& body) {
      self->identity_.region = parse_imds_value(body);
      if (self->region_known_ && !self->identity_.region.empty()) {
        // Once only, and on its own loop turn: not from inside the HTTP client's callback.
        auto notify = std::move(self->region_known_);
        self->region_known_ = nullptr;
        self->loop_.add_timer(self->loop_.now(), [self, notify, region = self->identity_.region] {
          if (!self->finished_) notify(region);
        });
      }
    });
    get("meta-data/placement/availability-zone", value(&InstanceIdentity::az));
    get("meta-data/placement/availability-zone-id", value(&InstanceIdentity::az_id));
    get("meta-data/instance-id", value(&InstanceIdentity::instance_id));
    get("meta-data/services/partition", value(&InstanceIdentity::partition));
    get("meta-data/services/domain", value(&InstanceIdentity::domain));
    get("meta-data/mac",
        [self](const std::string& body) { self->primary_mac_ = parse_imds_value(body); });
    get("meta-data/network/interfaces/macs/", [self](const std::string& body) {
      for (std::string mac : parse_imds_lines(body)) {
        if (!mac.empty() && mac.back() == '/') mac.pop_back();
        if (mac.empty() || mac.find('/') != std::string::npos ||
            mac.find("..") != std::string::npos)
          continue;
        if (self->macs_.size() < self->options_.max_interfaces) self->macs_.push_back(mac);
      }
    });
    get("meta-data/iam/security-credentials/", [self](const std::string& body) {
      self->identity_.iam_role = parse_imds_value(body);
      if (self->identity_.iam_role.find('/') != std::string::npos) self->identity_.iam_role.clear();
    });
    get("meta-data/iam/info", [self](const std::string& body) {
      self->identity_.instance_profile_arn = parse_imds_instance_profile_arn(body);
    });
    get("dynamic/instance-identity/document", [self](const std::string& body) {
      self->identity_.account_id = parse_imds_account_id(body);
    });
  }

  void read_stage_two() {
    stage_ = 2;
    auto self = shared_from_this();
    bool issued = false;
    if (!identity_.iam_role.empty()) {
      issued = true;
      get("meta-data/iam/security-credentials/" + identity_.iam_role,
          [self](const std::string& body) {
            auto creds = parse_imds_role_credentials(body, self->identity_.iam_role);
            if (creds) {
              self->data_.role_credentials = std::move(*creds);
            } else {
              self->data_.notes.push_back(creds.error().message);
            }
          });
    }
    if (macs_.empty() && !primary_mac_.empty()) macs_.push_back(primary_mac_);  // no listing
    for (const std::string& mac : macs_) {
      issued = true;
      MacInfo& info = mac_info_[mac];
      info.mac = mac;
      std::string base = "meta-data/network/interfaces/macs/" + mac + "/";
      auto one = [&info](std::string MacInfo::*field) {
        return [&info, field](const std::string& body) { info.*field = parse_imds_value(body); };
      };
      auto many = [&info](std::vector<std::string> MacInfo::*field) {
        return [&info, field](const std::string& body) { info.*field = parse_imds_lines(body); };
      };
      // mac_info_ is a std::map owned by this run: references to its values stay valid.
      get(base + "device-number", [&info](const std::string& body) {
        int n = 0;
        std::string v = parse_imds_value(body);
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        info.device_number = (ec == std::errc() && end == v.data() + v.size()) ? n : 0;
      });
      get(base + "vpc-id", one(&MacInfo::vpc_id));
      get(base + "subnet-id", one(&MacInfo::subnet_id));
      get(base + "vpc-ipv4-cidr-blocks", many(&MacInfo::vpc_ipv4_cidrs));
      // Older metadata versions have only the primary CIDR.
      get(base + "vpc-ipv4-cidr-block", [this, mac](const std::string& body) {
        primary_vpc_cidr_[mac] = parse_imds_value(body);
      });
      get(base + "vpc-ipv6-cidr-blocks", many(&MacInfo::vpc_ipv6_cidrs));
      get(base + "subnet-ipv4-cidr-block", one(&MacInfo::subnet_ipv4_cidr));
      get(base + "subnet-ipv6-cidr-blocks", many(&MacInfo::subnet_ipv6_cidrs));
      get(base + "local-ipv4s", many(&MacInfo::local_ipv4s));
      get(base + "ipv6s", many(&MacInfo::ipv6s));
      get(base + "security-group-ids", many(&MacInfo::security_group_ids));
    }
    if (!issued) finish(false);
  }

  void stage_done() {
    if (finished_) return;
    if (stage_ == 1) {
      if (token_rejected_ && token_from_cache_ && !token_refreshed_) {
        // A cached token expired or IMDS restarted: one fresh token, then read again.
        token_refreshed_ = true;
        token_rejected_ = false;
        token_from_cache_ = false;
        cache_->clear();
        identity_ = InstanceIdentity{};
        macs_.clear();
        answered_ = 0;
        data_.notes.clear();
        return fetch_token(1);
      }
      if (answered_ == 0) {
        std::string why = data_.notes.empty() ? "no metadata answered" : data_.notes.front();
        return unavailable("IMDS at " + options_.endpoint + " answered no metadata: " + why);
      }
      return read_stage_two();
    }
    finish(false);
  }

  void unavailable(const std::string& why) {
    if (finished_) return;
    if (hop_limit_ && v1_answered_) {
      // The instance is there; this process is one hop too far for the token reply.
      findings_.push_back(hop_limit_finding(why));
    } else {
      findings_.push_back(make_finding("IMDS_UNAVAILABLE", "", "",
                                       "Instance metadata unavailable: " + why,
                                       {"endpoint " + options_.endpoint}));
    }
    finish(false);
  }

  Finding hop_limit_finding(const std::string& why) const {
    std::vector<std::string> evidence{"endpoint " + options_.endpoint,
                                      "TCP connect to IMDS succeeded; the IMDSv2 token PUT got no "
                                      "reply within " +
                                          ms_text(options_.request_timeout)};
    for (const auto& note : data_.notes) {
      if (evidence.size() < 6) evidence.push_back(note);
    }
    return make_finding(
        "IMDS_HOP_LIMIT", "", "",
        "The IMDSv2 token reply does not reach this process (HttpPutResponseHopLimit "
        "too low for a container): " +
            why,
        std::move(evidence));
  }

  void finish(bool cut) {
    if (finished_) return;
    finished_ = true;
    if (deadline_timer_ != 0) loop_.cancel_timer(deadline_timer_);
    assemble();
    if (hop_limit_ && v1_answered_ && findings_.empty()) {
      // IMDSv1 answered where the token did not: still the hop limit (and v1 may be turned off).
      findings_.push_back(hop_limit_finding("IMDSv1 answered instead"));
    }
    if (!cut && !data_.identity && findings_.empty()) {
      // IMDS answered, but not with a Region or AZ: as good as unavailable for the check.
      findings_.push_back(make_finding(
          "IMDS_UNAVAILABLE", "", "",
          "Instance metadata at " + options_.endpoint + " gave neither a Region nor an AZ",
          data_.notes));
    }
    ProbeOutcome<InstanceContext> outcome;
    outcome.data = std::move(data_);
    outcome.findings = std::move(findings_);
    outcome.cut_by_deadline = cut;
    outcome.elapsed_ms = std::chrono::duration<double, std::milli>(loop_.now() - started_).count();
    log_.debug("imds: done in {:.1f} ms, identity={}, role_credentials={}", outcome.elapsed_ms,
               outcome.data.identity.has_value(), outcome.data.role_credentials.has_value());
    auto done = std::move(done_);
    done(std::move(outcome));
  }

  void assemble() {
    InstanceIdentity& id = identity_;
    if (id.region.empty() && !id.az.empty()) {
      id.region = region_from_az(id.az);
      if (!id.region.empty()) data_.notes.push_back("region derived from the AZ name");
    }
    if (id.region.empty()) return;
    // IMDS's own services/partition and services/domain win; without them, the partition table
    // (an unknown Region keeps the commercial defaults: the check refuses it later, by name).
    auto partition = partition_for_region(id.region);
    if (id.partition.empty()) id.partition = partition ? partition->id : "aws";
    if (id.domain.empty()) id.domain = partition ? partition->dns_suffix : "amazonaws.com";
    for (auto& [mac, info] : mac_info_) {
      if (info.vpc_ipv4_cidrs.empty()) {
        auto primary = primary_vpc_cidr_.find(mac);
        if (primary != primary_vpc_cidr_.end() && !primary->second.empty()) {
          info.vpc_ipv4_cidrs.push_back(primary->second);
        } else if (!info.vpc_id.empty()) {
          data_.notes.push_back("no VPC IPv4 CIDR blocks for " + mac);
        }
      }
      id.macs.push_back(std::move(info));
    }
    // Primary interface first: device-number 0, else the MAC that meta-data/mac names.
    std::stable_sort(id.macs.begin(), id.macs.end(), [this](const MacInfo& a, const MacInfo& b) {
      auto rank = [this](const MacInfo& m) {
        return m.mac == primary_mac_ ? 0 : (m.device_number == 0 ? 1 : 2 + m.device_number);
      };
      return rank(a) < rank(b);
    });
    data_.identity = std::move(id);
    data_.imds_v1 = imds_v1_;
  }

  EventLoop& loop_;
  TimePoint deadline_;
  spdlog::logger& log_;
  HttpClient& http_;
  ImdsOptions options_;
  ImdsTokenCache own_cache_;
  ImdsTokenCache* cache_;
  ProbeCallback<InstanceContext> done_;
  RegionKnownCallback region_known_;
  TimePoint started_;
  EventLoop::TimerId deadline_timer_ = 0;

  Secret token_;
  bool token_from_cache_ = false;
  bool token_rejected_ = false;
  bool token_refreshed_ = false;
  bool imds_v1_ = false;
  bool hop_limit_ = false;    // the token PUT connected but its reply never came
  bool v1_answered_ = false;  // a GET without a token got an HTTP answer
  bool finished_ = false;
  int stage_ = 0;
  int pending_ = 0;
  int answered_ = 0;
  InstanceIdentity identity_;
  std::string primary_mac_;
  std::vector<std::string> macs_;
  std::map<std::string, MacInfo> mac_info_;
  std::map<std::string, std::string> primary_vpc_cidr_;
  InstanceContext data_;
  std::vector<Finding> findings_;
};

}  // namespace

ImdsOptions ImdsOptions::from_environment(const Environment& env) {
  ImdsOptions options;
  if (auto v = env.get("AWS_EC2_METADATA_DISABLED"); v && lower(*v) == "true") {
    options.disabled = true;
  }
  if (auto v = env.get("AWS_EC2_METADATA_V1_DISABLED"); v && lower(*v) == "true") {
    options.allow_v1_fallback = false;
  }
  if (auto endpoint = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    std::string e = *endpoint;
    while (!e.empty() && e.back() == '/') e.pop_back();
    options.endpoint = e;
  } else if (auto mode = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")) {
    std::string m = lower(*mode);
    if (m == "ipv6") {
      options.endpoint = "http://[fd00:ec2::254]";
    } else if (m != "ipv4") {
      options.config_error =
          "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is neither IPv4 nor IPv6 (SDKs fail the same "
          "way)";
    }
  }
  if (auto timeout = env.get("AWS_METADATA_SERVICE_TIMEOUT")) {
    char* end = nullptr;
    double seconds = std::strtod(timeout->c_str(), &end);
    if (end != timeout->c_str() && *end == '\0' && std::isfinite(seconds) && seconds > 0) {
      auto ms = Millis(static_cast<long>(std::min(seconds, 30.0) * 1000.0));
      options.connect_timeout = ms;
      options.request_timeout = ms;
    }
  }
  if (auto attempts = env.get("AWS_METADATA_SERVICE_NUM_ATTEMPTS")) {
    int n = 0;
    auto [end, ec] = std::from_chars(attempts->data(), attempts->data() + attempts->size(), n);
    if (ec == std::errc() && end == attempts->data() + attempts->size() && n >= 1) {
      options.max_attempts = std::min(n, 5);
    }
  }
  return options;
}

void probe_imds(ProbeContext& ctx, HttpClient& http, const ImdsRequest& request,
                ProbeCallback<InstanceContext> done) {
  std::make_shared<ImdsRun>(ctx, http, request.options, request.cache, std::move(done),
                            request.region_known)
      ->start();
}

}  // namespace bedrock_reach
