{{ t(key="mail-refund-subject", lang=lang, workspace=workspace, amount=amount) }}
