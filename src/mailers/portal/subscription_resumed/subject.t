{{ t(key="mail-resumed-subject", lang=lang, plan=plan) }}
