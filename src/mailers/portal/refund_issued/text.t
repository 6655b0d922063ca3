{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-refund-body", lang=lang, amount=amount, paid=paid, description=description, date=date) }}
{% if credit_note %}{{ t(key="mail-refund-credit-note", lang=lang, credit_note=credit_note) }}
{% endif %}
{{ t(key="mail-manage-billing-at", lang=lang, url=portal_url) }}
