//! The payment gateway contract: what every `PaymentGateway` must do. Each
//! gateway comes with a cardholder that completes its hosted steps the way a
//! person would (here: the sandbox's pages, through HTTP).
use axum_test::TestServer;
use portal::gateway::{
    sandbox::SandboxGateway, CardSetup, ChargeOutcome, ChargeRequest, Hosted, PaymentGateway,
    RefundOutcome, RefundRequest, SetupRequest,
};

use crate::support::{self, path_of};

/// Completes a gateway's hosted pages as the cardholder.
#[async_trait::async_trait(?Send)]
trait Cardholder {
    /// Enters `number` on the card form and passes or fails the challenge.
    async fn save_card(&self, hosted: &Hosted, number: &str, pass_3ds: bool);
    /// Passes or fails the authentication a charge asked for.
    async fn authenticate(&self, url: &str, pass: bool);
}

struct SandboxCardholder(TestServer);

#[async_trait::async_trait(?Send)]
impl Cardholder for SandboxCardholder {
    async fn save_card(&self, hosted: &Hosted, number: &str, pass_3ds: bool) {
        let form = path_of(&hosted.url);
        let next = self
            .0
            .post(&form)
            .form(&[("number", number), ("expiry", "12/34"), ("cvc", "123")])
            .await;
        let next = path_of(next.header("location").to_str().unwrap());
        if next.starts_with("/sandbox/3ds/") {
            self.0
                .post(&next)
                .form(&[("action", if pass_3ds { "pass" } else { "fail" })])
                .await;
        }
    }

    async fn authenticate(&self, url: &str, pass: bool) {
        let path = path_of(url);
        assert_eq!(self.0.get(&path).await.status_code(), 200);
        self.0
            .post(&path)
            .form(&[("action", if pass { "pass" } else { "fail" })])
            .await;
    }
}

fn setup() -> SetupRequest {
    SetupRequest {
        return_url: "http://127.0.0.1:5150/portal/acme/payment-methods/cards/return".into(),
        customer_email: "grace@example.com".into(),
    }
}

fn charge(token: &str, key: &str, off_session: bool) -> ChargeRequest {
    ChargeRequest {
        token: token.into(),
        amount: 2900,
        currency: "USD".into(),
        description: "Cloud Pro".into(),
        idempotency_key: key.into(),
        off_session,
        return_url: Some("http://127.0.0.1:5150/portal/acme/billing".into()),
    }
}

async fn saved_token(
    gateway: &dyn PaymentGateway,
    holder: &dyn Cardholder,
    number: &str,
) -> String {
    let hosted = gateway.start_card_setup(&setup()).await.unwrap();
    holder.save_card(&hosted, number, true).await;
    match gateway.confirm_card_setup(&hosted.reference).await.unwrap() {
        CardSetup::Saved(card) => {
            assert_eq!(card.last4, number[number.len() - 4..]);
            card.gateway_token
        }
        other => panic!("{number} was not saved: {other:?}"),
    }
}

/// The contract, for any gateway and its cardholder.
async fn contract(gateway: &dyn PaymentGateway, holder: &dyn Cardholder) {
    // saving a card: 3DS passed
    let good = saved_token(gateway, holder, "4242424242424242").await;

    // 3DS failed: nothing to save (a card whose bank always asks)
    let hosted = gateway.start_card_setup(&setup()).await.unwrap();
    holder.save_card(&hosted, "4000000000003220", false).await;
    assert!(matches!(
        gateway.confirm_card_setup(&hosted.reference).await.unwrap(),
        CardSetup::Failed { .. }
    ));

    // abandoned before the card form: nothing to save
    let hosted = gateway.start_card_setup(&setup()).await.unwrap();
    assert!(matches!(
        gateway.confirm_card_setup(&hosted.reference).await.unwrap(),
        CardSetup::Failed { .. }
    ));

    // a charge succeeds, and the same key never charges twice
    let first = gateway
        .charge(&charge(&good, "order-1", true))
        .await
        .unwrap();
    let ChargeOutcome::Succeeded { reference } = &first else {
        panic!("{first:?}")
    };
    assert_eq!(
        gateway
            .charge(&charge(&good, "order-1", true))
            .await
            .unwrap(),
        first
    );
    let other = gateway
        .charge(&charge(&good, "order-2", true))
        .await
        .unwrap();
    assert!(matches!(&other, ChargeOutcome::Succeeded { reference: r } if r != reference));

    // a refund returns part of a paid charge, once per key
    let refund = |amount: i64, key: &str, of: &str| RefundRequest {
        charge_reference: of.to_string(),
        amount,
        currency: "USD".into(),
        idempotency_key: key.into(),
    };
    let refunded = gateway
        .refund(&refund(1000, "refund-1", reference))
        .await
        .unwrap();
    let RefundOutcome::Succeeded {
        reference: first_refund,
    } = &refunded
    else {
        panic!("{refunded:?}")
    };
    assert_eq!(
        gateway
            .refund(&refund(1000, "refund-1", reference))
            .await
            .unwrap(),
        refunded
    );
    let rest = gateway
        .refund(&refund(1900, "refund-2", reference))
        .await
        .unwrap();
    assert!(
        matches!(&rest, RefundOutcome::Succeeded { reference: r } if r != first_refund),
        "{rest:?}"
    );

    // declines come back with the processor's reason
    let declining = saved_token(gateway, holder, "4000000000000341").await;
    let declined = gateway
        .charge(&charge(&declining, "order-3", true))
        .await
        .unwrap();
    assert!(
        matches!(&declined, ChargeOutcome::Failed { code, .. } if code == "card_declined"),
        "{declined:?}"
    );
    // a declined payment cannot be refunded
    let ChargeOutcome::Failed {
        reference: failed_ref,
        ..
    } = &declined
    else {
        unreachable!()
    };
    let nothing = gateway
        .refund(&refund(100, "refund-3", failed_ref))
        .await
        .unwrap();
    assert!(
        matches!(nothing, RefundOutcome::Failed { .. }),
        "{nothing:?}"
    );
    // declined when saving: nothing to save
    let hosted = gateway.start_card_setup(&setup()).await.unwrap();
    holder.save_card(&hosted, "4000000000000002", true).await;
    assert!(matches!(
        gateway.confirm_card_setup(&hosted.reference).await.unwrap(),
        CardSetup::Failed { .. }
    ));

    // a card that wants 3DS on every payment: on-session asks, off-session fails
    let strict = saved_token(gateway, holder, "4000002760003184").await;
    let asked = gateway
        .charge(&charge(&strict, "order-5", false))
        .await
        .unwrap();
    let ChargeOutcome::RequiresAction { reference, url } = asked else {
        panic!("{asked:?}")
    };
    holder.authenticate(&url, true).await;
    assert!(matches!(
        gateway.charge_status(&reference).await.unwrap(),
        ChargeOutcome::Succeeded { .. }
    ));
    let renewal = gateway
        .charge(&charge(&strict, "order-6", true))
        .await
        .unwrap();
    assert!(
        matches!(&renewal, ChargeOutcome::Failed { code, .. } if code == "authentication_required"),
        "{renewal:?}"
    );

    // detached methods cannot be charged
    gateway.detach(&good).await.unwrap();
    let after = gateway
        .charge(&charge(&good, "order-7", true))
        .await
        .unwrap();
    assert!(matches!(after, ChargeOutcome::Failed { .. }), "{after:?}");
}

#[tokio::test]
async fn the_sandbox_gateway_keeps_the_contract() {
    let app = support::boot_with_demo().await;
    let settings = portal::settings::Settings::from_context(&app.app_context).unwrap();
    let gateway = SandboxGateway::new(app.app_context.db.clone(), &settings.public_url);
    let holder = SandboxCardholder(app.server());
    contract(&gateway, &holder).await;
    // tests can make a saved method fail from now on
    let flaky = saved_token(&gateway, &holder, "4242424242424242").await;
    assert!(matches!(
        gateway
            .charge(&charge(&flaky, "order-9", true))
            .await
            .unwrap(),
        ChargeOutcome::Succeeded { .. }
    ));
    gateway
        .set_scenario(
            &flaky,
            portal::gateway::sandbox::cards::Scenario::ChargeDeclined,
        )
        .await
        .unwrap();
    let now_failing = gateway
        .charge(&charge(&flaky, "order-10", true))
        .await
        .unwrap();
    assert!(
        matches!(&now_failing, ChargeOutcome::Failed { code, .. } if code == "card_declined"),
        "{now_failing:?}"
    );
    // the sandbox also fails charges for insufficient funds
    let broke = saved_token(&gateway, &holder, "4000000000009995").await;
    let no_funds = gateway
        .charge(&charge(&broke, "order-8", true))
        .await
        .unwrap();
    assert!(
        matches!(&no_funds, ChargeOutcome::Failed { code, .. } if code == "insufficient_funds"),
        "{no_funds:?}"
    );
    app.assert_no_card_numbers().await;
}

/// localstripe, started on a loopback port by scripts/test (LOCALSTRIPE_URL).
fn localstripe_url() -> String {
    std::env::var("LOCALSTRIPE_URL").unwrap_or_else(|_| {
        panic!("the Stripe contract test needs localstripe: run scripts/test, or start it and set LOCALSTRIPE_URL")
    })
}

/// Plays Stripe.js against localstripe: creates the PaymentMethod from the
/// card details in the "browser" and confirms or authenticates with the
/// client secret, as Elements would.
struct LocalstripeCardholder {
    http: reqwest::Client,
    base: String,
}

impl LocalstripeCardholder {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth("sk_test_portal")
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }
}

#[async_trait::async_trait(?Send)]
impl Cardholder for LocalstripeCardholder {
    async fn save_card(&self, hosted: &Hosted, number: &str, pass_3ds: bool) {
        let seti = &hosted.reference;
        let (_, intent) = self
            .call(
                reqwest::Method::GET,
                &format!("/v1/setup_intents/{seti}"),
                &[],
            )
            .await;
        let secret = intent["client_secret"].as_str().unwrap().to_string();
        let (_, pm) = self
            .call(
                reqwest::Method::POST,
                "/v1/payment_methods",
                &[
                    ("type", "card"),
                    ("card[number]", number),
                    ("card[exp_month]", "12"),
                    ("card[exp_year]", "2034"),
                    ("card[cvc]", "123"),
                ],
            )
            .await;
        let pm = pm["id"].as_str().unwrap().to_string();
        let (status, confirmed) = self
            .call(
                reqwest::Method::POST,
                &format!("/v1/setup_intents/{seti}/confirm"),
                &[("payment_method", &pm), ("client_secret", &secret)],
            )
            .await;
        if status == 200 && confirmed["status"] == "requires_action" {
            let step = if pass_3ds { "confirm" } else { "cancel" };
            self.call(
                reqwest::Method::POST,
                &format!("/v1/setup_intents/{seti}/{step}"),
                &[("client_secret", &secret)],
            )
            .await;
        }
    }

    async fn authenticate(&self, url: &str, pass: bool) {
        let pi = url.rsplit('/').next().unwrap();
        let (_, intent) = self
            .call(
                reqwest::Method::GET,
                &format!("/v1/payment_intents/{pi}"),
                &[],
            )
            .await;
        let secret = intent["client_secret"].as_str().unwrap().to_string();
        let success = if pass { "true" } else { "false" };
        self.call(
            reqwest::Method::POST,
            &format!("/v1/payment_intents/{pi}/_authenticate"),
            &[("client_secret", &secret), ("success", success)],
        )
        .await;
    }
}

#[tokio::test]
async fn the_stripe_adapter_keeps_the_contract_against_localstripe() {
    let base = localstripe_url();
    let app = support::boot_with_demo().await;
    let settings = portal::settings::Settings::from_context(&app.app_context).unwrap();
    let gateway = portal::gateway::stripe::StripeGateway::new(
        app.app_context.db.clone(),
        &settings.public_url,
        portal::gateway::stripe::StripeSettings {
            secret_key: "sk_test_portal".into(),
            publishable_key: "pk_test_portal".into(),
            api_base: base.clone(),
            js_url: format!("{base}/js.stripe.com/v3/"),
        },
    )
    .unwrap();
    let holder = LocalstripeCardholder {
        http: reqwest::Client::new(),
        base,
    };
    contract(&gateway, &holder).await;
    app.assert_no_card_numbers().await;
}
