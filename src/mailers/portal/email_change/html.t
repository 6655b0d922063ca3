<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px">
<tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
{% if lang == "de-DE" %}
<p>Hallo {{ name }},</p>
<p>bitte bestätigen Sie Ihre neue E-Mail-Adresse:</p>
<p><a href="{{ url }}" style="display:inline-block;background:{{ accent }};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Adresse bestätigen</a></p>
<p>Oder öffnen Sie diesen Link:<br><a href="{{ url }}" style="color:{{ accent }};word-break:break-all">{{ url }}</a></p>
<p>Der Link ist {{ minutes }} Minuten gültig. Bis zur Bestätigung bleibt Ihre bisherige Adresse aktiv.</p>
<p style="color:#4b5563">Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.</p>
{% else %}
<p>Hi {{ name }},</p>
<p>Please confirm your new email address:</p>
<p><a href="{{ url }}" style="display:inline-block;background:{{ accent }};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Confirm address</a></p>
<p>Or open this link:<br><a href="{{ url }}" style="color:{{ accent }};word-break:break-all">{{ url }}</a></p>
<p>The link is valid for {{ minutes }} minutes. Until you confirm, your current address stays in use.</p>
<p style="color:#4b5563">If you did not ask for this, ignore this email.</p>
{% endif %}
</td></tr></table>
</td></tr></table>
</body></html>
