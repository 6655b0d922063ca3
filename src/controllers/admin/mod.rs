//! The merchant console under `/admin`: sign-in (Loco's users, password,
//! reset by email), then per workspace, with the user's role checked by
//! casbin on every page and action.
use loco_rs::prelude::*;

mod api_keys;
mod branding;
mod catalog;
mod customers;
mod export;
mod overview;
mod plans;
mod refunds;
mod session;
mod settings;
mod sign_in;
mod subscriptions;
mod team;
mod webhooks;

pub use session::{Console, ConsoleUser, SESSION_COOKIE};

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/admin")
        .add("/", get(sign_in::page))
        .add("/sign-in", post(sign_in::submit))
        .add("/sign-out", post(sign_in::sign_out))
        .add("/forgot", get(sign_in::forgot_page).post(sign_in::forgot))
        .add(
            "/reset/{token}",
            get(sign_in::reset_page).post(sign_in::reset),
        )
        .add("/workspaces", get(sign_in::no_workspace))
        .add("/{slug}", get(overview::page))
        .add("/{slug}/settings", get(settings::page).post(settings::save))
        .add(
            "/{slug}/catalog",
            get(catalog::index).post(catalog::create_product),
        )
        .add(
            "/{slug}/catalog/products/{pid}",
            get(catalog::product).post(catalog::update_product),
        )
        .add(
            "/{slug}/catalog/products/{pid}/prices",
            post(catalog::create_price),
        )
        .add(
            "/{slug}/catalog/products/{pid}/{action}",
            post(catalog::product_active),
        )
        .add(
            "/{slug}/catalog/prices/{pid}",
            get(catalog::price).post(catalog::update_price),
        )
        .add(
            "/{slug}/catalog/prices/{pid}/{action}",
            post(catalog::price_active),
        )
        .add("/{slug}/plans", get(plans::page).post(plans::save))
        .add("/{slug}/branding", get(branding::page).post(branding::save))
        .add("/{slug}/customers", get(customers::index))
        .add("/{slug}/customers.csv", get(export::customers))
        .add("/{slug}/subscriptions.csv", get(export::subscriptions))
        .add("/{slug}/charges.csv", get(export::charges))
        .add("/{slug}/invoices.csv", get(export::invoices))
        .add("/{slug}/customers/{pid}", get(customers::show))
        .add(
            "/{slug}/customers/{pid}/portal-link",
            post(customers::portal_link),
        )
        .add(
            "/{slug}/customers/{pid}/charges/{charge}/refund",
            post(refunds::refund),
        )
        .add(
            "/{slug}/customers/{pid}/subscriptions/{sub}/change",
            get(subscriptions::change_form).post(subscriptions::change),
        )
        .add(
            "/{slug}/customers/{pid}/subscriptions/{sub}/{decision}",
            post(subscriptions::decide),
        )
        .add("/{slug}/subscriptions", get(customers::subscriptions))
        .add("/{slug}/charges", get(customers::charges))
        .add("/{slug}/invoices/{pid}", get(customers::invoice))
        .add("/{slug}/team", get(team::team).post(team::invite))
        .add("/{slug}/team/{user_id}/role", post(team::change_role))
        .add("/{slug}/team/{user_id}/remove", post(team::remove))
        .add(
            "/{slug}/api-keys",
            get(api_keys::index).post(api_keys::create),
        )
        .add("/{slug}/api-keys/{id}/revoke", post(api_keys::revoke))
        .add(
            "/{slug}/webhooks",
            get(webhooks::index).post(webhooks::create),
        )
        .add("/{slug}/webhooks/{pid}", get(webhooks::endpoint))
        .add(
            "/{slug}/webhooks/{pid}/deliveries/{id}/resend",
            post(webhooks::resend),
        )
}
