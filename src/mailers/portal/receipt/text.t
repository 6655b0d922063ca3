{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-receipt-body", lang=lang, amount=amount, description=description) }}
{% if invoice %}{{ t(key="mail-receipt-invoice", lang=lang, invoice=invoice) }}
{% endif %}
{{ t(key="mail-manage-billing-at", lang=lang, url=portal_url) }}
