#!/usr/bin/python3
"""A wireless medium for mac80211_hwsim: per-link signal strengths, changed at run time.

    medium.py [--control FILE] [--stats FILE] [--default DBM] [--floor DBM]

Without a medium, mac80211_hwsim delivers every frame in the kernel to every
radio on the channel at "transmit power - 50 dBm": no path loss, no fading,
nothing below -50 dBm. This process registers with hwsim's generic netlink
family MAC80211_HWSIM (HWSIM_CMD_REGISTER); from then on the kernel hands
every frame any radio transmits to it (HWSIM_CMD_FRAME) instead of
delivering it, and it decides per receiver:

  * signal = the link's level in dBm (FROM TO, set in the control file;
    --default otherwise);
  * below --floor the frame is lost: not delivered, not acknowledged, so a
    fading link really loses beacons and the station really disconnects;
  * otherwise HWSIM_CMD_FRAME to the receiver (HWSIM_ATTR_ADDR_RECEIVER,
    _FRAME, _RX_RATE, _SIGNAL, _FREQ). The kernel drops it there when the
    receiver is on another channel (it compares _FREQ with the radio's
    operating and scan channel) or idle, and answers that with an error we
    count and ignore; so the medium needs no notion of channels.

Every transmitted frame is answered with HWSIM_CMD_TX_INFO_FRAME to its
transmitter (_ADDR_TRANSMITTER, _FLAGS, _SIGNAL, _TX_INFO, _COOKIE): the
kernel holds each frame until then. _FLAGS carries HWSIM_TX_STAT_ACK when
the frame is unicast, its first address is a radio of ours, and the link is
above the floor both ways (the data and the ACK must both get through).

Radios are named by their hwsim addresses. A radio has two: 02:00:00:00:ii:00
(its interface's MAC and, for an AP, the BSSID) and 42:00:00:00:ii:00 (the
same with bit 0x40 of the first octet set). The kernel uses the 42: one on
the netlink side: _ADDR_TRANSMITTER is it, and _ADDR_RECEIVER is looked up by
it. The control file and the statistics accept and print either form; both
mean the same radio.

Control file (re-read whenever it changes; write a new one and rename it
over the old one so the medium never reads half a file):

    default -40                               # every link not named below
    02:00:00:00:01:00 02:00:00:00:05:00 -75   # FROM TO DBM: FROM as heard by TO
    02:00:00:00:02:00 * -95                   # FROM as heard by every radio

Later lines win. Links are one-way; lib.sh's lab_signal writes both. `*`
stands for any radio; a named link wins over FROM *, which wins over * TO.

Statistics (--stats, rewritten once a second; `key=value` lines): frames
handed over by the kernel, deliveries, losses below the floor, ACKs, kernel
errors (off-channel or idle receivers), receive-buffer overruns, and `busy`,
the seconds spent handling frames: frames/busy is how many frames per second
this process can handle on this machine.

Standard library only: it runs on the lab host's python3 inside the guest.
"""

import errno
import os
import signal
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
SOL_NETLINK, NETLINK_CAP_ACK = 270, 10
SO_RCVBUFFORCE, SO_SNDBUFFORCE = 33, 32

# include/uapi of drivers/net/wireless/virtual/mac80211_hwsim.h (Linux 6.1)
HWSIM_CMD_REGISTER, HWSIM_CMD_FRAME, HWSIM_CMD_TX_INFO_FRAME = 1, 2, 3
HWSIM_ATTR_ADDR_RECEIVER = 1
HWSIM_ATTR_ADDR_TRANSMITTER = 2
HWSIM_ATTR_FRAME = 3
HWSIM_ATTR_FLAGS = 4
HWSIM_ATTR_RX_RATE = 5
HWSIM_ATTR_SIGNAL = 6
HWSIM_ATTR_TX_INFO = 7
HWSIM_ATTR_COOKIE = 8
HWSIM_ATTR_FREQ = 19
HWSIM_TX_CTL_NO_ACK = 1 << 1
HWSIM_TX_STAT_ACK = 1 << 2


def log(*words):
    print("medium:", *words, file=sys.stderr, flush=True)


def radio_key(addr):
    """The 42: form of a radio's address (bytes), from either of its two forms."""
    return bytes([addr[0] | 0x40]) + addr[1:]


def parse_mac(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise ValueError(f"not a MAC address: {text!r}")
    return bytes(int(p, 16) for p in parts)


def mac(addr):
    return ":".join(f"{b:02x}" for b in addr)


def parse_control(text, default):
    """Control file text -> (default dBm, {(from key, to key): dBm}). Raises ValueError."""
    links = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        try:
            if not words:
                continue
            if words[0] == "default" and len(words) == 2:
                default = int(words[1])
            elif len(words) == 3:
                ends = tuple(None if w == "*" else radio_key(parse_mac(w)) for w in words[:2])
                links[ends] = int(words[2])
            else:
                raise ValueError("expected 'FROM TO DBM' or 'default DBM'")
        except ValueError as err:
            raise ValueError(f"line {number}: {err}: {line.strip()!r}") from None
    return default, links


def attr(kind, value):
    length = 4 + len(value)
    return struct.pack("<HH", length, kind) + value + b"\0" * (-length % 4)


def attrs(payload, pos=4):
    """Top-level attributes of a generic netlink payload (after the genl header)."""
    out = {}
    while pos + 4 <= len(payload):
        length, kind = struct.unpack_from("<HH", payload, pos)
        if length < 4:
            break
        out[kind & 0x3FFF] = payload[pos + 4 : pos + length]
        pos += (length + 3) & ~3
    return out


def genl_msg(family, cmd, body, flags=NLM_F_REQUEST, seq=0):
    payload = struct.pack("<BBH", cmd, 1, 0) + body
    return struct.pack("<IHHII", 16 + len(payload), family, flags, seq, 0) + payload


def messages(data):
    pos = 0
    while pos + 16 <= len(data):
        length, kind = struct.unpack_from("<IH", data, pos)
        if length < 16:
            break
        yield kind, data[pos + 16 : pos + length]
        pos += (length + 3) & ~3


class Medium:
    def __init__(self, default, floor):
        self.default = default
        self.floor = floor
        self.links = {}
        self.radios = []  # 42: keys, in the order we learnt them
        self.by_prefix = {}  # first five octets of the 02: form -> 42: key
        self.stats = dict(frames=0, deliveries=0, lost=0, acks=0, errors=0, overruns=0)
        self.busy = 0.0

    def add_radio(self, key):
        if key not in self.by_prefix.values():
            self.radios.append(key)
            self.by_prefix[bytes([key[0] & ~0x40 & 0xFF]) + key[1:5]] = key
            log("radio", mac(key))

    def signal(self, tx, rx):
        """FROM as heard by TO: that link, else FROM to anyone, else anyone to TO, else the default."""
        links = self.links
        if not links:
            return self.default
        level = links.get((tx, rx))
        if level is None:
            level = links.get((tx, None))
            if level is None:
                level = links.get((None, rx), self.default)
        return level

    def destination(self, frame):
        """The radio a unicast frame is addressed to (its first address), or None.

        Also a secondary BSS of a radio (same first five octets, as lab_neighbor
        numbers them) counts as that radio."""
        if len(frame) < 10 or frame[4] & 1:
            return None
        addr1 = frame[4:10]
        return self.by_prefix.get(bytes([addr1[0] & ~0x40 & 0xFF]) + addr1[1:5])

    def handle(self, family, a):
        """One HWSIM_CMD_FRAME from the kernel -> the messages to send back."""
        tx = a.get(HWSIM_ATTR_ADDR_TRANSMITTER)
        frame = a.get(HWSIM_ATTR_FRAME)
        cookie = a.get(HWSIM_ATTR_COOKIE)
        if tx is None or frame is None or cookie is None:
            return b""
        tx = radio_key(tx)
        if tx not in self.by_prefix.values():
            self.add_radio(tx)
        self.stats["frames"] += 1
        flags = struct.unpack("<I", a.get(HWSIM_ATTR_FLAGS, b"\0\0\0\0"))[0]
        tx_info = a.get(HWSIM_ATTR_TX_INFO, b"")
        freq = a.get(HWSIM_ATTR_FREQ)
        # The rate the receiver reports: the first attempt's index, as a legacy
        # rate (hwsim's receive path knows no HT/VHT); 5 GHz has 8 legacy rates.
        rate = struct.unpack_from("<b", tx_info)[0] if tx_info else 0
        rate = min(max(rate, 0), 7)
        common = attr(HWSIM_ATTR_FRAME, frame) + attr(HWSIM_ATTR_RX_RATE, struct.pack("<I", rate))
        if freq is not None:
            common += attr(HWSIM_ATTR_FREQ, freq)
        out = []
        for rx in self.radios:
            if rx == tx:
                continue
            level = self.signal(tx, rx)
            if level < self.floor:
                self.stats["lost"] += 1
                continue
            body = attr(HWSIM_ATTR_ADDR_RECEIVER, rx) + common + attr(HWSIM_ATTR_SIGNAL, struct.pack("<i", level))
            out.append(genl_msg(family, HWSIM_CMD_FRAME, body))
            self.stats["deliveries"] += 1
        dst = self.destination(frame)
        ack_signal = self.default
        if dst is not None and dst != tx:
            ack_signal = self.signal(dst, tx)
            if not flags & HWSIM_TX_CTL_NO_ACK and self.signal(tx, dst) >= self.floor and ack_signal >= self.floor:
                flags |= HWSIM_TX_STAT_ACK
                self.stats["acks"] += 1
        if flags & HWSIM_TX_STAT_ACK and len(tx_info) >= 2:
            # Acknowledged at the first attempt: one try of the first rate.
            tx_info = tx_info[:1] + b"\x01" + b"\xff\x00" * (len(tx_info) // 2 - 1)
        body = (
            attr(HWSIM_ATTR_ADDR_TRANSMITTER, tx)
            + attr(HWSIM_ATTR_FLAGS, struct.pack("<I", flags))
            + attr(HWSIM_ATTR_SIGNAL, struct.pack("<i", ack_signal))
            + attr(HWSIM_ATTR_TX_INFO, tx_info)
            + attr(HWSIM_ATTR_COOKIE, cookie)
        )
        out.append(genl_msg(family, HWSIM_CMD_TX_INFO_FRAME, body))
        return b"".join(out)


def resolve_family(sock, name):
    sock.send(genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, name + b"\0"), seq=1))
    for kind, payload in messages(sock.recv(65536)):
        if kind == NLMSG_ERROR:
            code = -struct.unpack_from("<i", payload)[0]
            raise OSError(code, f"generic netlink family {name.decode()}: {os.strerror(code)}")
        family = attrs(payload).get(CTRL_ATTR_FAMILY_ID)
        if family:
            return struct.unpack("<H", family)[0]
    raise OSError(errno.ENOENT, f"no generic netlink family {name.decode()}")


def register(sock, family):
    sock.send(genl_msg(family, HWSIM_CMD_REGISTER, b"", NLM_F_REQUEST | NLM_F_ACK, seq=2))
    while True:
        for kind, payload in messages(sock.recv(65536)):
            if kind == NLMSG_ERROR:
                code = -struct.unpack_from("<i", payload)[0]
                if code:
                    raise OSError(code, f"HWSIM_CMD_REGISTER: {os.strerror(code)}")
                return


def known_radios():
    """The 42: keys of the hwsim radios the root netns sees now."""
    keys = []
    base = "/sys/class/ieee80211"
    for phy in sorted(os.listdir(base), key=lambda p: int(p[3:]) if p[3:].isdigit() else 0):
        try:
            with open(f"{base}/{phy}/macaddress") as f:
                keys.append(radio_key(parse_mac(f.read().strip())))
        except (OSError, ValueError):
            continue
    return keys


def main(argv):
    opts = {"--control": "", "--stats": "", "--default": "-40", "--floor": "-90"}
    args = list(argv)
    while args:
        key = args.pop(0)
        if key not in opts or not args:
            print(__doc__.split("\n\n")[1], file=sys.stderr)
            return 2
        opts[key] = args.pop(0)
    medium = Medium(int(opts["--default"]), int(opts["--floor"]))
    control, stats_path = opts["--control"], opts["--stats"]

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    for opt, size in ((SO_RCVBUFFORCE, 8 << 20), (SO_SNDBUFFORCE, 4 << 20)):
        try:  # root may exceed rmem_max: room for bursts while we are descheduled
            sock.setsockopt(socket.SOL_SOCKET, opt, size)
        except OSError:
            pass
    # Errors for frames the kernel refuses (off-channel receiver) without
    # a copy of the whole request each.
    sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    family = resolve_family(sock, b"MAC80211_HWSIM")
    for key in known_radios():
        medium.add_radio(key)
    register(sock, family)
    log(f"registered with MAC80211_HWSIM (family {family}); default {medium.default} dBm, floor {medium.floor} dBm")

    stop = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(1))
    sock.settimeout(0.1)  # wake up to look at the control file and `stop`
    seen = None
    started = time.monotonic()
    next_stats = 0.0
    while not stop:
        now = time.monotonic()
        if control:
            try:
                st = os.stat(control)
                stamp = (st.st_mtime_ns, st.st_ino, st.st_size)
            except FileNotFoundError:
                stamp = None
            if stamp != seen and stamp is not None:
                seen = stamp
                try:
                    with open(control) as f:
                        medium.default, medium.links = parse_control(f.read(), int(opts["--default"]))
                    log(f"control: default {medium.default} dBm;",
                        ", ".join(f"{mac(a) if a else '*'} -> {mac(b) if b else '*'} {v}" for (a, b), v in medium.links.items()) or "no links")
                except (OSError, ValueError) as err:
                    log(f"control file {control}: {err} (kept the previous links)")
        if stats_path and now >= next_stats:
            next_stats = now + 1.0
            lines = [f"{k}={v}" for k, v in medium.stats.items()]
            lines += [f"busy={medium.busy:.3f}", f"uptime={now - started:.3f}"]
            with open(stats_path + ".tmp", "w") as f:
                f.write("\n".join(lines) + "\n")
            os.replace(stats_path + ".tmp", stats_path)
        try:
            data = sock.recv(1 << 16)
        except socket.timeout:
            continue
        except OSError as err:
            if err.errno == errno.ENOBUFS:  # the kernel dropped frames: we fell behind
                medium.stats["overruns"] += 1
                continue
            raise
        t0 = time.perf_counter()
        out = []
        for kind, payload in messages(data):
            if kind == family and payload[:1] == bytes([HWSIM_CMD_FRAME]):
                out.append(medium.handle(family, attrs(payload)))
            elif kind == NLMSG_ERROR:
                medium.stats["errors"] += 1
        reply = b"".join(out)
        if reply:
            # Several netlink messages in one send: the kernel handles them
            # one after the other, and we pay one system call per frame.
            sock.send(reply)
        medium.busy += time.perf_counter() - t0
    log("stopping;", " ".join(f"{k}={v}" for k, v in medium.stats.items()), f"busy={medium.busy:.3f}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except OSError as err:
        log(f"error: {err}")
        sys.exit(1)
