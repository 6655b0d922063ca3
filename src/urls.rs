//! Which URLs the app stores and calls.
//!
//! Every stored URL (a workspace's return link, a webhook endpoint) is
//! `https://` (`http://` only where the deployment allows it: development and
//! tests), short, and without credentials, so nothing like `javascript:`
//! ever reaches an `href`. Webhook endpoints are also server-side requests:
//! unless the operator allows private receivers, they must resolve to public
//! addresses only, checked when saved and again on every delivery (by the
//! delivery client's resolver, so a DNS answer that changes in between
//! cannot point a delivery at the server's own network).
use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use url::Url;

/// Longest URL we store.
pub const MAX_LEN: usize = 2000;

/// What a deployment accepts (`settings:` in the config).
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// `http://` links and endpoints (development and tests only).
    pub allow_http: bool,
    /// Webhook receivers on private, loopback or link-local addresses (an
    /// on-premises receiver).
    pub allow_private: bool,
}

/// A link we may store and show in an `href`; the message says what to fix.
///
/// # Errors
/// A sentence for the form when the URL is not acceptable.
pub fn check_link(raw: &str, policy: Policy) -> Result<Url, &'static str> {
    if raw.len() > MAX_LEN {
        return Err("Enter a URL of up to 2000 characters.");
    }
    if raw.chars().any(char::is_control) || raw.contains(' ') {
        return Err("Enter the URL without spaces or line breaks.");
    }
    let url = Url::parse(raw).map_err(|_| "Enter a full URL starting with https://")?;
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        _ => return Err("Enter a full URL starting with https://"),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("Enter a full URL starting with https://");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Enter the URL without a user name or password.");
    }
    Ok(url)
}

/// The shape check every stored URL passes whatever the deployment (for
/// model validators, which cannot see the settings): http(s), a host, short.
///
/// # Errors
/// A validation error naming what is wrong.
pub fn validate_stored(raw: &str) -> Result<(), validator::ValidationError> {
    check_link(
        raw,
        Policy {
            allow_http: true,
            allow_private: true,
        },
    )
    .map(|_| ())
    .map_err(|message| validator::ValidationError::new("url").with_message(message.into()))
}

/// A webhook endpoint we may save: a link as above whose host resolves to
/// public addresses only (unless the policy allows private ones).
///
/// # Errors
/// A sentence for the form when the URL is not acceptable or does not resolve.
pub async fn check_webhook_target(raw: &str, policy: Policy) -> Result<Url, String> {
    let url = check_link(raw, policy).map_err(str::to_string)?;
    if policy.allow_private {
        return Ok(url);
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = match literal_ip(&url) {
        Some(ip) => vec![SocketAddr::new(ip, port)],
        None => tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| format!("{host} does not resolve: check the address."))?
            .collect(),
    };
    if addrs.is_empty() || !addrs.iter().all(|a| is_public(a.ip())) {
        return Err(
            "This address is on a private or local network: webhooks go only to public \
             receivers."
                .into(),
        );
    }
    Ok(url)
}

/// The IP address a URL names literally (no DNS involved).
#[must_use]
pub fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// An address on the public internet: not loopback, private, link-local,
/// shared (CGNAT), multicast, documentation, benchmarking or reserved.
#[must_use]
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let segments = v6.segments();
            // NAT64 (64:ff9b::/96) embeds an IPv4 address
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let o = v6.octets();
                return is_public_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                || (segments[0] == 0x2001 && segments[1] == 0x0db8)
                || v6 == Ipv6Addr::UNSPECIFIED)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

/// The delivery client's resolver: answers only public addresses, so a
/// receiver's name that resolves to the server's own network at delivery
/// time fails to connect instead of reaching it.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!(
                    "{} resolves only to private or local addresses",
                    name.as_str()
                )
                .into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Installs [`PublicOnlyResolver`] on a client builder unless private
/// receivers are allowed.
pub fn public_only(builder: reqwest::ClientBuilder, policy: Policy) -> reqwest::ClientBuilder {
    if policy.allow_private {
        builder
    } else {
        builder.dns_resolver(Arc::new(PublicOnlyResolver))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRODUCTION: Policy = Policy {
        allow_http: false,
        allow_private: false,
    };

    #[test]
    fn links_are_https_short_and_without_credentials() {
        assert!(check_link("https://acme.example/account", PRODUCTION).is_ok());
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "http://acme.example/",
            "https://user:pass@acme.example/",
            "https://acme.example/\r\nX: y",
            "//acme.example",
            "acme.example",
            "",
        ] {
            assert!(check_link(bad, PRODUCTION).is_err(), "{bad:?} accepted");
        }
        let long = format!("https://acme.example/{}", "a".repeat(5000));
        assert!(check_link(&long, PRODUCTION).is_err());
        let development = Policy {
            allow_http: true,
            ..PRODUCTION
        };
        assert!(check_link("http://localhost:3000/", development).is_ok());
        assert!(check_link("javascript:alert(1)", development).is_err());
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn webhook_targets_on_private_networks_are_refused() {
        for bad in [
            "http://127.0.0.1:9/",
            "https://127.0.0.1:9/",
            "https://[::1]/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.5/hook",
            "https://localhost/hook",
        ] {
            assert!(
                check_webhook_target(bad, PRODUCTION).await.is_err(),
                "{bad} accepted"
            );
        }
        let on_premises = Policy {
            allow_http: true,
            allow_private: true,
        };
        assert!(check_webhook_target("http://127.0.0.1:9/", on_premises)
            .await
            .is_ok());
    }
}
