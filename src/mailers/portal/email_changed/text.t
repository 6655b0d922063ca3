{% if lang == "de-DE" %}Hallo {{ name }},

die E-Mail-Adresse Ihres Abrechnungskontos bei {{ workspace }} ist jetzt {{ new_email }} (vorher {{ old_email }}). Rechnungen, Belege und Anmeldelinks gehen ab sofort dorthin.

Wenn Sie das nicht waren, schreiben Sie sofort an {{ support }}.
{% else %}Hi {{ name }},

the email address of your billing account with {{ workspace }} is now {{ new_email }} (it was {{ old_email }}). Invoices, receipts and sign-in links go there from now on.

If this was not you, write to {{ support }} right away.
{% endif %}
