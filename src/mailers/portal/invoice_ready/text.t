{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-invoice-ready-body", lang=lang, number=number, amount=amount) }}
{{ t(key="mail-invoice-ready-where", lang=lang) }}
{{ billing_url }}
