{% if lang == "de-DE" %}Hallo {{ name }},

{% if now %}Ihr Abo {{ plan }} ist heute beendet. Es wird nichts mehr abgebucht; der bereits bezahlte Zeitraum wird nicht erstattet.{% else %}Sie haben Ihr Abo {{ plan }} gekündigt. Es bleibt bis zum {{ ends_on }} aktiv; danach endet es und es wird nichts mehr abgebucht.

Doch anders entschieden? Bis dahin können Sie es im Kundenportal behalten:
{{ portal_url }}{% endif %}
{% else %}Hi {{ name }},

{% if now %}your {{ plan }} subscription ended today. You will not be charged again; the period already paid is not refunded.{% else %}you cancelled your {{ plan }} subscription. It stays active until {{ ends_on }}; after that it ends and you will not be charged again.

Changed your mind? You can keep it until then in your billing portal:
{{ portal_url }}{% endif %}
{% endif %}
