{{ t(key="mail-greeting", lang=lang, name=name) }}

{% if now %}{{ t(key="mail-cancelled-now", lang=lang, plan=plan) }}{% else %}{{ t(key="mail-cancelled-later", lang=lang, plan=plan, ends_on=ends_on) }}

{{ t(key="mail-cancelled-keep-intro", lang=lang) }}
{{ portal_url }}{% endif %}
