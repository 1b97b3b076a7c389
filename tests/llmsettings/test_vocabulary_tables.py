"""The keyword tables in llmsettings/parser/words: read at import, and refused when they are wrong."""

import pytest

from llmsettings.parser import keyword_table
from llmsettings.parser.categories import norm_phrase
from llmsettings.parser.wordtables import WORDS_DIR, load_tables


def tables(tmp_path, **files: str):
    for name, text in files.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return load_tables(norm_phrase, tmp_path)


def test_the_shipped_tables_are_the_parsers_keyword_table():
    table = load_tables(norm_phrase, WORDS_DIR)

    assert table == keyword_table()
    assert len(table) >= 1500
    assert table["plumber"] == (2.0, ("Housing",))


def test_an_entry_reads_its_weight_and_categories_best_first(tmp_path):
    table = tables(
        tmp_path, a="# a comment\n\nvet visit → Pets > Health\n~flowers -> Gifts\nTrader Joe's → Groceries\n"
    )

    assert table == {
        "vet visit": (3.0, ("Pets", "Health")),
        "flowers": (1.0, ("Gifts",)),
        "trader joes": (3.0, ("Groceries",)),
    }


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a": "milk → Groceries\nmilk → Groceries\n"},
            "a.txt:2: duplicate: 'milk' is already listed at a.txt:1",
        ),
        ({"a": "milk → Groceries\n", "b": "Milk → Groceries\n"}, "b.txt:1: duplicate"),
        (
            {"a": "# x\ntea → Dining\n", "b": "tea → Groceries\n"},
            "b.txt:1: conflict: 'tea' → Groceries, but a.txt:2",
        ),
        ({"a": "milk Groceries\n"}, "a.txt:1:"),
        ({"a": "milk → Grocerys\n"}, "a.txt:1: unknown category 'Grocerys'"),
    ],
)
def test_a_wrong_table_is_refused_naming_the_file_and_line(tmp_path, files, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        tables(tmp_path, **files)
