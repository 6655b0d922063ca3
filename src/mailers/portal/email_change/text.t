{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-email-change-open-link", lang=lang, workspace=workspace) }}

{{ url }}

{{ t(key="mail-email-change-validity", lang=lang, minutes=minutes) }}

{{ t(key="mail-ignore", lang=lang) }}
