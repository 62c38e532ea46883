"""For a lecture: the seeded presets, shareable links, export and import."""
