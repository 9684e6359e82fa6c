"""What every simulated AWS HTTP front end shares: HTTP/1.1 keep-alive, no Nagle, quiet logs, and the
Server header AWS sends (the handler's `server_version`, e.g. "AmazonEC2" for EC2, "EC2ws" for IMDS, none
for Bedrock and STS)."""
import http.server


class AwsHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, a kept-alive connection waits for
    # the client's delayed ACK (~40 ms) before the body. Real AWS front ends do not stall like that.
    disable_nagle_algorithm = True
    server_version = ""
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def version_string(self):
        return self.server_version

    def send_header(self, k, v):
        if k == "Server" and not v:
            return
        super().send_header(k, v)
