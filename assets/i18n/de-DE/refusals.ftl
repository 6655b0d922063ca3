# Warum eine Anfrage abgelehnt wurde (src/models/*: models::refused).
refusal-ended = Dieses Abonnement ist beendet.
refusal-resume-first = Setzen Sie dieses Abonnement zuerst fort.
refusal-keep-first = Dieses Abonnement ist gekündigt: behalten Sie es zuerst.
refusal-undo-pause-first = Für dieses Abonnement ist eine Pause vorgemerkt: heben Sie die Pause zuerst auf.
refusal-change-past-due = Die letzte Zahlung dieses Abonnements ist fehlgeschlagen: bezahlen Sie sie, bevor Sie den Tarif wechseln.
refusal-choose-plan = Wählen Sie einen der aufgeführten Tarife.
refusal-current-plan = Das ist der aktuelle Tarif.
refusal-seats-fixed = Die Anzahl der Plätze dieses Tarifs lässt sich nicht ändern.
refusal-seats-between = Wählen Sie zwischen { $min } und { $max } Plätzen.
refusal-seats-at-least-one = Wählen Sie mindestens 1 Platz.
refusal-seats-too-many = So viele Plätze lassen sich nicht abrechnen.
refusal-pause-length = Wählen Sie eine Pause von 1 bis { $max } Abrechnungszeiträumen.
refusal-pause-past-due = Ein Abonnement, dessen letzte Zahlung fehlgeschlagen ist, lässt sich nicht pausieren: bezahlen Sie sie zuerst.
refusal-pause-trial = Ein Abonnement in der kostenlosen Testphase lässt sich nicht pausieren.
refusal-choose-reason = Wählen Sie einen der aufgeführten Gründe.
refusal-cancel-past-due = Ein Abonnement, dessen letzte Zahlung fehlgeschlagen ist, endet sofort oder sobald sie bezahlt ist.
refusal-email-unchanged = Das ist bereits Ihre E-Mail-Adresse.
refusal-email-taken = Diese E-Mail-Adresse gehört zu einem anderen Konto.
refusal-choose-language = Wählen Sie eine der aufgeführten Sprachen.

refusal-choose-method = Wählen Sie eine Ihrer gespeicherten Zahlungsmethoden.
refusal-choose-plan-and-seats = Wählen Sie einen der aufgeführten Tarife und eine ganze Zahl von Plätzen.
refusal-change-unreadable = Dieser Wechsel ließ sich nicht lesen: wählen Sie den Tarif erneut.
refusal-read-only = Dies ist eine Ansicht des Kundenportals nur zum Lesen: hier lässt sich nichts ändern.
refusal-form-expired = Dieses Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.
refusal-paypal-cancelled = PayPal wurde nicht hinzugefügt: die Freigabe wurde abgebrochen.
## Ein abgelehnter Feldwert
error-name-length = Geben Sie einen Namen mit bis zu 120 Zeichen ein.
error-address-line-length = Halten Sie jede Adresszeile unter 200 Zeichen.
error-city-length = Halten Sie den Ort unter 100 Zeichen.
error-region-length = Halten Sie das Bundesland oder die Region unter 100 Zeichen.
error-postal-code-length = Halten Sie die Postleitzahl unter 20 Zeichen.
error-country-unknown = Wählen Sie ein Land aus der Liste oder geben Sie seinen ISO-Code an, etwa US oder DE.
error-single-line = Geben Sie dies in einer Zeile ein, ohne Zeilenumbrüche.
