"""csplan: joint success plans and QBR decks from one checked YAML file per account."""

__version__ = "0.1.0"
