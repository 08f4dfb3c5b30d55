#!/usr/bin/env python3
"""Posts one message to a Hubbub room through the TCP bridge and prints the acknowledgement.

    python3 examples/python/post.py --room general --username py --text "hello from Python"
"""
import argparse
import json
import sys
import uuid

from hubbub_bridge import CHAT, Bridge


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7000)
    parser.add_argument("--room", default="general")
    parser.add_argument("--username", default="python")
    parser.add_argument("--token", help="a JWT from POST /api/login, when the hub requires one")
    parser.add_argument("--text", required=True)
    args = parser.parse_args()

    bridge = Bridge(args.host, args.port, token=args.token)
    try:
        # The cid makes a retry safe: the hub stores a repeated cid only once.
        ack, _ = bridge.request(CHAT, {"room": args.room, "username": args.username,
                                       "text": args.text, "cid": uuid.uuid4().hex})
    except RuntimeError as e:
        print("refused: %s" % e, file=sys.stderr)
        return 1
    finally:
        bridge.close()
    print(json.dumps({"posted": args.text, "seq": ack["seq"], "id": ack["id"]}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:  # refused, reset, timed out: one line, not a traceback
        print("cannot reach the hub's TCP bridge: %s (is the hub running, with tcp.enabled?)" % (e.strerror or e),
              file=sys.stderr)
        sys.exit(2)
