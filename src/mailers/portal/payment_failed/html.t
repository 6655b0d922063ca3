<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
{% if lang == "de-DE" %}<p>Hallo {{ name }},</p><p>wir konnten <strong>{{ amount }}</strong> für {{ description }} nicht abbuchen: {{ reason }}</p>
<p>{% if cancelled %}Das Abonnement wurde deshalb beendet.{% elif retry_at %}Wir versuchen es am {{ retry_at }} erneut.{% endif %}</p>
<p><a href="{{ url }}" style="display:inline-block;background:{{ accent }};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Zahlung klären</a></p>
<p style="color:#4b5563">Der Link ist {{ minutes }} Minuten gültig: <a href="{{ url }}" style="color:{{ accent }};word-break:break-all">{{ url }}</a></p>
{% else %}<p>Hi {{ name }},</p><p>We could not collect <strong>{{ amount }}</strong> for {{ description }}: {{ reason }}</p>
<p>{% if cancelled %}The subscription has therefore ended.{% elif retry_at %}We will try again on {{ retry_at }}.{% endif %}</p>
<p><a href="{{ url }}" style="display:inline-block;background:{{ accent }};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Fix my payment</a></p>
<p style="color:#4b5563">This link works for {{ minutes }} minutes: <a href="{{ url }}" style="color:{{ accent }};word-break:break-all">{{ url }}</a></p>{% endif %}
</td></tr></table></td></tr></table>
</body></html>
