# Pourquoi une demande a été refusée (src/models/* : models::refused).
refusal-ended = Cet abonnement a pris fin.
refusal-resume-first = Reprenez d’abord cet abonnement.
refusal-keep-first = Cet abonnement est résilié : conservez-le d’abord.
refusal-undo-pause-first = Une pause est programmée pour cet abonnement : annulez-la d’abord.
refusal-change-past-due = Le dernier paiement de cet abonnement a échoué : réglez-le avant de changer de formule.
refusal-choose-plan = Choisissez l’une des formules proposées.
refusal-current-plan = C’est votre formule actuelle.
refusal-seats-fixed = Le nombre de sièges de cette formule ne peut pas être modifié.
refusal-seats-between = Choisissez entre { $min } et { $max } sièges.
refusal-seats-at-least-one = Choisissez au moins 1 siège.
refusal-seats-too-many = Autant de sièges ne peuvent pas être facturés.
refusal-pause-length = Choisissez une pause de 1 à { $max } périodes de facturation.
refusal-pause-past-due = Un abonnement dont le dernier paiement a échoué ne peut pas être mis en pause : réglez-le d’abord.
refusal-pause-trial = Un abonnement en période d’essai gratuite ne peut pas être mis en pause.
refusal-choose-reason = Choisissez l’une des raisons proposées.
refusal-cancel-past-due = Un abonnement dont le dernier paiement a échoué prend fin maintenant ou dès qu’il est réglé.
refusal-email-unchanged = C’est déjà votre adresse e-mail.
refusal-email-taken = Cette adresse e-mail appartient à un autre compte.
refusal-choose-language = Choisissez l’une des langues proposées.

refusal-choose-method = Choisissez l’un de vos moyens de paiement enregistrés.
refusal-choose-plan-and-seats = Choisissez l’une des formules proposées et un nombre entier de sièges.
refusal-change-unreadable = Ce changement n’a pas pu être lu : choisissez à nouveau la formule.
refusal-read-only = Ceci est une vue en lecture seule de l’espace du client : rien ne peut y être modifié.
refusal-form-expired = Ce formulaire a expiré. Rechargez la page et réessayez.
refusal-paypal-cancelled = PayPal n’a pas été ajouté : l’autorisation a été annulée.
## Une valeur de champ refusée
error-name-length = Saisissez un nom de 120 caractères au plus.
error-address-line-length = Limitez chaque ligne d’adresse à moins de 200 caractères.
error-city-length = Limitez la ville à moins de 100 caractères.
error-region-length = Limitez la région à moins de 100 caractères.
error-postal-code-length = Limitez le code postal à moins de 20 caractères.
error-country-unknown = Choisissez un pays dans la liste ou indiquez son code ISO, par exemple US ou DE.
error-single-line = Saisissez ceci sur une seule ligne, sans retour à la ligne.
