"""Byte scans for the fast paths of the batch readers, compiled by numba (:mod:`gkdeadline.jit`).

:func:`scan_csv` tells whether a CSV file is *plain*: one record per line, quotes only as
well-formed quoted fields, the header's number of fields on every line.

A plain UTF-8 file reads the same with pyarrow's CSV reader as with the careful line-by-line
reader of :mod:`gkdeadline.batch_files`, so ``gkdeadline batch`` streams it through pyarrow; a
file where anything is unusual (a quoted value spanning lines, ``"a"b``, a lone carriage return,
a line with the wrong number of fields, a very long line) goes the careful way, which turns each
such line into an error row with its line number.

:func:`scan_jsonl` checks that every line of a JSON Lines file is a flat object of text with the
first line's keys and records where the values are; :func:`jsonl_column` makes them Arrow text
columns (escapes decoded as ``json.loads`` decodes them). :func:`json_column` writes JSON Lines.

:func:`iso_days` reads a column of ``YYYY-MM-DD`` text as days since 1970-01-01 when every value
is exactly that (or empty), and :func:`date32_days` a date32 column (nulls and all) from its
buffers when every date is in the years 0001–9999; anything else is left to the careful reader
(:func:`gkdeadline.batch_cases.read_dates`), which says what is wrong with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Ints = Any

PLAIN = 0
MULTILINE = 1  # a quoted value runs past the end of its line (or of the file)
MALFORMED = 2  # a closing quote followed by something other than a comma or the line's end
LONE_CR = 3  # a carriage return not followed by a line feed
FIELDS = 4  # a line whose number of fields is not the header's
LONG = 5  # a line longer than the limit

# the scan's state between blocks (an int64 array of NSTATE entries)
S_IN_QUOTES = 0
S_FIELD_START = 1
S_AFTER_CLOSE = 2
S_PREV_CR = 3
S_COMMAS = 4
S_LINE_LEN = 5
S_ROWS = 6  # lines with content (the header included)
S_BLANK = 7  # empty lines
S_LONGEST = 8
NSTATE = 9

_QUOTE, _COMMA, _LF, _CR = 34, 44, 10, 13


def new_state(state: Ints) -> None:
    for k in range(NSTATE):
        state[k] = 0
    state[S_FIELD_START] = 1


def _end_line(state: Ints, width: int, limit: int, content: int) -> int:
    if state[S_LINE_LEN] > state[S_LONGEST]:
        state[S_LONGEST] = state[S_LINE_LEN]
    if state[S_LINE_LEN] > limit:
        return LONG
    if content == 0:
        state[S_BLANK] += 1
    elif state[S_COMMAS] != width - 1:
        return FIELDS
    else:
        state[S_ROWS] += 1
    state[S_COMMAS] = 0
    state[S_LINE_LEN] = 0
    state[S_FIELD_START] = 1
    return PLAIN


def scan_csv(buf: Ints, state: Ints, width: int, limit: int) -> int:
    """Scan the bytes ``buf`` (continuing ``state``); returns :data:`PLAIN` or the first reason
    the file is not plain. (Outside quotes only a line feed, a carriage return or a quote needs
    more than counting commas: those runs take a loop of their own, with no branch on a comma:
    ~2× faster.)"""
    in_q = state[S_IN_QUOTES]
    field_start = state[S_FIELD_START]
    after_close = state[S_AFTER_CLOSE]
    prev_cr = state[S_PREV_CR]
    commas = state[S_COMMAS]
    start = -state[S_LINE_LEN]  # where the line began (before ``buf`` if negative)
    n = len(buf)
    i = 0
    while i < n:
        if not (in_q or after_close or prev_cr):
            while i < n:
                b = buf[i]
                if b == _LF or b == _CR or b == _QUOTE:
                    break
                c = 1 if b == _COMMA else 0
                commas += c
                field_start = c
                i += 1
            if i == n:
                break
        b = buf[i]
        i += 1
        ended_cr = prev_cr
        if prev_cr:
            prev_cr = 0
            if b != _LF:
                return LONE_CR
        if in_q:
            if b == _QUOTE:
                in_q = 0
                after_close = 1
            elif b == _LF or b == _CR:
                return MULTILINE
            continue
        if after_close:
            after_close = 0
            if b == _QUOTE:  # "" inside a quoted value
                in_q = 1
                continue
            if b != _COMMA and b != _LF and b != _CR:
                return MALFORMED
        if b == _CR:
            prev_cr = 1
        elif b == _LF:
            state[S_LINE_LEN] = i - start
            state[S_COMMAS] = commas
            why = _end_line(state, width, limit, i - 1 - start - ended_cr)
            if why != PLAIN:
                return why
            commas = 0
            start = i
            field_start = 1
        elif b == _QUOTE and field_start:
            in_q = 1
            field_start = 0
        elif b == _COMMA:
            commas += 1
            field_start = 1
        else:
            field_start = 0
    state[S_IN_QUOTES] = in_q
    state[S_FIELD_START] = field_start
    state[S_AFTER_CLOSE] = after_close
    state[S_PREV_CR] = prev_cr
    state[S_COMMAS] = commas
    state[S_LINE_LEN] = n - start
    return PLAIN


def finish_csv(state: Ints, width: int, limit: int) -> int:
    """The end of the file: the last line may lack its line feed (a final carriage return ends
    it too, as the careful reader strips it)."""
    if state[S_IN_QUOTES]:
        return MULTILINE
    if state[S_LINE_LEN] == 0:
        return PLAIN
    content = state[S_LINE_LEN] - state[S_PREV_CR]
    return _end_line(state, width, limit, content)


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    if m <= 2:
        y -= 1
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def iso_days(data: Ints, offsets: Ints, valid: Ints, nat: int, out: Ints) -> int:
    """``out[i]``: the days since 1970-01-01 of value ``i`` of a text column (its UTF-8 bytes
    ``data[offsets[i] : offsets[i+1]]``), ``nat`` where it is null or empty. Returns 0 when
    every value is empty or exactly ``YYYY-MM-DD``, a real date in the years 0001–9999; else
    the 1-based position of the first value that is not (``out`` is then incomplete)."""
    for i in range(len(out)):
        if not valid[i]:
            out[i] = nat
            continue
        a = offsets[i]
        n = offsets[i + 1] - a
        if n == 0:
            out[i] = nat
            continue
        if n != 10 or data[a + 4] != 45 or data[a + 7] != 45:
            return i + 1
        y = 0
        for k in range(4):
            c = data[a + k] - 48
            if c < 0 or c > 9:
                return i + 1
            y = y * 10 + c
        m = 0
        for k in range(5, 7):
            c = data[a + k] - 48
            if c < 0 or c > 9:
                return i + 1
            m = m * 10 + c
        d = 0
        for k in range(8, 10):
            c = data[a + k] - 48
            if c < 0 or c > 9:
                return i + 1
            d = d * 10 + c
        if y < 1 or m < 1 or m > 12 or d < 1:
            return i + 1
        last = 31
        if m == 4 or m == 6 or m == 9 or m == 11:
            last = 30
        elif m == 2:
            last = 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
        if d > last:
            return i + 1
        out[i] = _days_from_civil(y, m, d)
    return 0


def date32_days(data: Ints, bits: Ints, first: int, nat: int, lo: int, hi: int, out: Ints) -> int:
    """``out[i]``: value ``i`` of a date32 column (``data``, days since 1970-01-01, from its
    ``first``-th slot on), ``nat`` where its validity bit in ``bits`` is 0 (``bits`` empty: no
    nulls). Returns 0 when every date is within ``lo`` … ``hi``, else the 1-based position of
    the first that is not (``out`` is then incomplete)."""
    for i in range(len(out)):
        if len(bits):
            b = first + i
            if not (bits[b >> 3] >> (b & 7)) & 1:
                out[i] = nat
                continue
        v = data[first + i]
        if v < lo or v > hi:
            return i + 1
        out[i] = v
    return 0


def enum_codes(
    data: Ints, offsets: Ints, bits: Ints, first: int, vdata: Ints, voffsets: Ints, out: Ints
) -> int:
    """``out[i]``: the 1-based position of value ``i`` of a text column (its UTF-8 bytes
    ``data[offsets[i] : offsets[i+1]]``; ``offsets`` starts at the column's first row) among the
    allowed values (``vdata[voffsets[k] : voffsets[k+1]]``), 0 where its validity bit (slot
    ``first + i`` of ``bits``; empty: no nulls) is 0. Returns 0 when every value is null or one
    of the allowed values byte for byte; else the 1-based position of the first that is not
    (``out`` is then incomplete)."""
    for i in range(len(out)):
        if len(bits):
            b = first + i
            if not (bits[b >> 3] >> (b & 7)) & 1:
                out[i] = 0
                continue
        a = offsets[i]
        n = offsets[i + 1] - a
        code = 0
        for k in range(len(voffsets) - 1):
            va = voffsets[k]
            if voffsets[k + 1] - va != n:
                continue
            same = True
            for j in range(n):
                if data[a + j] != vdata[va + j]:
                    same = False
                    break
            if same:
                code = k + 1
                break
        if code == 0:
            return i + 1
        out[i] = code
    return 0


def count_records(buf: Ints, state: Ints) -> None:
    """Count the records of a CSV file as written by pyarrow (``\\n`` ends a record outside
    quotes; a quote inside a quoted value is doubled): ``state`` holds [inside quotes, records,
    bytes since the last record]."""
    in_q = state[0]
    records = state[1]
    pending = state[2]
    for i in range(len(buf)):
        b = buf[i]
        pending += 1
        if b == _QUOTE:
            in_q = 1 - in_q
        elif b == _LF and not in_q:
            records += 1
            pending = 0
    state[0] = in_q
    state[1] = records
    state[2] = pending


# scan_jsonl: the state between blocks
J_MODE = 0  # where in the line's grammar (below)
J_ESC = 1  # inside a string: 0, or how many characters of an escape are still to come
J_POS = 2  # bytes of the expected keys matched so far on this line
J_LEARN = 3  # 1 while the first object line is read (its keys are recorded)
J_EXPECT = 4  # length of the expected keys
J_LINE_LEN = 5
J_ROWS = 6
J_BLANK = 7
J_NULL = 8  # letters of "null" matched
J_LONGEST = 9
J_KEYS = 10  # keys on this line
J_NKEYS = 11  # keys of the first line
NJSTATE = 12
_KEY_END = 255  # ends each key in ``expect`` (never a byte of UTF-8 text)


def new_jstate(state: Ints) -> None:
    for k in range(NJSTATE):
        state[k] = 0
    state[J_LEARN] = 1


def _ws(b: int) -> bool:
    return b == 32 or b == 9 or b == 13


def _hex(b: int) -> bool:
    return (48 <= b <= 57) or (65 <= b <= 70) or (97 <= b <= 102)


def scan_jsonl(buf: Ints, state: Ints, expect: Ints, limit: int, cells: Ints, cols: Ints) -> int:
    """Scan the bytes ``buf`` of a JSON Lines file (continuing ``state``): every non-blank line
    must be one flat object of text (or null) values with the keys of the first such line, in
    the same order and spelt the same (their bytes are recorded in ``expect``, each followed by
    255); no escape of a surrogate half, no line longer than ``limit``. Returns 0 while that
    holds, else 1. Such a file reads the same with :func:`jsonl_column` (every column text) as
    with the careful reader.

    Once the keys are known, with ``cells`` not empty and ``buf`` whole lines, it also records
    where each value is: for the ``k``-th key of the ``r``-th line of ``buf``, ``cells[2c]``
    and ``cells[2c + 1]`` (``c = r * keys + k``) are the first and the end byte of its text
    between the quotes (-1, -1: null); ``cols[k]`` adds up those bytes and says whether any of
    them has an escape."""
    rec = len(cells) > 0 and state[J_LEARN] == 0
    nk = state[J_NKEYS]
    row = 0  # lines of ``buf`` ended
    vstart = 0  # the first byte of the text value being read
    vesc = 0  # it has an escape
    mode = state[J_MODE]
    esc = state[J_ESC]
    pos = state[J_POS]
    learn = state[J_LEARN]
    nexp = state[J_EXPECT]
    nul = state[J_NULL]
    keys = state[J_KEYS]
    line_len = state[J_LINE_LEN]
    n = len(buf)
    i = 0
    while i < n:
        b = buf[i]
        i += 1
        line_len += 1
        if line_len > limit:
            return 1
        if mode == 2 or mode == 5:  # inside a key (2) or a text value (5)
            if esc > 0:
                if esc == 5:  # the character after the backslash
                    if b == 117:  # \u: four hex digits follow
                        esc = 4
                    elif (
                        b == 34 or b == 92 or b == 47 or b == 98
                        or b == 102 or b == 110 or b == 114 or b == 116
                    ):  # fmt: skip
                        esc = 0
                    else:
                        return 1
                else:
                    if not _hex(b):
                        return 1
                    if esc == 4 and (b == 100 or b == 68):
                        esc = 13  # \uD…: the next digit says whether it is a surrogate
                    elif esc == 13:
                        if (56 <= b <= 57) or (97 <= b <= 102) or (65 <= b <= 70):
                            return 1  # \uD800 … \uDFFF
                        esc = 2
                    else:
                        esc -= 1
                if mode == 2:
                    if learn:
                        expect[nexp] = b
                        nexp += 1
                    else:
                        if pos >= nexp or expect[pos] != b:
                            return 1
                        pos += 1
                continue
            if b < 32:
                return 1
            if b == 34:  # the closing quote
                if mode == 5 and rec:
                    c = 2 * (row * nk + keys - 1)
                    if c + 1 >= len(cells):
                        return 1  # (the caller's bound on lines was wrong: not recorded)
                    cells[c] = vstart
                    cells[c + 1] = i - 1
                    cols[keys - 1, 0] += i - 1 - vstart
                    if vesc:
                        cols[keys - 1, 1] = 1
                if mode == 2:
                    if learn:
                        expect[nexp] = _KEY_END
                        nexp += 1
                    else:
                        if pos >= nexp or expect[pos] != _KEY_END:
                            return 1
                        pos += 1
                    keys += 1
                    mode = 3
                else:
                    mode = 7
                continue
            if b == 92:
                esc = 5
                vesc = 1
            if mode == 2:
                if learn:
                    expect[nexp] = b
                    nexp += 1
                else:
                    if pos >= nexp or expect[pos] != b:
                        return 1
                    pos += 1
                    # the rest of a known key, up to its closing quote or a backslash
                    while esc == 0 and i < n and pos < nexp and buf[i] == expect[pos]:
                        if buf[i] == 92:
                            break
                        i += 1
                        pos += 1
                        line_len += 1
            elif esc == 0:  # the rest of a text value, up to a quote, a backslash or the like
                while i < n:
                    c = buf[i]
                    if c < 32 or c == 34 or c == 92:
                        break
                    i += 1
                    line_len += 1
            if line_len > limit:
                return 1
            continue
        if b == 10:  # the end of a line
            if mode == 0:
                state[J_BLANK] += 1
            elif mode == 9:
                if not learn and (pos != nexp or keys != state[J_NKEYS]):
                    return 1
                if learn:
                    state[J_NKEYS] = keys
                learn = 0
                state[J_ROWS] += 1
                row += 1
            else:
                return 1
            if line_len > state[J_LONGEST]:
                state[J_LONGEST] = line_len
            mode = 0
            pos = 0
            keys = 0
            line_len = 0
            continue
        if _ws(b):
            if mode == 6:
                return 1
            continue
        if mode == 0:
            if b != 123:
                return 1
            mode = 1
        elif mode == 1 or mode == 8:  # a key (or, right after the brace, the end)
            if b == 34:
                mode = 2
            elif b == 125 and mode == 1:
                mode = 9
            else:
                return 1
        elif mode == 3:
            if b != 58:
                return 1
            mode = 4
        elif mode == 4:
            if b == 34:
                mode = 5
                vstart = i
                vesc = 0
            elif b == 110:
                mode = 6
                nul = 1
            else:
                return 1
        elif mode == 6:
            if (nul == 1 and b == 117) or (nul == 2 and b == 108) or (nul == 3 and b == 108):
                nul += 1
                if nul == 4:
                    mode = 7
                    if rec:
                        c = 2 * (row * nk + keys - 1)
                        if c + 1 >= len(cells):
                            return 1
                        cells[c] = -1
                        cells[c + 1] = -1
            else:
                return 1
        elif mode == 7:
            if b == 44:
                mode = 8
            elif b == 125:
                mode = 9
            else:
                return 1
        else:  # after the closing brace: only whitespace
            return 1
    state[J_MODE] = mode
    state[J_ESC] = esc
    state[J_POS] = pos
    state[J_LEARN] = learn
    state[J_EXPECT] = nexp
    state[J_NULL] = nul
    state[J_KEYS] = keys
    state[J_LINE_LEN] = line_len
    return 0


def _unescape(buf: Ints, a: int, e: int, out: Ints, at: int) -> int:
    """The JSON string text ``buf[a:e]`` decoded into ``out`` at ``at`` (the escapes
    :func:`scan_jsonl` lets through: no surrogate halves); returns where it ends."""
    j = a
    while j < e:
        b = buf[j]
        if b != 92:
            out[at] = b
            at += 1
            j += 1
            continue
        t = buf[j + 1]
        if t == 117:  # \u and four hex digits: a BMP character, not a surrogate (1–3 bytes)
            cp = 0
            for k in range(2, 6):
                h = buf[j + k]
                cp = cp * 16 + (h - 48 if h <= 57 else (h - 55 if h <= 70 else h - 87))
            if cp < 0x80:
                out[at] = cp
                at += 1
            elif cp < 0x800:
                out[at] = 0xC0 | (cp >> 6)
                out[at + 1] = 0x80 | (cp & 63)
                at += 2
            else:
                out[at] = 0xE0 | (cp >> 12)
                out[at + 1] = 0x80 | ((cp >> 6) & 63)
                out[at + 2] = 0x80 | (cp & 63)
                at += 3
            j += 6
            continue
        if t == 98:
            out[at] = 8
        elif t == 102:
            out[at] = 12
        elif t == 110:
            out[at] = 10
        elif t == 114:
            out[at] = 13
        elif t == 116:
            out[at] = 9
        else:  # \" \\ \/
            out[at] = t
        at += 1
        j += 2
    return at


def jsonl_column(
    buf: Ints, cells: Ints, nk: int, col: int, rows: int, escaped: int, offsets: Ints, data: Ints
) -> int:
    """Column ``col`` of the ``rows`` lines :func:`scan_jsonl` recorded in ``cells`` (of ``nk``
    keys each) as an Arrow string column: the text of each value, escapes decoded as
    ``json.loads`` decodes them (``escaped``: some value has one), into ``data`` at
    ``offsets`` (null: empty). Returns the bytes written."""
    at = 0
    offsets[0] = 0
    for r in range(rows):
        c = 2 * (r * nk + col)
        a = cells[c]
        if a >= 0:
            e = cells[c + 1]
            if escaped:
                at = _unescape(buf, a, e, data, at)
            else:
                _copy(data, at, buf, a, e - a)
                at += e - a
        offsets[r + 1] = at
    return at


# json_column: what a column holds
JK_TEXT = 0  # UTF-8 text (``data``, ``offsets``): written as a JSON string
JK_DATE = 1  # days since 1970-01-01 (``ints``), years 0001–9999: "YYYY-MM-DD"
JK_RAW = 2  # UTF-8 text written as it is (integers as pyarrow formats them)
JK_BOOL = 3  # 0 / 1 (``ints``): false / true
JK_NONE = 4  # nothing after the key (the closing brace of a row)
JK_PLAIN = 5  # UTF-8 text with no byte to escape (:func:`json_plain`): copied between quotes


def _escaped_len(b: int) -> int:
    """How many bytes ``json.dumps(..., ensure_ascii=False)`` writes for the byte ``b``."""
    if b == 34 or b == 92 or b == 10 or b == 13 or b == 9 or b == 8 or b == 12:
        return 2
    if b < 32:
        return 6
    return 1


def _copy(out: Ints, c: int, src: Ints, a: int, n: int) -> None:
    """``out[c:c + n] = src[a:a + n]``, on unsigned indices: compiled, a signed index is checked
    for wrapping around at every byte, which keeps the loop from being vectorised (~5× slower)."""
    cu = np.uint64(c)
    au = np.uint64(a)
    for j in range(np.uint64(n)):
        out[cu + j] = src[au + j]


def json_plain(data: Ints, lo: int, hi: int) -> bool:
    """Whether no byte of ``data[lo:hi]`` needs escaping in a JSON string (a quote, a backslash,
    a control character)."""
    bad = 0
    for j in range(np.uint64(lo), np.uint64(hi)):  # (no early exit, unsigned: vectorised)
        b = data[j]
        bad += (b < 32) | (b == 34) | (b == 92)
    return bad == 0


def json_column(
    phase: int,
    kind: int,
    key: Ints,
    data: Ints,
    offsets: Ints,
    ints: Ints,
    valid: Ints,
    out: Ints,
    cursor: Ints,
    base: int,
    lo: int,
    hi: int,
) -> None:
    """One column of JSON Lines rows ``lo`` to ``hi``, as ``json.dumps(row, ensure_ascii=False)``
    writes it: the bytes ``key`` (``{"name": `` or ``, "name": ``), then the value (``null``
    where not ``valid``). Phase 0 adds each row's length to ``cursor``; phase 1 writes the bytes
    into ``out`` at ``cursor - base`` (``cursor``: each row's start in the file's bytes, ``base``
    where ``out`` starts) and advances ``cursor``. (Phase 1 runs on a few
    thousand rows at a time, every column in turn, so the rows written stay in the cache.)"""
    nk = len(key)
    for i in range(lo, hi):
        if phase == 0:
            n = nk
            if kind == JK_NONE:
                pass
            elif not valid[i]:
                n += 4
            elif kind == JK_PLAIN:
                n += 2 + offsets[i + 1] - offsets[i]
            elif kind == JK_TEXT:
                n += 2
                for j in range(offsets[i], offsets[i + 1]):
                    n += _escaped_len(data[j])
            elif kind == JK_RAW:
                n += offsets[i + 1] - offsets[i]
            elif kind == JK_DATE:
                n += 12
            else:
                n += 4 if ints[i] else 5
            cursor[i] += n
            continue
        c = cursor[i] - base
        _copy(out, c, key, 0, nk)
        c += nk
        if kind == JK_NONE:
            pass
        elif not valid[i]:
            out[c] = 110
            out[c + 1] = 117
            out[c + 2] = 108
            out[c + 3] = 108
            c += 4
        elif kind == JK_PLAIN:
            a = offsets[i]
            m = offsets[i + 1] - a
            out[c] = 34
            _copy(out, c + 1, data, a, m)
            c += m + 1
            out[c] = 34
            c += 1
        elif kind == JK_TEXT:
            out[c] = 34
            c += 1
            for j in range(offsets[i], offsets[i + 1]):
                b = data[j]
                m = _escaped_len(b)
                if m == 1:
                    out[c] = b
                elif m == 2:
                    out[c] = 92
                    if b == 10:
                        out[c + 1] = 110
                    elif b == 13:
                        out[c + 1] = 114
                    elif b == 9:
                        out[c + 1] = 116
                    elif b == 8:
                        out[c + 1] = 98
                    elif b == 12:
                        out[c + 1] = 102
                    else:
                        out[c + 1] = b
                else:  # \u00XX, lower-case hex
                    low = b & 15
                    out[c] = 92
                    out[c + 1] = 117
                    out[c + 2] = 48
                    out[c + 3] = 48
                    out[c + 4] = 48 + (b >> 4)
                    out[c + 5] = 48 + low if low < 10 else 87 + low
                c += m
            out[c] = 34
            c += 1
        elif kind == JK_RAW:
            a = offsets[i]
            m = offsets[i + 1] - a
            _copy(out, c, data, a, m)
            c += m
        elif kind == JK_DATE:
            y, m, d = _civil_from_days(ints[i])
            out[c] = 34
            out[c + 1] = 48 + y // 1000
            out[c + 2] = 48 + (y // 100) % 10
            out[c + 3] = 48 + (y // 10) % 10
            out[c + 4] = 48 + y % 10
            out[c + 5] = 45
            out[c + 6] = 48 + m // 10
            out[c + 7] = 48 + m % 10
            out[c + 8] = 45
            out[c + 9] = 48 + d // 10
            out[c + 10] = 48 + d % 10
            out[c + 11] = 34
            c += 12
        elif ints[i]:
            out[c] = 116
            out[c + 1] = 114
            out[c + 2] = 117
            out[c + 3] = 101
            c += 4
        else:
            out[c] = 102
            out[c + 1] = 97
            out[c + 2] = 108
            out[c + 3] = 115
            out[c + 4] = 101
            c += 5
        cursor[i] = c + base


def _civil_from_days(z: int) -> tuple[int, int, int]:
    """The proleptic Gregorian (year, month, day) of days since 1970-01-01 (H. Hinnant)."""
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


KERNELS = (
    "enum_codes",
    "_copy",
    "_escaped_len",
    "_civil_from_days",
    "json_plain",
    "json_column",
    "new_jstate",
    "_ws",
    "_hex",
    "scan_jsonl",
    "_unescape",
    "jsonl_column",
    "new_state",
    "_end_line",
    "scan_csv",
    "finish_csv",
    "_days_from_civil",
    "iso_days",
    "date32_days",
    "count_records",
)
INLINE = ("_copy", "_end_line", "_days_from_civil", "_escaped_len", "_civil_from_days")
