"""Fuzz: trial files (TOML, JSON, junk) through `ivigstats summarize -`.

Every run exits 0 with rows, or 2 with one line `ivigstats: error: <where>: <what>` and no
rows; a valid document generated from ivigstats.schema always exits 0.
"""

import json

from _fuzz import (
    METHODS,
    assert_clean,
    invoke,
    json_rows,
    mutated_documents,
    to_json,
    to_toml,
    trial_documents,
)
from hypothesis import given
from hypothesis import strategies as st


def summarize(data: bytes):
    return invoke(["summarize", "-", *METHODS, "-f", "json"], input=data)


@given(trial_documents(), st.sampled_from(["json", "toml"]))
def test_valid_documents_give_rows(doc, fmt):
    data = (to_json(doc) if fmt == "json" else to_toml(doc)).encode()
    result = assert_clean(summarize(data), expect=0)
    rows = json_rows(result)
    assert {r["outcome"] for r in rows} <= {o["id"] for o in doc["outcomes"]}


@given(mutated_documents(), st.sampled_from(["json", "toml"]))
def test_mutated_documents_exit_0_or_one_error_line(doc, fmt):
    data = (to_json(doc) if fmt == "json" else to_toml(doc)).encode("utf-8", "surrogatepass")
    result = assert_clean(summarize(data))
    if result.exit_code == 0:
        json_rows(result)


@given(st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b" \n\t", b"\xef\xbb\xbf", b"{", b"[", b"null", b"[]", b"1", b'"x"',
                     b"{}", b"trial = 1", b"\x00" * 10, b"NaN", b'{"trial": Infinity}',
                     b'{"trial": -Infinity}', b"\xff\xfe{\x00}\x00"]),
    trial_documents().map(lambda d: to_json(d).encode()).flatmap(
        lambda b: st.integers(0, len(b)).map(lambda i: b[:i])),  # truncated files
))
def test_junk_bytes(data):
    assert_clean(summarize(data))


def test_deep_nesting_is_bounded():
    for depth in (50, 900, 5000, 200_000):
        for data in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth,
                     "x = " + "[" * depth + "]" * depth):
            result = assert_clean(summarize(data.encode()), expect=2)
            assert "Traceback" not in result.stderr


def test_ten_megabyte_file_is_refused_with_the_limit():
    filler = json.dumps({"trial": {"note": "x" * (10 * 1024 * 1024)}}).encode()
    result = assert_clean(summarize(filler), expect=2)
    assert "larger than 4 MiB" in result.stderr
