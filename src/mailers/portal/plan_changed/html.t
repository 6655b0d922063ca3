<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
<p>{{ t(key="mail-greeting", lang=lang, name=name) }}</p><p>{% if scheduled %}{{ t(key="mail-plan-changed-scheduled", lang=lang, from_plan=from_plan, plan=plan, renews_on=renews_on) }}{% else %}{{ t(key="mail-plan-changed-now", lang=lang, plan=plan, from_plan=from_plan) }}{% if charged %} {{ t(key="mail-plan-changed-charged", lang=lang, charged=charged) }}{% endif %}{% endif %}</p><p>{{ t(key="mail-plan-changed-renewal", lang=lang, renews_on=renews_on, renewal_amount=renewal_amount) }}</p><p><a href="{{ portal_url }}" style="color:{{ accent }}">{{ t(key="mail-go-to-portal", lang=lang) }}</a></p>
</td></tr></table></td></tr></table>
</body></html>
