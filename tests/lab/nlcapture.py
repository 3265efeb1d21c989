#!/usr/bin/python3
"""Record netlink traffic from an nlmon interface and cut nl80211 fixtures out of it.

    nlcapture.py capture OUTFILE [IFACE]      # IFACE defaults to nlmon0; stop with SIGTERM/SIGINT
    nlcapture.py extract CAPTURE OUTDIR [NOTES]

`capture` appends every frame the netlink tap sees to OUTFILE as pcap records
(a length-prefixed format tcpdump and Wireshark read: LINKTYPE_LINUX_SLL, the
same as `tcpdump -i nlmon0 -w`). The 16-byte SLL header keeps the netlink
protocol and the direction (pkttype 6 = sent by userspace, 7 = by the kernel).
One frame may hold several netlink messages (dumps pack them).

`extract` finds the nl80211 family id in the captured controller replies
(CTRL_CMD_NEWFAMILY, CTRL_ATTR_FAMILY_NAME "nl80211"), whose destination
port ids are also the sockets of the programs that started while capturing
(wifidiag resolves the family on every run; wpa_supplicant did it long
before), and writes the kernel's replies to those sockets, one file per
reply kind, one lowercase hex netlink message (header included) a line.
Only the first reply of each kind (one dump = one sequence number) is kept,
since wifidiag repeats some dumps. NOTES, optional, holds lines
`FILE: text` (or `*: text`) that become `# text` header lines of FILE.

Standard library only: it runs on the lab host's python3 inside the guest.
"""

import collections
import datetime
import os
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET, PACKET_STATISTICS = 263, 6
SO_RCVBUFFORCE = 33
ARPHRD_NETLINK = 824
LINKTYPE_LINUX_SLL = 113
NETLINK_GENERIC = 16
NLM_F_REQUEST = 0x1
GENL_ID_CTRL, CTRL_CMD_NEWFAMILY = 0x10, 1
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2

# nl80211 reply command -> (fixture file, what request it answers)
KINDS = {
    7: ("interface-dump.hex", "NL80211_CMD_NEW_INTERFACE replies to an NL80211_CMD_GET_INTERFACE dump"),
    19: ("station-dump.hex", "NL80211_CMD_NEW_STATION replies to an NL80211_CMD_GET_STATION dump"),
    34: ("scan-dump.hex", "NL80211_CMD_NEW_SCAN_RESULTS replies to an NL80211_CMD_GET_SCAN dump"),
    51: ("survey-dump.hex", "NL80211_CMD_NEW_SURVEY_RESULTS replies to an NL80211_CMD_GET_SURVEY dump"),
    31: ("reg-get.hex", "the NL80211_CMD_GET_REG reply to NL80211_CMD_GET_REG with NL80211_ATTR_WIPHY"),
    3: ("wiphy-dump.hex", "NL80211_CMD_NEW_WIPHY replies to a split NL80211_CMD_GET_WIPHY dump"),
}


def capture(outfile, iface="nlmon0"):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:  # a wiphy dump arrives as one burst: make room for it (root may exceed rmem_max)
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((iface, ETH_P_ALL))
    stop = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(1))
    with open(outfile, "ab") as out:
        if out.tell() == 0:  # pcap global header: magic, v2.4, tz, sigfigs, snaplen, linktype
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_LINUX_SLL))
        out.flush()  # a non-empty file tells the caller we are listening
        sock.settimeout(0.2)  # wake up to look at `stop`
        while True:
            if stop:
                sock.setblocking(False)  # stopping: drain what is queued, then leave
            try:
                data, (_, proto, pkttype, _, _) = sock.recvfrom(1 << 20)
            except socket.timeout:
                continue
            except BlockingIOError:
                break
            now = time.time()
            sll = struct.pack(">HHH8sH", pkttype, ARPHRD_NETLINK, 0, b"", proto)
            length = len(sll) + len(data)
            out.write(struct.pack("<IIII", int(now), int(now % 1 * 1e6), length, length) + sll + data)
            out.flush()
    packets, drops = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    print(f"nlcapture: {packets} frames on {iface}, {drops} dropped", file=sys.stderr)
    return 1 if drops else 0


def frames(path):
    """Yields (netlink protocol, frame bytes) of a capture written by `capture`."""
    with open(path, "rb") as f:
        data = f.read()
    magic, linktype = struct.unpack_from("<I", data)[0], struct.unpack_from("<I", data, 20)[0]
    assert magic == 0xA1B2C3D4 and linktype == LINKTYPE_LINUX_SLL, "not a capture of ours"
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, pos + 8)[0]
        record = data[pos + 16 : pos + 16 + caplen]
        pos += 16 + caplen
        yield struct.unpack_from(">H", record, 14)[0], record[16:]


def messages(frame):
    """Splits a frame into netlink messages: (type, flags, seq, portid, bytes)."""
    pos = 0
    while pos + 16 <= len(frame):
        length, kind, flags, seq, portid = struct.unpack_from("<IHHII", frame, pos)
        if length < 16:
            break
        yield kind, flags, seq, portid, frame[pos : pos + length]
        pos += (length + 3) & ~3  # messages are 4-byte aligned


def attrs(payload):
    """The top-level attributes of a generic netlink payload: {type: value}."""
    out, pos = {}, 4  # skip the genl header (cmd, version, reserved)
    while pos + 4 <= len(payload):
        length, kind = struct.unpack_from("<HH", payload, pos)
        if length < 4:
            break
        out[kind & 0x3FFF] = payload[pos + 4 : pos + length]
        pos += (length + 3) & ~3
    return out


def extract(capture_file, outdir, notes_file=None):
    msgs = [m for proto, frame in frames(capture_file) if proto == NETLINK_GENERIC for m in messages(frame)]
    family, ports = None, set()
    for kind, flags, _, portid, raw in msgs:
        if kind == GENL_ID_CTRL and not flags & NLM_F_REQUEST and raw[16] == CTRL_CMD_NEWFAMILY:
            a = attrs(raw[16:])
            if a.get(CTRL_ATTR_FAMILY_NAME, b"").rstrip(b"\0") == b"nl80211":
                family = struct.unpack("<H", a[CTRL_ATTR_FAMILY_ID][:2])[0]
                ports.add(portid)
    if family is None:
        sys.exit("nlcapture: no nl80211 family lookup in the capture (was it started before wifidiag?)")
    # Kernel -> user nl80211 replies to those sockets, grouped by (command, port, seq).
    groups = collections.OrderedDict()
    for kind, flags, seq, portid, raw in msgs:
        if kind == family and not flags & NLM_F_REQUEST and portid in ports and raw[16] in KINDS:
            groups.setdefault((raw[16], portid, seq), []).append(raw)
    notes = collections.defaultdict(list)
    if notes_file:
        for line in open(notes_file, encoding="utf-8"):
            name, _, text = line.rstrip("\n").partition(": ")
            notes[name].append(text)
    os.makedirs(outdir, exist_ok=True)
    written = set()
    for (cmd, _, _), raws in groups.items():
        name, what = KINDS[cmd]
        if name in written:
            continue  # a repeated dump (e.g. the scan dump wifidiag does for the SSID)
        written.add(name)
        repeats = sum(1 for key in groups if key[0] == cmd)
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as out:
            header = [
                f"{what}: {len(raws)} netlink message(s), one per line as hex, header included"
                + (f" (the first of {repeats} such replies in the capture)" if repeats > 1 else ""),
                f"nl80211 family id {family:#x} when recorded; kernel {os.uname().release};"
                f" recorded {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
                *notes["*"],
                *notes[name],
            ]
            out.writelines(f"# {line}\n" for line in header)
            out.writelines(raw.hex() + "\n" for raw in raws)
        print(f"nlcapture: {name}: {len(raws)} messages", file=sys.stderr)
    missing = sorted(n for n, _ in KINDS.values() if n not in written)
    if missing:
        print(f"nlcapture: no reply for {', '.join(missing)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) in (2, 3) and args[0] == "capture":
        sys.exit(capture(*args[1:]))
    if len(args) in (3, 4) and args[0] == "extract":
        sys.exit(extract(*args[1:]))
    sys.exit(__doc__)
