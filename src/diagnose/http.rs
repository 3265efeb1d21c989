//! The captive-portal check's HTTP, pure: the connectivity-check URL, the
//! one request sent to it, the reply as parsed by `httparse`, and whether
//! the reply is the expected one.
//!
//! The check works the way NetworkManager's connectivity check does (and
//! takes the same two settings, `uri` and `response`): a plain-HTTP GET of
//! a URL whose answer is known. An answer that is not the known one, a
//! redirect above all, comes from something between the laptop and the
//! internet that intercepts web traffic: a captive portal (a guest Wi-Fi's
//! login page, a hotel's, a clinic's guest network joined by mistake).
//!
//! No socket here: [`super::probes::http_get`] sends [`request`] and hands
//! the bytes to [`parse_reply`].

use std::fmt;

/// The URL checked when none is given: NetworkManager's upstream default,
/// which answers `200` with [`DEFAULT_RESPONSE`] as its body.
pub const DEFAULT_URL: &str = "http://nmcheck.gnome.org/check_network_status.txt";

/// What [`DEFAULT_URL`] answers.
pub const DEFAULT_RESPONSE: &str = "NetworkManager is online";

/// At most this much of a reply is read (a portal's login page can be big;
/// the verdict needs the status line, `Location` and the body's start).
pub const MAX_REPLY_BYTES: usize = 16 * 1024;

/// An `http://` URL: the check is plain HTTP on purpose (a portal cannot
/// intercept TLS without breaking it, so it would only show as an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    pub host: String,
    pub port: u16,
    /// Starts with `/`.
    pub path: String,
}

impl HttpUrl {
    /// Parses `http://HOST[:PORT][/PATH]` (an IPv6 host in brackets). No
    /// user info, no fragment; the path is sent as given, query included.
    pub fn parse(s: &str) -> Result<HttpUrl, String> {
        let rest = match s.get(..7) {
            Some(scheme) if scheme.eq_ignore_ascii_case("http://") => &s[7..],
            _ => {
                return Err(format!(
                    "{s:?}: the portal check needs an http:// URL (a portal cannot answer for \
                     https)"
                ))
            }
        };
        if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(format!("{s:?}: a URL has no spaces or control characters"));
        }
        if s.len() > 2048 {
            return Err("the URL is longer than 2048 characters".into());
        }
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], rest[i..].to_string()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_string()),
        };
        if path.contains('#') {
            return Err(format!("{s:?}: a fragment (#...) is not sent to a server"));
        }
        if authority.contains('@') {
            return Err(format!("{s:?}: no user or password in the URL"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| format!("{s:?}: an IPv6 host needs its closing ]"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| format!("{s:?}: unexpected {p:?} after the host"))?,
                ),
            };
            h.parse::<std::net::Ipv6Addr>()
                .map_err(|_| format!("{s:?}: {h:?} is not an IPv6 address"))?;
            (h.to_string(), port)
        } else {
            let (h, p) = match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            if !h
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
            {
                return Err(format!(
                    "{s:?}: {h:?} is not a host name (an IPv6 address goes in brackets)"
                ));
            }
            (h.to_string(), p)
        };
        if host.is_empty() {
            return Err(format!("{s:?}: no host in the URL"));
        }
        let port = match port {
            None => 80,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|&p| p != 0)
                .ok_or_else(|| format!("{s:?}: {p:?} is not a port"))?,
        };
        Ok(HttpUrl { host, port, path })
    }

    /// The `Host` header's value.
    fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == 80 {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}{}", self.host_header(), self.path)
    }
}

/// The one request: a GET that asks for no cache and no keep-alive.
pub fn request(url: &HttpUrl) -> Vec<u8> {
    format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: wifidiag/{}\r\nAccept: */*\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
        url.path,
        url.host_header(),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

/// A parsed reply: what the verdict needs of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    /// The `Location` header, as sent (a redirect's target).
    pub location: Option<String>,
    /// The body read (at most up to [`MAX_REPLY_BYTES`] with the head).
    pub body: Vec<u8>,
}

impl HttpReply {
    /// The host a redirect points to (`portal.example` of
    /// `https://portal.example/login?mac=…`): only the host, since a
    /// portal's query string often carries the laptop's MAC address or a
    /// session token.
    pub fn location_host(&self) -> Option<String> {
        let loc = self.location.as_deref()?;
        let rest = loc.split_once("://").map_or(loc, |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or("")
        } else {
            authority.split(':').next().unwrap_or("")
        };
        let host: String = host
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
            .take(253)
            .collect();
        (!host.is_empty()).then_some(host)
    }
}

/// Parses what the server sent so far: `Ok(None)` while the head is not
/// complete, an error when it is not HTTP.
pub fn parse_reply(bytes: &[u8]) -> Result<Option<HttpReply>, String> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let head_len = match response.parse(bytes) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("not an HTTP reply ({e})")),
    };
    let status = response.code.unwrap_or(0);
    let location = response
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("location"))
        .map(|h| String::from_utf8_lossy(h.value).into_owned());
    let content_length = content_length(response.headers);
    let mut body = bytes[head_len..].to_vec();
    if let Some(n) = content_length {
        body.truncate(n);
    }
    Ok(Some(HttpReply {
        status,
        location,
        body,
    }))
}

/// Whether a reply's body is complete enough to judge: all of it arrived
/// (per `Content-Length`), or the connection was closed.
pub fn reply_is_whole(bytes: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let Ok(httparse::Status::Complete(head_len)) = response.parse(bytes) else {
        return false;
    };
    let status = response.code.unwrap_or(0);
    if status == 204 || status == 304 || (100..200).contains(&status) {
        return true;
    }
    content_length(response.headers).is_some_and(|n| bytes.len() - head_len >= n)
}

/// The `Content-Length` header's value, when it is a number.
fn content_length(headers: &[httparse::Header<'_>]) -> Option<usize> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| {
            std::str::from_utf8(h.value)
                .ok()?
                .trim()
                .parse::<usize>()
                .ok()
        })
}

/// How a reply compares with the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// The known answer: nothing intercepts web traffic.
    Expected,
    /// A redirect, `511 Network Authentication Required`, or a `200` whose
    /// body is not the expected one: a captive portal.
    Portal,
    /// Anything else (`403` of a web filter, `407` of a proxy, a `5xx`):
    /// something in between, not a login page.
    Other,
}

/// Judges a reply against `response` with NetworkManager's rule: a
/// non-empty `response` must begin the body of a `2xx` reply; an empty one
/// means the server answers `204`, or a `2xx` with no body.
pub fn judge(reply: &HttpReply, response: &str) -> Judged {
    let success = (200..300).contains(&reply.status);
    let expected = if response.is_empty() {
        reply.status == 204 || (success && reply.body.is_empty())
    } else {
        success && reply.body.starts_with(response.as_bytes())
    };
    if expected {
        Judged::Expected
    } else if (300..400).contains(&reply.status) || reply.status == 511 || success {
        Judged::Portal
    } else {
        Judged::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_into_host_port_and_path() {
        let u = HttpUrl::parse(DEFAULT_URL).unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("nmcheck.gnome.org", 80, "/check_network_status.txt")
        );
        assert_eq!(u.to_string(), DEFAULT_URL);
        let u = HttpUrl::parse("HTTP://10.0.0.1:8080").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("10.0.0.1", 8080, "/")
        );
        let u = HttpUrl::parse("http://[fd00::1]:81/a?b=c").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("fd00::1", 81, "/a?b=c")
        );
        assert_eq!(u.to_string(), "http://[fd00::1]:81/a?b=c");
        let u = HttpUrl::parse("http://check.example?x").unwrap();
        assert_eq!(u.path, "/?x");
        for bad in [
            "https://nmcheck.gnome.org/",
            "nmcheck.gnome.org",
            "http://",
            "http://:80/",
            "http://a b/",
            "http://host:0/",
            "http://host:99999/",
            "http://user:pw@host/",
            "http://host/#frag",
            "http://[fd00::1/",
            "http://[zz]/",
            "http://fd00::1/",
            "HTTP://10.0u00:::::8080/a?.0.1",
            "http://ho\u{1b}st/",
            "http://host\r\nX-Injected: 1/",
            "ftp://host/",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_request_is_one_get_without_keep_alive() {
        let u = HttpUrl::parse("http://check.example:8080/x?y").unwrap();
        let r = String::from_utf8(request(&u)).unwrap();
        assert!(
            r.starts_with("GET /x?y HTTP/1.1\r\nHost: check.example:8080\r\n"),
            "{r}"
        );
        assert!(r.contains("\r\nConnection: close\r\n"), "{r}");
        assert!(r.ends_with("\r\n\r\n"), "{r}");
        let u = HttpUrl::parse("http://[fd00::1]/").unwrap();
        let r = String::from_utf8(request(&u)).unwrap();
        assert!(r.contains("\r\nHost: [fd00::1]\r\n"), "{r}");
    }

    fn reply(status: u16, location: Option<&str>, body: &str) -> HttpReply {
        HttpReply {
            status,
            location: location.map(str::to_string),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replies_are_parsed_with_status_location_and_body() {
        let raw = b"HTTP/1.1 302 Found\r\nLocation: https://portal.example/login?mac=02:00:00:00:02:00\r\nContent-Length: 5\r\n\r\nhello, and more";
        let r = parse_reply(raw).unwrap().unwrap();
        assert_eq!(r.status, 302);
        assert_eq!(r.body, b"hello");
        assert_eq!(r.location_host().as_deref(), Some("portal.example"));
        assert!(reply_is_whole(raw));
        assert_eq!(parse_reply(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap(), None);
        assert!(!reply_is_whole(
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
        ));
        assert!(reply_is_whole(b"HTTP/1.1 204 No Content\r\n\r\n"));
        assert!(parse_reply(b"SSH-2.0-OpenSSH_9.2\r\n").is_err());
        assert!(parse_reply(&[0xff; 64]).is_err());
    }

    #[test]
    fn a_redirects_host_leaves_out_query_user_and_port() {
        for (loc, host) in [
            (
                "http://user:pw@portal.example:8080/x?mac=aa",
                Some("portal.example"),
            ),
            ("https://[fd00::1]:443/", Some("fd00::1")),
            ("/login?mac=02:00:00:00:02:00", None),
            ("portal.example/login", Some("portal.example")),
            ("http://bad\u{1b}]0;title\u{7}host/", Some("bad0titlehost")),
        ] {
            assert_eq!(
                reply(302, Some(loc), "").location_host().as_deref(),
                host,
                "{loc:?}"
            );
        }
    }

    #[test]
    fn replies_are_judged_the_way_networkmanager_judges_them() {
        use Judged::*;
        let table = [
            (
                reply(200, None, "NetworkManager is online\n"),
                DEFAULT_RESPONSE,
                Expected,
            ),
            (
                reply(200, None, "<html>Please log in</html>"),
                DEFAULT_RESPONSE,
                Portal,
            ),
            (
                reply(302, Some("http://portal/"), ""),
                DEFAULT_RESPONSE,
                Portal,
            ),
            (reply(307, None, ""), DEFAULT_RESPONSE, Portal),
            (reply(511, None, "log in"), DEFAULT_RESPONSE, Portal),
            (reply(403, None, "blocked"), DEFAULT_RESPONSE, Other),
            (reply(407, None, ""), DEFAULT_RESPONSE, Other),
            (reply(503, None, ""), DEFAULT_RESPONSE, Other),
            (reply(204, None, ""), "", Expected),
            (reply(200, None, ""), "", Expected),
            (reply(200, None, "<html>login</html>"), "", Portal),
            (reply(302, Some("http://portal/"), ""), "", Portal),
            (reply(204, None, ""), DEFAULT_RESPONSE, Portal),
        ];
        for (r, expect, want) in table {
            assert_eq!(judge(&r, expect), want, "{r:?} against {expect:?}");
        }
    }
}
