#!/usr/bin/env python3
"""Writes assets/i18n/<locale>/countries.ftl: every country's name in each of
the portal's languages, from the Unicode CLDR data that Babel carries.

Run it again after adding a language folder (pip install babel first):
    python3 scripts/cldr-countries.py

The codes are ISO 3166-1 alpha-2 plus XK (Kosovo, which card gateways take);
src/countries.rs holds the same list and a test checks every language has a
name for each code."""
import pathlib

from babel import Locale

# CLDR territories that are not countries a customer lives in
NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
ROOT = pathlib.Path(__file__).resolve().parent.parent / "assets" / "i18n"

for folder in sorted(p for p in ROOT.iterdir() if p.is_dir()):
    names = Locale.parse(folder.name.replace("-", "_")).territories
    codes = sorted(c for c in names if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)
    lines = [
        f"# Country names for {folder.name}, from Unicode CLDR (Babel's data);",
        "# made by scripts/cldr-countries.py: edit that, not this file.",
        "",
    ]
    lines += [f"country-{code} = {names[code]}" for code in codes]
    (folder / "countries.ftl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{folder.name}: {len(codes)} countries")
