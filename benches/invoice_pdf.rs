//! `cargo bench --bench invoice_pdf`: renders 1,000 invoice PDFs (a typical
//! one-line subscription invoice, German and English alternating) and prints
//! the median, p95 and mean time per PDF. Target: median under 5 ms.
use std::time::{Duration, Instant};

use chrono::Utc;
use portal::{invoice_pdf, models::invoices};
use serde_json::json;

const RUNS: usize = 1_000;

fn invoice(n: usize) -> invoices::Model {
    let now = Utc::now().fixed_offset();
    invoices::Model {
        created_at: now,
        updated_at: now,
        id: i64::try_from(n).unwrap_or(0),
        pid: uuid::Uuid::new_v4(),
        number: format!("ACME-{n:06}"),
        status: invoices::STATUS_ISSUED.to_string(),
        currency: "EUR".into(),
        subtotal: 2900,
        tax: 551,
        total: 3451,
        tax_rate_bps: 1900,
        lines: json!([{
            "description": "Cloud Pro (monthly)",
            "quantity": 1,
            "unit_amount": 2900,
            "amount": 2900,
            "period_start": now,
            "period_end": now + chrono::Duration::days(30),
        }]),
        seller_snapshot: json!({
            "name": "Acme Cloud Ltd.",
            "address": "1 Market Street\n94105 San Francisco, CA\nUS",
            "tax_id": "US-EIN 12-3456789",
            "email": "support@acme.test",
            "accent": "#4338ca",
        }),
        buyer_snapshot: json!({
            "name": format!("Customer Nummer {n}"),
            "email": format!("customer-{n}@example.test"),
            "address": ["Hauptstraße 1", "10115 Berlin", "DE"],
            "locale": if n % 2 == 0 { "de-DE" } else { "en-US" },
        }),
        pdf_key: None,
        issued_at: Some(now),
        workspace_id: 1,
        customer_id: 1,
        charge_id: Some(1),
        subscription_id: Some(1),
    }
}

fn main() {
    let invoices: Vec<_> = (1..=RUNS).map(invoice).collect();
    // warm up: font parsing happens once per process
    let size = invoice_pdf::render(&invoices[0]).expect("render").len();
    let mut times: Vec<Duration> = invoices
        .iter()
        .map(|invoice| {
            let started = Instant::now();
            let pdf = invoice_pdf::render(invoice).expect("render");
            let took = started.elapsed();
            assert!(pdf.starts_with(b"%PDF-"));
            took
        })
        .collect();
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let total: Duration = times.iter().sum();
    println!("invoice PDFs rendered: {RUNS} (one page, {size} bytes each)");
    println!("median: {:.2} ms", ms(times[RUNS / 2]));
    println!("p95:    {:.2} ms", ms(times[RUNS * 95 / 100]));
    println!("mean:   {:.2} ms", ms(total) / RUNS as f64);
    println!("target: median under 5 ms");
}
