<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
<p>{{ t(key="mail-greeting", lang=lang, name=name) }}</p>
<p>{{ t(key="mail-sign-in-use-button", lang=lang) }}</p>
<p><a href="{{ url }}" style="display:inline-block;background:{{ accent }};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">{{ t(key="mail-sign-in-button", lang=lang) }}</a></p>
<p>{{ t(key="mail-button-fallback", lang=lang) }}<br><a href="{{ url }}" style="color:{{ accent }};word-break:break-all">{{ url }}</a></p>
<p>{{ t(key="mail-sign-in-code-intro", lang=lang) }}</p>
<p style="font-size:28px;letter-spacing:6px;font-weight:700;margin:8px 0">{{ code }}</p>
<p>{{ t(key="mail-sign-in-validity", lang=lang, minutes=minutes) }}</p>
<p style="color:#4b5563">{{ t(key="mail-sign-in-ignore", lang=lang) }}</p>
{% if support_email %}<p style="color:#4b5563">{{ support_email }}</p>{% endif %}
</td></tr></table></td></tr></table>
</body></html>
