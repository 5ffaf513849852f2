from core.text import swedish_sort_key


def test_names_sort_as_a_swedish_list():
    names = ["Örebro", "Älmhult", "Åmål", "Zinkgruvan", "Eda", "Ödeshög", "Åre", "Alingsås"]
    assert sorted(names, key=swedish_sort_key) == [
        "Alingsås", "Eda", "Zinkgruvan", "Åmål", "Åre", "Älmhult", "Ödeshög", "Örebro",
    ]  # fmt: skip
