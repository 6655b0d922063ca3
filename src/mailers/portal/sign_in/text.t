{% if lang == "de-DE" %}Hallo {{ name }},

öffnen Sie diesen Link, um sich bei Ihrem Abrechnungskonto bei {{ workspace }} anzumelden:

{{ url }}

Oder geben Sie diesen Code auf der Anmeldeseite ein: {{ code }}

Link und Code sind {{ minutes }} Minuten gültig und funktionieren nur einmal.

Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail. Ihr Konto bleibt unverändert.
{% else %}Hi {{ name }},

open this link to sign in to your billing account with {{ workspace }}:

{{ url }}

Or enter this code on the sign-in page: {{ code }}

The link and the code are valid for {{ minutes }} minutes and work once.

If you did not ask for this, ignore this email. Nothing changes on your account.
{% endif %}{% if support_email %}
{{ support_email }}{% endif %}
