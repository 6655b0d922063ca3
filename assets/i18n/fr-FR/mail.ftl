# E-mails aux clients (src/mailers/portal/*).
mail-greeting = Bonjour { $name },
mail-manage-billing = Gérer votre facturation
mail-manage-billing-at = Gérer votre facturation : { $url }
mail-go-to-portal = Aller à votre espace de facturation
mail-go-to-billing-history = Voir votre historique de facturation
mail-button-fallback = Si le bouton ne fonctionne pas, ouvrez ce lien :
mail-ignore = Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail.
mail-link-validity = Ce lien est valable { $minutes } minutes :

mail-sign-in-subject = Votre lien de connexion pour { $workspace }
mail-sign-in-open-link = Ouvrez ce lien pour vous connecter à votre compte de facturation chez { $workspace } :
mail-sign-in-use-button = Utilisez ce bouton pour vous connecter à votre compte de facturation :
mail-sign-in-button = Ouvrir mon compte
mail-sign-in-code = Ou saisissez ce code sur la page de connexion : { $code }
mail-sign-in-code-intro = Ou saisissez ce code sur la page de connexion :
mail-sign-in-validity = Le lien et le code sont valables { $minutes } minutes et ne fonctionnent qu’une fois.
mail-sign-in-ignore = Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail. Rien ne change sur votre compte.

mail-email-change-subject = Confirmez votre nouvelle adresse e-mail pour { $workspace }
mail-email-change-open-link = Veuillez confirmer que vous souhaitez utiliser cette adresse pour votre compte de facturation chez { $workspace } :
mail-email-change-use-button = Veuillez confirmer votre nouvelle adresse e-mail :
mail-email-change-button = Confirmer l’adresse
mail-email-change-validity = Le lien est valable { $minutes } minutes. Tant que vous n’avez pas confirmé, votre adresse actuelle reste utilisée.

mail-email-changed-subject = Votre adresse e-mail pour { $workspace } a été modifiée
mail-email-changed-body = L’adresse e-mail de votre compte de facturation chez { $workspace } est désormais { $new-email } (auparavant { $old-email }). Les factures, reçus et liens de connexion y seront envoyés dorénavant.
mail-email-changed-not-you = Si ce n’était pas vous, écrivez immédiatement à { $support }.

mail-invoice-ready-subject = Votre facture { $number } ({ $workspace }) est disponible
mail-invoice-ready-body = Votre facture { $number } d’un montant de { $amount } est disponible.
mail-invoice-ready-where = Téléchargez-la depuis votre historique de facturation :

mail-payment-failed-subject = Votre paiement pour { $description } a échoué
mail-payment-failed-body = Nous n’avons pas pu encaisser { $amount } pour { $description } : { $reason }
mail-payment-failed-ended = L’abonnement a donc pris fin.
mail-payment-failed-retry = Nous réessaierons le { $retry-at }.
mail-payment-failed-fix = Mettez à jour votre moyen de paiement ou payez maintenant (ce lien est valable { $minutes } minutes) :
mail-payment-failed-button = Régler mon paiement

mail-plan-changed-subject-scheduled = Votre passage à { $plan } est programmé
mail-plan-changed-subject-now = Votre abonnement est désormais { $plan }
mail-plan-changed-scheduled = Votre abonnement passe de { $from-plan } à { $plan } le { $renews-on }. D’ici là, rien ne change et rien n’est prélevé aujourd’hui.
mail-plan-changed-now = Votre abonnement est désormais { $plan } (auparavant { $from-plan }).
mail-plan-changed-charged = { $charged } ont été prélevés pour le reste de la période en cours ; la facture se trouve dans votre espace de facturation.
mail-plan-changed-renewal = À partir du { $renews-on }, il se renouvelle à { $renewal-amount } par période.

mail-receipt-subject = { $workspace } : votre reçu pour { $amount }
mail-receipt-body = Merci ! Nous avons reçu { $amount } pour { $description }.
mail-receipt-invoice = Facture : { $invoice }

mail-refund-subject = { $workspace } : votre remboursement de { $amount }
mail-refund-body = Nous vous avons remboursé { $amount } sur votre paiement de { $paid } pour { $description } du { $date }. L’argent revient sur la carte ou le compte utilisé pour payer ; votre banque peut mettre 5 à 10 jours à l’afficher.
mail-refund-credit-note = Avoir : { $credit-note }

mail-cancelled-subject-now = Votre abonnement { $plan } a pris fin
mail-cancelled-subject-later = Votre abonnement { $plan } prend fin le { $ends-on }
mail-cancelled-now = Votre abonnement { $plan } a pris fin aujourd’hui. Rien ne vous sera plus prélevé ; la période déjà payée n’est pas remboursée.
mail-cancelled-later = Vous avez résilié votre abonnement { $plan }. Il reste actif jusqu’au { $ends-on } ; ensuite il prend fin et rien ne vous sera plus prélevé.
mail-cancelled-keep-intro = Vous avez changé d’avis ? Vous pouvez le conserver d’ici là dans votre espace de facturation :
mail-cancelled-keep-button = Conserver mon abonnement

mail-kept-subject = Votre abonnement { $plan } continue
mail-kept-body = Votre abonnement { $plan } continue et se renouvelle le { $renews-on } comme avant.
mail-paused-subject = Votre abonnement { $plan } est suspendu à partir du { $pauses-on }
mail-paused-body = Votre abonnement { $plan } est suspendu du { $pauses-on } au { $resumes-on }. Rien n’est prélevé pendant la pause ; le { $resumes-on }, la période suivante commence et est facturée comme d’habitude. Vous pouvez reprendre plus tôt à tout moment.
mail-resumed-subject = Votre abonnement { $plan } est de nouveau actif
mail-resumed-body = Votre abonnement { $plan } est de nouveau actif à partir d’aujourd’hui ({ $resumed-on }). La nouvelle période commence maintenant et est payée avec votre moyen de paiement habituel.
