<!doctype html>
<html lang="{{ lang }}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="480" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px"><tr><td>
<p style="margin:0 0 16px;font-weight:700;color:{{ accent }}">{{ workspace }}</p>
<p>{{ t(key="mail-greeting", lang=lang, name=name) }}</p><p>{{ t(key="mail-receipt-body", lang=lang, amount=amount, description=description) }}</p>{% if invoice %}<p>{{ t(key="mail-receipt-invoice", lang=lang, invoice=invoice) }}</p>{% endif %}<p><a href="{{ portal_url }}" style="color:{{ accent }}">{{ t(key="mail-manage-billing", lang=lang) }}</a></p>
</td></tr></table></td></tr></table>
</body></html>
