{% if lang == "de-DE" %}Hallo {{ name }},

Ihre Rechnung {{ number }} über {{ amount }} ist bereit. Sie finden sie im Rechnungsverlauf:
{{ billing_url }}
{% else %}Hi {{ name }},

your invoice {{ number }} for {{ amount }} is ready. Download it from your billing history:
{{ billing_url }}
{% endif %}
