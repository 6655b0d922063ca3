{% if lang == "de-DE" %}Ihre E-Mail-Adresse bei {{ workspace }} wurde geändert{% else %}Your email address for {{ workspace }} was changed{% endif %}
