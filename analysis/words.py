"""The words residents use most: the requests of a scope and period segmented
into Chinese words (jieba-rs through rjieba, a maintained segmenter), function
words, generic request words and personal names left out, each word counted
once per request that uses it, and shown when at least two requests use it.

The most recent SAMPLE requests of the period are read (a county's year holds
millions; the words of the latest few thousand say what residents ask about
now), and the result is cached for a few minutes: the dashboard loads it apart,
so that its own figures stay fast.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import rjieba
from django.core.cache import cache

from appeals.models import Appeal

from .figures import Query
from .models import Fact

SAMPLE = 5000
MIN_REQUESTS = 2  # a word shown is used by at least this many requests
CACHE_SECONDS = 300
# Parts of speech worth showing: nouns (but not personal names: nr), verbs, nouns from
# verbs, adjectives, place and organisation names.
KEEP = re.compile(r"^(n(?!r)|v|a|ns|nt|nz|vn|an|l|i)")
HAN = re.compile(r"^[\u4e00-\u9fff]{2,8}$")

# Words that say nothing about what was asked: how people write to a hotline.
STOP_WORDS = frozenset("""
希望 问题 反映 相关 部门 解决 处理 情况 进行 没有 已经 现在 目前 一直 导致 严重 影响 要求 请求 申请
需要 能够 可以 是否 存在 出现 发现 造成 经常 总是 非常 特别 比较 很多 许多 一些 这个 那个 这些 那些 什么
怎么 为什么 如何 我们 你们 他们 她们 大家 自己 本人 居民 群众 市民 业主 住户 您好 你好 谢谢 感谢 麻烦 尽快
及时 马上 立即 有关 关于 对于 以及 并且 而且 但是 因为 所以 如果 虽然 还是 或者 时候 时间 之前 以后 之后
今天 昨天 明天 最近 近期 每天 每次 多次 几次 一次 多年 几天 一下 看看 来说 表示 认为 觉得 知道 告诉 说明
给予 得到 予以 帮助 协调 落实 回复 答复 联系 电话 投诉 举报 咨询 建议 求助 诉求 来电 来信 留言 反应 不能
不会 不要 不是 没人 无人 一个 这种 那种 其他 其它 地方 方面 东西 事情 事件 原因 结果 办法 工作 人员 管理
有人 造成 开始 继续 发生 已有 还有 只有 所有 任何 以来 以上 以下 左右 附近 周边 周围 门口 楼下 楼上
小区 社区 这里 那里 这边 那边 号楼 单元 楼栋 帮忙 安排 说法 告知 问问 提前 人来 派人 派人来 供参考 应该 有没有
每天晚上 上门 了解 能否 一下 看到 听说 希望能 尽早 早日 给个 答复 处理一下 多谢
""".split())


def _cache_key(query: Query) -> str:
    cats = ",".join(str(c) for c in sorted(query.category_ids)) if query.category_ids is not None else "*"
    raw = f"{query.scope.key}|{query.first}|{query.last}|{cats}"
    return "figures-words:" + hashlib.sha1(raw.encode()).hexdigest()


def words_of(text: str) -> set[str]:
    """The distinct words of one request's text worth counting."""
    return {word for word, tag in rjieba.tag(text or "")
            if HAN.match(word) and KEEP.match(tag) and word not in STOP_WORDS}


def frequent_words(query: Query, limit: int = 40) -> dict:
    """{"words": [(word, requests using it)], "read": requests read, "sample": SAMPLE},
    most used first."""
    key = _cache_key(query)
    found = cache.get(key)
    if found is not None:
        return found
    ids = (Fact.objects.filter(query._facts(), query._category_q(), owner=True,
                               day__gte=query.first, day__lte=query.last)
           .order_by("-day").values_list("appeal_id", flat=True)[:SAMPLE])  # the index order: no sort
    counts: Counter[str] = Counter()
    read = 0
    for title, description in Appeal.objects.filter(pk__in=list(ids)).values_list("title", "description"):
        counts.update(words_of(f"{title}。{description}"))
        read += 1
    # A word of one request alone may be a name the tagger missed; ties in the same order every time.
    ranked = sorted(((w, n) for w, n in counts.items() if n >= MIN_REQUESTS), key=lambda item: (-item[1], item[0]))
    ranked = ranked[:limit]
    found = {"words": ranked, "read": read, "sample": SAMPLE}
    cache.set(key, found, CACHE_SECONDS)
    return found
