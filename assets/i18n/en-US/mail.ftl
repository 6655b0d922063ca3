# Emails to customers (src/mailers/portal/*): every word here, none in the templates.
mail-greeting = Hi { $name },
mail-manage-billing = Manage your billing
mail-manage-billing-at = Manage your billing: { $url }
mail-go-to-portal = Go to your billing portal
mail-go-to-billing-history = Go to your billing history
mail-button-fallback = If the button does not work, open this link:
mail-ignore = If you did not ask for this, ignore this email.
mail-link-validity = This link works for { $minutes } minutes:

mail-sign-in-subject = Your sign-in link for { $workspace }
mail-sign-in-open-link = Open this link to sign in to your billing account with { $workspace }:
mail-sign-in-use-button = Use this button to sign in to your billing account:
mail-sign-in-button = Open my account
mail-sign-in-code = Or enter this code on the sign-in page: { $code }
mail-sign-in-code-intro = Or enter this code on the sign-in page:
mail-sign-in-validity = The link and the code are valid for { $minutes } minutes and work once.
mail-sign-in-ignore = If you did not ask for this, ignore this email. Nothing changes on your account.

mail-email-change-subject = Confirm your new email address for { $workspace }
mail-email-change-open-link = Please confirm that you want to use this address for your billing account with { $workspace }:
mail-email-change-use-button = Please confirm your new email address:
mail-email-change-button = Confirm address
mail-email-change-validity = The link is valid for { $minutes } minutes. Until you confirm, your current address stays in use.

mail-email-changed-subject = Your email address for { $workspace } was changed
mail-email-changed-body = The email address of your billing account with { $workspace } is now { $new-email } (it was { $old-email }). Invoices, receipts and sign-in links go there from now on.
mail-email-changed-not-you = If this was not you, write to { $support } right away.

mail-invoice-ready-subject = Your invoice { $number } from { $workspace } is ready
mail-invoice-ready-body = Your invoice { $number } for { $amount } is ready.
mail-invoice-ready-where = Download it from your billing history:

mail-payment-failed-subject = Your payment for { $description } failed
mail-payment-failed-body = We could not collect { $amount } for { $description }: { $reason }
mail-payment-failed-ended = The subscription has therefore ended.
mail-payment-failed-retry = We will try again on { $retry-at }.
mail-payment-failed-fix = Update your payment method or pay now (this link works for { $minutes } minutes):
mail-payment-failed-button = Fix my payment

mail-plan-changed-subject-scheduled = Your move to { $plan } is scheduled
mail-plan-changed-subject-now = Your subscription is now { $plan }
mail-plan-changed-scheduled = Your subscription moves from { $from-plan } to { $plan } on { $renews-on }. Until then nothing changes, and nothing is charged today.
mail-plan-changed-now = Your subscription is now { $plan } (was { $from-plan }).
mail-plan-changed-charged = { $charged } was charged for the rest of the current period; the invoice is in your billing portal.
mail-plan-changed-renewal = From { $renews-on } it renews at { $renewal-amount } a period.

mail-receipt-subject = Your receipt from { $workspace }: { $amount }
mail-receipt-body = Thank you! We received { $amount } for { $description }.
mail-receipt-invoice = Invoice: { $invoice }

mail-refund-subject = Your refund from { $workspace }: { $amount }
mail-refund-body = We refunded { $amount } of your payment of { $paid } for { $description } on { $date }. The money goes back to the card or account you paid with; your bank may take 5 to 10 days to show it.
mail-refund-credit-note = Credit note: { $credit-note }

mail-cancelled-subject-now = Your { $plan } subscription has ended
mail-cancelled-subject-later = Your { $plan } subscription ends on { $ends-on }
mail-cancelled-now = Your { $plan } subscription ended today. You will not be charged again; the period already paid is not refunded.
mail-cancelled-later = You cancelled your { $plan } subscription. It stays active until { $ends-on }; after that it ends and you will not be charged again.
mail-cancelled-keep-intro = Changed your mind? You can keep it until then in your billing portal:
mail-cancelled-keep-button = Keep my subscription

mail-kept-subject = Your { $plan } subscription continues
mail-kept-body = Your { $plan } subscription continues and renews on { $renews-on } as before.
mail-paused-subject = Your { $plan } subscription pauses from { $pauses-on }
mail-paused-body = Your { $plan } subscription pauses from { $pauses-on } until { $resumes-on }. Nothing is charged while it is paused; on { $resumes-on } the next period starts and is charged as usual. You can resume earlier at any time.
mail-resumed-subject = Your { $plan } subscription is active again
mail-resumed-body = Your { $plan } subscription is active again from today ({ $resumed-on }). The new period starts now and is paid with your usual payment method.
