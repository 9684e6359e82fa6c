"""HTTP CONNECT proxy. It resolves names with the public view (it sits "on the internet"), so a Bedrock name sent
through it reaches the service's public addresses. Plain-HTTP requests (e.g. to IMDS) get 502.
Scenario: "proxy": {"ip": ..., "port": 3128, "allow_private": false}."""
import ipaddress
import select
import socket
import threading


class Proxy:
    def __init__(self, ip, port, public_records, app, allow_private=False):
        self.records, self.app, self.allow_private = public_records, app, allow_private
        self.ip = ip  # outbound connections leave from here: the VPC's routes (dataplane.py) do not apply to them
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, port))
        self.sock.listen(128)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _target(self, host):
        try:
            ipaddress.ip_address(host.strip("[]"))
            return host.strip("[]")
        except ValueError:
            rec = self.records.get(host.lower().rstrip("."))
            return (rec["A"] or [None])[0] if rec else None

    def _serve(self, conn):
        conn.settimeout(30)
        try:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = line.split()
            self.app.log_event("proxy", line)
            if len(parts) < 3 or parts[0] != "CONNECT":
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            host, _, port = parts[1].rpartition(":")
            ip = self._target(host)
            if ip and not self.allow_private and ipaddress.ip_address(ip).is_private:
                ip = None
            if not ip:
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            try:
                src = (self.ip, 0) if (":" in self.ip) == (":" in ip) else None
                up = socket.create_connection((ip, int(port)), timeout=10, source_address=src)
            except OSError:
                conn.sendall(b"HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pipe(conn, up)
        except OSError:
            pass
        finally:
            conn.close()

    @staticmethod
    def _pipe(a, b):
        socks = [a, b]
        try:
            while True:
                r, _, _ = select.select(socks, [], [], 120)
                if not r:
                    return
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        finally:
            b.close()
