"""A minimal client for Hubbub's TCP event-bus bridge, using only the Python standard library.

Each frame is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON (the protocol of
vertx-tcp-eventbus-bridge). Requests: register, unregister, send, ping. Deliveries arrive as
{"type": "message", "address", "body"}; errors as {"type": "err", "failureCode", "message"}.
"""
import json
import socket
import struct
import uuid

CHAT = "hubbub.cmd.chat"


def room_feed(room):
    return "hubbub.room." + room


class Bridge:
    def __init__(self, host="127.0.0.1", port=7000, timeout=10.0, token=None):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.headers = {"authorization": "Bearer " + token} if token else {}

    def close(self):
        self.sock.close()

    def send_frame(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def _read_exactly(self, n):
        chunks = []
        while n > 0:
            chunk = self.sock.recv(n)
            if not chunk:
                raise ConnectionError("the hub closed the connection")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def read_frame(self):
        (length,) = struct.unpack(">I", self._read_exactly(4))
        return json.loads(self._read_exactly(length).decode("utf-8"))

    def register(self, address, since=None):
        headers = dict(self.headers)
        if since is not None:
            headers["since"] = str(since)
        self.send_frame({"type": "register", "address": address, "headers": headers})

    def request(self, address, body):
        """Sends a command and returns its reply body; raises RuntimeError on an error reply.

        Feed deliveries that arrive meanwhile are returned too, so the caller loses nothing.
        """
        reply_address = "py-" + uuid.uuid4().hex
        self.send_frame({"type": "send", "address": address, "body": body,
                         "replyAddress": reply_address, "headers": self.headers})
        others = []
        while True:
            frame = self.read_frame()
            if frame.get("address") == reply_address:
                if frame.get("type") == "err":
                    raise RuntimeError("%s (%s)" % (frame.get("message"), frame.get("failureCode")))
                return frame.get("body"), others
            others.append(frame)
