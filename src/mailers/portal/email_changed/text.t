{{ t(key="mail-greeting", lang=lang, name=name) }}

{{ t(key="mail-email-changed-body", lang=lang, workspace=workspace, new_email=new_email, old_email=old_email) }}

{{ t(key="mail-email-changed-not-you", lang=lang, support=support) }}
