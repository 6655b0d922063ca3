//! Sending webhook events: Standard Webhooks signatures (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`) and the
//! delivery of an endpoint's due events, oldest first and in order per
//! customer. State lives in `webhook_deliveries`, so nothing is lost when a
//! receiver is down or a worker restarts.
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use hmac::{Hmac, Mac};
use loco_rs::prelude::*;
use serde_json::json;
use sha2::Sha256;

use crate::models::{events, webhook_deliveries, webhook_endpoints};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// `v1,<signature>` of `id.timestamp.body` under an endpoint's `whsec_` secret.
///
/// # Errors
/// When the secret is not `whsec_` + base64.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String> {
    let key = BASE64
        .decode(secret.trim_start_matches("whsec_"))
        .map_err(|_| Error::string("webhook secret is not whsec_ + base64"))?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
        .map_err(|_| Error::string("webhook secret is empty"))?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// The JSON body receivers get.
#[must_use]
pub fn body(event: &events::Model) -> String {
    json!({
        "type": event.event_type,
        "timestamp": event.created_at.to_rfc3339(),
        "data": event.payload,
    })
    .to_string()
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
    /// waiting for an earlier event about the same customer
    pub held: usize,
}

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// One HTTP client for all deliveries (connection reuse, a firm timeout, no
/// redirects). Unless `policy` allows private receivers, its resolver answers
/// only public addresses, so the check holds after DNS at delivery time.
/// Only the status code of an answer is kept, never its body.
///
/// # Errors
/// When the TLS backend cannot start.
pub fn client(policy: crate::urls::Policy) -> Result<reqwest::Client> {
    crate::urls::public_only(reqwest::Client::builder(), policy)
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("portal-webhooks/1")
        .build()
        .map_err(|e| Error::string(&format!("webhook HTTP client: {e}")))
}

const PAGE: u64 = 100;

/// Sends every delivery of one endpoint that is due at `now`.
///
/// # Errors
/// On a database error (a receiver's failure is recorded, not returned).
pub async fn deliver_endpoint(
    db: &DatabaseConnection,
    http: &reqwest::Client,
    policy: crate::urls::Policy,
    secrets: &crate::secrets::Secrets,
    workspace_id: i64,
    endpoint_id: i64,
    now: DateTime<FixedOffset>,
) -> Result<Round> {
    let mut round = Round::default();
    let Some(endpoint) = webhook_endpoints::Entity::find_by_id(endpoint_id)
        .in_tenant(workspace_id)
        .one(db)
        .await?
    else {
        return Ok(round);
    };
    loop {
        let due =
            webhook_deliveries::Model::due_for_endpoint(db, workspace_id, endpoint_id, now, PAGE)
                .await?;
        let full_page = due.len() as u64 == PAGE;
        let mut progressed = false;
        for delivery in due {
            let event = events::Entity::find_by_id(delivery.event_id)
                .in_tenant(workspace_id)
                .one(db)
                .await?
                .ok_or(Error::NotFound)?;
            if delivery.waits_for_earlier(db, event.customer_id).await? {
                round.held += 1;
                continue;
            }
            if !delivery.claim(db, now).await? {
                continue;
            }
            progressed = true;
            if send(db, http, policy, secrets, &endpoint, &event, delivery, now).await? {
                round.delivered += 1;
            } else {
                round.failed += 1;
            }
        }
        // a full page may hide more due deliveries behind it
        if !full_page || !progressed {
            return Ok(round);
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn send(
    db: &DatabaseConnection,
    http: &reqwest::Client,
    policy: crate::urls::Policy,
    secrets: &crate::secrets::Secrets,
    endpoint: &webhook_endpoints::Model,
    event: &events::Model,
    delivery: webhook_deliveries::Model,
    now: DateTime<FixedOffset>,
) -> Result<bool> {
    // checked again at delivery: a literal address never reaches the
    // resolver, and an endpoint saved under another policy may remain
    if let Some(reason) = refused_target(&endpoint.url, policy) {
        delivery.record_failure(db, None, &reason, now).await?;
        return Ok(false);
    }
    let id = event.webhook_id();
    let timestamp = chrono::Utc::now().timestamp();
    let body = body(event);
    let signature = sign(&endpoint.signing_secret(secrets)?, &id, timestamp, &body)?;
    let response = http
        .post(&endpoint.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match response {
        Ok(r) if r.status().is_success() => {
            delivery
                .record_delivered(db, r.status().as_u16(), now)
                .await?;
            Ok(true)
        }
        Ok(r) => {
            let code = r.status().as_u16();
            delivery
                .record_failure(db, Some(code), &format!("HTTP {code}"), now)
                .await?;
            Ok(false)
        }
        Err(e) => {
            let reason = if e.is_timeout() {
                format!("timed out after {} s", TIMEOUT.as_secs())
            } else if e.is_connect() {
                "could not connect".to_string()
            } else {
                e.to_string()
            };
            delivery.record_failure(db, None, &reason, now).await?;
            Ok(false)
        }
    }
}

/// Why a delivery to `url` may not be sent under `policy`, if it may not.
fn refused_target(url: &str, policy: crate::urls::Policy) -> Option<String> {
    let parsed = match crate::urls::check_link(url, policy) {
        Ok(parsed) => parsed,
        Err(message) => return Some(format!("not sent: {message}")),
    };
    let private_literal =
        crate::urls::literal_ip(&parsed).is_some_and(|ip| !crate::urls::is_public(ip));
    (private_literal && !policy.allow_private)
        .then(|| "not sent: the endpoint is on a private or local network".to_string())
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signs_like_the_standard_webhooks_reference() {
        // the example of the Standard Webhooks specification
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
