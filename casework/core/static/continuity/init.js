// Starts GOV.UK Frontend's components, and the few behaviours of our own (no inline script anywhere:
// the Content-Security-Policy forbids it).
import { initAll } from '../govuk-frontend/dist/govuk/govuk-frontend.min.js'

initAll()

// A link that prints the page (the morning situation report).
for (const link of document.querySelectorAll('[data-app-print]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault()
    window.print()
  })
}
