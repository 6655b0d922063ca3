<!doctype html>
<html lang="en"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827">
<p>Hi {{ name }},</p>
<p>someone (hopefully you) asked to reset the password of your portal console account.</p>
<p><a href="{{ host }}/admin/reset/{{ resetToken }}">Choose a new password</a> (within 30 minutes).</p>
<p>If you did not ask for this, ignore this email: your password stays as it is.</p>
</body></html>
