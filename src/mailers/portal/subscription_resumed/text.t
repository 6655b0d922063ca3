{% if lang == "de-DE" %}Hallo {{ name }},

Ihr Abo {{ plan }} läuft ab heute ({{ resumed_on }}) wieder. Der neue Zeitraum beginnt jetzt und wird mit Ihrer gewohnten Zahlungsmethode bezahlt.
{{ portal_url }}
{% else %}Hi {{ name }},

your {{ plan }} subscription is active again from today ({{ resumed_on }}). The new period starts now and is paid with your usual payment method.
{{ portal_url }}
{% endif %}
