#include "http/curl_client.hpp"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <vector>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/strings.hpp"
#include "http/ca_store.hpp"
#include "http/cert_details.hpp"

namespace bedrock_reach {

void curl_global_setup() { curl_global_init(CURL_GLOBAL_DEFAULT); }
void curl_global_teardown() { curl_global_cleanup(); }

namespace {

constexpr long kReadBufferBytes = 1024;  // curl's minimum; see CURLOPT_BUFFERSIZE in start()

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

void append(SlistPtr& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown != nullptr) {
    (void)list.release();
    list.reset(grown);
  }
}

using strings::lower;

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return authority.substr(0, close == std::string::npos ? authority.size() : close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

int port_of(const std::string& url) {
  auto start = url.find("://");
  bool https = url.rfind("https", 0) == 0;
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  auto bracket = authority.find(']');
  auto colon = authority.find(':', bracket == std::string::npos ? 0 : bracket);
  if (colon == std::string::npos) return https ? 443 : 80;
  try {
    return std::stoi(authority.substr(colon + 1));
  } catch (...) {
    return https ? 443 : 80;
  }
}

// Maps curl's result to our coarse kinds and TLS reasons, in one place.
HttpFailure classify_failure(CURLcode code, const char* error_buffer, long verify_result) {
  HttpFailure failure;
  failure.message = (error_buffer != nullptr && error_buffer[0] != '\0') ? error_buffer
                                                                         : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      failure.kind = ErrorKind::timeout;
      // curl 7.88.1 reports no connect time when the handshake times out; its message does.
      failure.connected = failure.message.find("SSL connection timeout") != std::string::npos;
      break;
    case CURLE_COULDNT_CONNECT:
      // curl folds refused and unreachable together; the message tells them apart.
      failure.kind = failure.message.find("refused") != std::string::npos ? ErrorKind::refused
                                                                          : ErrorKind::unreachable;
      if (failure.message.find("timed out") != std::string::npos) failure.kind = ErrorKind::timeout;
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      failure.kind = ErrorKind::dns;
      break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      failure.kind = ErrorKind::refused;
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      failure.kind = ErrorKind::tls;
      failure.connected = true;
      switch (verify_result) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
          failure.tls_reason = "expired";
          break;
        case X509_V_ERR_CERT_NOT_YET_VALID:
          failure.tls_reason = "not_yet_valid";
          break;
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
          failure.tls_reason = "self_signed";
          break;
        case X509_V_ERR_HOSTNAME_MISMATCH:
          failure.tls_reason = "name_mismatch";
          break;
        default:
          failure.tls_reason = failure.message.find("subject name") != std::string::npos
                                   ? "name_mismatch"
                                   : "untrusted";
      }
      break;
    case CURLE_SSL_CONNECT_ERROR:
      failure.kind = ErrorKind::tls;
      failure.connected = true;
      // Only a protocol-version alert or an empty version overlap means "too old"; "wrong
      // version number" is what OpenSSL says when the peer does not speak TLS at all.
      failure.tls_reason =
          failure.message.find("alert protocol version") != std::string::npos ||
                  failure.message.find("unsupported protocol") != std::string::npos ||
                  failure.message.find("no protocols available") != std::string::npos
              ? "protocol_version"
              : "handshake";
      if (failure.message.find("reset") != std::string::npos ||
          failure.message.find("SSL_ERROR_SYSCALL") != std::string::npos) {
        failure.tls_reason = "handshake";
      }
      break;
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
      failure.kind = ErrorKind::too_large;
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      failure.kind = ErrorKind::cancelled;
      break;
    default:
      failure.kind = ErrorKind::protocol;
  }
  return failure;
}

}  // namespace

struct CurlShared::Impl {
  struct CaEntry {
    std::shared_ptr<LazyCaStore> store;  // nullptr: curl loads the file
    struct stat seen {};                 // the file when it was indexed
  };
  std::mutex mutex;  // the CA store map
  std::map<std::string, CaEntry> ca_stores;
  std::vector<std::shared_ptr<LazyCaStore>> retired;  // replaced on disk since
  CURLSH* share = nullptr;                            // TLS sessions of API calls
  std::mutex share_mutex;  // curl's share lock (one lock for every data kind and both shares)
  KeptConnections kept;
  std::mutex kept_mutex;  // the members below
  // EC2 connections and their TLS sessions; empty when none are kept. Clients hold a reference
  // while they run, so retiring it closes the connections once the last user is gone.
  std::shared_ptr<CURLSH> kept_share;
  bool kept_retired = false;
  bool keeping = true;

  explicit Impl(KeptConnections policy) : share(new_share(false)), kept(policy) {}
  ~Impl() {
    if (share != nullptr) curl_share_cleanup(share);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  CURLSH* new_share(bool connections) {
    CURLSH* made = curl_share_init();
    if (made == nullptr) return nullptr;
    curl_share_setopt(made, CURLSHOPT_LOCKFUNC, &Impl::lock);
    curl_share_setopt(made, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
    curl_share_setopt(made, CURLSHOPT_USERDATA, this);
    curl_share_setopt(made, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    // The connection cache lives in the share, so connections outlive the client's multi handle.
    if (connections) curl_share_setopt(made, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    return made;
  }

  /// The kept connections for a client starting now; empty when none are kept.
  std::shared_ptr<CURLSH> kept_share_for_client() {
    std::lock_guard<std::mutex> guard(kept_mutex);
    if (kept_retired || !keeping || kept.max_kept == 0) kept_share.reset();
    kept_retired = false;
    if (!kept_share && keeping && kept.max_kept > 0) {
      if (CURLSH* made = new_share(true)) kept_share.reset(made, &curl_share_cleanup);
    }
    return kept_share;
  }

  static void lock(CURL*, curl_lock_data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_mutex.lock();
  }
  static void unlock(CURL*, curl_lock_data, void* user) {
    static_cast<Impl*>(user)->share_mutex.unlock();
  }

  /// The lazily decoded store for the bundle at `path`, built on first use; nullptr when the
  /// bundle cannot be indexed (curl then loads it and reports what is wrong with it). A bundle
  /// replaced on disk (a ca-certificates update under a running daemon) is indexed again.
  X509_STORE* ca_store(const std::string& path) {
    struct stat now {};
    if (::stat(path.c_str(), &now) != 0) now = {};
    std::lock_guard<std::mutex> guard(mutex);
    auto found = ca_stores.find(path);
    bool same = found != ca_stores.end() && found->second.seen.st_ino == now.st_ino &&
                found->second.seen.st_dev == now.st_dev &&
                found->second.seen.st_size == now.st_size &&
                found->second.seen.st_mtim.tv_sec == now.st_mtim.tv_sec &&
                found->second.seen.st_mtim.tv_nsec == now.st_mtim.tv_nsec;
    if (!same) {
      // A kept connection's SSL_CTX may still reference the store this replaces, and that store's
      // lookup points into its LazyCaStore: retired ones live as long as this (replacements are
      // rare: a package update).
      if (found != ca_stores.end() && found->second.store) retired.push_back(found->second.store);
      found = ca_stores.insert_or_assign(path, CaEntry{LazyCaStore::open(path), now}).first;
    }
    return found->second.store ? found->second.store->store() : nullptr;
  }
};

CurlShared::CurlShared(KeptConnections kept) : impl_(std::make_unique<Impl>(kept)) {}
CurlShared::~CurlShared() = default;
void CurlShared::retire_kept_connections() {
  std::lock_guard<std::mutex> guard(impl_->kept_mutex);
  impl_->kept_retired = true;
}
void CurlShared::set_keeping(bool keep) {
  std::lock_guard<std::mutex> guard(impl_->kept_mutex);
  impl_->keeping = keep;
}
const KeptConnections& CurlShared::kept() const { return impl_->kept; }

struct Transfer {
  EasyPtr easy;
  CURLM* multi = nullptr;       // the client's multi handle that runs it
  X509_STORE* trust = nullptr;  // the shared CA store this connection verifies against, if any
  HttpRequest request;
  HttpClient::Callback done;
  SlistPtr headers;
  SlistPtr connect_to;
  HttpResponse response;
  bool body_too_large = false;
  bool tls_captured = false;
  // What the handshake showed before verification finished; kept for failures.
  std::string handshake_version;
  std::string handshake_cipher;
  std::optional<CertDetails> handshake_leaf;
  long handshake_verify_error = X509_V_OK;  // first chain error OpenSSL reported, if any
  char error_buffer[CURL_ERROR_SIZE] = {};
};

struct CurlClient::Impl {
  // One curl multi handle on the loop. Kept EC2 transfers run in their own: curl 7.88 applies
  // CURLMOPT_MAXCONNECTS (the multi's) to the cache of the transfer it returns, which for them is
  // the share's, so the bound on kept connections never closes a probe's or IMDS's connection.
  struct Multi {
    Impl* owner = nullptr;
    CURLM* handle = nullptr;
    EventLoop::TimerId timer = 0;
    bool timer_set = false;
  };

  EventLoop& loop;
  std::shared_ptr<CurlShared> shared;
  std::shared_ptr<CURLSH> kept_share;  // empty: nothing kept across clients
  Multi own;
  Multi kept;  // handle only with kept_share
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;

  Impl(EventLoop& l, std::shared_ptr<CurlShared> s)
      : loop(l), shared(s ? std::move(s) : std::make_shared<CurlShared>()) {
    kept_share = shared->impl().kept_share_for_client();
    open(own);
    if (kept_share) {
      open(kept);
      curl_multi_setopt(kept.handle, CURLMOPT_MAXCONNECTS,
                        static_cast<long>(shared->kept().max_kept));
    }
  }

  void open(Multi& multi) {
    multi.owner = this;
    multi.handle = curl_multi_init();
    curl_multi_setopt(multi.handle, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi.handle, CURLMOPT_SOCKETDATA, &multi);
    curl_multi_setopt(multi.handle, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi.handle, CURLMOPT_TIMERDATA, &multi);
  }

  void close(Multi& multi) {
    if (multi.handle == nullptr) return;
    if (multi.timer_set) loop.cancel_timer(multi.timer);
    multi.timer_set = false;
    curl_multi_cleanup(multi.handle);
    multi.handle = nullptr;
  }

  ~Impl() {
    for (auto& [easy, transfer] : transfers) curl_multi_remove_handle(transfer->multi, easy);
    transfers.clear();
    close(own);
    close(kept);
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* multi = static_cast<Multi*>(user);
    Impl* self = multi->owner;
    if (what == CURL_POLL_REMOVE) {
      self->loop.unwatch(fd);
      return 0;
    }
    bool want_read = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    bool want_write = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    self->loop.watch(
        fd, want_read, want_write, [multi](int ready_fd, bool readable, bool writable) {
          int mask = (readable ? CURL_CSELECT_IN : 0) | (writable ? CURL_CSELECT_OUT : 0);
          int running = 0;
          curl_multi_socket_action(multi->handle, ready_fd, mask, &running);
          multi->owner->collect_done(multi->handle);
        });
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* user) {
    auto* multi = static_cast<Multi*>(user);
    Impl* self = multi->owner;
    if (multi->timer_set) {
      self->loop.cancel_timer(multi->timer);
      multi->timer_set = false;
    }
    if (timeout_ms < 0) return 0;
    multi->timer_set = true;
    multi->timer = self->loop.add_timer(self->loop.now() + Millis(timeout_ms), [multi] {
      multi->timer_set = false;
      int running = 0;
      curl_multi_socket_action(multi->handle, CURL_SOCKET_TIMEOUT, 0, &running);
      multi->owner->collect_done(multi->handle);
    });
    return 0;
  }

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    size_t bytes = size * count;
    if (transfer->response.body.size() + bytes > transfer->request.max_body_bytes) {
      transfer->body_too_large = true;
      return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    transfer->response.body.append(data, bytes);
    return bytes;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    size_t bytes = size * count;
    std::string line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {
      transfer->response.headers.clear();  // a new response (after 100-continue or a proxy CONNECT)
      capture_tls(*transfer);
      return bytes;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos || transfer->response.headers.size() >= 200) return bytes;
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    transfer->response.headers.emplace_back(lower(line.substr(0, colon)), value.substr(0, 8192));
    return bytes;
  }

  static bool went_elsewhere(const HttpRequest& request, const std::string& remote_ip) {
    if (!request.pin_address || request.proxy || remote_ip.empty()) return false;
    auto pinned = IpAddress::parse(*request.pin_address);
    auto remote = IpAddress::parse(remote_ip);
    return pinned && remote && !(*pinned == *remote);
  }

  // The SSL object is only valid while the connection lives: read it at the first header.
  static void capture_tls(Transfer& transfer) {
    if (transfer.tls_captured || !transfer.request.want_tls_details) return;
    curl_tlssessioninfo* info = nullptr;
    if (curl_easy_getinfo(transfer.easy.get(), CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK ||
        info == nullptr || info->backend != CURLSSLBACKEND_OPENSSL || info->internals == nullptr) {
      return;
    }
    auto* ssl = static_cast<SSL*>(info->internals);
    transfer.tls_captured = true;
    // The handshake is done: the verify callback must not find this transfer after it is gone.
    SSL_CTX_set_app_data(SSL_get_SSL_CTX(ssl), nullptr);
    transfer.response.tls_version = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
      transfer.response.tls_cipher = SSL_CIPHER_get_name(cipher);
    }
    if (X509* leaf = SSL_get1_peer_certificate(ssl)) {
      transfer.response.leaf = cert_details(leaf);
      X509_free(leaf);
    }
  }

  // OpenSSL calls this for each chain element while verifying; we only record the leaf (the
  // store context's target) so that a failed verification can still describe the certificate.
  static int on_verify(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (ssl == nullptr) return preverify_ok;
    auto* transfer = static_cast<Transfer*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (transfer == nullptr) return preverify_ok;
    if (preverify_ok == 0 && transfer->handshake_verify_error == X509_V_OK) {
      transfer->handshake_verify_error = X509_STORE_CTX_get_error(store);
    }
    if (transfer->handshake_leaf) return preverify_ok;
    if (X509* leaf = X509_STORE_CTX_get0_cert(store)) transfer->handshake_leaf = cert_details(leaf);
    transfer->handshake_version = SSL_get_version(ssl);
    const SSL_CIPHER* cipher = SSL_get_pending_cipher(ssl);
    if (cipher == nullptr) cipher = SSL_get_current_cipher(ssl);
    if (cipher != nullptr) transfer->handshake_cipher = SSL_CIPHER_get_name(cipher);
    return preverify_ok;
  }

  // curl builds one SSL_CTX per connection and calls this after its own set-up, so adding our
  // verify callback keeps curl's verify mode (and its own host-name check after the handshake).
  // The shared CA store replaces the empty one curl made, with the flags curl set on it.
  static CURLcode on_ssl_ctx(CURL*, void* ssl_ctx, void* user) {
    auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
    auto* transfer = static_cast<Transfer*>(user);
    if (transfer->trust != nullptr) {
      X509_STORE* own = SSL_CTX_get_cert_store(ctx);
      if (own != nullptr) {
        X509_STORE_set_flags(transfer->trust,
                             X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(own)));
      }
      SSL_CTX_set1_cert_store(ctx, transfer->trust);
    }
    if (transfer->request.want_tls_details) {
      SSL_CTX_set_app_data(ctx, user);
      SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), &Impl::on_verify);
    }
    return CURLE_OK;
  }

  void collect_done(CURLM* multi) {
    int pending = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &pending)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      CURLcode code = message->data.result;
      auto found = transfers.find(easy);
      if (found == transfers.end()) continue;
      std::unique_ptr<Transfer> transfer = std::move(found->second);
      transfers.erase(found);
      curl_multi_remove_handle(multi, easy);
      finish(*transfer, code);
    }
  }

  static HttpTimings timings_of(CURL* easy) {
    HttpTimings t;
    curl_off_t connect = 0, app = 0, first = 0, total = 0;
    curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect);
    curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &app);
    curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &first);
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
    t.connect_ms = static_cast<double>(connect) / 1000.0;
    t.tls_ms = static_cast<double>(app) / 1000.0;
    t.first_byte_ms = static_cast<double>(first) / 1000.0;
    t.total_ms = static_cast<double>(total) / 1000.0;
    return t;
  }

  void finish(Transfer& transfer, CURLcode code) {
    CURL* easy = transfer.easy.get();
    HttpTimings timings = timings_of(easy);
    if (code == CURLE_OK) {
      capture_tls(transfer);
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
      char* ip = nullptr;
      if (curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) {
        transfer.response.remote_ip = ip;
      }
      transfer.response.timings = timings;
      if (went_elsewhere(transfer.request, transfer.response.remote_ip)) {
        // Never expected (pooled connections match on the pin); a wrong answer if it happened.
        HttpFailure failure;
        failure.kind = ErrorKind::internal;
        failure.message = "the request went to " + transfer.response.remote_ip +
                          ", not the pinned address " + *transfer.request.pin_address;
        auto done = std::move(transfer.done);
        done(tl::unexpected(std::move(failure)));
        return;
      }
      auto done = std::move(transfer.done);
      done(std::move(transfer.response));
      return;
    }
    long verify = 0;
    curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &verify);
    // OpenSSL may fail the handshake on a chain error with a lower-level message (e.g. a
    // signature by a different key under the same CA name gives "asn1 ... EVP lib"); what the
    // verify callback saw is the better reason then.
    if (code == CURLE_SSL_CONNECT_ERROR && transfer.handshake_verify_error != X509_V_OK) {
      code = CURLE_PEER_FAILED_VERIFICATION;
      verify = transfer.handshake_verify_error;
    }
    HttpFailure failure = classify_failure(code, transfer.error_buffer, verify);
    if (transfer.body_too_large) {
      failure.kind = ErrorKind::too_large;
      failure.message =
          "response body larger than " + std::to_string(transfer.request.max_body_bytes) + " bytes";
    }
    failure.timings = timings;
    failure.connected = failure.connected || timings.connect_ms > 0;
    failure.tls_version = transfer.handshake_version;
    failure.tls_cipher = transfer.handshake_cipher;
    failure.leaf = transfer.handshake_leaf;
    auto done = std::move(transfer.done);
    done(tl::unexpected(std::move(failure)));
  }

  void start(HttpRequest request, Callback done) {
    auto transfer = std::make_unique<Transfer>();
    transfer->easy.reset(curl_easy_init());
    transfer->request = std::move(request);
    transfer->done = std::move(done);
    CURL* easy = transfer->easy.get();
    const HttpRequest& r = transfer->request;
    const bool kept_route =
        r.keep_across_checks && kept_share && !r.want_tls_details && !r.pin_address && !r.proxy;
    transfer->multi = kept_route ? kept.handle : own.handle;

    curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(r.total_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, r.verify_peer ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, r.verify_host ? 2L : 0L);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_body_bytes));
    // One loop drives every transfer, so none may hold it long. curl 7.88 reads a ready socket
    // in a loop of up to 100 buffers for as long as it stays readable: with the default 16 KiB
    // buffer one fast body (an oversized EC2 reply, a large page) took up to 1.6 MiB per socket
    // per pass, and under CPU pressure the Bedrock handshakes waiting for their next pass ran
    // into their connect timeout (false TLS_HANDSHAKE_FAILED, critical; faults.ec2-oversized
    // on the ASan build at load 7). 1 KiB buffers bound a pass to ~100 KiB per transfer; the
    // TLS record is still read in one recv, so the system calls are the same.
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, kReadBufferBytes);
    bool https = r.url.rfind("https://", 0) == 0;
    std::string bundle = r.ca_bundle;
    if (bundle.empty() && https) {
      char* built_in = nullptr;  // Debian: /etc/ssl/certs/ca-certificates.crt
      if (curl_easy_getinfo(easy, CURLINFO_CAINFO, &built_in) == CURLE_OK && built_in != nullptr)
        bundle = built_in;
    }
    // The bundle is indexed once per process and a certificate decoded only when a chain needs it
    // (http/ca_store.hpp). Through a proxy curl verifies the proxy with the same SSL_CTX hook, so
    // proxied requests keep curl's own loading, as does a bundle that cannot be indexed.
    if (r.verify_peer && !r.proxy && !bundle.empty())
      transfer->trust = shared->impl().ca_store(bundle);
    if (transfer->trust != nullptr) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, nullptr);
    } else if (!r.ca_bundle.empty()) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, r.ca_bundle.c_str());
    }
    // curl >= 7.87 caches the X509 store built from CAINFO in the multi handle, but only when no
    // CApath is set, and Debian's libcurl defaults CApath to /etc/ssl/certs. Without this every
    // connection re-parses the whole bundle (callgrind: 94 % of a check's instructions with the
    // 145-certificate system bundle). The bundle holds the same roots as that directory.
    curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
    if (r.tls12_floor) curl_easy_setopt(easy, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    if (r.want_tls_details || transfer->trust != nullptr) {
      curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, &Impl::on_ssl_ctx);
      curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, transfer.get());
    }
    if (r.want_tls_details) {
      // A probe measures its own handshake. The SSL_CTX points at this transfer only until the
      // handshake is over (capture_tls() detaches it), so a kept connection is safe to reuse. No
      // session resumption either: a resumed handshake shows no certificate to judge.
      curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, r.keep_connection ? 0L : 1L);
      curl_easy_setopt(easy, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    } else if (kept_route) {
      // Kept across checks (KeptConnections): the share holds the connection and its TLS session.
      curl_easy_setopt(easy, CURLOPT_SHARE, kept_share.get());
      curl_easy_setopt(easy, CURLOPT_MAXAGE_CONN,
                       static_cast<long>(shared->kept().max_idle.count()));
    } else {
      if (r.reuse_connection) curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
      // API calls (EC2, STS, ...) resume TLS sessions across the client's connections and, in
      // the daemon, across checks.
      if (shared->impl().share != nullptr && !r.pin_address) {
        curl_easy_setopt(easy, CURLOPT_SHARE, shared->impl().share);
      }
    }
    // An empty string disables proxies including the environment's; the agent decides explicitly.
    curl_easy_setopt(easy, CURLOPT_PROXY, r.proxy ? r.proxy->c_str() : "");
    if (r.proxy) curl_easy_setopt(easy, CURLOPT_NOPROXY, "");

    if (r.method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.c_str());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    } else if (r.method == "PUT") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "PUT");
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.c_str());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    } else if (r.method != "GET") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    for (const auto& [name, value] : r.headers) append(transfer->headers, name + ": " + value);
    if (r.sigv4 && r.sigv4->credentials != nullptr) {
      const Credentials& c = *r.sigv4->credentials;
      // All four fields: 7.88.1 guesses service and region from the host otherwise (reference
      // §5.1).
      std::string provider = "aws:amz:" + r.sigv4->region + ":" + r.sigv4->service;
      curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, provider.c_str());
      curl_easy_setopt(easy, CURLOPT_USERNAME, c.access_key_id.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, c.secret_access_key.reveal().c_str());
      if (!c.session_token.empty()) {
        append(transfer->headers, "X-Amz-Security-Token: " + c.session_token.reveal());
      }
    }
    if (transfer->headers) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers.get());
    if (r.pin_address) {
      // CONNECT_TO keeps SNI, Host and certificate checks on the URL's name.
      std::string address = *r.pin_address;
      if (address.find(':') != std::string::npos) address = "[" + address + "]";
      std::string port = std::to_string(port_of(r.url));
      append(transfer->connect_to, host_of(r.url) + ":" + port + ":" + address + ":" + port);
      curl_easy_setopt(easy, CURLOPT_CONNECT_TO, transfer->connect_to.get());
      // curl matches pooled connections on the CONNECT_TO target too, so only a connection to
      // this very address is ever shared, and only between requests that ask for it.
      if (!r.keep_connection && !r.reuse_connection) {
        curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
      }
    }
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    CURLM* multi = transfer->multi;
    transfers.emplace(easy, std::move(transfer));
    curl_multi_add_handle(multi, easy);
  }

  void cancel_all() {
    auto pending = std::move(transfers);
    transfers.clear();
    for (auto& [easy, transfer] : pending) {
      curl_multi_remove_handle(transfer->multi, easy);
      HttpFailure failure;
      failure.kind = ErrorKind::cancelled;
      failure.message = "cancelled by the check deadline";
      failure.timings = timings_of(easy);
      auto done = std::move(transfer->done);
      done(tl::unexpected(std::move(failure)));
    }
  }
};

CurlClient::CurlClient(EventLoop& loop, std::shared_ptr<CurlShared> shared)
    : impl_(std::make_unique<Impl>(loop, std::move(shared))) {}
CurlClient::~CurlClient() = default;
void CurlClient::start(HttpRequest request, Callback done) {
  impl_->start(std::move(request), std::move(done));
}
void CurlClient::cancel_all() { impl_->cancel_all(); }
std::size_t CurlClient::in_flight() const { return impl_->transfers.size(); }

}  // namespace bedrock_reach
