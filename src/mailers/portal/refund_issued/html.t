<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
{% if lang == "de-DE" %}<p>Hallo {{ name }},</p><p>wir haben Ihnen <strong>{{ amount }}</strong> Ihrer Zahlung von {{ paid }} für {{ description }} vom {{ date }} erstattet. Das Geld geht an die Karte oder das Konto zurück, mit dem Sie bezahlt haben; Ihre Bank kann 5 bis 10 Tage brauchen, bis es erscheint.</p>{% if credit_note %}<p>Gutschrift: {{ credit_note }}</p>{% endif %}<p><a href="{{ portal_url }}" style="color:{{ accent }}">Abrechnung verwalten</a></p>
{% else %}<p>Hi {{ name }},</p><p>We refunded <strong>{{ amount }}</strong> of your payment of {{ paid }} for {{ description }} on {{ date }}. The money goes back to the card or account you paid with; your bank may take 5 to 10 days to show it.</p>{% if credit_note %}<p>Credit note: {{ credit_note }}</p>{% endif %}<p><a href="{{ portal_url }}" style="color:{{ accent }}">Manage your billing</a></p>{% endif %}
</td></tr></table></td></tr></table>
</body></html>
