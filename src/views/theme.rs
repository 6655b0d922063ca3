//! A workspace's accent colour as the portal's theme stylesheet.
//!
//! The merchant picks one colour; customers read it in three roles: as a
//! button's background under its label, as link text on a light page and
//! as link text on a dark page (`prefers-color-scheme: dark`). One colour
//! rarely passes WCAG AA (4.5:1) in all three, so each role gets the
//! nearest colour that does: the button's label turns dark on a light
//! accent, and link text is darkened (light mode) or lightened (dark mode)
//! just enough. The backgrounds here are the ones `portal.css` uses.

/// WCAG AA for normal text.
const AA: f64 = 4.5;
/// The lightest background links sit on in light mode (`--bg`).
const LIGHT_BACKGROUND: Rgb = Rgb(0xf9, 0xfa, 0xfb);
/// The lightest background links sit on in dark mode (`--card`).
const DARK_BACKGROUND: Rgb = Rgb(0x1f, 0x29, 0x37);
const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
const INK: Rgb = Rgb(0x11, 0x18, 0x27);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rgb(u8, u8, u8);

impl Rgb {
    /// `#rrggbb` (the branding form accepts nothing else).
    fn parse(hex: &str) -> Option<Self> {
        let hex = hex.strip_prefix('#')?;
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self(byte(0)?, byte(2)?, byte(4)?))
    }

    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.x).
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.0722f64.mul_add(
            channel(self.2),
            0.2126f64.mul_add(channel(self.0), 0.7152 * channel(self.1)),
        )
    }

    fn contrast(self, other: Self) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// `self` moved `step`/20 of the way towards `to`.
    fn towards(self, to: Self, step: u8) -> Self {
        let mix = |from: u8, to: u8| {
            let (a, b, s) = (i32::from(from), i32::from(to), i32::from(step));
            u8::try_from(a + (b - a) * s / 20).unwrap_or(to)
        };
        Self(mix(self.0, to.0), mix(self.1, to.1), mix(self.2, to.2))
    }

    /// The nearest colour towards `to` that reads at AA on `background`.
    fn readable_on(self, background: Self, to: Self) -> Self {
        (0..=20)
            .map(|step| self.towards(to, step))
            .find(|c| c.contrast(background) >= AA)
            .unwrap_or(to)
    }
}

/// The theme stylesheet for an accent colour: `--accent` (button and
/// highlight background), `--on-accent` (text on it) and `--accent-text`
/// (links), with the dark-mode link colour in a media query.
#[must_use]
pub fn css(accent: &str) -> String {
    let base = Rgb::parse(accent).unwrap_or(Rgb(0x43, 0x38, 0xca));
    let on_accent = if WHITE.contrast(base) >= AA || WHITE.contrast(base) >= INK.contrast(base) {
        WHITE
    } else {
        INK
    };
    let light = base.readable_on(LIGHT_BACKGROUND, INK);
    let dark = base.readable_on(DARK_BACKGROUND, WHITE);
    format!(
        ":root{{--accent:{};--on-accent:{};--accent-text:{}}}\n\
         @media (prefers-color-scheme:dark){{:root{{--accent-text:{}}}}}\n",
        base.hex(),
        on_accent.hex(),
        light.hex(),
        dark.hex()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(accent: &str) -> (Rgb, Rgb, Rgb, Rgb) {
        let css = css(accent);
        let colour = |name: &str, nth: usize| {
            let at = css.match_indices(name).nth(nth).unwrap().0 + name.len() + 1;
            Rgb::parse(&css[at..at + 7]).unwrap()
        };
        (
            colour("--accent", 0),
            colour("--on-accent", 0),
            colour("--accent-text", 0),
            colour("--accent-text", 1),
        )
    }

    #[test]
    fn every_role_reads_at_aa_for_any_accent() {
        for accent in [
            "#4338ca", "#facc15", "#ffffff", "#000000", "#0e7490", "#e11d48", "#808080",
        ] {
            let (base, on, light, dark) = roles(accent);
            assert_eq!(base.hex(), accent);
            assert!(
                light.contrast(LIGHT_BACKGROUND) >= AA,
                "{accent} light links"
            );
            assert!(dark.contrast(DARK_BACKGROUND) >= AA, "{accent} dark links");
            // a mid grey reads at AA with neither white nor ink: the better one
            let best = WHITE.contrast(base).max(INK.contrast(base));
            assert!(
                (on.contrast(base) - best).abs() < 1e-9,
                "{accent} button label"
            );
        }
    }

    #[test]
    fn a_dark_accent_keeps_white_labels_and_its_own_colour_for_light_links() {
        let (_, on, light, dark) = roles("#4338ca");
        assert_eq!(on, WHITE);
        assert_eq!(light.hex(), "#4338ca");
        assert_ne!(dark.hex(), "#4338ca", "lightened for a dark page");
        let (_, on, _, _) = roles("#facc15");
        assert_eq!(on, INK, "yellow takes a dark label");
    }
}
