# E-Mails an Kundinnen und Kunden (src/mailers/portal/*).
mail-greeting = Hallo { $name },
mail-manage-billing = Ihre Abrechnung verwalten
mail-manage-billing-at = Ihre Abrechnung verwalten: { $url }
mail-go-to-portal = Zum Kundenportal
mail-go-to-billing-history = Zum Rechnungsverlauf
mail-button-fallback = Funktioniert der Button nicht, öffnen Sie diesen Link:
mail-ignore = Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.
mail-link-validity = Der Link ist { $minutes } Minuten gültig:

mail-sign-in-subject = Ihr Anmeldelink für { $workspace }
mail-sign-in-open-link = öffnen Sie diesen Link, um sich bei Ihrem Abrechnungskonto bei { $workspace } anzumelden:
mail-sign-in-use-button = melden Sie sich mit diesem Button bei Ihrem Abrechnungskonto an:
mail-sign-in-button = Zu meinem Konto
mail-sign-in-code = Oder geben Sie diesen Code auf der Anmeldeseite ein: { $code }
mail-sign-in-code-intro = Oder geben Sie diesen Code auf der Anmeldeseite ein:
mail-sign-in-validity = Link und Code sind { $minutes } Minuten gültig und funktionieren nur einmal.
mail-sign-in-ignore = Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail. Ihr Konto bleibt unverändert.

mail-email-change-subject = Bestätigen Sie Ihre neue E-Mail-Adresse bei { $workspace }
mail-email-change-open-link = bitte bestätigen Sie, dass Sie diese Adresse für Ihr Abrechnungskonto bei { $workspace } verwenden möchten:
mail-email-change-use-button = bitte bestätigen Sie Ihre neue E-Mail-Adresse:
mail-email-change-button = Adresse bestätigen
mail-email-change-validity = Der Link ist { $minutes } Minuten gültig. Bis zur Bestätigung bleibt Ihre bisherige Adresse aktiv.

mail-email-changed-subject = Ihre E-Mail-Adresse bei { $workspace } wurde geändert
mail-email-changed-body = die E-Mail-Adresse Ihres Abrechnungskontos bei { $workspace } ist jetzt { $new-email } (vorher { $old-email }). Rechnungen, Belege und Anmeldelinks gehen ab sofort dorthin.
mail-email-changed-not-you = Wenn Sie das nicht waren, schreiben Sie sofort an { $support }.

mail-invoice-ready-subject = Ihre Rechnung { $number } von { $workspace } ist bereit
mail-invoice-ready-body = Ihre Rechnung { $number } über { $amount } ist bereit.
mail-invoice-ready-where = Sie finden sie im Rechnungsverlauf:

mail-payment-failed-subject = Zahlung fehlgeschlagen: { $description }
mail-payment-failed-body = wir konnten { $amount } für { $description } nicht abbuchen: { $reason }
mail-payment-failed-ended = Das Abonnement wurde deshalb beendet.
mail-payment-failed-retry = Wir versuchen es am { $retry-at } erneut.
mail-payment-failed-fix = Aktualisieren Sie Ihre Zahlungsmethode oder zahlen Sie jetzt (Link { $minutes } Minuten gültig):
mail-payment-failed-button = Zahlung klären

mail-plan-changed-subject-scheduled = Ihr Wechsel zu { $plan } ist vorgemerkt
mail-plan-changed-subject-now = Ihr Abo ist jetzt { $plan }
mail-plan-changed-scheduled = Ihr Abo wechselt am { $renews-on } von { $from-plan } zu { $plan }. Bis dahin bleibt alles wie es ist; heute wird nichts abgebucht.
mail-plan-changed-now = Ihr Abo ist jetzt { $plan } (vorher { $from-plan }).
mail-plan-changed-charged = Für den Rest des laufenden Zeitraums wurden { $charged } abgebucht; die Rechnung finden Sie im Kundenportal.
mail-plan-changed-renewal = Ab dem { $renews-on } kostet es { $renewal-amount } pro Zeitraum.

mail-receipt-subject = Zahlungsbeleg von { $workspace }: { $amount }
mail-receipt-body = vielen Dank! Wir haben { $amount } für { $description } erhalten.
mail-receipt-invoice = Rechnung: { $invoice }

mail-refund-subject = Erstattung von { $workspace }: { $amount }
mail-refund-body = wir haben Ihnen { $amount } Ihrer Zahlung von { $paid } für { $description } vom { $date } erstattet. Das Geld geht an die Karte oder das Konto zurück, mit dem Sie bezahlt haben; Ihre Bank kann 5 bis 10 Tage brauchen, bis es erscheint.
mail-refund-credit-note = Gutschrift: { $credit-note }

mail-cancelled-subject-now = Ihr Abo { $plan } ist beendet
mail-cancelled-subject-later = Ihr Abo { $plan } endet am { $ends-on }
mail-cancelled-now = Ihr Abo { $plan } ist heute beendet. Es wird nichts mehr abgebucht; der bereits bezahlte Zeitraum wird nicht erstattet.
mail-cancelled-later = Sie haben Ihr Abo { $plan } gekündigt. Es bleibt bis zum { $ends-on } aktiv; danach endet es und es wird nichts mehr abgebucht.
mail-cancelled-keep-intro = Doch anders entschieden? Bis dahin können Sie es im Kundenportal behalten:
mail-cancelled-keep-button = Abo doch behalten

mail-kept-subject = Ihr Abo { $plan } läuft weiter
mail-kept-body = Ihr Abo { $plan } läuft weiter und verlängert sich am { $renews-on } wie bisher.
mail-paused-subject = Ihr Abo { $plan } pausiert ab dem { $pauses-on }
mail-paused-body = Ihr Abo { $plan } pausiert ab dem { $pauses-on } bis zum { $resumes-on }. In dieser Zeit wird nichts abgebucht; am { $resumes-on } beginnt der nächste Zeitraum und wird wie gewohnt bezahlt. Sie können jederzeit vorher fortsetzen.
mail-resumed-subject = Ihr Abo { $plan } läuft wieder
mail-resumed-body = Ihr Abo { $plan } läuft ab heute ({ $resumed-on }) wieder. Der neue Zeitraum beginnt jetzt und wird mit Ihrer gewohnten Zahlungsmethode bezahlt.
