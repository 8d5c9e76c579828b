"""csplan's default brand: brand.yaml, fonts and their licences, logo, PPTX master and DOCX
reference (installed as the package data ``csplan.default_brand``)."""
