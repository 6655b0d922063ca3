{% if lang == "de-DE" %}Hallo {{ name }},

Ihr Abo {{ plan }} pausiert ab dem {{ pauses_on }} bis zum {{ resumes_on }}. In dieser Zeit wird nichts abgebucht; am {{ resumes_on }} beginnt der nächste Zeitraum und wird wie gewohnt bezahlt. Sie können jederzeit vorher fortsetzen.
{{ portal_url }}
{% else %}Hi {{ name }},

your {{ plan }} subscription pauses from {{ pauses_on }} until {{ resumes_on }}. Nothing is charged while it is paused; on {{ resumes_on }} the next period starts and is charged as usual. You can resume earlier at any time.
{{ portal_url }}
{% endif %}
