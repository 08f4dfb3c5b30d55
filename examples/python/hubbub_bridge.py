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

    def register(self, address, since=None, epoch=None):
        """Registers a feed; with since (and the epoch it was seen in), replays what came after it first.

        The first delivery is {"type": "history", "epoch", "truncated", "count"}: keep the epoch to resume.
        """
        headers = dict(self.headers)
        if since is not None:
            headers["since"] = str(since)
        if epoch:
            headers["epoch"] = epoch
        self.send_frame({"type": "register", "address": address, "headers": headers})

    def unregister(self, address):
        self.send_frame({"type": "unregister", "address": address, "headers": self.headers})


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


class GapFiller:
    """Tracks a room feed's seq and epoch: a jump in seq is a gap, filled from history before going on.

    Defence in depth: the hub delivers every event, but a client should never silently show a room with a
    hole in it. feed(event) returns the events to show, in order, and asks the bridge to resync on a gap.
    """

    def __init__(self, bridge, address, since=None, epoch=None):
        self.bridge = bridge
        self.address = address
        self.last_seq = since
        self.epoch = epoch
        self.resyncing = False

    def start(self):
        self.bridge.register(self.address, since=self.last_seq, epoch=self.epoch)

    def feed(self, event):
        """The events to show for this delivery: none while resyncing, or a duplicate; else the event."""
        if event.get("type") == "history":
            self.resyncing = False
            self.epoch = event.get("epoch") or None
            if event.get("truncated"):
                # A fresh snapshot (history replaced, or too much missed): start counting again.
                self.last_seq = None
            return [event]
        if self.resyncing:
            return []  # replayed after the new history delivery
        seq = event.get("seq")
        if not seq:
            return [event]  # presence events carry no seq
        if self.last_seq is not None and seq <= self.last_seq:
            return []  # already shown
        if self.last_seq is not None and seq > self.last_seq + 1:
            # A gap: re-register after the last seq shown; the replay fills it, then live follows.
            self.resyncing = True
            self.bridge.unregister(self.address)
            self.bridge.register(self.address, since=self.last_seq, epoch=self.epoch)
            return [{"gap": {"after": self.last_seq, "next": seq}}]
        self.last_seq = seq
        return [event]
