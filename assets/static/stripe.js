// The Stripe gateway's card entry and 3-D Secure step, through Stripe.js:
// card details go from this page to Stripe, never to the portal's server.
(function () {
  'use strict';
  var root = document.getElementById('stripe');
  if (!root || typeof Stripe === 'undefined') return;
  var stripe = Stripe(root.dataset.key);
  var status = document.getElementById('stripe-status');
  var back = function () { window.location.assign(root.dataset.return); };
  if (root.dataset.mode === 'setup') {
    var card = stripe.elements().create('card');
    card.mount('#card-element');
    root.querySelector('form').addEventListener('submit', function (event) {
      event.preventDefault();
      status.textContent = 'Checking your card…';
      stripe.confirmCardSetup(root.dataset.secret, { payment_method: { card: card } }).then(back);
    });
  } else {
    stripe.handleCardAction(root.dataset.secret).then(back);
  }
}());
