#include "daemon/status_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

namespace bedrock_reach {

namespace {

void send(httplib::Response& response, const HttpReply& reply) {
  response.status = reply.status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(reply.body, reply.content_type.c_str());
}

}  // namespace

StatusServer::StatusServer(const AgentState& state, Clock clock)
    : state_(state), clock_(std::move(clock)) {}

StatusServer::~StatusServer() { stop(); }

Result<int> StatusServer::start(const ListenAddress& address) {
  if (server_) return make_error(ErrorKind::internal, "status server already started");
  auto server = std::make_unique<httplib::Server>();
  // Scrapes are tiny and rare: two workers, no keep-alive, short timeouts, so a stalled
  // client cannot hold the agent past its one-second stop budget.
  server->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server->set_keep_alive_max_count(1);
  server->set_read_timeout(0, 500000);
  server->set_write_timeout(0, 500000);
  server->set_payload_max_length(4096);
  // httplib's default also sets SO_REUSEPORT, which would let a second agent share the port.
  server->set_socket_options([](int fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->Get("/healthz", [this](const httplib::Request&, httplib::Response& response) {
    send(response, state_.healthz(clock_()));
  });
  server->Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    send(response, state_.metrics(clock_()));
  });
  server->Get("/report", [this](const httplib::Request& request, httplib::Response& response) {
    send(response, state_.report(request.get_param_value("format")));
  });
  server->Get("/", [](const httplib::Request&, httplib::Response& response) {
    send(response,
         {200, "text/plain; charset=utf-8", "bedrock-reach agent: /metrics /healthz /report\n"});
  });
  // Read-only endpoints: any other method is 405 with Allow (RFC 9110 §15.5.6), not 404.
  auto not_allowed = [](const httplib::Request&, httplib::Response& response) {
    response.set_header("Allow", "GET, HEAD");
    send(response, {405, "text/plain; charset=utf-8", "method not allowed: GET or HEAD only\n"});
  };
  server->Post(".*", not_allowed);
  server->Put(".*", not_allowed);
  server->Patch(".*", not_allowed);
  server->Delete(".*", not_allowed);
  server->Options(".*", not_allowed);
  server->set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
        send(response, {500, "text/plain; charset=utf-8", "internal error\n"});
      });

  int port = address.port;
  if (port == 0) {
    port = server->bind_to_any_port(address.host);
    if (port < 0) port = 0;
  } else if (!server->bind_to_port(address.host, port)) {
    port = 0;
  }
  if (port <= 0) {
    return make_error(ErrorKind::io, "cannot listen on " + address.host + ":" +
                                         std::to_string(address.port) +
                                         " (address in use or not local?)");
  }
  server_ = std::move(server);
  listener_ = std::thread([server = server_.get()] { server->listen_after_bind(); });
  // httplib's stop() is a no-op until the listen loop runs; wait for it so stop() always works.
  auto give_up = SteadyClock::now() + std::chrono::seconds(2);
  while (!server_->is_running() && SteadyClock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return port;
}

void StatusServer::stop() {
  if (!server_) return;
  server_->stop();
  if (listener_.joinable()) listener_.join();
  server_.reset();
}

}  // namespace bedrock_reach
