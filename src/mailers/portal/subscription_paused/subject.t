{{ t(key="mail-paused-subject", lang=lang, plan=plan, pauses_on=pauses_on) }}
