"""The case fields a file can fill, and the headers recognised for each without a mapping.

Headers are matched after folding case, blanks, ``-`` and ``_``. Defaults cover the
epiverse ``linelist`` tag names (https://epiverse-trace.github.io/linelist/,
``tags_names()``) and the column names of Chinese line lists as exported from the
national notifiable disease reporting system (传染病报告卡) and common county
spreadsheets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fireline.errors import Problem


@dataclass(frozen=True)
class Target:
    name: str
    label_en: str
    label_zh: str
    required: bool
    headers: tuple[str, ...]


TARGETS: tuple[Target, ...] = (
    Target(
        "external_id",
        "Case ID",
        "编号",
        True,
        ("id", "case_id", "external_id", "编号", "病例编号", "卡片编号", "报告卡编号", "卡片id"),
    ),
    Target("name", "Name", "姓名", True, ("name", "full_name", "姓名", "患者姓名", "病人姓名")),
    Target(
        "national_id",
        "National ID",
        "身份证号",
        False,
        ("national_id", "id_number", "身份证号", "身份证号码", "证件号码", "有效证件号"),
    ),
    Target("sex", "Sex", "性别", False, ("gender", "sex", "性别")),
    Target(
        "birth_date",
        "Birth date",
        "出生日期",
        False,
        ("birth_date", "date_of_birth", "dob", "出生日期"),
    ),
    Target("age", "Age", "年龄", False, ("age", "年龄")),
    Target(
        "phone",
        "Phone",
        "电话",
        False,
        ("phone", "telephone", "mobile", "电话", "联系电话", "手机", "手机号", "手机号码"),
    ),
    Target("address", "Address", "住址", False, ("address", "现住址", "住址", "现住详细地址")),
    Target(
        "jurisdiction",
        "Jurisdiction code",
        "地区编码",
        True,
        (
            "location",
            "jurisdiction",
            "jurisdiction_code",
            "地区编码",
            "现住地区编码",
            "现住地址国标",
            "行政区划代码",
        ),
    ),
    Target("date_onset", "Onset date", "发病日期", False, ("date_onset", "onset_date", "发病日期")),
    Target(
        "date_reporting",
        "Report date",
        "报告日期",
        True,
        ("date_reporting", "report_date", "date_report", "报告日期", "报告卡录入日期"),
    ),
    Target(
        "date_confirmation",
        "Confirmation date",
        "确诊日期",
        False,
        ("date_confirmation", "confirmation_date", "确诊日期", "诊断日期", "订正日期"),
    ),
    Target(
        "classification",
        "Classification",
        "分类",
        False,
        ("classification", "case_type", "分类", "病例分类", "病例类型"),
    ),
    Target(
        "imported",
        "Imported",
        "输入病例",
        False,
        ("imported", "is_imported", "输入病例", "是否输入病例", "病例来源"),
    ),
    Target("outcome", "Outcome", "转归", False, ("outcome", "转归", "结局")),
    Target(
        "date_outcome",
        "Outcome date",
        "转归日期",
        False,
        ("date_outcome", "outcome_date", "转归日期", "死亡日期"),
    ),
)

TARGET_NAMES = tuple(t.name for t in TARGETS)
REQUIRED = tuple(t.name for t in TARGETS if t.required)
# Recognised but not stored: a person's age is kept as a birth date, and admission
# belongs to clinical care (fireline.care), not to the case report.
IGNORED = ("age", "date_admission")


def fold(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header).casefold()


def default_mapping(headers: list[str]) -> dict[str, str]:
    """Targets recognised from the headers alone: ``{target: header}``."""
    by_folded = {fold(h): h for h in headers}
    found: dict[str, str] = {}
    for target in TARGETS:
        for known in target.headers:
            header = by_folded.get(fold(known))
            if header is not None:
                found[target.name] = header
                break
    return found


def resolve(headers: list[str], explicit: dict[str, str] | None = None) -> dict[str, str]:
    """The mapping to use: recognised headers, overridden by ``explicit`` (target → header).

    An explicit empty header unmaps a target. Unknown targets, headers not in the
    file and one header used for two targets are refused (422).
    """
    mapping = default_mapping(headers)
    for target, header in (explicit or {}).items():
        if target not in TARGET_NAMES:
            raise Problem(422, f"unknown case field {target!r}; known: {', '.join(TARGET_NAMES)}")
        if not header:
            mapping.pop(target, None)
            continue
        if header not in headers:
            raise Problem(422, f"the file has no column {header!r} (for {target})")
        mapping = {t: h for t, h in mapping.items() if h != header}
        mapping[target] = header
    return mapping


def missing_required(mapping: dict[str, str]) -> list[str]:
    return [name for name in REQUIRED if name not in mapping]


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """``["target=header", ...]`` from the command line into a mapping."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        target, sep, header = pair.partition("=")
        if not sep:
            raise Problem(422, f"--map wants target=header, got {pair!r}")
        mapping[target.strip()] = header.strip()
    return mapping
