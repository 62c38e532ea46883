"""Seeded training data (`tasks`) and the corpora shipped with the app (`corpora/`, with their licence notes)."""
