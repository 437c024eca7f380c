"""apply_fixes: edits land where they say, overlapping fixes wait for the next pass."""

from __future__ import annotations

from kcodegen.lint.fix import apply_fixes
from kcodegen.lint.rule import Edit, Finding, Fix


def finding(*edits: Edit) -> Finding:
    return Finding("KCG000", "m", 1, 0, 1, 0, Fix("fix", edits))


def test_edits_of_several_fixes_apply_from_the_end() -> None:
    source = "abcdef"
    fixed, count = apply_fixes(source, [finding(Edit(0, 1, "XY")), finding(Edit(4, 6, ""))])
    assert (fixed, count) == ("XYbcd", 2)


def test_overlapping_fix_is_skipped_whole() -> None:
    first = finding(Edit(1, 3, "--"))
    overlapping = finding(Edit(5, 6, "!"), Edit(2, 4, "??"))
    fixed, count = apply_fixes("abcdef", [first, overlapping])
    assert (fixed, count) == ("a--def", 1)


def test_insertion_at_a_replaced_range_boundary_is_kept_in_order() -> None:
    fixed, count = apply_fixes("abc", [finding(Edit(1, 2, "B")), finding(Edit(1, 1, "^"))])
    assert (fixed, count) == ("a^Bc", 2)


def test_two_insertions_at_one_point_are_ambiguous() -> None:
    fixed, count = apply_fixes("ab", [finding(Edit(1, 1, "x")), finding(Edit(1, 1, "y"))])
    assert (fixed, count) == ("axb", 1)


def test_findings_without_fix_and_edits_outside_the_text_are_ignored() -> None:
    plain = Finding("KCG000", "m", 1, 0, 1, 0)
    fixed, count = apply_fixes("ab", [plain, finding(Edit(1, 9, ""))])
    assert (fixed, count) == ("ab", 0)
