{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-kept-body", lang=lang, plan=plan, renews_on=renews_on) }}
{{ portal_url }}
