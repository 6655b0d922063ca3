# Why a request was refused (src/models/*: models::refused), written for the
# reader: the customer's language on portal pages, English in the API.
refusal-ended = This subscription has ended.
refusal-resume-first = Resume this subscription first.
refusal-keep-first = This subscription is set to end: keep it first.
refusal-undo-pause-first = This subscription is set to pause: undo the pause first.
refusal-change-past-due = The last payment of this subscription failed: pay it before changing plan.
refusal-choose-plan = Choose one of the plans listed.
refusal-current-plan = That is the current plan.
refusal-seats-fixed = The number of seats of this plan cannot be changed.
refusal-seats-between = Choose between { $min } and { $max } seats.
refusal-seats-at-least-one = Choose at least 1 seat.
refusal-seats-too-many = That many seats cannot be billed.
refusal-pause-length = Choose a pause of 1 to { $max } billing periods.
refusal-pause-past-due = A subscription whose last payment failed cannot be paused: pay it first.
refusal-pause-trial = A subscription in its free trial cannot be paused.
refusal-choose-reason = Choose one of the reasons listed.
refusal-cancel-past-due = A subscription whose last payment failed ends now or once it is paid.
refusal-email-unchanged = This is already your email address.
refusal-email-taken = This email address belongs to another account.
refusal-choose-language = Choose one of the languages listed.

refusal-choose-method = Choose one of your saved payment methods.
refusal-choose-plan-and-seats = Choose one of the plans listed and a whole number of seats.
refusal-change-unreadable = This change could not be read: choose the plan again.
refusal-read-only = This is a read-only view of the customer's portal: nothing can be changed here.
refusal-form-expired = This form has expired. Reload the page and try again.
refusal-paypal-cancelled = PayPal was not added: the approval was cancelled.
## A field's value refused (validator codes in src/models/*)
error-name-length = Enter a name of up to 120 characters.
error-address-line-length = Keep each address line under 200 characters.
error-city-length = Keep the city under 100 characters.
error-region-length = Keep the region under 100 characters.
error-postal-code-length = Keep the postal code under 20 characters.
error-country-unknown = Choose a country from the list, or give its ISO code such as US or DE.
error-single-line = Enter this on one line, without line breaks.
