Hi {{ name }},

someone (hopefully you) asked to reset the password of your portal console account.
Choose a new password here within 30 minutes:

{{ host }}/admin/reset/{{ resetToken }}

If you did not ask for this, ignore this email: your password stays as it is.
