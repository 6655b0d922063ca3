{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-payment-failed-body", lang=lang, amount=amount, description=description, reason=reason) }}
{% if cancelled %}{{ t(key="mail-payment-failed-ended", lang=lang) }}{% elif retry_at %}{{ t(key="mail-payment-failed-retry", lang=lang, retry_at=retry_at) }}{% endif %}

{{ t(key="mail-payment-failed-fix", lang=lang, minutes=minutes) }}
{{ url }}
