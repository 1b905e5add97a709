"""The words every HTTP door shows (questions, answer labels) and the language each request is answered in."""
