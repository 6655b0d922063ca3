{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-sign-in-open-link", lang=lang, workspace=workspace) }}

{{ url }}

{{ t(key="mail-sign-in-code", lang=lang, code=code) }}

{{ t(key="mail-sign-in-validity", lang=lang, minutes=minutes) }}

{{ t(key="mail-sign-in-ignore", lang=lang) }}
{% if support_email %}
{{ support_email }}{% endif %}
