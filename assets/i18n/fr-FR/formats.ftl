# Comment cette langue écrit son nom, les dates, les nombres, les montants,
# les cycles de facturation, les factures PDF et les motifs de refus.
language-name = Français

month-short-1 = janv.
month-short-2 = févr.
month-short-3 = mars
month-short-4 = avr.
month-short-5 = mai
month-short-6 = juin
month-short-7 = juil.
month-short-8 = août
month-short-9 = sept.
month-short-10 = oct.
month-short-11 = nov.
month-short-12 = déc.
date-format = { $day } { $month } { $year }

number-decimal-separator = ,
number-group-separator = {"\u00A0"}
money-with-symbol = { $sign }{ $number }{"\u00A0"}{ $symbol }
money-with-code = { $sign }{ $number }{"\u00A0"}{ $symbol }
# after a label, before its value ("Next renewal: …")
colon = {"\u00A0"}:
percent = { $number }{"\u00A0"}%

cycle-day = { $count ->
    [1] quotidien
   *[other] tous les { $count } jours
}
cycle-week = { $count ->
    [1] hebdomadaire
   *[other] toutes les { $count } semaines
}
cycle-month = { $count ->
    [1] mensuel
   *[other] tous les { $count } mois
}
cycle-year = { $count ->
    [1] annuel
   *[other] tous les { $count } ans
}
charge-description = { $plan } ({ $cycle })
charge-description-prorated = { $plan } × { $quantity } (au prorata)

invoice-pdf-invoice = Facture
invoice-pdf-number = Numéro de facture
invoice-pdf-credit-note = Avoir
invoice-pdf-credit-note-number = Numéro d’avoir
invoice-pdf-refunded = Remboursé
invoice-pdf-credits = remboursement de la facture
invoice-pdf-issued = Date d’émission
invoice-pdf-status = Statut
invoice-pdf-paid = Payée
invoice-pdf-void = Annulée
invoice-pdf-bill-to = Facturé à
invoice-pdf-description = Description
invoice-pdf-period = Période
invoice-pdf-quantity = Qté
invoice-pdf-amount = Montant
invoice-pdf-subtotal = Sous-total
invoice-pdf-tax = TVA
invoice-pdf-total = Total
invoice-pdf-tax-id = N° de TVA
invoice-pdf-questions = Des questions sur cette facture ?
invoice-pdf-page = Page { $page } sur { $pages }

decline-card_declined = La carte a été refusée.
decline-generic_decline = La carte a été refusée.
decline-do_not_honor = La carte a été refusée.
decline-insufficient_funds = Le solde de la carte est insuffisant.
decline-expired_card = La carte a expiré.
decline-incorrect_cvc = Le cryptogramme de la carte est incorrect.
decline-incorrect_number = Le numéro de carte est incorrect.
decline-lost_card = La carte a été refusée.
decline-stolen_card = La carte a été refusée.
decline-processing_error = La banque n’a pas pu traiter le paiement. Réessayez dans quelques minutes.
decline-authentication_required = Votre banque vous demande de confirmer ce paiement.
decline-authentication_failed = La banque n’a pas pu authentifier le paiement.
decline-payment_failed = Le paiement n’a pas abouti.
decline-other = Le paiement n’a pas abouti. Essayez une autre carte ou contactez votre banque.

card-setup-card_declined = La banque a refusé la carte.
card-setup-expired_card = La carte a expiré.
card-setup-authentication_failed = La banque n’a pas pu authentifier la carte.
card-setup-authentication_abandoned = La vérification de la carte n’a pas été terminée.
card-setup-setup_canceled = La carte a été refusée ou n’a pas pu être authentifiée.
card-setup-other = La carte n’a pas pu être enregistrée.
