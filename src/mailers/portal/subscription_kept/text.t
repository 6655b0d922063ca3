{% if lang == "de-DE" %}Hallo {{ name }},

Ihr Abo {{ plan }} läuft weiter und verlängert sich am {{ renews_on }} wie bisher.
{{ portal_url }}
{% else %}Hi {{ name }},

your {{ plan }} subscription continues and renews on {{ renews_on }} as before.
{{ portal_url }}
{% endif %}
