{{ t(key="mail-receipt-subject", lang=lang, workspace=workspace, amount=amount) }}
