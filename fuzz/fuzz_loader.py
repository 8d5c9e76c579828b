"""Coverage-guided fuzzing of the account loader with atheris (not run in CI).

    pip install atheris
    python fuzz/fuzz_loader.py -max_total_time=300 fuzz/corpus

Every input must end as a model or a SourceError; anything else (an exception of another
kind, a hang, a crash) is a bug atheris reports with the input that caused it. The corpus
folder starts from the example accounts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from csplan.exceptions import SourceError
    from csplan.model import Account
    from csplan.source import parse_yaml
    from csplan.validate import validate


def test_one_input(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        validate(parse_yaml(text, "fuzz.yaml"), Account)
    except SourceError:
        pass


def main() -> None:
    corpus = Path(__file__).parent / "corpus"
    if not corpus.exists():
        corpus.mkdir()
        for account in (Path(__file__).parent.parent / "accounts").glob("*.yaml"):
            (corpus / account.name).write_bytes(account.read_bytes())
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
