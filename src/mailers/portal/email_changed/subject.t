{{ t(key="mail-email-changed-subject", lang=lang, workspace=workspace) }}
