"""Product recommendations: bought together, else popular in the same category."""
