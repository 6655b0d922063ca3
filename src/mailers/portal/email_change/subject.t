{{ t(key="mail-email-change-subject", lang=lang, workspace=workspace) }}
