<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
{% if lang == "de-DE" %}<p>Hallo {{ name }},</p>{% if now %}<p>Ihr Abo <strong>{{ plan }}</strong> ist heute beendet. Es wird nichts mehr abgebucht; der bereits bezahlte Zeitraum wird nicht erstattet.</p>{% else %}<p>Sie haben Ihr Abo <strong>{{ plan }}</strong> gekündigt. Es bleibt bis zum <strong>{{ ends_on }}</strong> aktiv; danach endet es und es wird nichts mehr abgebucht.</p><p><a href="{{ portal_url }}" style="color:{{ accent }}">Abo doch behalten</a></p>{% endif %}
{% else %}<p>Hi {{ name }},</p>{% if now %}<p>Your <strong>{{ plan }}</strong> subscription ended today. You will not be charged again; the period already paid is not refunded.</p>{% else %}<p>You cancelled your <strong>{{ plan }}</strong> subscription. It stays active until <strong>{{ ends_on }}</strong>; after that it ends and you will not be charged again.</p><p><a href="{{ portal_url }}" style="color:{{ accent }}">Keep my subscription</a></p>{% endif %}{% endif %}
</td></tr></table></td></tr></table>
</body></html>
