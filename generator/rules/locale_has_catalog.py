"""SP024: The account's locale has a catalog, so its documents speak that language.

csplan ships the documents' words in English, German, French, Spanish, Dutch, Brazilian
Portuguese and Japanese. A locale of another language builds in English (numbers, money and
dates still follow the locale); a locale written with another country's catalog of its
language (pt-PT with Brazilian Portuguese) says so. A brand's wording files do not count.
"""

from csplan import locale, words

ID = "SP024"
LEVEL = "warning"


def _name(catalog: str) -> str:
    return catalog.replace("_", "-")


def check(ctx):
    tag = ctx.account.account.locale
    parsed = locale.parse(tag)
    if parsed is None or parsed.language == words.SOURCE_LANGUAGE:
        return
    catalog = words.catalog_of(tag)
    shipped = ", ".join(["en", *(_name(c) for c in locale.shipped())])
    if catalog is None:
        yield ("account", "locale"), (
            f"locale '{tag}': csplan has no {parsed.english_name.split(' (')[0]} wording, so "
            f"the documents' fixed texts are in English (numbers and dates follow '{tag}'); "
            f"languages with wording: {shipped}")
    elif catalog.split("_")[0] == parsed.language and "_" in catalog and (
            not parsed.territory or catalog != f"{parsed.language}_{parsed.territory}"):
        yield ("account", "locale"), (
            f"locale '{tag}' is written with the {_name(catalog)} wording "
            f"({locale.parse(catalog).english_name}); check the words with a reader from "
            f"{parsed.territory or 'there'}")
