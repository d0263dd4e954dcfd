"""The GOV.UK Design System kit: form fields and their rendering, downloads, and how
published figures are shown. It imports no other app of the project, so every app's
views and forms can use it."""
