{% if lang == "de-DE" %}Hallo {{ name }},

{% if scheduled %}Ihr Abo wechselt am {{ renews_on }} von {{ from_plan }} zu {{ plan }}. Bis dahin bleibt alles wie es ist; heute wird nichts abgebucht.{% else %}Ihr Abo ist jetzt {{ plan }} (vorher {{ from_plan }}).{% if charged %} Für den Rest des laufenden Zeitraums wurden {{ charged }} abgebucht; die Rechnung finden Sie im Kundenportal.{% endif %}{% endif %}
Ab dem {{ renews_on }} kostet es {{ renewal_amount }} pro Zeitraum.
{{ portal_url }}
{% else %}Hi {{ name }},

{% if scheduled %}your subscription moves from {{ from_plan }} to {{ plan }} on {{ renews_on }}. Until then nothing changes, and nothing is charged today.{% else %}your subscription is now {{ plan }} (was {{ from_plan }}).{% if charged %} {{ charged }} was charged for the rest of the current period; the invoice is in your billing portal.{% endif %}{% endif %}
From {{ renews_on }} it renews at {{ renewal_amount }} a period.
{{ portal_url }}
{% endif %}
