{{ t(key="mail-invoice-ready-subject", lang=lang, number=number, workspace=workspace) }}
