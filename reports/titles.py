"""Where a document's title breaks (GB/T 9704-2012 §7.3.1): "标题回行时，要做到词意完整，排列对称，
长短适宜，间距恰当，标题排列应当使用梯形或菱形".

A title longer than one line of the type area is set on the fewest lines it fits (two, else three,
…), breaking only between words (rjieba, the jieba dictionary compiled in Rust), never inside a
bracket or quotation (（演示）, “三会一课”, 《…》), never beside a numeral (2026年, 第3季度) and never
before a one-character word (关兴|镇, 情况|的) nor after one (和|主题). Words of the domain are added to
the dictionary so that 主题党日 or 村党组织书记 stay whole. Among the breaks allowed, the most even lines
win (measured in em: a numeral or Latin letter is half a character), and of equally even ones the
trapezoid (each line no shorter than the one above) or the diamond (the middle line longest). Where
no line fits without breaking inside a bracket (a long 《…》), breaks inside brackets are allowed.
"""

from functools import lru_cache
from itertools import combinations, pairwise

import rjieba

# 2号 (22 pt = 7.76 mm) characters in the 156 mm type area
TITLE_PER_LINE = 20

OPENING, CLOSING = "（(《“‘〔【[", "）)》”’〕】]"
NO_BREAK_BEFORE = set(CLOSING) | set("，。、；：？！…—·")
DOMAIN_WORDS = (
    "主题党日",
    "三会一课",
    "党组织书记",
    "村党组织书记",
    "党支部书记",
    "述职评议",
    "考核验收",
    "验收情况",
    "督查情况",
    "创建活动",
    "五抓五提升",
    "五好",
    "星级评定",
    "对标创建",
    "示范党支部",
    "创先争优",
    "党支部建设",
    "问题台账",
    "组织生活",
)


@lru_cache(maxsize=1)
def _segmenter():
    segmenter = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        segmenter.add_word(word, 100000, None)
    return segmenter


def _width(text: str) -> float:
    """The text's width in em: CJK characters and full-width punctuation 1, ASCII ½."""
    return sum(0.5 if char.isascii() else 1 for char in text)


def _is_numeral(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _breaks(title: str, *, inside_brackets: bool = False) -> list[int]:
    """The positions (character offsets) a line may end at."""
    allowed, offset, depth = [], 0, 0
    words = _segmenter().cut(title, True)
    for index, word in enumerate(words):
        for char in word:
            if char in OPENING:
                depth += 1
            elif char in CLOSING:
                depth = max(0, depth - 1)
        offset += len(word)
        if index + 1 == len(words) or (depth and not inside_brackets):
            continue
        following = words[index + 1]
        if (
            _is_numeral(title[offset - 1])
            or _is_numeral(title[offset])
            or title[offset] in NO_BREAK_BEFORE
            or title[offset - 1] in OPENING
            or (len(following) == 1 and following not in OPENING)
            or (len(word) == 1 and word not in CLOSING)
        ):
            continue
        allowed.append(offset)
    return allowed


def _shape_penalty(lengths: list[int]) -> int:
    """0 for a trapezoid (lines never shorter going down) or a diamond (the middle longest), else 1."""
    if all(a <= b for a, b in pairwise(lengths)):
        return 0
    if len(lengths) == 3 and lengths[1] >= max(lengths[0], lengths[2]):
        return 0
    return 1


@lru_cache(maxsize=512)
def title_lines(title: str, per_line: int = TITLE_PER_LINE) -> tuple[str, ...]:
    """The title's lines; one line when it fits, else the most even split at allowed breaks.
    A title with no split that fits is left to the renderer's own wrapping (one line)."""
    title = title.strip()
    if _width(title) <= per_line:
        return (title,)
    lines = _split(title, _breaks(title), per_line) or _split(title, _breaks(title, inside_brackets=True), per_line)
    return lines or (title,)


def _split(title: str, breaks: list[int], per_line: int) -> tuple[str, ...]:
    for count in range(2, 6):
        best = None
        for cut in combinations(breaks, count - 1):
            bounds = (0, *cut, len(title))
            lengths = [_width(title[a:b]) for a, b in pairwise(bounds)]
            if max(lengths) > per_line:
                continue
            cost = (max(lengths) - min(lengths), _shape_penalty(lengths))
            if best is None or cost < best[0]:
                best = (cost, bounds)
        if best is not None:
            bounds = best[1]
            return tuple(title[a:b] for a, b in pairwise(bounds))
    return ()
