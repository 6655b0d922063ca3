//! An invoice as a PDF, drawn with krilla (see docs/architecture.md for why).
//!
//! Everything on the page comes from the invoice row: the number, the seller
//! and buyer as snapshotted at issue time, the lines and the totals, so a
//! re-render years later prints the same document. The font (Liberation
//! Sans, SIL OFL) is compiled into the binary and subset into each file.
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset};
use krilla::{
    color::rgb,
    geom::{PathBuilder, Point, Rect},
    metadata::Metadata,
    page::PageSettings,
    paint::Fill,
    surface::Surface,
    text::{Font, TextDirection},
    Document,
};
use serde_json::Value;
use skrifa::{
    instance::{LocationRef, Size},
    MetadataProvider as _,
};

use crate::{
    locale,
    models::{invoices, money::Money},
};

static REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Bold.ttf");

/// A font for krilla plus its raw bytes, for measuring text (right-aligned
/// amounts, cut-off descriptions).
struct Face {
    font: Font,
    bytes: &'static [u8],
}

impl Face {
    fn load(bytes: &'static [u8]) -> Self {
        Self {
            font: Font::new(bytes.into(), 0).expect("the bundled font parses"),
            bytes,
        }
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = skrifa::FontRef::new(self.bytes) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|glyph| metrics.advance_width(glyph))
                    .unwrap_or(size * 0.5)
            })
            .sum()
    }
}

static REGULAR: LazyLock<Face> = LazyLock::new(|| Face::load(REGULAR_TTF));
static BOLD: LazyLock<Face> = LazyLock::new(|| Face::load(BOLD_TTF));

// A4 in points, with 2 cm margins.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
const LINES_PER_PAGE: usize = 22;

const INK: (u8, u8, u8) = (0x1f, 0x23, 0x28);
const MUTED: (u8, u8, u8) = (0x55, 0x5b, 0x63);
const RULE: (u8, u8, u8) = (0xd0, 0xd4, 0xd9);
const BAND: (u8, u8, u8) = (0xf2, 0xf4, 0xf6);

/// The printed words, in the invoice's language (Fluent's `invoice-pdf-*`).
struct Labels {
    lang: String,
    invoice: String,
    number: String,
    credit_note: String,
    credit_note_number: String,
    refunded: String,
    credits: String,
    issued: String,
    status: String,
    paid: String,
    void: String,
    bill_to: String,
    description: String,
    period: String,
    quantity: String,
    amount: String,
    subtotal: String,
    tax: String,
    total: String,
    tax_id: String,
    questions: String,
}

impl Labels {
    fn new(lang: &str) -> Self {
        let word = |key: &str| locale::text(lang, &format!("invoice-pdf-{key}"), &[]);
        Self {
            lang: lang.to_string(),
            invoice: word("invoice"),
            number: word("number"),
            credit_note: word("credit-note"),
            credit_note_number: word("credit-note-number"),
            refunded: word("refunded"),
            credits: word("credits"),
            issued: word("issued"),
            status: word("status"),
            paid: word("paid"),
            void: word("void"),
            bill_to: word("bill-to"),
            description: word("description"),
            period: word("period"),
            quantity: word("quantity"),
            amount: word("amount"),
            subtotal: word("subtotal"),
            tax: word("tax"),
            total: word("total"),
            tax_id: word("tax-id"),
            questions: word("questions"),
        }
    }
}

/// Why a PDF could not be made.
#[derive(Debug)]
pub struct RenderError(String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invoice PDF: {}", self.0)
    }
}

impl std::error::Error for RenderError {}

/// The invoice's language: the buyer's at issue time.
fn language(invoice: &invoices::Model) -> &'static str {
    invoice.buyer_snapshot["locale"]
        .as_str()
        .and_then(locale::supported)
        .unwrap_or(locale::DEFAULT)
}

/// Address lines from a snapshot: a list, or one multi-line string.
fn lines_of(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Value::String(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        _ => vec![],
    }
}

fn text_of(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// A tax rate the reader's way: `20%`, `19,5 %`.
fn rate(bps: i32, lang: &str) -> String {
    let whole = bps / 100;
    let rest = bps % 100;
    let number = if rest == 0 {
        whole.to_string()
    } else {
        let decimals = format!("{rest:02}");
        let decimals = decimals.trim_end_matches('0');
        format!("{whole}{}{decimals}", locale::decimal_separator(lang))
    };
    locale::text(lang, "percent", &[("number", &number)])
}

fn parse_time(value: &Value) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(value.as_str()?).ok()
}

/// One invoice line as printed.
struct Row {
    description: String,
    period: String,
    quantity: String,
    amount: String,
}

struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
}

impl Pen<'_, '_> {
    fn color(&mut self, (r, g, b): (u8, u8, u8)) {
        self.surface.set_fill(Some(Fill {
            paint: rgb::Color::new(r, g, b).into(),
            ..Fill::default()
        }));
    }

    fn text(&mut self, face: &Face, size: f32, x: f32, y: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.surface.draw_text(
            Point::from_xy(x, y),
            face.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn text_right(&mut self, face: &Face, size: f32, right: f32, y: f32, text: &str) {
        let x = right - face.width(text, size);
        self.text(face, size, x, y, text);
    }

    /// `text` cut with an ellipsis to fit `max` points.
    fn text_fitted(&mut self, face: &Face, size: f32, x: f32, y: f32, max: f32, text: &str) {
        if face.width(text, size) <= max {
            return self.text(face, size, x, y, text);
        }
        let mut cut: String = text.to_string();
        while !cut.is_empty() && face.width(&format!("{cut}…"), size) > max {
            cut.pop();
        }
        self.text(face, size, x, y, &format!("{}…", cut.trim_end()));
    }

    fn rect(&mut self, color: (u8, u8, u8), x: f32, y: f32, w: f32, h: f32) {
        let Some(rect) = Rect::from_xywh(x, y, w, h) else {
            return;
        };
        let mut path = PathBuilder::new();
        path.push_rect(rect);
        if let Some(path) = path.finish() {
            self.color(color);
            self.surface.draw_path(&path);
        }
    }
}

/// The accent colour from the seller snapshot (`#rrggbb`), else ink.
fn accent(invoice: &invoices::Model) -> (u8, u8, u8) {
    let hex = invoice.seller_snapshot["accent"]
        .as_str()
        .and_then(|h| h.strip_prefix('#'))
        .filter(|h| h.len() == 6);
    let channel = |i: usize| hex.and_then(|h| u8::from_str_radix(&h[i..i + 2], 16).ok());
    match (channel(0), channel(2), channel(4)) {
        (Some(r), Some(g), Some(b)) => (r, g, b),
        _ => INK,
    }
}

/// Renders `invoice` as a PDF (A4, one page per 22 lines).
///
/// # Errors
/// When krilla cannot write the document.
pub fn render(invoice: &invoices::Model) -> Result<Vec<u8>, RenderError> {
    let lang = language(invoice);
    let labels = &Labels::new(lang);
    let money = |minor: i64| Money::new(minor, &invoice.currency).localized(lang);
    let rows: Vec<Row> = invoice
        .lines
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|line| Row {
            description: match text_of(&line["credits_invoice"]) {
                Some(number) => format!(
                    "{} ({} {number})",
                    text_of(&line["description"]).unwrap_or_default(),
                    labels.credits
                ),
                None => text_of(&line["description"]).unwrap_or_default(),
            },
            period: match (
                parse_time(&line["period_start"]),
                parse_time(&line["period_end"]),
            ) {
                (Some(from), Some(to)) => {
                    format!("{} – {}", locale::date(from, lang), locale::date(to, lang))
                }
                _ => String::new(),
            },
            quantity: line["quantity"].as_i64().unwrap_or(1).to_string(),
            amount: money(line["amount"].as_i64().unwrap_or(0)),
        })
        .collect();
    let pages: Vec<&[Row]> = if rows.is_empty() {
        vec![&[]]
    } else {
        rows.chunks(LINES_PER_PAGE).collect()
    };

    let mut document = Document::new();
    let seller = &invoice.seller_snapshot;
    let seller_name = text_of(&seller["name"]).unwrap_or_default();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", title(invoice, labels), invoice.number))
            .authors(vec![seller_name.clone()])
            .language(lang.to_string())
            .creator("portal".to_string()),
    );
    let page_size =
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| RenderError("bad page size".into()))?;
    for (index, page_rows) in pages.iter().enumerate() {
        let mut page = document.start_page_with(page_size.clone());
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
        };
        let mut y = header(&mut pen, invoice, labels, lang, &seller_name);
        y = table(&mut pen, labels, page_rows, y);
        if index + 1 == pages.len() {
            totals(&mut pen, invoice, labels, lang, y);
        }
        footer(&mut pen, invoice, labels, index + 1, pages.len());
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError(format!("{e:?}")))
}

/// "Invoice" or "Credit note", in the document's language.
fn title<'a>(invoice: &invoices::Model, labels: &'a Labels) -> &'a str {
    if invoice.is_credit_note() {
        &labels.credit_note
    } else {
        &labels.invoice
    }
}

/// Seller, title, invoice facts and the buyer; returns where the table starts.
fn header(
    pen: &mut Pen<'_, '_>,
    invoice: &invoices::Model,
    labels: &Labels,
    lang: &str,
    seller_name: &str,
) -> f32 {
    let seller = &invoice.seller_snapshot;
    let buyer = &invoice.buyer_snapshot;
    pen.rect(accent(invoice), 0.0, 0.0, PAGE_W, 6.0);

    pen.color(INK);
    pen.text(&BOLD, 18.0, LEFT, 70.0, seller_name);
    pen.text_right(&BOLD, 18.0, RIGHT, 70.0, title(invoice, labels));
    pen.color(MUTED);
    let mut y = 90.0;
    let mut seller_lines = lines_of(&seller["address"]);
    if let Some(tax_id) = text_of(&seller["tax_id"]) {
        seller_lines.push(format!("{} {tax_id}", labels.tax_id));
    }
    if let Some(email) = text_of(&seller["email"]) {
        seller_lines.push(email);
    }
    for line in &seller_lines {
        pen.text(&REGULAR, 9.5, LEFT, y, line);
        y += 13.0;
    }

    // the invoice's facts, right-aligned under the title
    let status = if invoice.status == invoices::STATUS_VOID {
        &labels.void
    } else if invoice.is_credit_note() {
        &labels.refunded
    } else {
        &labels.paid
    };
    let number_label = if invoice.is_credit_note() {
        &labels.credit_note_number
    } else {
        &labels.number
    };
    let issued = invoice
        .issued_at
        .map(|at| locale::date(at, lang))
        .unwrap_or_default();
    let mut facts_y = 90.0;
    for (label, value) in [
        (number_label.as_str(), invoice.number.as_str()),
        (labels.issued.as_str(), issued.as_str()),
        (labels.status.as_str(), status.as_str()),
    ] {
        pen.color(MUTED);
        pen.text(&REGULAR, 9.5, 340.0, facts_y, label);
        pen.color(INK);
        pen.text_right(&BOLD, 9.5, RIGHT, facts_y, value);
        facts_y += 14.0;
    }

    y = y.max(facts_y) + 24.0;
    pen.color(MUTED);
    pen.text(&BOLD, 9.5, LEFT, y, &labels.bill_to);
    y += 15.0;
    pen.color(INK);
    pen.text(
        &BOLD,
        11.0,
        LEFT,
        y,
        &text_of(&buyer["name"]).unwrap_or_default(),
    );
    y += 15.0;
    let mut buyer_lines = lines_of(&buyer["address"]);
    if let Some(email) = text_of(&buyer["email"]) {
        buyer_lines.push(email);
    }
    for line in &buyer_lines {
        pen.text(&REGULAR, 10.0, LEFT, y, line);
        y += 14.0;
    }
    y + 28.0
}

// table columns: description | period | qty | amount (right edges for the last two)
const COL_PERIOD: f32 = 260.0;
const COL_QTY_RIGHT: f32 = 440.0;

/// The lines; returns the y below the table.
fn table(pen: &mut Pen<'_, '_>, labels: &Labels, rows: &[Row], top: f32) -> f32 {
    pen.rect(BAND, LEFT, top, RIGHT - LEFT, 22.0);
    pen.color(MUTED);
    let head_y = top + 15.0;
    pen.text(&BOLD, 9.0, LEFT + 8.0, head_y, &labels.description);
    pen.text(&BOLD, 9.0, COL_PERIOD, head_y, &labels.period);
    pen.text_right(&BOLD, 9.0, COL_QTY_RIGHT, head_y, &labels.quantity);
    pen.text_right(&BOLD, 9.0, RIGHT - 8.0, head_y, &labels.amount);
    let mut y = top + 22.0;
    for row in rows {
        let baseline = y + 17.0;
        pen.color(INK);
        pen.text_fitted(
            &REGULAR,
            10.0,
            LEFT + 8.0,
            baseline,
            COL_PERIOD - LEFT - 16.0,
            &row.description,
        );
        pen.color(MUTED);
        pen.text(&REGULAR, 9.0, COL_PERIOD, baseline, &row.period);
        pen.color(INK);
        pen.text_right(&REGULAR, 10.0, COL_QTY_RIGHT, baseline, &row.quantity);
        pen.text_right(&REGULAR, 10.0, RIGHT - 8.0, baseline, &row.amount);
        y += 26.0;
        pen.rect(RULE, LEFT, y - 0.5, RIGHT - LEFT, 0.5);
    }
    y
}

fn totals(pen: &mut Pen<'_, '_>, invoice: &invoices::Model, labels: &Labels, lang: &str, top: f32) {
    let money = |minor: i64| Money::new(minor, &invoice.currency).localized(lang);
    let label_x = 340.0;
    let mut y = top + 22.0;
    pen.color(MUTED);
    pen.text(&REGULAR, 10.0, label_x, y, &labels.subtotal);
    pen.color(INK);
    pen.text_right(&REGULAR, 10.0, RIGHT - 8.0, y, &money(invoice.subtotal));
    y += 17.0;
    pen.color(MUTED);
    pen.text(
        &REGULAR,
        10.0,
        label_x,
        y,
        &format!("{} ({})", labels.tax, rate(invoice.tax_rate_bps, lang)),
    );
    pen.color(INK);
    pen.text_right(&REGULAR, 10.0, RIGHT - 8.0, y, &money(invoice.tax));
    y += 10.0;
    pen.rect(INK, label_x, y, RIGHT - label_x, 0.8);
    y += 18.0;
    pen.text(&BOLD, 12.0, label_x, y, &labels.total);
    pen.text_right(
        &BOLD,
        12.0,
        RIGHT - 8.0,
        y,
        &format!("{} {}", money(invoice.total), invoice.currency),
    );
}

fn footer(
    pen: &mut Pen<'_, '_>,
    invoice: &invoices::Model,
    labels: &Labels,
    page: usize,
    of: usize,
) {
    let y = PAGE_H - 40.0;
    pen.rect(RULE, LEFT, y - 16.0, RIGHT - LEFT, 0.5);
    pen.color(MUTED);
    if let Some(email) = text_of(&invoice.seller_snapshot["email"]) {
        pen.text(
            &REGULAR,
            8.5,
            LEFT,
            y,
            &format!("{} {email}", labels.questions),
        );
    }
    pen.text_right(
        &REGULAR,
        8.5,
        RIGHT,
        y,
        &format!(
            "{} · {}",
            invoice.number,
            locale::text(
                &labels.lang,
                "invoice-pdf-page",
                &[("page", &page.to_string()), ("pages", &of.to_string())]
            )
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::{lines_of, rate};
    use serde_json::json;

    #[test]
    fn tax_rates_print_like_the_reader_writes_them() {
        assert_eq!(rate(2000, "en-US"), "20%");
        assert_eq!(rate(1950, "en-US"), "19.5%");
        assert_eq!(rate(725, "de-DE"), "7,25\u{a0}%");
        assert_eq!(rate(0, "en-US"), "0%");
    }

    #[test]
    fn addresses_come_as_lists_or_multi_line_text() {
        assert_eq!(
            lines_of(&json!(["1 Main St", "Springfield"])),
            ["1 Main St", "Springfield"]
        );
        assert_eq!(
            lines_of(&json!("1 Main St\n\n Springfield ")),
            ["1 Main St", "Springfield"]
        );
        assert!(lines_of(&json!(null)).is_empty());
    }
}
