# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wifidiag_global_optspecs
    string join \n json redact redact-key= color= h/help V/version
end

function __fish_wifidiag_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wifidiag_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wifidiag_using_subcommand
    set -l cmd (__fish_wifidiag_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wifidiag -n "__fish_wifidiag_needs_command" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_needs_command" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_needs_command" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "diagnose" -d 'Start here: check the link, the radio, the network and the past; one verdict'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "interfaces" -d 'List the wireless interfaces the kernel knows'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "status" -d 'Show how each wireless interface is connected right now'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "scan" -d 'List the networks around: a fresh scan, decoded completely'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "channels" -d 'Rate every channel\'s congestion and recommend the best one per band'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "watch" -d 'Watch Wi-Fi events and reachability; give every outage a verdict'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "report" -d 'Summarise a `watch --log` file: runs, outages by cause, disconnects, patterns'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "history" -d 'What happened before anyone was watching: outages rebuilt from the logs'
complete -c wifidiag -n "__fish_wifidiag_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l target -d 'A server to check, HOST or HOST:PORT (repeat for several; at most 8)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l for -d 'How long to probe (3s..10m)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l since -d 'How far back to read the system\'s logs (same forms as history --since)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l log -d 'Add the outages of these `watch --log` files to the past' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l portal-url -d 'The captive-portal check\'s URL (plain http://), or `none` to skip it' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l portal-response -d 'The body the portal check\'s URL answers with (its start); empty means the URL answers 204 No Content (NetworkManager\'s `response`)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l cached -d 'Use the kernel\'s cached scan instead of scanning (quicker, and the radio never leaves its channel)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand diagnose" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand interfaces" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand interfaces" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand interfaces" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand interfaces" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand interfaces" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand interfaces" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand status" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand status" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand status" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand status" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand status" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l band -d 'Only this band' -r -f -a "2.4\t''
5\t''
6\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l freq -d 'Scan only these frequencies, in MHz (comma-separated or repeated)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l ssid -d 'Only networks with this SSID (exact match)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l timeout -d 'How long to wait for the scan to complete (1s..10m)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l cached -d 'Show the kernel\'s cached results; never trigger a scan'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l passive -d 'Listen only: send no probe requests (finds hidden networks reliably)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand scan" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l samples -d 'Number of surveys to combine (neighbours that come and go count by how often they were heard)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l interval -d 'Pause between surveys (0s..1h)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l ssid -d 'Your own network\'s SSID (default: the SSID the interface is connected to)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l width -d 'Channel width to recommend for' -r -f -a "20\t''
40\t''
80\t''
160\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l from-log -d 'Score from the scans recorded in watch logs instead of scanning' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l timeout -d 'Time allowed for each survey (1s..10m)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l passive -d 'Listen only: send no probe requests (the default now; kept for scripts)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l all -d 'Also print the full per-channel table of every band'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand channels" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l site -d 'A label for the site this laptop is at, written in the log\'s start record (e.g. a clinic\'s name): `report` over many laptops\' logs groups by it (1 to 64 printable characters; redacted by --redact)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l target -d 'A server to probe: HOST or HOST:PORT (TCP) — repeatable' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l targets-file -d 'Read more targets from a file: one `HOST[:PORT]` per line, # comments' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l interval -d 'Time between samples and probe rounds (100ms..1h)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l for -d 'Stop after this long (1s..366d; default: until Ctrl-C or SIGTERM)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l log -d 'Append every event as JSON Lines to FILE (cron-safe; no symlinks or directories others can modify in its path; locks FILE.lock)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l metrics-file -d 'Keep FILE up to date in the Prometheus text format, for node_exporter\'s textfile collector (replaced atomically; same path rules as --log)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l lock-wait -d 'How long to wait for another watch that holds the --log file (0s..1d)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l fail-after -d 'Consecutive failed probes that open an outage' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l scan-every -d 'Opt-in: trigger a scan this often (costs off-channel time; 10s..1d)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l sample-every -d 'How often a link sample is written out (all are used for verdicts; 0s..1d)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l ping-pong-window -d 'Ping-pong: A→B→A within this window (1s..30m)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l disconnects -d 'Repeated disconnects: this many…' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l disconnect-window -d '…within this window (1s..30m)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l sticky-signal -d 'Sticky client: signal below this (dBm)…' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l sticky-for -d '…for longer than this… (1s..30m)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l sticky-margin -d '…while a same-SSID AP this many dB stronger was in the last scan' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l slow-roam -d 'Slow roam: more than this without an access point (100ms..10m)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -s q -l quiet -d 'Print only outages, roaming patterns and the summary'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand watch" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -l html -d 'Also write the report as one self-contained HTML page to this file: the outages by cause, a timeline chart (signal, probes, outages shaded by cause, disconnects and roams) and the tables; no script, no network, printable. A `wifidiag.diagnose/1` document (`diagnose --json`) given among the FILEs becomes a section of the page (its headline and checks), a `wifidiag.channels/1` one (`channels --json`) a bar chart of the score per channel with the current and the recommended channel; without one, the logs\' own `scan` records (`watch --scan-every`) make that chart, scored as `channels --from-log` scores them. With --redact the whole page is redacted' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -l bundle -d 'Also write everything for a ticket in one archive (.tar.gz): the page, the JSON and text reports, the documents given, the log records around each outage, and a README for the reader. With --redact every file in it is redacted' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand report" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l since -d 'Start of the period: a duration before now (24h, 3d; at most 100y), a local time ("2026-12-03 10:40", 10:40 for today, 2026-12-03) or RFC 3339' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l until -d 'End of the period (same forms as --since)' -r
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l log -d 'Add the outages of these `watch --log` files (their probes tell the gateway, DNS and server apart)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l source -d 'Where to read' -r -f -a "auto\t'The journal if this machine keeps one (or --journal-dir), else syslog, else the kernel ring buffer'
journal\t''
syslog\t''
kmsg\t'The kernel\'s ring buffer (/dev/kmsg): kernel lines only, since boot'"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l journal-dir -d 'Read the journal files in this directory (journalctl --directory), e.g. one copied from the laptop' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l syslog-dir -d 'The directory of the syslog files for --source syslog' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l redact-key -d 'Like --redact, with the key kept in FILE so that pseudonyms are the same in every run (created, mode 0600, when missing)' -r -F
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l color -d 'When to use colour and table styling' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l json -d 'Print one JSON document (versioned schema) instead of a table'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -l redact -d 'Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface identifiers with pseudonyms, in tables, JSON and logs (for support tickets)'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand history" -s V -l version -d 'Print version'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "diagnose" -d 'Start here: check the link, the radio, the network and the past; one verdict'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "interfaces" -d 'List the wireless interfaces the kernel knows'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "status" -d 'Show how each wireless interface is connected right now'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "scan" -d 'List the networks around: a fresh scan, decoded completely'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "channels" -d 'Rate every channel\'s congestion and recommend the best one per band'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "watch" -d 'Watch Wi-Fi events and reachability; give every outage a verdict'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "report" -d 'Summarise a `watch --log` file: runs, outages by cause, disconnects, patterns'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "history" -d 'What happened before anyone was watching: outages rebuilt from the logs'
complete -c wifidiag -n "__fish_wifidiag_using_subcommand help; and not __fish_seen_subcommand_from diagnose interfaces status scan channels watch report history help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
