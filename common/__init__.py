"""Floor 0: neutral helpers every app may use. No models, and no import of any app of the product."""
