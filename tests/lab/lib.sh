# shellcheck shell=bash
# Helpers for lab scenarios: build a small clinic (LAN, gateway, server,
# access points, neighbours, a client laptop) out of mac80211_hwsim radios
# and network namespaces, and break parts of it on purpose.
#
# A scenario does `source "$LAB_LIB"` inside the lab guest (see README.md for
# the reference). Conventions:
#   - functions print their result (a BSSID, an interface name) on stdout and
#     NOTHING else there, so `bssid=$(lab_ap ...)` works;
#   - progress and errors go to stderr, which ends up in the scenario's log;
#   - a failure prints "lab: ERROR: ..." naming what failed (and the tail of
#     the daemon's log) and returns non-zero, so `set -e` stops the scenario.
# State lives in /run/lab (a tmpfs in the guest, gone with the guest).

# The lab's fixed Wi-Fi passphrase (WPA2-PSK unless an AP says otherwise).
LAB_PASSPHRASE=${LAB_PASSPHRASE:-clinic-lab-passphrase}
LAB_STATE=/run/lab
LAB_CLIENT_IP=10.77.0.100
LAB_GATEWAY_IP=10.77.0.1
LAB_SERVER_IP=10.77.1.10
# The client laptop's connection manager (see lab_client): wpa (a bare
# wpa_supplicant, the default), nm (NetworkManager) or iwd.
LAB_STACK=${LAB_STACK:-wpa}
# LAB_JOURNAL=1 gives the wpa stack a systemd journal too (nm and iwd always
# have one); wpa_supplicant then logs to it instead of its log file.
LAB_JOURNAL=${LAB_JOURNAL:-0}
# Roaming knobs for the lab's -50..-30 dBm (unset: the programs' defaults):
# LAB_WPA_BGSCAN (wpa_supplicant's bgscan, wpa stack), LAB_IWD_ROAM_THRESHOLD
# (iwd's RoamThreshold in dBm).

mkdir -p "$LAB_STATE"

# --- messages ------------------------------------------------------------------

# lab_log MSG...: a progress line on stderr, stamped with the guest's uptime.
lab_log() {
    local up _
    read -r up _ </proc/uptime
    printf 'lab [%7ss]: %s\n' "$up" "$*" >&2
}

_lab_fail() {
    printf 'lab: ERROR: %s\n' "$*" >&2
    return 1
}

# Appends the tail of a daemon's log to the error output.
_lab_tail() {
    local log=$1
    if [[ -f $log ]]; then
        printf -- '--- last lines of %s ---\n' "$log" >&2
        tail -n 25 "$log" >&2
        printf -- '--- end of %s ---\n' "$log" >&2
    fi
}

# Names the failing line of the scenario itself, so a log shows where a
# plain `set -e` stop happened (BASH_COMMAND alone would often say only
# "return 1" from inside a helper).
_lab_err_trap() {
    local rc=$1 file=$2 line=$3 text
    text=$(sed -n "${line}{s/^[[:space:]]*//;p}" "$file" 2>/dev/null)
    printf 'lab: ERROR: exit %s at %s:%s: %s\n' "$rc" "${file##*/}" "$line" "${text:-?}" >&2
}
trap '_lab_err_trap "$?" "${BASH_SOURCE[0]}" "$LINENO"' ERR

# --- waiting ---------------------------------------------------------------------

# lab_wait_for TIMEOUT CMD...: runs CMD (a command or a function) every 0.5 s
# until it succeeds. Its output is hidden while polling; on timeout it runs
# once more with its output on stderr and the function fails naming CMD.
lab_wait_for() {
    local timeout=$1
    shift
    local deadline=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            printf 'lab: last attempt of: %s\n' "$*" >&2
            "$@" >&2 || true
            _lab_fail "timed out after ${timeout}s waiting for: $*"
            return 1
        fi
        sleep 0.5
    done
}

# --- radios ------------------------------------------------------------------------

# Claims the lowest-numbered radio nobody uses yet; prints "phyN IFACE".
# hwsim gives each radio one interface, found under the phy's device.
_lab_claim_radio() {
    local owner=$1 phy iface
    touch "$LAB_STATE/radios"
    for phy in $(cd /sys/class/ieee80211 && printf '%s\n' phy* | sort -V); do
        grep -q "^$phy " "$LAB_STATE/radios" && continue
        iface=$(cd "/sys/class/ieee80211/$phy/device/net" 2>/dev/null && printf '%s\n' * | head -n1)
        [[ -n $iface ]] || continue
        printf '%s %s %s\n' "$phy" "$iface" "$owner" >>"$LAB_STATE/radios"
        printf '%s %s\n' "$phy" "$iface"
        return 0
    done
    _lab_fail "no free radio for $owner (all ${LAB_RADIOS:-?} taken; run with --radios N)"
}

# lab_freq CHANNEL: prints the centre frequency in MHz of a 2.4/5 GHz channel.
lab_freq() {
    local ch=$1
    if ((ch == 14)); then
        echo 2484
    elif ((ch < 14)); then
        echo $((2407 + 5 * ch))
    else
        echo $((5000 + 5 * ch))
    fi
}

# --- the LAN: br0, gateway, server subnet --------------------------------------------

# lab_lan: creates the clinic LAN once (later calls do nothing):
#   root netns: bridge br0 10.77.0.2/24 (APs bridge their radios into it)
#   netns gw:   lan0 10.77.0.1/24 (veth into br0), srv0 10.77.1.1/24, ip_forward=1
#   netns server: eth0 10.77.1.10/24, default route via 10.77.1.1
lab_lan() {
    [[ -e $LAB_STATE/lan ]] && return 0
    lab_log "creating LAN br0 10.77.0.0/24, gateway netns gw, server netns server"
    {
        # forward_delay 0 / no STP: ports forward at once, no 30 s learning wait.
        ip link add br0 type bridge forward_delay 0 stp_state 0 &&
            ip addr add 10.77.0.2/24 dev br0 &&
            ip link set br0 up &&
            ip netns add gw &&
            ip netns add server &&
            ip -n gw link set lo up &&
            ip -n server link set lo up &&
            ip link add gw-lan type veth peer name lan0 netns gw &&
            ip link set gw-lan master br0 &&
            ip link set gw-lan up &&
            ip -n gw addr add "$LAB_GATEWAY_IP/24" dev lan0 &&
            ip -n gw link set lan0 up &&
            ip link add srv0 netns gw type veth peer name eth0 netns server &&
            ip -n gw addr add 10.77.1.1/24 dev srv0 &&
            ip -n gw link set srv0 up &&
            ip -n server addr add "$LAB_SERVER_IP/24" dev eth0 &&
            ip -n server link set eth0 up &&
            ip -n server route add default via 10.77.1.1 &&
            ip netns exec gw sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
    } >&2 || {
        _lab_fail "lab_lan: building the LAN failed (see the ip error above)"
        return 1
    }
    touch "$LAB_STATE/lan"
}

# --- the wireless medium (opt-in) ------------------------------------------------------

# lab_medium [DEFAULT-DBM]: puts tests/lab/medium.py between the radios: from
# now on every frame goes through it, heard at a per-link signal (DEFAULT-DBM,
# -40 unless given, for every link lab_signal did not set) and lost below
# -90 dBm. Call it before lab_ap (it learns the radios while they are all in
# the root netns). Log /tmp/medium.log, statistics $LAB_STATE/medium/stats.
lab_medium() {
    local default=${1:--40} dir="$LAB_STATE/medium" phy
    [[ ! -e $dir ]] || {
        _lab_fail "lab_medium: the medium runs already"
        return 1
    }
    [[ ! -s $LAB_STATE/radios ]] || {
        _lab_fail "lab_medium: call it before lab_ap/lab_neighbor/lab_client"
        return 1
    }
    mkdir -p "$dir"
    # phyN and its 02: address (the 42: form is the same radio to the medium).
    for phy in /sys/class/ieee80211/phy*; do
        printf '%s %s\n' "${phy##*/}" "$(<"$phy/macaddress")" >>"$dir/radios"
    done
    printf 'default %s\n' "$default" >"$dir/links"
    python3 "${LAB_LIB%/*}/medium.py" --control "$dir/links" --stats "$dir/stats" \
        --default "$default" >>/tmp/medium.log 2>&1 &
    echo $! >"$dir/pid"
    if ! lab_wait_for 30 grep -q 'registered with' /tmp/medium.log; then
        _lab_fail "lab_medium: medium.py did not register with mac80211_hwsim"
        _lab_tail /tmp/medium.log
        return 1
    fi
    lab_log "medium: $(<"$dir/pid") registered, default $default dBm, frames below -90 dBm lost"
}

# Prints the hwsim (02:) address of an AP name, "client", phyN or a MAC.
_lab_radio_addr() {
    local who=$1 phy='' line
    case $who in
    *:*:*:*:*:* | '*') printf '%s\n' "$who" && return 0 ;;
    client) [[ -f $LAB_STATE/client/phy ]] && phy=$(<"$LAB_STATE/client/phy") ;;
    phy[0-9]*) phy=$who ;;
    *) [[ -f $LAB_STATE/ap/$who/phy ]] && phy=$(<"$LAB_STATE/ap/$who/phy") ;;
    esac
    if [[ -n $phy ]]; then
        while read -r line; do
            [[ $line == "$phy "* ]] && printf '%s\n' "${line#* }" && return 0
        done <"$LAB_STATE/medium/radios"
    fi
    _lab_fail "lab_signal: no radio '$who' (an AP name, client, phyN or a MAC address)"
}

# lab_signal FROM TO DBM [--one-way]: FROM as heard by TO at DBM (both ways
# unless --one-way). FROM/TO: an AP name, "client", phyN, a MAC address, or
# '*' (any radio; a link named at both ends wins over one with '*').
# Below -90 dBm nothing gets through. Needs lab_medium. Prints nothing.
lab_signal() {
    local from=${1:?lab_signal FROM TO DBM [--one-way]} to=${2:?TO} dbm=${3:?DBM} oneway=${4:-}
    local dir="$LAB_STATE/medium" a b line
    [[ -f $dir/links ]] || {
        _lab_fail "lab_signal: no medium (call lab_medium first)"
        return 1
    }
    [[ $dbm =~ ^-?[0-9]+$ ]] || {
        _lab_fail "lab_signal: DBM must be an integer, got '$dbm'"
        return 1
    }
    a=$(_lab_radio_addr "$from") && b=$(_lab_radio_addr "$to") || return 1
    local -a keep=()
    while IFS= read -r line; do # the other links stay; this one is replaced
        [[ $line == "$a $b "* || ($oneway != --one-way && $line == "$b $a "*) ]] || keep+=("$line")
    done <"$dir/links"
    keep+=("$a $b $dbm")
    [[ $oneway == --one-way ]] || keep+=("$b $a $dbm")
    # A new file renamed over the old: the medium never reads half of one.
    printf '%s\n' "${keep[@]}" >"$dir/links.new" && mv "$dir/links.new" "$dir/links"
    local arrow='<->'
    [[ $oneway != --one-way ]] || arrow='->'
    lab_log "medium: $from ($a) $arrow $to ($b): $dbm dBm"
}

# lab_medium_stats: the medium's counters (key=value lines, see medium.py).
lab_medium_stats() { cat "$LAB_STATE/medium/stats"; }

# --- access points -------------------------------------------------------------------

# Writes a hostapd config from "key=value" defaults then overrides: an
# override replaces a default with the same key (in place) or is appended;
# "key=" (empty value) removes the key. "bss=" sections are appended as-is.
_lab_write_conf() {
    local file=$1
    shift
    local -a keys=()
    local -A vals=()
    local kv k
    for kv in "$@"; do
        [[ $kv == *=* ]] || {
            _lab_fail "hostapd setting '$kv' is not key=value"
            return 1
        }
        k=${kv%%=*}
        [[ -v "vals[$k]" ]] || keys+=("$k")
        vals[$k]=${kv#*=}
    done
    # An open network (wpa=0) must not carry WPA keys.
    if [[ ${vals[wpa]:-} == 0 ]]; then
        for k in wpa wpa_key_mgmt rsn_pairwise wpa_pairwise wpa_passphrase sae_password ieee80211w; do
            vals[$k]=''
        done
    fi
    : >"$file"
    for k in "${keys[@]}"; do
        [[ -n ${vals[$k]} ]] && printf '%s=%s\n' "$k" "${vals[$k]}" >>"$file"
    done
    return 0
}

_lab_hostapd_state() { # IFACE -> prints state=... value
    hostapd_cli -p "$LAB_STATE/hostapd" -i "$1" status 2>/dev/null | sed -n 's/^state=//p'
}
_lab_hostapd_is() { [[ $(_lab_hostapd_state "$1") == "$2" ]]; }

# Starts hostapd on CONF and waits for IFACE to be ENABLED (beaconing).
_lab_start_hostapd() {
    local label=$1 iface=$2 conf=$3 pidfile=$4 log=$5
    # hostapd's few lines before it daemonizes go to stderr (the scenario log).
    if ! hostapd -B -t -P "$pidfile" -f "$log" "$conf" >&2; then
        _lab_fail "$label: hostapd failed to start on $iface (config $conf)"
        _lab_tail "$log"
        return 1
    fi
    if ! lab_wait_for 60 _lab_hostapd_is "$iface" ENABLED; then
        _lab_fail "$label: hostapd on $iface never reached state=ENABLED (now: $(_lab_hostapd_state "$iface"))"
        _lab_tail "$log"
        return 1
    fi
}

# lab_ap NAME CHANNEL SSID [key=value...]: an access point of the clinic
# bridged into br0. Prints its BSSID.
lab_ap() {
    local name=${1:?lab_ap NAME CHANNEL SSID [key=value...]} ch=${2:?channel} ssid=${3:?ssid}
    shift 3
    local dir="$LAB_STATE/ap/$name"
    [[ ! -e $dir ]] || {
        _lab_fail "lab_ap: AP '$name' already exists"
        return 1
    }
    lab_lan || return 1
    local phy iface
    read -r phy iface < <(_lab_claim_radio "ap:$name") && [[ -n ${iface:-} ]] || return 1
    mkdir -p "$dir" "$LAB_STATE/hostapd"
    local mode=g
    local -a extra=()
    if ((ch > 14)); then
        # 5 GHz channels are no-IR in the world domain: a country is needed.
        mode=a
        extra=(country_code=US ieee80211d=1)
    fi
    _lab_write_conf "$dir/hostapd.conf" \
        "interface=$iface" driver=nl80211 "ctrl_interface=$LAB_STATE/hostapd" \
        bridge=br0 "ssid=$ssid" "hw_mode=$mode" "channel=$ch" \
        wmm_enabled=1 ieee80211n=1 "${extra[@]}" \
        wpa=2 wpa_key_mgmt=WPA-PSK rsn_pairwise=CCMP "wpa_passphrase=$LAB_PASSPHRASE" \
        "$@" || return 1
    echo "$iface" >"$dir/iface"
    echo "$phy" >"$dir/phy"
    [[ -e $LAB_STATE/first-ssid ]] || printf '%s\n' "$ssid" >"$LAB_STATE/first-ssid"
    lab_log "AP $name: $iface ($phy) channel $ch ssid '$ssid'${*:+ ($*)}"
    _lab_start_hostapd "lab_ap $name" "$iface" "$dir/hostapd.conf" "$dir/pid" "/tmp/hostapd-$name.log" ||
        return 1
    lab_ap_bssid "$name"
}

_lab_ap_iface() {
    local f="$LAB_STATE/ap/$1/iface"
    [[ -f $f ]] || {
        _lab_fail "no AP named '$1'"
        return 1
    }
    cat "$f"
}

# lab_ap_iface NAME: prints the AP's interface (e.g. wlan0).
lab_ap_iface() { _lab_ap_iface "${1:?lab_ap_iface NAME}"; }

# lab_ap_bssid NAME: prints the AP's BSSID.
lab_ap_bssid() {
    local iface
    iface=$(_lab_ap_iface "${1:?lab_ap_bssid NAME}") || return 1
    hostapd_cli -p "$LAB_STATE/hostapd" -i "$iface" status | sed -n 's/^bssid\[0\]=//p'
}

# lab_ap_down NAME: stops the AP's beacons (hostapd_cli disable; stations are
# deauthenticated). Waits until hostapd reports DISABLED.
lab_ap_down() {
    local name=${1:?lab_ap_down NAME} iface
    iface=$(_lab_ap_iface "$name") || return 1
    lab_log "AP $name ($iface) down"
    if ! hostapd_cli -p "$LAB_STATE/hostapd" -i "$iface" disable >/dev/null ||
        ! lab_wait_for 10 _lab_hostapd_is "$iface" DISABLED; then
        _lab_fail "lab_ap_down $name: hostapd did not disable $iface"
        _lab_tail "/tmp/hostapd-$name.log"
        return 1
    fi
}

# lab_ap_up NAME: re-enables a disabled AP and waits until it beacons again.
lab_ap_up() {
    local name=${1:?lab_ap_up NAME} iface
    iface=$(_lab_ap_iface "$name") || return 1
    lab_log "AP $name ($iface) up"
    if ! hostapd_cli -p "$LAB_STATE/hostapd" -i "$iface" enable >/dev/null ||
        ! lab_wait_for 60 _lab_hostapd_is "$iface" ENABLED; then
        _lab_fail "lab_ap_up $name: hostapd did not re-enable $iface"
        _lab_tail "/tmp/hostapd-$name.log"
        return 1
    fi
}

# lab_neighbor CHANNEL SSID [COUNT [open|wpa2]]: COUNT (default 1) foreign
# BSSes on one radio, NOT bridged to the clinic LAN. SSIDs are SSID, SSID-2,
# SSID-3...; BSSIDs differ in the last octet. Prints one BSSID per line.
lab_neighbor() {
    local ch=${1:?lab_neighbor CHANNEL SSID [COUNT [open|wpa2]]} ssid=${2:?ssid}
    local count=${3:-1} security=${4:-wpa2}
    [[ $count =~ ^[1-9][0-9]?$ && $count -le 16 ]] || {
        _lab_fail "lab_neighbor: COUNT must be 1..16, got '$count'"
        return 1
    }
    local -a sec
    case $security in
    wpa2) sec=(wpa=2 wpa_key_mgmt=WPA-PSK rsn_pairwise=CCMP "wpa_passphrase=$LAB_PASSPHRASE") ;;
    open) sec=() ;;
    *)
        _lab_fail "lab_neighbor: security must be open or wpa2, got '$security'"
        return 1
        ;;
    esac
    local phy iface
    read -r phy iface < <(_lab_claim_radio "neighbor:$ssid") && [[ -n ${iface:-} ]] || return 1
    local dir="$LAB_STATE/neighbor/$iface" mode=g
    mkdir -p "$dir" "$LAB_STATE/hostapd"
    local -a country=()
    if ((ch > 14)); then
        mode=a
        country=(country_code=US ieee80211d=1)
    fi
    local conf="$dir/hostapd.conf" mac
    mac=$(cat "/sys/class/net/$iface/address")
    _lab_write_conf "$conf" "interface=$iface" driver=nl80211 \
        "ctrl_interface=$LAB_STATE/hostapd" "ssid=$ssid" "hw_mode=$mode" "channel=$ch" \
        wmm_enabled=1 ieee80211n=1 "${country[@]}" "${sec[@]}" || return 1
    local k
    for ((k = 2; k <= count; k++)); do
        # Secondary BSSes: own interface, own BSSID (radio MAC, last octet k-1).
        printf '\nbss=%s_%d\nbssid=%s:%02x\nssid=%s-%d\nctrl_interface=%s\n' \
            "$iface" "$k" "${mac%:*}" "$((k - 1))" "$ssid" "$k" "$LAB_STATE/hostapd" >>"$conf"
        ((${#sec[@]} == 0)) || printf '%s\n' "${sec[@]}" >>"$conf"
    done
    lab_log "neighbour: $iface ($phy) channel $ch $count x '$ssid' ($security)"
    _lab_start_hostapd "lab_neighbor $ssid" "$iface" "$conf" "$dir/pid" "/tmp/hostapd-neighbor-$iface.log" ||
        return 1
    hostapd_cli -p "$LAB_STATE/hostapd" -i "$iface" status | sed -n 's/^bssid\[[0-9]*\]=//p'
}

# --- the client laptop ---------------------------------------------------------------

# in_client CMD...: runs an external command in the client's netns.
in_client() { ip netns exec client "$@"; }

_lab_wpa_state() {
    ip netns exec client wpa_cli -p "$LAB_STATE/wpa_supplicant" -i "$1" status 2>/dev/null |
        sed -n 's/^wpa_state=//p'
}
_lab_wpa_completed() { [[ $(_lab_wpa_state "$1") == COMPLETED ]]; }

# Fills the associative array named $2 with the settings of the first lab
# AP/neighbour config serving SSID $1 (first occurrence of each key, i.e. the
# primary BSS) and sets it[freqs] to the frequencies of all BSSes serving
# SSID. Plain bash on purpose: every fork costs ~0.5 s in a loaded TCG guest.
_lab_ssid_settings() {
    local ssid=$1 conf line kv k ch f
    local -n into=$2
    local -a lines
    into=([freqs]='')
    for conf in "$LAB_STATE"/ap/*/hostapd.conf "$LAB_STATE"/neighbor/*/hostapd.conf; do
        [[ -f $conf ]] || continue
        mapfile -t lines <"$conf"
        for line in "${lines[@]}"; do
            [[ $line == "ssid=$ssid" ]] || continue
            if [[ -z ${into[ssid]:-} ]]; then
                for kv in "${lines[@]}"; do
                    k=${kv%%=*}
                    if [[ $kv == *=* && ! -v "into[$k]" ]]; then
                        # shellcheck disable=SC2004 # associative: the key is a string
                        into[$k]=${kv#*=}
                    fi
                done
            fi
            ch=''
            for kv in "${lines[@]}"; do
                [[ $kv == channel=* ]] && ch=${kv#channel=} && break
            done
            if [[ -n $ch ]]; then
                f=$((ch == 14 ? 2484 : ch < 14 ? 2407 + 5 * ch : 5000 + 5 * ch))
                [[ " ${into[freqs]} " == *" $f "* ]] || into[freqs]+="${into[freqs]:+ }$f"
            fi
            break
        done
    done
    return 0
}

# Prints STRING's bytes in hex (for wpa_supplicant's unquoted ssid=).
_lab_hex() {
    local LC_ALL=C s=$1 i out=''
    for ((i = 0; i < ${#s}; i++)); do
        printf -v out '%s%02x' "$out" "'${s:i:1}"
    done
    printf '%s' "$out"
}

# lab_client [--stack wpa|nm|iwd] [SSID]: the next free radio becomes a
# laptop in netns "client" that joins SSID (default: the first AP's SSID, with
# that AP's security) and gets 10.77.0.100/24 with a default route via
# 10.77.0.1. Prints the interface name. The stack (default $LAB_STACK, wpa):
#   wpa  a bare wpa_supplicant; waits for wpa_state=COMPLETED;
#   nm   NetworkManager (wpa_supplicant backend over a system D-Bus) with a
#        static-address profile; waits for the device state 100 (connected);
#   iwd  iwd alone (a known network SSID.psk, its own autoconnect); waits for
#        station state connected, then adds the address like wpa.
# nm and iwd (and wpa with LAB_JOURNAL=1) run in the laptop's own PID and
# mount namespace with systemd-journald (stack-init); see lab_stack_exec,
# lab_journal and lab_client_stop.
lab_client() {
    local stack=$LAB_STACK
    if [[ ${1:-} == --stack ]]; then
        stack=${2:?lab_client --stack wpa|nm|iwd [SSID]}
        shift 2
    fi
    case $stack in
    wpa | nm | iwd) ;;
    *)
        _lab_fail "lab_client: unknown stack '$stack' (wpa, nm or iwd)"
        return 1
        ;;
    esac
    local ssid=${1:-}
    if [[ -z $ssid ]]; then
        [[ -f $LAB_STATE/first-ssid ]] || {
            _lab_fail "lab_client: no SSID given and no AP started yet"
            return 1
        }
        ssid=$(<"$LAB_STATE/first-ssid")
    fi
    [[ ! -e $LAB_STATE/client ]] || {
        _lab_fail "lab_client: the lab has one client and it exists already"
        return 1
    }
    local phy iface
    read -r phy iface < <(_lab_claim_radio client) && [[ -n ${iface:-} ]] || return 1
    local dir="$LAB_STATE/client" log=/tmp/wpa_supplicant-client.log
    mkdir -p "$dir" "$LAB_STATE/wpa_supplicant"
    {
        ip netns add client &&
            ip -n client link set lo up &&
            iw phy "$phy" set netns name client
    } >&2 || {
        _lab_fail "lab_client: could not move $phy into netns client"
        return 1
    }
    echo "$iface" >"$dir/iface"
    echo "$phy" >"$dir/phy"

    # Same security as the AP that serves this SSID; WPA2-PSK with the lab
    # passphrase when no lab AP serves it.
    local -A ap=()
    _lab_ssid_settings "$ssid" ap
    local served=${ap[ssid]:-} wpa=${ap[wpa]:-} key_mgmt=${ap[wpa_key_mgmt]:-}
    local psk=${ap[wpa_passphrase]:-${ap[sae_password]:-}} pmf=${ap[ieee80211w]:-}
    local freqs=${ap[freqs]} hex
    hex=$(_lab_hex "$ssid")
    {
        printf 'ctrl_interface=%s\nap_scan=1\nnetwork={\n' "$LAB_STATE/wpa_supplicant"
        # Hex SSID: no quoting trouble; scan_ssid=1 finds hidden SSIDs too.
        printf '  ssid=%s\n  scan_ssid=1\n' "$hex"
        # Scan only the channels our APs of this SSID use: a full scan of
        # every hwsim channel (2.4, 5 and 6 GHz) takes ~8 s under TCG.
        [[ -z $freqs ]] || printf '  scan_freq=%s\n' "$freqs"
        # Roaming on its own needs background scans (e.g. "simple:2:-40:10":
        # every 2 s below -40 dBm, every 10 s above; the lab's -50..-30 dBm).
        [[ -z ${LAB_WPA_BGSCAN:-} ]] || printf '  bgscan="%s"\n' "$LAB_WPA_BGSCAN"
        # Open only when a lab AP serves the SSID without wpa= (or wpa=0).
        if [[ -z $served || (-n $wpa && $wpa != 0) ]]; then
            printf '  key_mgmt=%s\n  psk="%s"\n' "${key_mgmt:-WPA-PSK}" "${psk:-$LAB_PASSPHRASE}"
            [[ -z $pmf ]] || printf '  ieee80211w=%s\n' "$pmf"
        else
            printf '  key_mgmt=NONE\n'
        fi
        printf '}\n'
    } >"$dir/wpa_supplicant.conf"

    echo "$stack" >"$dir/stack"
    local journal=0 with=''
    if [[ $stack != wpa || $LAB_JOURNAL == 1 ]]; then
        journal=1 with=', with a journal'
    fi
    # The security settings above (served, wpa, key_mgmt, psk, pmf, freqs)
    # are locals the stack functions below read (bash's dynamic scope).
    lab_log "client: $iface ($phy) in netns client, joining '$ssid' (stack $stack$with)"
    ((journal == 0)) || _lab_stack_start "$stack" "$iface" "$ssid" || return 1
    case $stack in
    wpa) _lab_client_wpa "$iface" "$ssid" "$dir" "$log" "$journal" || return 1 ;;
    nm) _lab_client_nm "$iface" "$ssid" || return 1 ;;
    iwd) _lab_client_iwd "$iface" "$ssid" || return 1 ;;
    esac
    lab_log "client: $iface associated: $(in_client iw dev "$iface" link | head -n1)"
    echo "$iface"
}

_lab_client_wpa() {
    local iface=$1 ssid=$2 dir=$3 log=$4 journal=$5
    local -a run=(in_client) logto=(-f "$log")
    # With a journal wpa_supplicant runs inside the laptop's namespace and
    # logs to syslog (-s), as a distribution's unit does.
    ((journal == 0)) || run=(lab_stack_exec) logto=(-s)
    if ! "${run[@]}" wpa_supplicant -B -t -D nl80211 -i "$iface" -c "$dir/wpa_supplicant.conf" \
        -P "$dir/pid" "${logto[@]}" >&2; then
        _lab_fail "lab_client: wpa_supplicant failed to start on $iface"
        _lab_tail "$log"
        return 1
    fi
    if ! lab_wait_for 90 _lab_wpa_completed "$iface"; then
        _lab_fail "lab_client: $iface did not associate with '$ssid' (wpa_state=$(_lab_wpa_state "$iface"))"
        _lab_tail "$log"
        return 1
    fi
    _lab_client_address "$iface"
}

# Static address and default route for the stacks that do not set them.
_lab_client_address() {
    local iface=$1
    {
        in_client ip addr add "$LAB_CLIENT_IP/24" dev "$iface" &&
            in_client ip route add default via "$LAB_GATEWAY_IP"
    } >&2 || {
        _lab_fail "lab_client: configuring $LAB_CLIENT_IP on $iface failed"
        return 1
    }
}

# True when the lab's AP for the SSID is open (reads lab_client's locals).
_lab_client_open() { [[ -n $served && (-z $wpa || $wpa == 0) ]]; }

# --- the laptop's own system: journal, D-Bus, NetworkManager / iwd -------------------

# Writes the stack's configuration into $LAB_STATE/stack, starts stack-init
# (PID 1 of a new PID+mount namespace inside netns client) and waits until
# its services are up. Reads lab_client's security locals.
_lab_stack_start() {
    local stack=$1 iface=$2 ssid=$3 sdir="$LAB_STATE/stack"
    mkdir -p "$sdir"
    echo "$iface" >"$sdir/iface"
    case $stack in
    nm) _lab_nm_config "$sdir" "$iface" "$ssid" || return 1 ;;
    iwd) _lab_iwd_config "$sdir" "$ssid" || return 1 ;;
    esac
    local init="${LAB_LIB%/*}/stack-init" log=/tmp/stack-init.log
    ip netns exec client unshare --pid --fork --mount-proc "$init" "$stack" "$sdir" >>"$log" 2>&1 &
    echo $! >"$sdir/unshare.pid"
    if ! lab_wait_for 120 _lab_stack_ready "$sdir"; then
        _lab_fail "lab_client: the $stack stack did not come up: $(cat "$sdir/failed" 2>/dev/null)"
        _lab_tail "$log"
        return 1
    fi
    # The namespace's PID 1 as the guest sees it: unshare's only child.
    local upid
    upid=$(<"$sdir/unshare.pid")
    local child
    child=$(<"/proc/$upid/task/$upid/children")
    child=${child%% *}
    [[ -n $child ]] || {
        _lab_fail "lab_client: cannot find the stack's PID 1 (child of $upid)"
        return 1
    }
    echo "$child" >"$sdir/pid1"
    lab_log "client: $stack stack up (namespace PID 1 = $child)"
}

_lab_stack_ready() {
    [[ ! -e $1/failed ]] || return 0 # stop waiting; the caller sees failed
    [[ -e $1/ready ]]
}

# lab_stack_exec CMD...: runs CMD inside the client laptop's own system (its
# network, PID and mount namespaces: the one where journald, D-Bus and
# NetworkManager/iwd run), e.g. `lab_stack_exec nmcli device`. Needs a
# client with a stack (nm, iwd, or wpa with LAB_JOURNAL=1).
lab_stack_exec() {
    local f="$LAB_STATE/stack/pid1"
    [[ -f $f && ! -e $LAB_STATE/stack/failed ]] || {
        _lab_fail "lab_stack_exec: the client has no stack namespace (LAB_STACK=nm|iwd or LAB_JOURNAL=1)"
        return 1
    }
    # -r/-w: entering a mount namespace resets root and cwd to the
    # namespace's own root (the initramfs); the stack lives in the chroot.
    nsenter -t "$(<"$f")" -n -m -p -r -w -- "$@"
}

# lab_journal [JOURNALCTL-ARGS...]: the client's journal (journalctl
# --no-pager run inside the laptop's namespace), e.g. `lab_journal -k -o json`.
lab_journal() { lab_stack_exec journalctl --no-pager "$@"; }

# lab_client_stop: stops the client's connection manager and its whole
# stack (NetworkManager/iwd/wpa_supplicant, D-Bus, udevd, journald), waits
# until none of its processes is left, and removes the client: its radio
# goes back to the root netns (still claimed), netns client is deleted, and
# a later lab_client makes a new laptop from the next free radio. The
# journal files stay in /run/log/journal (journalctl -D reads them).
lab_client_stop() {
    local sdir="$LAB_STATE/stack" dir="$LAB_STATE/client"
    if [[ -f $sdir/pid1 ]]; then
        local pid1 upid
        pid1=$(<"$sdir/pid1") upid=$(<"$sdir/unshare.pid")
        lab_log "client: stopping the $(<"$dir/stack") stack"
        kill -TERM "$pid1" 2>/dev/null || true
        # PID 1 gone = the kernel has killed the rest of the namespace.
        if ! lab_wait_for 20 _lab_gone "$upid"; then
            _lab_fail "lab_client_stop: the stack's namespace (PID 1 $pid1) did not end"
            return 1
        fi
        rm -f "$sdir/pid1"
    elif [[ -f $dir/pid ]]; then
        lab_log "client: stopping wpa_supplicant"
        local pid
        pid=$(<"$dir/pid")
        kill -TERM "$pid" 2>/dev/null || true
        lab_wait_for 10 _lab_gone "$pid" || return 1
    fi
    [[ -f $dir/phy ]] || return 0
    {
        in_client iw phy "$(<"$dir/phy")" set netns 1 &&
            ip netns del client &&
            rm -rf "$dir" "$sdir"
    } >&2 || {
        _lab_fail "lab_client_stop: could not remove the client"
        return 1
    }
}

_lab_gone() { ! kill -0 "$1" 2>/dev/null; }

# NetworkManager: only the client radio managed, a keyfile profile with a
# static address, the connectivity check aimed at the lab's server.
_lab_nm_config() {
    local sdir=$1 iface=$2 ssid=$3 port=''
    mkdir -p "$sdir/connections"
    [[ -f $LAB_STATE/server/port ]] && port=$(<"$LAB_STATE/server/port")
    {
        printf '[main]\nplugins=keyfile\ndns=none\nrc-manager=unmanaged\nhostname-mode=none\n'
        printf 'auth-polkit=false\n'
        printf '[keyfile]\npath=%s\nunmanaged-devices=except:interface-name:%s\n' "$sdir/connections" "$iface"
        printf '[logging]\nlevel=INFO\n'
        printf '[device]\nwifi.scan-rand-mac-address=no\n'
        if [[ -n $port ]]; then
            # NM GETs this URI and expects a body starting with "response".
            # LAB_NM_CONNECTIVITY_INTERVAL: seconds between checks (NM's
            # default is 300; the lab's 60; a scenario that needs NM to
            # notice a short outage sets a few seconds).
            printf '[connectivity]\nenabled=true\nuri=http://%s:%s/\nresponse=EMR OK\ninterval=%s\n' \
                "$LAB_SERVER_IP" "$port" "${LAB_NM_CONNECTIVITY_INTERVAL:-60}"
        else
            printf '[connectivity]\nenabled=false\n'
        fi
    } >"$sdir/NetworkManager.conf"
    local f="$sdir/connections/lab-client.nmconnection"
    {
        printf '[connection]\nid=lab-client\ntype=wifi\ninterface-name=%s\nautoconnect=true\n' "$iface"
        printf '[wifi]\nmode=infrastructure\nssid=%s\n' "$ssid"
        if ! _lab_client_open; then
            case ${key_mgmt:-WPA-PSK} in
            SAE) printf '[wifi-security]\nkey-mgmt=sae\npsk=%s\n' "${psk:-$LAB_PASSPHRASE}" ;;
            *) printf '[wifi-security]\nkey-mgmt=wpa-psk\npsk=%s\n' "${psk:-$LAB_PASSPHRASE}" ;;
            esac
        fi
        printf '[ipv4]\nmethod=manual\naddress1=%s/24,%s\n' "$LAB_CLIENT_IP" "$LAB_GATEWAY_IP"
        printf '[ipv6]\nmethod=ignore\n'
    } >"$f"
    # NetworkManager ignores a keyfile others could read.
    chmod 0600 "$f"
}

_lab_nm_state() { # IFACE -> the device's GENERAL.STATE number (100 = connected)
    local out
    out=$(lab_stack_exec nmcli -t -f GENERAL.STATE device show "$1" 2>/dev/null) || return 1
    out=${out#GENERAL.STATE:}
    printf '%s\n' "${out%% *}"
}
_lab_nm_connected() { [[ $(_lab_nm_state "$1") == 100 ]]; }

_lab_client_nm() {
    local iface=$1 ssid=$2 deadline=$((SECONDS + 150)) next=$((SECONDS + 30)) state
    # Under TCG NetworkManager's first scan takes several seconds; it then
    # activates the profile by itself (autoconnect). Under load the AP's
    # 4-way handshake can time out (reason 15); NetworkManager then asks a
    # secret agent for a new key, finds none (no desktop here), marks the
    # activation failed and stops autoconnecting: bring the profile up
    # again, as a user would, when it sits disconnected (30).
    until _lab_nm_connected "$iface" || ((SECONDS >= deadline)); do
        state=$(_lab_nm_state "$iface")
        if ((SECONDS >= next)) && [[ $state == 30 ]]; then
            lab_log "client: NetworkManager left $iface disconnected; nmcli connection up lab-client"
            lab_stack_exec timeout 60 nmcli --wait 50 connection up lab-client >&2 || true
            next=$((SECONDS + 20))
        fi
        sleep 1
    done
    if ! _lab_nm_connected "$iface"; then
        _lab_fail "lab_client: NetworkManager did not connect $iface to '$ssid' in 150 s (state $(_lab_nm_state "$iface"))"
        lab_stack_exec nmcli device >&2 || true
        lab_journal -n 40 >&2 || true
        return 1
    fi
}

# iwd: alone on the radio, the real interface kept (DefaultInterface), no
# network configuration of its own (the lab adds the address), the known
# network SSID.psk (or .open), copied by stack-init into /var/lib/iwd.
_lab_iwd_config() {
    local sdir=$1 ssid=$2
    mkdir -p "$sdir/iwd"
    {
        printf '[General]\nEnableNetworkConfiguration=false\nAddressRandomization=disabled\n'
        [[ -z ${LAB_IWD_ROAM_THRESHOLD:-} ]] ||
            printf 'RoamThreshold=%s\nRoamThreshold5G=%s\n' "$LAB_IWD_ROAM_THRESHOLD" "$LAB_IWD_ROAM_THRESHOLD"
        # Keep the kernel's wlanN instead of deleting it and creating another.
        printf '[DriverQuirks]\nDefaultInterface=*\n'
        # Under TCG an AP can answer an authentication late; iwd then bans
        # that BSS for 60 s (its default), longer than a scenario waits for
        # the reconnect to the only AP left. 5 s, then the usual backoff.
        printf '[Blacklist]\nInitialTimeout=5\n'
    } >"$sdir/iwd/main.conf"
    if _lab_client_open; then
        printf '[Settings]\nAutoConnect=true\n' >"$sdir/iwd/$ssid.open"
    else
        printf '[Security]\nPassphrase=%s\n[Settings]\nAutoConnect=true\n' "${psk:-$LAB_PASSPHRASE}" \
            >"$sdir/iwd/$ssid.psk"
    fi
}

_lab_iwd_state() { # IFACE -> iwd's station State (connected, disconnected, ...)
    local line
    while IFS= read -r line; do
        line=$(printf '%s' "$line" | sed 's/\x1b\[[0-9;]*m//g')
        if [[ $line =~ ^[[:space:]]*State[[:space:]]+([a-z]+) ]]; then
            printf '%s\n' "${BASH_REMATCH[1]}"
            return 0
        fi
    done < <(lab_stack_exec iwctl station "$1" show 2>/dev/null)
    return 1
}
_lab_iwd_connected() { [[ $(_lab_iwd_state "$1") == connected ]]; }

_lab_client_iwd() {
    local iface=$1 ssid=$2 deadline=$((SECONDS + 120)) next=0
    lab_wait_for 30 _lab_iwd_state "$iface" || {
        _lab_fail "lab_client: iwd does not show station $iface"
        lab_journal -n 40 >&2 || true
        return 1
    }
    # iwd autoconnects to a known network after its own scan; ask it once in
    # a while in case that scan ran before the AP was heard.
    until _lab_iwd_connected "$iface"; do
        if ((SECONDS >= deadline)); then
            _lab_fail "lab_client: iwd did not connect $iface to '$ssid' (state $(_lab_iwd_state "$iface"))"
            lab_stack_exec iwctl station "$iface" show >&2 || true
            lab_journal -n 40 >&2 || true
            return 1
        fi
        if ((SECONDS >= next)) && [[ $(_lab_iwd_state "$iface") == disconnected ]]; then
            local -a pass=()
            _lab_client_open || pass=(--passphrase "${psk:-$LAB_PASSPHRASE}")
            lab_stack_exec timeout 30 iwctl --dont-ask "${pass[@]}" station "$iface" connect "$ssid" \
                </dev/null >&2 || true
            next=$((SECONDS + 15))
        fi
        sleep 1
    done
    _lab_client_address "$iface"
}

# lab_client_iface: prints the client's interface name.
lab_client_iface() {
    [[ -f $LAB_STATE/client/iface ]] || {
        _lab_fail "no client yet (call lab_client)"
        return 1
    }
    cat "$LAB_STATE/client/iface"
}

# lab_client_tcp HOST PORT: succeeds when a TCP connection from the client
# netns to HOST:PORT is accepted within 5 s. Prints nothing.
lab_client_tcp() {
    # shellcheck disable=SC2016 # $1/$2 expand in the inner bash
    in_client timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' lab-tcp "${1:?HOST}" "${2:?PORT}" 2>/dev/null
}

# lab_client_get HOST PORT [PATH]: an HTTP/1.0 GET from the client netns
# (bash /dev/tcp, 5 s limit); prints the response body, fails when the
# connection fails or the status is not 200. (busybox wget crashes in the
# guest, hence plain bash.)
lab_client_get() {
    local host=${1:?lab_client_get HOST PORT [PATH]} port=${2:?PORT} path=${3:-/}
    # shellcheck disable=SC2016 # "$@" expands in the inner bash
    in_client timeout 5 bash -c "$(declare -f _lab_http_get)"'; _lab_http_get "$@"' \
        lab-get "$host" "$port" "$path"
}

# HOST PORT PATH: the GET itself; shipped into the netns by lab_client_get.
_lab_http_get() {
    local status line
    exec 3<>"/dev/tcp/$1/$2" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3
    IFS= read -r status <&3 || return 1
    [[ $status == *" 200 "* ]] || {
        echo "lab: HTTP status from $1:$2: $status" >&2
        return 1
    }
    while IFS= read -r line <&3; do # skip the headers
        [[ -n ${line%$'\r'} ]] || break
    done
    cat <&3
}

# --- the EMR server ---------------------------------------------------------------------

_lab_server_listening() {
    # shellcheck disable=SC2016 # $1/$2 expand in the inner bash
    ip netns exec server timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' lab-tcp "$LAB_SERVER_IP" "$1" 2>/dev/null
}

_lab_server_closed() { ! _lab_server_listening "$1"; }

_lab_server_start() {
    local port=$1 dir="$LAB_STATE/server" log=/tmp/server.log
    # busybox httpd: in every Debian with busybox-static, serves many
    # connections, and answers a GET with a body a test can check.
    ip netns exec server busybox httpd -f -p "$LAB_SERVER_IP:$port" -h "$dir/www" >>"$log" 2>&1 &
    echo $! >"$dir/pid"
    if ! lab_wait_for 10 _lab_server_listening "$port"; then
        _lab_fail "lab_server: nothing listens on $LAB_SERVER_IP:$port"
        _lab_tail "$log"
        return 1
    fi
}

# lab_server PORT: the clinic's "EMR server", an HTTP server (busybox httpd)
# on 10.77.1.10:PORT in netns "server", reachable only through the gateway.
# GET / answers "EMR OK" (see lab_client_get). Waits until it accepts
# connections. Prints nothing.
lab_server() {
    local port=${1:?lab_server PORT} dir="$LAB_STATE/server"
    [[ ! -e $dir ]] || {
        _lab_fail "lab_server: the server exists already"
        return 1
    }
    lab_lan || return 1
    mkdir -p "$dir/www"
    echo "EMR OK" >"$dir/www/index.html"
    echo "$port" >"$dir/port"
    lab_log "server: $LAB_SERVER_IP:$port"
    _lab_server_start "$port"
}

# lab_server_down: stops the server process (the host stays up: connections
# are refused). Waits until the port is closed.
lab_server_down() {
    local dir="$LAB_STATE/server" port
    [[ -f $dir/pid ]] || {
        _lab_fail "lab_server_down: no server running"
        return 1
    }
    port=$(<"$dir/port")
    lab_log "server: down"
    kill "$(<"$dir/pid")" 2>/dev/null || true
    rm -f "$dir/pid"
    lab_wait_for 10 _lab_server_closed "$port" || return 1
}

# lab_server_up: restarts the server on its port and waits until it listens.
lab_server_up() {
    local dir="$LAB_STATE/server"
    [[ -f $dir/port ]] || {
        _lab_fail "lab_server_up: lab_server was never called"
        return 1
    }
    lab_log "server: up"
    _lab_server_start "$(<"$dir/port")"
}

# --- the internet's check site and a captive portal -------------------------------

# lab_check_site ADDR: "the internet" as a connectivity check sees it: an
# HTTP server (python3) in netns gw on ADDR:80 (added to the gateway's LAN
# side) that answers every GET as NetworkManager's check URL does, 200 with
# "NetworkManager is online". After `lab_portal on` it answers as a captive
# portal: 302 to http://portal.clinic.lan/login?mac=... . Map the check
# URL's name to ADDR with lab_dns. Waits until it listens. Prints nothing.
lab_check_site() {
    local addr=${1:?lab_check_site ADDR} log=/tmp/check-site.log
    lab_lan || return 1
    ip -n gw addr add "$addr/24" dev lan0 >&2 || {
        _lab_fail "lab_check_site: could not add $addr to the gateway's LAN side"
        return 1
    }
    echo online >"$LAB_STATE/portal-mode"
    cat >"$LAB_STATE/check-site.py" <<'PY'
import http.server, sys
MODE = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if open(MODE).read().strip() == "portal":
            self.send_response(302)
            self.send_header("Location", "http://portal.clinic.lan/login?mac=02:00:00:00:02:00&token=s3cret")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"NetworkManager is online\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, fmt, *args):
        sys.stderr.write("check-site: " + (fmt % args) + "\n")
http.server.HTTPServer((sys.argv[1], 80), H).serve_forever()
PY
    ip netns exec gw python3 "$LAB_STATE/check-site.py" "$addr" "$LAB_STATE/portal-mode" >>"$log" 2>&1 &
    lab_log "check site: http://$addr/ (the internet's connectivity check)"
    if ! lab_wait_for 10 ip netns exec gw sh -c "ss -Hltn | grep -q '$addr:80 '"; then
        _lab_fail "lab_check_site: nothing listens on $addr:80"
        _lab_tail "$log"
        return 1
    fi
}

# lab_portal on|off: a captive portal at the gateway. On: the check site
# redirects to the portal's login page and the gateway forwards nothing
# from the clinic's LAN (the servers behind it are held until sign-in);
# the gateway itself still answers ping and DNS. Off: all as before.
lab_portal() {
    case ${1:?lab_portal on|off} in
    on)
        echo portal >"$LAB_STATE/portal-mode"
        ip netns exec gw nft -f - <<'NFT' || { _lab_fail "lab_portal: nft failed"; return 1; }
table inet portal {
    chain forward {
        type filter hook forward priority 0; policy accept;
        iifname "lan0" drop
    }
}
NFT
        ;;
    off)
        echo online >"$LAB_STATE/portal-mode"
        ip netns exec gw nft delete table inet portal 2>/dev/null || true
        ;;
    *)
        _lab_fail "lab_portal: on or off"
        return 1
        ;;
    esac
    lab_log "portal: $1"
}

# --- DNS ------------------------------------------------------------------------------

# lab_dns ADDR [NAME=IP...]: a DNS server (dnsmasq, the one in many
# routers) in netns gw on ADDR (10.77.0.x: added to the gateway's LAN side
# when it is not the gateway's own). It answers each NAME with its IP and
# NXDOMAIN for every other name under .lan, and forwards nothing. Waits until
# it answers. Log /tmp/dnsmasq-ADDR.log.
lab_dns() {
    local addr=${1:?lab_dns ADDR [NAME=IP...]} pair
    shift
    lab_lan || return 1
    if [[ $addr != "$LAB_GATEWAY_IP" ]]; then
        ip -n gw addr add "$addr/24" dev lan0 >&2 || {
            _lab_fail "lab_dns: could not add $addr to the gateway's LAN side"
            return 1
        }
    fi
    local -a records=()
    for pair in "$@"; do
        records+=("--address=/${pair%%=*}/${pair#*=}")
    done
    local log="/tmp/dnsmasq-$addr.log"
    ip netns exec gw dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --bind-interfaces --listen-address="$addr" --port=53 --user=root --local=/lan/ \
        --pid-file="$LAB_STATE/dnsmasq-$addr.pid" --log-queries --log-facility="$log" \
        "${records[@]}" >>"$log" 2>&1 &
    lab_log "dns: $addr ${*:-(knows no name)}"
    if ! lab_wait_for 10 ip netns exec gw sh -c "ss -Hlun | grep -q '$addr:53 '"; then
        _lab_fail "lab_dns: dnsmasq does not listen on $addr:53"
        _lab_tail "$log"
        return 1
    fi
}

# lab_resolv ADDR: the laptop's DNS server from now on (the file
# in_client_dns mounts over /etc/resolv.conf). Prints nothing.
lab_resolv() {
    printf 'nameserver %s\noptions timeout:1 attempts:1\n' "${1:?lab_resolv ADDR}" >"$LAB_STATE/resolv.conf"
    lab_log "client: DNS server ${1}"
}

# in_client_dns CMD...: like in_client, with the lab_resolv file as
# /etc/resolv.conf (bound in a mount namespace of its own: the shared root is
# read-only, and a symlinked resolv.conf gets its target created first).
in_client_dns() {
    [[ -f $LAB_STATE/resolv.conf ]] || {
        _lab_fail "in_client_dns: call lab_resolv first"
        return 1
    }
    # shellcheck disable=SC2016
    ip netns exec client unshare -m sh -c '
        target=/etc/resolv.conf
        if [ -L "$target" ]; then
            target=$(readlink -f /etc/resolv.conf)
            mkdir -p "$(dirname "$target")" && touch "$target"
        fi
        mount --bind "$1" "$target" && shift && exec "$@"' sh "$LAB_STATE/resolv.conf" "$@"
}

# --- the gateway -------------------------------------------------------------------------

# lab_gateway_down: the gateway vanishes from the LAN (its LAN-side link goes
# down) while Wi-Fi stays associated: 10.77.0.1 and the server become
# unreachable from the client.
lab_gateway_down() {
    lab_lan || return 1
    lab_log "gateway: down"
    ip -n gw link set lan0 down >&2 || {
        _lab_fail "lab_gateway_down: could not take gw/lan0 down"
        return 1
    }
}

# lab_gateway_up: brings the gateway back (its routes return with the link).
lab_gateway_up() {
    lab_lan || return 1
    lab_log "gateway: up"
    ip -n gw link set lan0 up >&2 || {
        _lab_fail "lab_gateway_up: could not bring gw/lan0 up"
        return 1
    }
}
