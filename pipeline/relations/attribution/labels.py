"""The tag set of the attribution tagger: BIO over source, cue and content."""
from __future__ import annotations

ROLES = ("SRC", "CUE", "CNT")
TAGS = ("O",) + tuple(f"{b}-{r}" for r in ROLES for b in ("B", "I"))


def token_tags(token_spans: list[tuple[int, int]], roles: list[tuple[str, int, int, int]]) -> list[str]:
    """Tags for tokens given role fragments ``(role, start, end, group)``.

    A token takes the role of the fragment that covers its first character;
    ``B-`` starts each fragment.
    """
    tags = ["O"] * len(token_spans)
    starts = sorted(roles, key=lambda r: (r[1], r[2]))
    for i, (ts, te) in enumerate(token_spans):
        for role, s, e, group in starts:
            if s <= ts < e:
                first = i == 0 or not (s <= token_spans[i - 1][0] < e)
                tags[i] = ("B-" if first else "I-") + role
                break
    return tags
