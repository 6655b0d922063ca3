{{ t(key="mail-kept-subject", lang=lang, plan=plan) }}
