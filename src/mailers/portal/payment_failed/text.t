{% if lang == "de-DE" %}Hallo {{ name }},

wir konnten {{ amount }} für {{ description }} nicht abbuchen: {{ reason }}
{% if cancelled %}Das Abonnement wurde deshalb beendet.{% elif retry_at %}Wir versuchen es am {{ retry_at }} erneut.{% endif %}

Aktualisieren Sie Ihre Zahlungsmethode oder zahlen Sie jetzt (Link {{ minutes }} Minuten gültig):
{{ url }}
{% else %}Hi {{ name }},

we could not collect {{ amount }} for {{ description }}: {{ reason }}
{% if cancelled %}The subscription has therefore ended.{% elif retry_at %}We will try again on {{ retry_at }}.{% endif %}

Update your payment method or pay now (this link works for {{ minutes }} minutes):
{{ url }}
{% endif %}
