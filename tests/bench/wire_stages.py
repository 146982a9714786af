#!/usr/bin/env python3
"""Where a flood message waits, hop by hop, seen on the loopback wire (tests/bench/run.sh).

Captures the TCP segments that carry data on `lo` (root only: an AF_PACKET socket with a small
BPF filter; kernel timestamps) until SIGTERM, then follows every flood message by the
`sent_ns` mosaic-sim stamped into it:

  sent      mosaic-sim's flood makes the change          (sent_ns, CLOCK_MONOTONIC)
  ws        the WebSocket frame leaves mosaic-sim         (sim's send queue and thread)
  publish   the gateway's PUBLISH leaves for the broker   (gateway: read, bridge, Paho)
  puback    the broker's PUBACK for it leaves the broker  (the broker's round trip)
  deliver   the broker's PUBLISH leaves for the subscriber

and prints, for each step, the median, 99th percentile and maximum in milliseconds, plus the
same for the messages in the slowest 1 % end to end, so a fixed wait shows as the step that
holds it. Streams are told apart by content: a server's "HTTP/1.1 101" opens a WebSocket
stream (frames from the controller), and anything to or from the broker port is MQTT 5.

usage: wire_stages.py --broker-port PORT [--from-file FILE] [--csv FILE]
  --from-file  a file that holds, by the end of the capture, a CLOCK_MONOTONIC time in ns:
               messages sent before it (start-up) and from it on (steady) are shown apart
  --csv        also write one line per message: sent_ns and the time of each step, in ns
The line "capturing" is printed once the capture is open.
"""

import argparse
import ctypes
import re
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_ATTACH_FILTER = 26
SO_RCVBUFFORCE = 33
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4

# Outgoing IPv4 TCP segments with a payload: each loopback packet is seen once leaving and once
# arriving, and pure ACKs carry nothing to follow.
BPF = [
    (0x30, 0, 0, 0xFFFFF004),  # ldb pkttype
    (0x15, 0, 14, PACKET_OUTGOING),
    (0x28, 0, 0, 12),  # ldh ethertype
    (0x15, 0, 12, 0x0800),
    (0x30, 0, 0, 23),  # ldb IP protocol
    (0x15, 0, 10, 6),
    (0xB1, 0, 0, 14),  # ldxb 4*(ihl)
    (0x50, 0, 0, 26),  # ldb TCP data offset
    (0x54, 0, 0, 0xF0),
    (0x74, 0, 0, 2),
    (0x0C, 0, 0, 0),  # A = IP + TCP header length
    (0x02, 0, 0, 0),
    (0x28, 0, 0, 16),  # ldh IP total length
    (0x61, 0, 0, 0),
    (0x2D, 0, 1, 0),  # total > headers: a payload
    (0x06, 0, 0, 0x40000),
    (0x06, 0, 0, 0),
]

SENT_NS = re.compile(rb'"sent_ns":(\d+)')


def open_capture():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    program = b"".join(struct.pack("HBBI", *i) for i in BPF)
    buf = ctypes.create_string_buffer(program)
    fprog = struct.pack("@HP", len(BPF), ctypes.addressof(buf))
    s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 * 1024 * 1024)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind(("lo", 0))
    return s, buf


def capture(s, stop):
    segments = []
    append = segments.append
    s.settimeout(0.2)
    while not stop[0]:
        try:
            data, anc, _, _ = s.recvmsg(65536, 64)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        ts = 0
        for level, kind, value in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", value[:16])
                ts = sec * 1_000_000_000 + nsec
        append((ts, data))
    return segments


def varint(buf, pos):
    value, shift = 0, 0
    while True:
        if pos >= len(buf):
            return None, pos
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7
        if shift > 21:
            raise ValueError("bad varint")


class stream:
    def __init__(self, seq):
        self.next_seq = seq
        self.buf = b""
        self.kind = None
        self.broken = False

    def feed(self, seq, payload):
        if self.broken:
            return False
        delta = (seq - self.next_seq) & 0xFFFFFFFF
        if delta == 0:
            self.buf += payload
            self.next_seq = (seq + len(payload)) & 0xFFFFFFFF
            return True
        if delta > 0x80000000:  # a repeat of what we have
            return False
        self.broken = True  # a gap: the capture lost a segment
        return False


def ws_frames(st, on_text):
    buf = st.buf
    pos = 0
    while True:
        if len(buf) - pos < 2:
            break
        b1 = buf[pos + 1]
        n = b1 & 0x7F
        head = 2
        if n == 126:
            if len(buf) - pos < 4:
                break
            n = struct.unpack_from(">H", buf, pos + 2)[0]
            head = 4
        elif n == 127:
            if len(buf) - pos < 10:
                break
            n = struct.unpack_from(">Q", buf, pos + 2)[0]
            head = 10
        if b1 & 0x80:
            head += 4  # masked: not from a server
        if len(buf) - pos < head + n:
            break
        on_text(buf[pos + head : pos + head + n])
        pos += head + n
    st.buf = buf[pos:]


def mqtt_packets(st, on_packet):
    buf = st.buf
    pos = 0
    while len(buf) - pos >= 2:
        length, body = varint(buf, pos + 1)
        if length is None or len(buf) - body < length:
            break
        on_packet(buf[pos], buf[body : body + length])
        pos = body + length
    st.buf = buf[pos:]


def analyse(segments, broker_port):
    streams = {}
    steps = {}  # sent_ns -> [ws, publish, puback, deliver]
    pending = {}  # (gateway port, packet id) -> sent_ns
    broken = 0

    def step(sent, index, ts):
        row = steps.setdefault(sent, [0, 0, 0, 0])
        if row[index] == 0:
            row[index] = ts

    for ts, data in segments:
        ihl = (data[14] & 0x0F) * 4
        tcp = 14 + ihl
        sport, dport, seq = struct.unpack_from(">HHI", data, tcp)
        off = (data[tcp + 12] >> 4) * 4
        total = struct.unpack_from(">H", data, 16)[0]
        payload = data[tcp + off : 14 + total]
        key = (sport, dport)
        st = streams.get(key)
        if st is None:
            st = streams[key] = stream(seq)
            if sport == broker_port or dport == broker_port:
                st.kind = "mqtt"
            elif payload.startswith(b"HTTP/1.1 101"):
                st.kind = "ws-head"
        if not st.feed(seq, payload):
            if st.broken:
                broken += 1
            continue
        if st.kind == "ws-head":
            end = st.buf.find(b"\r\n\r\n")
            if end < 0:
                continue
            st.buf = st.buf[end + 4 :]
            st.kind = "ws"
        if st.kind == "ws":

            def on_text(text, ts=ts):
                m = SENT_NS.search(text)
                if m:
                    step(int(m.group(1)), 0, ts)

            ws_frames(st, on_text)
        elif st.kind == "mqtt":
            to_broker = dport == broker_port
            client = sport if to_broker else dport

            def on_packet(first, body, ts=ts, to_broker=to_broker, client=client):
                kind = first >> 4
                if kind == 3:
                    m = SENT_NS.search(body)
                    if not m:
                        return
                    sent = int(m.group(1))
                    if to_broker:
                        step(sent, 1, ts)
                        if (first >> 1) & 3:
                            tlen = struct.unpack_from(">H", body, 0)[0]
                            pid = struct.unpack_from(">H", body, 2 + tlen)[0]
                            pending[(client, pid)] = sent
                    else:
                        step(sent, 3, ts)
                elif kind == 4 and not to_broker:
                    pid = struct.unpack_from(">H", body, 0)[0]
                    sent = pending.pop((client, pid), None)
                    if sent is not None:
                        step(sent, 2, ts)

            mqtt_packets(st, on_packet)
        else:
            st.buf = b""
    return steps, broken


def percentiles(values):
    if not values:
        return "n=0"
    values = sorted(values)
    last = len(values) - 1
    pick = lambda p: values[int(p * last + 0.5)] / 1e6
    return f"n={len(values)} p50={pick(0.5):.2f} p99={pick(0.99):.2f} max={pick(1.0):.2f}"


def report(steps, offset, lo, hi, csv, title):
    names = ["sim send queue (sent -> ws)", "gateway (ws -> publish)",
             "broker PUBACK (publish -> puback)", "broker to subscriber (publish -> deliver)"]
    rows = []
    for sent, (ws, pub, ack, deliver) in steps.items():
        if sent < lo or sent >= hi:
            continue
        rows.append((sent, ws, pub, ack, deliver))
    if csv and rows:
        with open(csv, "w") as out:
            out.write("sent_ns ws_ns publish_ns puback_ns deliver_ns (CLOCK_MONOTONIC)\n")
            for sent, *rest in sorted(rows):
                out.write(" ".join(str(v - offset if v else 0) for v in rest).join(
                    [f"{sent} ", "\n"]))
    complete = [r for r in rows if all(r[1:])]
    print(f"{title}: messages followed: {len(rows)}, every step seen: {len(complete)}")
    deltas = [
        [r[1] - (r[0] + offset) for r in complete],
        [r[2] - r[1] for r in complete],
        [r[3] - r[2] for r in complete],
        [r[4] - r[2] for r in complete],
    ]
    total = [r[4] - (r[0] + offset) for r in complete]
    print(f"  end to end on the wire (sent -> deliver): {percentiles(total)}")
    for name, d in zip(names, deltas):
        print(f"  {name}: {percentiles(d)}")
    if complete:
        cut = sorted(total)[int(0.99 * (len(total) - 1))]
        slow = [i for i, t in enumerate(total) if t >= cut]
        print(f"  the slowest 1 % end to end ({len(slow)} messages, >= {cut / 1e6:.1f} ms):")
        for name, d in zip(names, deltas):
            print(f"    {name}: {percentiles([d[i] for i in slow])}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker-port", type=int, required=True)
    parser.add_argument("--from-file")
    parser.add_argument("--csv")
    args = parser.parse_args()

    stop = [False]

    def on_signal(*_):
        stop[0] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # Kernel timestamps are CLOCK_REALTIME, sent_ns CLOCK_MONOTONIC.
    offset = min(
        (time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_MONOTONIC))
        for _ in range(5))
    s, _keep = open_capture()
    print("capturing", flush=True)
    segments = capture(s, stop)
    s.close()
    steps, broken = analyse(segments, args.broker_port)
    print(f"segments captured: {len(segments)}, lost (streams cut): {broken}")
    split = None
    if args.from_file:
        try:
            with open(args.from_file) as f:
                split = int(f.read().strip())
        except (OSError, ValueError):
            split = None
    if split is None:
        report(steps, offset, 0, 1 << 63, args.csv, "all")
    else:
        report(steps, offset, 0, split, None, "start-up (sent before the steady flood)")
        report(steps, offset, split, 1 << 63, args.csv, "steady flood")
    return 0


if __name__ == "__main__":
    sys.exit(main())
