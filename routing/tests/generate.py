"""A small labelled set the tests make themselves: a few categories, each a
bag of subjects, faults and pleas put into templated Chinese sentences."""

from __future__ import annotations

import csv
import random
from pathlib import Path

# category code → (subjects, problems); the words overlap little between categories, as real ones mostly do.
TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "WY-DT": (["电梯", "客梯", "电梯轿厢", "单元电梯"], ["停运", "故障", "困人", "异响", "门关不上"]),
    "SZ-LD": (["路灯", "照明灯", "小区路灯", "人行道路灯"], ["不亮", "损坏", "一闪一闪", "白天也亮", "灯杆倾斜"]),
    "HJ-ZY": (["施工噪音", "广场舞音响", "夜间施工", "烧烤店噪声"], ["扰民", "太吵", "影响休息", "半夜不停"]),
}
PLACES = ["花城小区3号楼", "幸福路与人民路口", "美华社区", "花城小区东门", "文化广场", "二中对面", "新华街"]
SINCE = ["三天", "一周", "好几天", "半个月", "两个晚上"]
PLEAS = ["请尽快处理。", "希望有关部门解决。", "居民意见很大，请帮忙协调。", "老人孩子都受影响，盼早日解决。"]
TITLES = ["{place}{subject}{problem}", "{subject}{problem}{since}了", "反映{place}{subject}{problem}的问题"]
BODIES = [
    "{place}的{subject}{problem}已经{since}了，{plea}",
    "我住在{place}附近，{subject}{problem}，打电话没人管，{plea}",
    "{since}以来{subject}一直{problem}，{place}的居民都很着急。{plea}",
]


def messages(per_category: int = 30, seed: int = 0, codes=None) -> list[tuple[str, str, str]]:
    """(title, description, category code) triples, the same for the same seed."""
    rnd = random.Random(seed)
    out = []
    for code in codes or TOPICS:
        subjects, problems = TOPICS[code]
        for _ in range(per_category):
            parts = {"place": rnd.choice(PLACES), "subject": rnd.choice(subjects), "problem": rnd.choice(problems),
                     "since": rnd.choice(SINCE), "plea": rnd.choice(PLEAS)}
            out.append((rnd.choice(TITLES).format(**parts), rnd.choice(BODIES).format(**parts), code))
    rnd.shuffle(out)
    return out


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["主题", "详情", "类别"])
        w.writerows(rows)
    return path
