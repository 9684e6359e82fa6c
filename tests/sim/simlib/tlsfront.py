"""TLS listeners on :443 with per-address behaviour.

Fault dict keys (scenario["tls"]["faults"][service-or-ip]): cert good|expired|expiring|wrong-name|self-signed,
expiring_days N, versions default|tls1.2|tls1.3|old (TLS 1.0/1.1 only), stall (accept, never answer),
reset (read the ClientHello, then RST), first_flight_delay_ms (delay before the ServerHello).
"""
import socket
import ssl
import struct
import threading
import time

_ctx_cache = {}
_ctx_lock = threading.Lock()


def make_context(chain, key, versions="default"):
    k = (chain, key, versions)
    with _ctx_lock:
        if k in _ctx_cache:
            return _ctx_cache[k]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if versions == "old":
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        elif versions == "tls1.2":
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        elif versions == "tls1.3":
            ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        else:
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(chain, key)
        _ctx_cache[k] = ctx
        return ctx


class TlsListener:
    """Accept loop in a thread; each connection in its own thread."""

    def __init__(self, ip, port, ctx, handler_cls, app, info, fault):
        self.ip, self.port, self.ctx, self.handler_cls = ip, port, ctx, handler_cls
        self.app, self.info, self.fault = app, info, fault or {}
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, port))
        self.sock.listen(256)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, addr = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn, addr), daemon=True).start()

    def _serve(self, conn, addr):
        f = self.fault
        self.app.log_event("tcp", self.ip, addr[0])
        try:
            if f.get("stall"):
                conn.settimeout(300)
                while conn.recv(4096):
                    pass
                return
            if f.get("reset"):
                conn.settimeout(5)
                conn.recv(4096)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            delay = f.get("first_flight_delay_ms", 0)
            if delay:
                time.sleep(delay / 1000.0)
            conn.settimeout(30)
            tls = self.ctx.wrap_socket(conn, server_side=True)
            conn = tls
            self.app.log_event("tls", self.ip, tls.version())
            self.handler_cls(tls, addr, self)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass
