"""Every answer a patient can pick has words, and a vocabulary value without them stops the import."""

from __future__ import annotations

import pytest

from suitability.vocabulary import Diabetes
from suitability.wording import labels
from suitability.wording.labels import LABELS, label


def test_every_value_of_every_labelled_vocabulary_has_words() -> None:
    for enum, words in LABELS.items():
        assert [label(enum, m.value) for m in enum] == [words[m.value] for m in enum]
        assert all(text.strip() for text in words.values())


def test_a_value_without_words_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LABELS, Diabetes, {k: v for k, v in LABELS[Diabetes].items() if k != "uncontrolled"})
    with pytest.raises(RuntimeError, match=r"Diabetes values \['uncontrolled'\]"):
        labels._check()
