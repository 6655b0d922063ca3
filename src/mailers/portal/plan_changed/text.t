{{ t(key="mail-greeting", lang=lang, name=name) }}

{% if scheduled %}{{ t(key="mail-plan-changed-scheduled", lang=lang, from_plan=from_plan, plan=plan, renews_on=renews_on) }}{% else %}{{ t(key="mail-plan-changed-now", lang=lang, plan=plan, from_plan=from_plan) }}{% if charged %} {{ t(key="mail-plan-changed-charged", lang=lang, charged=charged) }}{% endif %}{% endif %}
{{ t(key="mail-plan-changed-renewal", lang=lang, renews_on=renews_on, renewal_amount=renewal_amount) }}
{{ portal_url }}
