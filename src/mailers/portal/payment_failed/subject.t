{{ t(key="mail-payment-failed-subject", lang=lang, description=description) }}
