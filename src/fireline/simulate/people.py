"""Synthetic people: plausible to the eye, and clearly fake to a machine.

National ids have the 18-character layout of GB 11643-1999 (6-digit region,
birth date, 3-digit sequence, ISO 7064 MOD 11-2 check character) but every
region starts with 99, which no province has. Phone numbers start with 100,
which no Chinese mobile network uses.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fireline.simulate._arrow import dates, epoch_day, fixed, ids, join, pick, take, uniform_int

IntArray = npt.NDArray[np.int64]

# The most common surnames and a few dozen given-name characters.
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力永健世广志义兴良"
    "海山仁波宁贵福生龙元全国胜学祥才发成康星光天达安岩中茂进林有坚和博诚先敬震振壮会"
    "思群豪心邦承乐绍功松善厚庆民友裕河哲江浩亮政谦奇翰朗伯宏言若鸣朋斌梁栋维启克伦翔"
    "旭鹏泽晨辰士以家致树德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
STREETS = [
    "解放路",
    "中山路",
    "人民路",
    "建设路",
    "和平路",
    "新华路",
    "文化路",
    "胜利路",
    "青年路",
    "朝阳路",
    "学院路",
    "环城路",
    "滨江路",
    "湖滨路",
    "延安路",
    "庆春路",
    "凤起路",
    "江南大道",
    "钱江路",
    "西溪路",
]
SEXES = ["female", "male"]  # GB 11643: an odd sequence number is a man
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = list("10X98765432")
MAX_AGE_DAYS = 90 * 365
ADDRESS_POOL = 200_000  # distinct addresses; people share them as households do


def persons(
    rng: np.random.Generator, start: date, leaf_index: IntArray, leaf_codes: list[str]
) -> pa.Table:
    """One row per person; ``leaf_index`` gives where each lives."""
    count = leaf_index.size
    age = uniform_int(rng, 0, MAX_AGE_DAYS, count)
    birth_day = -age
    sequence = uniform_int(rng, 0, 999, count)
    return pa.table(
        {
            "id": ids(count),
            "national_id": national_ids(start, leaf_index, age, sequence),
            "name": names(rng, count),
            "sex": pick(SEXES, sequence % 2),
            "birth_date": dates(start, birth_day),
            "phone": fixed(["100", (uniform_int(rng, 0, 99_999_999, count), 8)]),
            "address": addresses(rng, count),
            "jurisdiction_code": pick(leaf_codes, leaf_index),
        }
    )


def ymd(start: date, days: IntArray) -> IntArray:
    """Day offsets as numbers like 20260131."""
    moment = (days + epoch_day(start)).astype("datetime64[D]")
    year = moment.astype("datetime64[Y]").astype(np.int64) + 1970
    month = moment.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (moment - moment.astype("datetime64[M]")).astype(np.int64) + 1
    return year * 10_000 + month * 100 + day  # type: ignore[no-any-return]


def names(rng: np.random.Generator, count: int) -> pa.Array:
    surname = take(SURNAMES, rng.integers(0, len(SURNAMES), count))
    first = take(GIVEN, rng.integers(0, len(GIVEN), count))
    # About a third of given names have one character, the rest two.
    second_index = rng.integers(0, len(GIVEN) + len(GIVEN) // 2, count)
    second = take([*GIVEN, *[""] * (len(GIVEN) // 2)], second_index)
    return join(surname, first, second)


def addresses(rng: np.random.Generator, count: int) -> pa.Array:
    """Street, number, building and room, drawn from a pool of distinct addresses."""
    pool = min(count, ADDRESS_POOL)
    street = rng.integers(0, len(STREETS), pool)
    text = [
        f"{STREETS[s]}{n}号{b}幢{r}室"
        for s, n, b, r in zip(
            street.tolist(),
            uniform_int(rng, 1, 999, pool).tolist(),
            uniform_int(rng, 1, 30, pool).tolist(),
            uniform_int(rng, 101, 2604, pool).tolist(),
            strict=True,
        )
    ]
    return take(text, rng.integers(0, pool, count))


def _digit_sum(number: IntArray, width: int, weights: IntArray) -> IntArray:
    total = np.zeros(number.size, dtype=np.int64)
    for place in range(width):
        total += (number // 10 ** (width - 1 - place)) % 10 * weights[place]
    return total


def national_ids(start: date, leaf_index: IntArray, age: IntArray, sequence: IntArray) -> pa.Array:
    """18-character ids with a valid check character and a region that does not exist.

    Each part's digits are summed once per distinct value and looked up: far
    cheaper than per person at ten million people.
    """
    regions = 990000 + np.arange(int(leaf_index.max(initial=0)) + 1, dtype=np.int64) % 10_000
    days = ymd(start, -np.arange(MAX_AGE_DAYS + 1, dtype=np.int64))
    sequences = np.arange(1000, dtype=np.int64)
    total = (
        _digit_sum(regions, 6, ID_WEIGHTS[:6])[leaf_index]
        + _digit_sum(days, 8, ID_WEIGHTS[6:14])[age]
        + _digit_sum(sequences, 3, ID_WEIGHTS[14:])[sequence]
    )
    region, birth_ymd = regions[leaf_index], days[age]
    check = take(ID_CHECK, total % 11)
    return join(fixed([(region, 6), (birth_ymd, 8), (sequence, 3)]), check)
