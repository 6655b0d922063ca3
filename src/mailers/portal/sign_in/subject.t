{{ t(key="mail-sign-in-subject", lang=lang, workspace=workspace) }}
