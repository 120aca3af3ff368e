"""Text a user typed, made safe to show where Streamlit renders Markdown.

Widget labels, captions, `st.markdown` and messages all read Markdown: a profile called
`[Prize](http://evil.example)` would become a live link, `**Teacher**` bold, `$x$` a formula.
`plain(text)` backslash-escapes every ASCII punctuation mark (CommonMark then shows each one
as itself; an escaped `:` or `.` also keeps bare URLs from being turned into links) and turns
line breaks into spaces, so the text reads exactly as it was typed.
"""

from __future__ import annotations

import string

_ESCAPES = {ord(ch): "\\" + ch for ch in string.punctuation}
_ESCAPES.update({ord("\n"): " ", ord("\r"): " "})


def plain(text: object) -> str:
    """`text` as literal characters in Streamlit Markdown."""
    return str(text).translate(_ESCAPES)
