"""Layout, static assets, translations and the shared page machinery."""
