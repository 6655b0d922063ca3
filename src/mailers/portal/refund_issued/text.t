{% if lang == "de-DE" %}Hallo {{ name }},

wir haben Ihnen {{ amount }} Ihrer Zahlung von {{ paid }} für {{ description }} vom {{ date }} erstattet. Das Geld geht an die Karte oder das Konto zurück, mit dem Sie bezahlt haben; Ihre Bank kann 5 bis 10 Tage brauchen, bis es erscheint.
{% if credit_note %}Gutschrift: {{ credit_note }}
{% endif %}
Ihre Abrechnung verwalten: {{ portal_url }}
{% else %}Hi {{ name }},

we refunded {{ amount }} of your payment of {{ paid }} for {{ description }} on {{ date }}. The money goes back to the card or account you paid with; your bank may take 5 to 10 days to show it.
{% if credit_note %}Credit note: {{ credit_note }}
{% endif %}
Manage your billing: {{ portal_url }}
{% endif %}
