{% if scheduled %}{{ t(key="mail-plan-changed-subject-scheduled", lang=lang, plan=plan) }}{% else %}{{ t(key="mail-plan-changed-subject-now", lang=lang, plan=plan) }}{% endif %}
