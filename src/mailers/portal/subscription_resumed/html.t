<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
{% if lang == "de-DE" %}<p>Hallo {{ name }},</p><p>Ihr Abo <strong>{{ plan }}</strong> läuft ab heute ({{ resumed_on }}) wieder. Der neue Zeitraum beginnt jetzt und wird mit Ihrer gewohnten Zahlungsmethode bezahlt.</p><p><a href="{{ portal_url }}" style="color:{{ accent }}">Zum Kundenportal</a></p>
{% else %}<p>Hi {{ name }},</p><p>Your <strong>{{ plan }}</strong> subscription is active again from today ({{ resumed_on }}). The new period starts now and is paid with your usual payment method.</p><p><a href="{{ portal_url }}" style="color:{{ accent }}">Go to your billing portal</a></p>{% endif %}
</td></tr></table></td></tr></table>
</body></html>
