"""csplan's bundled Jinja2 templates (installed as the package data ``csplan.templates``)."""
