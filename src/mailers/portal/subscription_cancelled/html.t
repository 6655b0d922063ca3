<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
<p>{{ t(key="mail-greeting", lang=lang, name=name) }}</p>{% if now %}<p>{{ t(key="mail-cancelled-now", lang=lang, plan=plan) }}</p>{% else %}<p>{{ t(key="mail-cancelled-later", lang=lang, plan=plan, ends_on=ends_on) }}</p><p><a href="{{ portal_url }}" style="color:{{ accent }}">{{ t(key="mail-cancelled-keep-button", lang=lang) }}</a></p>
{% endif %}
</td></tr></table></td></tr></table>
</body></html>
