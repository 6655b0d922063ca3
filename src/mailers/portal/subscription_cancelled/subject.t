{% if now %}{{ t(key="mail-cancelled-subject-now", lang=lang, plan=plan) }}{% else %}{{ t(key="mail-cancelled-subject-later", lang=lang, plan=plan, ends_on=ends_on) }}{% endif %}
