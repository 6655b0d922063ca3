{% if lang == "de-DE" %}Hallo {{ name }},

bitte bestätigen Sie, dass Sie diese Adresse für Ihr Abrechnungskonto bei {{ workspace }} verwenden möchten:

{{ url }}

Der Link ist {{ minutes }} Minuten gültig. Bis zur Bestätigung bleibt Ihre bisherige Adresse aktiv.

Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.
{% else %}Hi {{ name }},

please confirm that you want to use this address for your billing account with {{ workspace }}:

{{ url }}

The link is valid for {{ minutes }} minutes. Until you confirm, your current address stays in use.

If you did not ask for this, ignore this email.
{% endif %}
