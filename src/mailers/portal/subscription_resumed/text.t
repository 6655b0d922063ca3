{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-resumed-body", lang=lang, plan=plan, resumed_on=resumed_on) }}
{{ portal_url }}
