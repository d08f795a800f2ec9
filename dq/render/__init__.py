"""Output layer: results to terminal, JSON, CSV and Markdown. Renderers never compute."""
