//! The client's address, as rate limits and audit entries need it.
//!
//! Behind a reverse proxy every request comes from the proxy's address, so
//! the proxy's `X-Forwarded-For` (or `Forwarded`) header names the client.
//! Anyone can send that header, so it is believed only when the connection
//! comes from a proxy the operator listed in `PORTAL_TRUSTED_PROXIES`, and
//! then read from the right: the first address that is not itself a trusted
//! proxy is the client (what a client wrote to the left is ignored).
use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{request::Parts, HeaderMap},
};
use ipnet::IpNet;
use loco_rs::prelude::*;

/// The client's IP address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Parses `PORTAL_TRUSTED_PROXIES`: CIDRs or single addresses, separated by
/// commas or spaces.
///
/// # Errors
/// Names the entry that is neither.
pub fn parse_trusted(list: &str) -> std::result::Result<Vec<IpNet>, String> {
    list.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!(
                        "PORTAL_TRUSTED_PROXIES: {entry:?} is not an address or CIDR \
                         (e.g. 10.0.0.0/8, 127.0.0.1)"
                    )
                })
        })
        .collect()
}

/// The addresses a request passed through, oldest (the client's claim)
/// first: `Forwarded: for=` when present, else `X-Forwarded-For`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let forwarded: Vec<IpAddr> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .flat_map(|element| element.split(';'))
        .filter_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            if !key.trim().eq_ignore_ascii_case("for") {
                return None;
            }
            let value = value.trim().trim_matches('"');
            // `for="[2001:db8::1]:4711"` or `for=192.0.2.60:4711` or a bare address
            let host = value
                .strip_prefix('[')
                .and_then(|v| v.split(']').next())
                .unwrap_or_else(|| {
                    if value.matches(':').count() == 1 {
                        value.split(':').next().unwrap_or(value)
                    } else {
                        value
                    }
                });
            host.parse().ok()
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|ip| ip.trim().parse().ok())
        .collect()
}

/// The client behind `peer`, given the proxies the operator trusts.
#[must_use]
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let chain = forwarded_chain(headers);
    chain
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or_else(|| chain.first())
        .copied()
        .unwrap_or(peer)
}

impl FromRequestParts<AppContext> for ClientIp {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> std::result::Result<Self, Self::Rejection> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, ctx)
            .await
            .map_err(|e| Error::string(&format!("no client address: {e}")))?;
        let settings = crate::settings::Settings::from_context(ctx)?;
        let trusted = parse_trusted(&settings.trusted_proxies).map_err(|e| Error::string(&e))?;
        Ok(Self(resolve(peer.ip(), &parts.headers, &trusted)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let trusted = parse_trusted("10.0.0.0/8, 127.0.0.1").unwrap();
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let xff = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            resolve(proxy, &xff, &trusted),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // a client that is not a proxy cannot claim another address
        assert_eq!(resolve(stranger, &xff, &trusted), stranger);
        // a spoofed left-most entry is ignored: the proxy appended the real one
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.3")]);
        assert_eq!(
            resolve(proxy, &spoofed, &trusted),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let forwarded = headers(&[("forwarded", r#"for="[2001:db8::17]:4711";proto=https"#)]);
        assert_eq!(
            resolve(proxy, &forwarded, &trusted),
            "2001:db8::17".parse::<IpAddr>().unwrap()
        );
        let forwarded = headers(&[("forwarded", "for=192.0.2.60:4711, for=10.0.0.9")]);
        assert_eq!(
            resolve(proxy, &forwarded, &trusted),
            "192.0.2.60".parse::<IpAddr>().unwrap()
        );
        // nothing trusted: the socket address, whatever the headers say
        assert_eq!(resolve(proxy, &xff, &[]), proxy);
        assert!(parse_trusted("10.0.0.0/33").is_err());
    }
}
