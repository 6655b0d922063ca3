{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-paused-body", lang=lang, plan=plan, pauses_on=pauses_on, resumes_on=resumes_on) }}
{{ portal_url }}
