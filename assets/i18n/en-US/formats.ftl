# How this language writes its name, dates, numbers, money, billing cycles,
# invoice PDFs and decline reasons (read by src/locale.rs and the models).
language-name = English

month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec
# $day, $day-padded, $month (short name), $month-number, $year
date-format = { $month } { $day }, { $year }

number-decimal-separator = .
number-group-separator = ,
# $sign is "-" or nothing; $number is already grouped
money-with-symbol = { $sign }{ $symbol }{ $number }
money-with-code = { $sign }{ $number }{"\u00A0"}{ $symbol }
# after a label, before its value ("Next renewal: …")
colon = :
percent = { $number }%

cycle-day = { $count ->
    [1] daily
   *[other] every { $count } days
}
cycle-week = { $count ->
    [1] weekly
   *[other] every { $count } weeks
}
cycle-month = { $count ->
    [1] monthly
   *[other] every { $count } months
}
cycle-year = { $count ->
    [1] yearly
   *[other] every { $count } years
}
# what a renewal's charge is called on the receipt, Billing history and invoice
charge-description = { $plan } ({ $cycle })
charge-description-prorated = { $plan } × { $quantity } (prorated)

invoice-pdf-invoice = Invoice
invoice-pdf-number = Invoice number
invoice-pdf-credit-note = Credit note
invoice-pdf-credit-note-number = Credit note number
invoice-pdf-refunded = Refunded
invoice-pdf-credits = refund for invoice
invoice-pdf-issued = Date of issue
invoice-pdf-status = Status
invoice-pdf-paid = Paid
invoice-pdf-void = Void
invoice-pdf-bill-to = Bill to
invoice-pdf-description = Description
invoice-pdf-period = Period
invoice-pdf-quantity = Qty
invoice-pdf-amount = Amount
invoice-pdf-subtotal = Subtotal
invoice-pdf-tax = Tax
invoice-pdf-total = Total
invoice-pdf-tax-id = Tax ID
invoice-pdf-questions = Questions about this invoice?
invoice-pdf-page = Page { $page } of { $pages }

# Why a payment failed, by the gateway's code (Stripe's codes and decline
# codes, the sandbox's); any other code reads as decline-other.
decline-card_declined = The card was declined.
decline-generic_decline = The card was declined.
decline-do_not_honor = The card was declined.
decline-insufficient_funds = The card has insufficient funds.
decline-expired_card = The card has expired.
decline-incorrect_cvc = The card's security code is incorrect.
decline-incorrect_number = The card number is incorrect.
decline-lost_card = The card was declined.
decline-stolen_card = The card was declined.
decline-processing_error = The bank could not process the payment. Try again in a few minutes.
decline-authentication_required = The bank asks you to confirm this payment.
decline-authentication_failed = The bank could not authenticate the payment.
decline-payment_failed = The payment did not go through.
decline-other = The payment did not go through. Try another card or contact your bank.

# Why a card could not be saved, by the gateway's code
card-setup-card_declined = The card was declined by the bank.
card-setup-expired_card = The card has expired.
card-setup-authentication_failed = The bank could not authenticate the card.
card-setup-authentication_abandoned = The card check was not finished.
card-setup-setup_canceled = The card was declined or could not be authenticated.
card-setup-other = The card could not be saved.
