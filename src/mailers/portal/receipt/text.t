{% if lang == "de-DE" %}Hallo {{ name }},

vielen Dank! Wir haben {{ amount }} für {{ description }} erhalten.
{% if invoice %}Rechnung: {{ invoice }}
{% endif %}
Ihre Abrechnung verwalten: {{ portal_url }}
{% else %}Hi {{ name }},

thank you! We received {{ amount }} for {{ description }}.
{% if invoice %}Invoice: {{ invoice }}
{% endif %}
Manage your billing: {{ portal_url }}
{% endif %}
