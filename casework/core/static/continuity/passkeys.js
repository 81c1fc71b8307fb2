// For django-otp-webauthn's scripts (loaded after this one): their messages through gettext, which the
// English pages need no catalogue for; and the sign-in page shown again once a passkey is added.
window.gettext = window.gettext || function (text) { return text }

document.addEventListener('otp_webauthn.register_complete', function () {
  window.location.reload()
})
