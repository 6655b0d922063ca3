<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px">
<tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
{% if lang == "de-DE" %}
<p>Hallo {{ name }},</p>
<p>melden Sie sich mit diesem Button bei Ihrem Abrechnungskonto an:</p>
<p><a href="{{ url }}" style="display:inline-block;background:{{ accent }};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Zu meinem Konto</a></p>
<p>Funktioniert der Button nicht, öffnen Sie diesen Link:<br><a href="{{ url }}" style="color:{{ accent }};word-break:break-all">{{ url }}</a></p>
<p>Oder geben Sie diesen Code auf der Anmeldeseite ein:</p>
<p style="font-size:28px;letter-spacing:6px;font-weight:700;margin:8px 0">{{ code }}</p>
<p>Link und Code sind {{ minutes }} Minuten gültig und funktionieren nur einmal.</p>
<p style="color:#4b5563">Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail. Ihr Konto bleibt unverändert.</p>
{% else %}
<p>Hi {{ name }},</p>
<p>Use this button to sign in to your billing account:</p>
<p><a href="{{ url }}" style="display:inline-block;background:{{ accent }};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Open my account</a></p>
<p>If the button does not work, open this link:<br><a href="{{ url }}" style="color:{{ accent }};word-break:break-all">{{ url }}</a></p>
<p>Or enter this code on the sign-in page:</p>
<p style="font-size:28px;letter-spacing:6px;font-weight:700;margin:8px 0">{{ code }}</p>
<p>The link and the code are valid for {{ minutes }} minutes and work once.</p>
<p style="color:#4b5563">If you did not ask for this, ignore this email. Nothing changes on your account.</p>
{% endif %}
{% if support_email %}<p style="color:#4b5563;font-size:14px">{{ support_email }}</p>{% endif %}
</td></tr></table>
</td></tr></table>
</body></html>
