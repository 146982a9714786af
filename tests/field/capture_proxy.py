"""A recording proxy between the gateway and one controller (or mosaic-sim): it passes HTTP and
WebSocket traffic through unchanged and appends every exchange to a capture file in the format
`mosaic-gateway --capture` writes (docs/capture-format.md), redacted the same way. record.py uses
it to make captures with a gateway that has no --capture of its own."""

import asyncio
import json
import ssl
import time


class Redactor:
    def __init__(self, username, password):
        self.secrets = {s: p for s, p in ((password, "<password>"), (username, "<username>")) if s}
        self.tokens = {}
        self.keys = {}

    def token(self, value):
        if value.startswith("<token-") or value.startswith("replay-token"):
            return value
        if value not in self.tokens:
            self.tokens[value] = f"<token-{len(self.tokens) + 1}>"
        return self.tokens[value]

    def key(self, data):
        if data not in self.keys:
            self.keys[data] = f"<session-key-{len(self.keys) + 1}>"
        return self.keys[data]

    def text(self, text):
        for secret, placeholder in self.secrets.items():
            text = text.replace(secret, placeholder)
        for token, placeholder in self.tokens.items():
            text = text.replace(token, placeholder)
        return text

    def value(self, value):
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k == "token" and isinstance(v, str):
                    out[k] = self.token(v)
                elif k == "password" and isinstance(v, str):
                    out[k] = "<password>"
                elif k in ("username", "user") and isinstance(v, str):
                    out[k] = "<username>"
                else:
                    out[k] = self.value(v)
            return out
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def json_text(self, text):
        try:
            doc = json.loads(text)
        except ValueError:
            return self.text(text)
        return json.dumps(self.value(doc), separators=(",", ":"), ensure_ascii=False)


class Capture:
    def __init__(self, path, controller, redactor):
        self.file = open(path, "w", encoding="utf-8")
        self.controller = controller
        self.redactor = redactor
        self.start = time.monotonic()

    def write(self, event, **fields):
        line = {"t": round(time.monotonic() - self.start, 3), "controller": self.controller,
                "event": event}
        line.update(fields)
        self.file.write(json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n")
        self.file.flush()


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return head, lines[0], headers


async def read_body(reader, headers):
    length = int(headers.get("content-length", "0"))
    return await reader.readexactly(length) if length else b""


async def read_frame(reader):
    """One WebSocket frame: (raw bytes, opcode, payload unmasked)."""
    head = await reader.readexactly(2)
    length = head[1] & 0x7F
    extra = b""
    if length == 126:
        extra = await reader.readexactly(2)
        length = int.from_bytes(extra, "big")
    elif length == 127:
        extra = await reader.readexactly(8)
        length = int.from_bytes(extra, "big")
    mask = await reader.readexactly(4) if head[1] & 0x80 else b""
    payload = await reader.readexactly(length)
    raw = head + extra + mask + payload
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return raw, head[0] & 0x0F, payload


class Proxy:
    def __init__(self, capture, upstream_port, scheme, listen_tls=None, upstream_tls=False):
        self.capture = capture
        self.upstream_port = upstream_port
        self.scheme = scheme
        self.listen_tls = listen_tls
        self.upstream_tls = upstream_tls
        self.port = None

    async def start(self):
        server = await asyncio.start_server(self.serve, "127.0.0.1", 0, ssl=self.listen_tls)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def connect_upstream(self):
        context = None
        if self.upstream_tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return await asyncio.open_connection("127.0.0.1", self.upstream_port, ssl=context)

    async def serve(self, reader, writer):
        up_reader, up_writer = await self.connect_upstream()
        r = self.capture.redactor
        try:
            while True:
                head, request_line, headers = await read_head(reader)
                body = await read_body(reader, headers)
                method, path = request_line.split(" ")[:2]
                up_writer.write(head + body)
                await up_writer.drain()
                if headers.get("upgrade", "").lower() == "websocket":
                    response_head, _, _ = await read_head(up_reader)
                    writer.write(response_head)
                    await writer.drain()
                    self.capture.write("ws_open",
                                       url=f"{self.scheme}://127.0.0.1:{self.port}{path}")
                    await self.relay_ws(reader, writer, up_reader, up_writer)
                    return
                self.capture.write("http_request", method=method, path=r.text(path),
                                   body=r.json_text(body.decode("utf-8", "replace")) if body
                                   else "")
                try:
                    response_head, status_line, response_headers = await read_head(up_reader)
                    response_body = await read_body(up_reader, response_headers)
                except (asyncio.IncompleteReadError, ConnectionError) as e:
                    self.capture.write("http_response", method=method, path=r.text(path),
                                       status=0, body="", error=str(e) or "connection lost")
                    return
                status = int(status_line.split(" ")[1])
                text = response_body.decode("utf-8", "replace")
                self.capture.write("http_response", method=method, path=r.text(path),
                                   status=status, body=r.json_text(text) if text else "")
                writer.write(response_head + response_body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            for w in (writer, up_writer):
                try:
                    w.close()
                except Exception:
                    pass

    async def relay_ws(self, reader, writer, up_reader, up_writer):
        r = self.capture.redactor
        reasons = []

        async def pump(source, sink, event):
            try:
                while True:
                    raw, opcode, payload = await read_frame(source)
                    if opcode == 1:
                        self.capture.write(event, text=r.json_text(payload.decode("utf-8",
                                                                                  "replace")))
                    elif opcode == 2:
                        if event == "ws_recv" and any(payload):
                            self.capture.write(event, session_key=r.key(payload),
                                               length=len(payload))
                        else:
                            self.capture.write(event, hex=payload.hex())
                    elif opcode == 8:
                        reasons.append("closed by the " +
                                       ("gateway" if event == "ws_send" else "controller"))
                    sink.write(raw)
                    await sink.drain()
            except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                reasons.append("connection lost")
            finally:
                try:
                    sink.close()
                except Exception:
                    pass

        await asyncio.gather(pump(reader, up_writer, "ws_send"),
                             pump(up_reader, writer, "ws_recv"))
        self.capture.write("ws_close", reason=reasons[0] if reasons else "closed")
