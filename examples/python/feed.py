#!/usr/bin/env python3
"""Follows a Hubbub room feed through the TCP bridge and prints each event as one line of JSON.

    python3 examples/python/feed.py --room general            # follow until interrupted
    python3 examples/python/feed.py --room general --count 5  # stop after five chat messages
    python3 examples/python/feed.py --room general --since 10 # first replay what came after seq 10
    python3 examples/python/feed.py --room general --since 10 --epoch abc  # ... of that history epoch

A jump in seq is taken for a gap and filled from history (re-registering after the last seq shown) before
anything later is printed; the hub's first delivery, {"type": "history"}, names the epoch to resume with.
"""
import argparse
import json
import sys

from hubbub_bridge import Bridge, GapFiller, room_feed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7000)
    parser.add_argument("--room", default="general")
    parser.add_argument("--token", help="a JWT from POST /api/login, when the hub requires one")
    parser.add_argument("--since", type=int, help="replay persisted events after this seq first")
    parser.add_argument("--epoch", help="the history epoch --since was seen in (a replaced history restarts)")
    parser.add_argument("--count", type=int, help="exit after this many chat messages")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each event")
    args = parser.parse_args()

    bridge = Bridge(args.host, args.port, timeout=args.timeout, token=args.token)
    follower = GapFiller(bridge, room_feed(args.room), since=args.since, epoch=args.epoch)
    follower.start()
    # Say we are listening so scripts can wait for it (the first delivery, "history", confirms it).
    print(json.dumps({"listening": room_feed(args.room)}), flush=True)
    chats = 0
    try:
        while args.count is None or chats < args.count:
            frame = bridge.read_frame()
            if frame.get("type") == "err":
                print("error: %s" % frame.get("message"), file=sys.stderr)
                return 1
            for event in follower.feed(frame.get("body", {})):
                print(json.dumps(event), flush=True)
                if event.get("type") == "chat":
                    chats += 1
    except KeyboardInterrupt:
        pass
    finally:
        bridge.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:  # refused, reset, timed out: one line, not a traceback
        print("cannot reach the hub's TCP bridge: %s (is the hub running, with tcp.enabled?)" % (e.strerror or e),
              file=sys.stderr)
        sys.exit(2)
