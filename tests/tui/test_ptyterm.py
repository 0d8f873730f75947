"""The bench's terminal-output parser (scripts/ptyterm.py): rows written, bytes per refresh."""

from __future__ import annotations

from scripts.ptyterm import row_texts, rows_touched, tick_stats

ESC = b"\x1b"


def test_cursor_moves_set_the_row_and_escapes_write_nothing() -> None:
    data = (
        ESC + b"[?25l" + ESC + b"[3;1H" + ESC + b"[1;38;5;253mfoo" + ESC + b"[0m"
        b" bar" + ESC + b"[12;40Hbaz" + ESC + b"[H" + ESC + b"]0;title\x07top"
    )
    assert rows_touched(data) == {1, 3, 12}
    assert row_texts(data) == [(3, "foo bar"), (12, "baz"), (1, "top")]


def test_a_full_repaint_that_homes_once_counts_every_line() -> None:
    data = ESC + b"[H" + b"\r\n".join(b"line %d" % i for i in range(5))
    assert rows_touched(data) == {1, 2, 3, 4, 5}


def test_mode_changes_alone_touch_no_row() -> None:
    assert rows_touched(ESC + b"[?1049h" + ESC + b"[5;1H" + ESC + b"[0m\r") == set()


def test_utf8_text_and_row_param_only() -> None:
    assert row_texts(ESC + b"[2Hclusters \xe2\x80\xba bench") == [(2, "clusters › bench")]


def test_tick_stats_splits_bytes_and_rows_by_period() -> None:
    chunks = [
        (0.1, ESC + b"[2;1Hab"),
        (0.5, ESC + b"[3;1Hcd"),
        (2.2, ESC + b"[2;1Hef"),
        (9.0, b"outside"),
    ]
    stats = tick_stats(chunks, 0.0, 4.0, 2.0)
    assert stats.ticks == 2
    assert stats.bytes_total == 3 * 8
    assert stats.bytes_max == 16
    assert stats.rows_mean == 1.5
    assert stats.rows_max == 2
    assert stats.bytes_per_tick == 12


def test_wait_for_reads_what_an_exited_program_left_in_the_pty() -> None:
    """A program that writes its last line and exits before the reader looks (a loaded
    machine): the line is still in the pty, so it is found, not given up on."""
    import sys

    from scripts.ptyterm import PtyProcess

    term = PtyProcess([sys.executable, "-c", "print('the last words')"], (80, 24))
    try:
        term.proc.wait(timeout=30)
        assert term.wait_for(b"the last words", timeout=5) is not None
    finally:
        term.close()
