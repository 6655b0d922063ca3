<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px">
<tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
{% if lang == "de-DE" %}
<p>Hallo {{ name }},</p>
<p>die E-Mail-Adresse Ihres Abrechnungskontos bei {{ workspace }} ist jetzt <strong>{{ new_email }}</strong> (vorher {{ old_email }}). Rechnungen, Belege und Anmeldelinks gehen ab sofort dorthin.</p>
<p>Wenn Sie das nicht waren, schreiben Sie sofort an <a href="mailto:{{ support }}" style="color:{{ accent }}">{{ support }}</a>.</p>
{% else %}
<p>Hi {{ name }},</p>
<p>The email address of your billing account with {{ workspace }} is now <strong>{{ new_email }}</strong> (it was {{ old_email }}). Invoices, receipts and sign-in links go there from now on.</p>
<p>If this was not you, write to <a href="mailto:{{ support }}" style="color:{{ accent }}">{{ support }}</a> right away.</p>
{% endif %}
</td></tr></table>
</td></tr></table>
</body></html>
