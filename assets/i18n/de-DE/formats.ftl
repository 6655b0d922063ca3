# Wie diese Sprache ihren Namen, Daten, Zahlen, Beträge, Abrechnungszeiträume,
# Rechnungs-PDFs und Ablehnungsgründe schreibt.
language-name = Deutsch

month-short-1 = Jan.
month-short-2 = Feb.
month-short-3 = März
month-short-4 = Apr.
month-short-5 = Mai
month-short-6 = Juni
month-short-7 = Juli
month-short-8 = Aug.
month-short-9 = Sept.
month-short-10 = Okt.
month-short-11 = Nov.
month-short-12 = Dez.
date-format = { $day-padded }.{ $month-number }.{ $year }

number-decimal-separator = ,
number-group-separator = .
money-with-symbol = { $sign }{ $number }{"\u00A0"}{ $symbol }
money-with-code = { $sign }{ $number }{"\u00A0"}{ $symbol }
# after a label, before its value ("Next renewal: …")
colon = :
percent = { $number }{"\u00A0"}%

cycle-day = { $count ->
    [1] täglich
   *[other] alle { $count } Tage
}
cycle-week = { $count ->
    [1] wöchentlich
   *[other] alle { $count } Wochen
}
cycle-month = { $count ->
    [1] monatlich
   *[other] alle { $count } Monate
}
cycle-year = { $count ->
    [1] jährlich
   *[other] alle { $count } Jahre
}
charge-description = { $plan } ({ $cycle })
charge-description-prorated = { $plan } × { $quantity } (anteilig)

invoice-pdf-invoice = Rechnung
invoice-pdf-number = Rechnungsnummer
invoice-pdf-credit-note = Gutschrift
invoice-pdf-credit-note-number = Gutschriftnummer
invoice-pdf-refunded = Erstattet
invoice-pdf-credits = Erstattung zu Rechnung
invoice-pdf-issued = Rechnungsdatum
invoice-pdf-status = Status
invoice-pdf-paid = Bezahlt
invoice-pdf-void = Storniert
invoice-pdf-bill-to = Rechnung an
invoice-pdf-description = Beschreibung
invoice-pdf-period = Zeitraum
invoice-pdf-quantity = Menge
invoice-pdf-amount = Betrag
invoice-pdf-subtotal = Zwischensumme
invoice-pdf-tax = MwSt.
invoice-pdf-total = Gesamt
invoice-pdf-tax-id = USt-IdNr.
invoice-pdf-questions = Fragen zu dieser Rechnung?
invoice-pdf-page = Seite { $page } von { $pages }

decline-card_declined = Die Karte wurde abgelehnt.
decline-generic_decline = Die Karte wurde abgelehnt.
decline-do_not_honor = Die Karte wurde abgelehnt.
decline-insufficient_funds = Die Karte ist nicht ausreichend gedeckt.
decline-expired_card = Die Karte ist abgelaufen.
decline-incorrect_cvc = Die Prüfnummer der Karte ist falsch.
decline-incorrect_number = Die Kartennummer ist falsch.
decline-lost_card = Die Karte wurde abgelehnt.
decline-stolen_card = Die Karte wurde abgelehnt.
decline-processing_error = Die Bank konnte die Zahlung nicht verarbeiten. Versuchen Sie es in einigen Minuten erneut.
decline-authentication_required = Die Bank bittet Sie, diese Zahlung zu bestätigen.
decline-authentication_failed = Die Bank konnte die Zahlung nicht authentifizieren.
decline-payment_failed = Die Zahlung ist nicht durchgegangen.
decline-other = Die Zahlung ist nicht durchgegangen. Versuchen Sie eine andere Karte oder wenden Sie sich an Ihre Bank.

card-setup-card_declined = Die Bank hat die Karte abgelehnt.
card-setup-expired_card = Die Karte ist abgelaufen.
card-setup-authentication_failed = Die Bank konnte die Karte nicht authentifizieren.
card-setup-authentication_abandoned = Die Prüfung der Karte wurde nicht abgeschlossen.
card-setup-setup_canceled = Die Karte wurde abgelehnt oder konnte nicht authentifiziert werden.
card-setup-other = Die Karte konnte nicht gespeichert werden.
