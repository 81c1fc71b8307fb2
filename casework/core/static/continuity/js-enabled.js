// GOV.UK Frontend: mark the page as having JavaScript before it is drawn (loaded from a static file, so
// the Content-Security-Policy needs no inline script: see GOV.UK Frontend's "import JavaScript" guide).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
