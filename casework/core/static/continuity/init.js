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

// A section that follows the answer to a question, as GOV.UK Frontend's conditional reveal does for one
// answer, where a section applies to several: data-app-shown-when="mode:phone,video" shows it only while
// the radio named "mode" has one of those values. Without JavaScript every section shows.
for (const section of document.querySelectorAll('[data-app-shown-when]')) {
  const [name, values] = section.dataset.appShownWhen.split(':')
  const wanted = values.split(',')
  const form = section.closest('form')
  if (!form) continue
  const inputs = [...form.querySelectorAll('input[type="radio"]')].filter((input) => input.name === name)
  const update = () => {
    const chosen = inputs.find((input) => input.checked)
    section.hidden = !(chosen && wanted.includes(chosen.value))
  }
  for (const input of inputs) input.addEventListener('change', update)
  update()
}
