"""Life events as facts on the world, and the background events of ordinary life.

Constructors here are the only way scenarios and background draws add facts,
so every situation carries the attributes its extract needs (prison name,
sentence text, certificate category and grade, illness code, place of work).
Background events are drawn so that they cannot make a child meet a policy
definition by accident: they fall on people without minor children, or are
kinds that define nothing (a short administrative detention, an illness off
the list, a one-off temporary assistance, a single parent's short job away).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from childlink.synth.dates import add_months
from childlink.synth.divisions import WORK_PLACES
from childlink.synth.world import Fact, World

PRISONS = ("吉林省公主岭监狱", "吉林省四平监狱", "吉林省吉林监狱", "长春监狱", "吉林省女子监狱", "吉林省松原监狱")
DETENTION_CENTRES = ("德惠市看守所", "长春市看守所", "德惠市拘留所")
REHAB_CENTRES = ("吉林省朝阳沟强制隔离戒毒所", "长春市强制隔离戒毒所")
# Employers by the province (or city) of the place of work; anywhere else a national builder.
EMPLOYERS = {"33": ("宁波华远电子有限公司", "宁波鄞州服装有限公司"), "4403": ("深圳市宝安区福永鞋厂", "深圳华星电子厂"),
             "4419": ("东莞市长安五金厂",), "4401": ("广州番禺服装厂", "广州珠江物流有限公司"),
             "32": ("苏州精工机械有限公司", "吴中电子科技有限公司"), "11": ("北京城建集团", "北京顺达物业管理公司"),
             "37": ("青岛港湾物流公司",), "22": ("长春一汽配套零部件厂", "德惠市佳禾食品有限公司", "长春市宽城区建筑队")}
NATIONAL_EMPLOYER = "中建八局第三建设有限公司"


def employer_at(division: str, rng: random.Random) -> str:
    for prefix in (division[:4], division[:2]):
        if prefix in EMPLOYERS:
            return rng.choice(EMPLOYERS[prefix])
    return NATIONAL_EMPLOYER
# Illnesses on the default list (code, name, ICD-10) and off it (code None).
LISTED_ILLNESSES = (("leukaemia", "急性淋巴细胞白血病", "C91.0"), ("malignant_tumour", "恶性淋巴瘤", "C85.9"),
                    ("congenital_heart_disease", "室间隔缺损", "Q21.0"), ("end_stage_renal_disease", "尿毒症", "N18.5"),
                    ("aplastic_anaemia", "再生障碍性贫血", "D61.9"), ("type1_diabetes", "1型糖尿病", "E10.9"),
                    ("haemophilia", "血友病A", "D66"))
UNLISTED_ILLNESSES = ((None, "支气管哮喘", "J45.9"), (None, "高血压病", "I10"), (None, "2型糖尿病", "E11.9"),
                      (None, "慢性阻塞性肺疾病", "J44.9"))


def sentence_text(months: int | None) -> str:
    """Chinese sentence wording: 有期徒刑三年六个月, 无期徒刑."""
    if months is None:
        return "无期徒刑"
    digits = "零一二三四五六七八九十"

    def zh(n: int) -> str:
        if n <= 10:
            return digits[n]
        return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")

    years, rest = divmod(months, 12)
    text = "有期徒刑"
    if years:
        text += f"{zh(years)}年"
    if rest:
        text += f"{zh(rest)}个月"
    return text


def death(world: World, pid: int, on: date, *, cause: str = "疾病", reported_twice: bool = False) -> Fact:
    return world.add_fact(Fact("death", pid, on, attrs={"cause": cause, "twice": reported_twice}))


def declaration(world: World, pid: int, kind: str, effective: date, *, revoked: date | None = None) -> Fact:
    """Court declaration of death (kind declared_dead) or disappearance (declared_missing)."""
    return world.add_fact(Fact(kind, pid, effective, end=revoked))


def guardianship_revoked(world: World, parent: int, child: int, effective: date, *, restored: date | None = None) -> Fact:
    return world.add_fact(Fact("guardianship_revoked", parent, effective, end=restored, attrs={"child": child}))


def prison(world: World, pid: int, start: date, months: int | None, *, released: date | None = None,
           release_type: str | None = None, admission: date | None = None) -> Fact:
    """A prison sentence counted from ``start`` (sentence start); ``months`` None is a life sentence."""
    planned = add_months(start, months) if months is not None else None
    if released is not None and release_type is None:
        release_type = "completed" if planned is not None and released >= planned else "parole"
    return world.add_fact(Fact("restriction", pid, start, end=released, planned_end=planned, attrs={
        "source": "prison", "measure": "serving_sentence", "term_text": sentence_text(months),
        "facility": world.rng.choice(PRISONS), "release_type": release_type, "admission": admission or start}))


def custody(world: World, pid: int, measure: str, start: date, planned_end: date | None, *, end: date | None = None,
            end_reason: str = "") -> Fact:
    facility = DETENTION_CENTRES[2] if measure in ("administrative_detention", "judicial_detention") else DETENTION_CENTRES[
        world.rng.randrange(2)]
    return world.add_fact(Fact("restriction", pid, start, end=end, planned_end=planned_end, attrs={
        "source": "custody", "measure": measure, "facility": facility, "end_reason": end_reason}))


def drug_rehab(world: World, pid: int, start: date, *, end: date | None = None, months: int = 24) -> Fact:
    return world.add_fact(Fact("restriction", pid, start, end=end, planned_end=add_months(start, months), attrs={
        "source": "drug_rehab", "measure": "compulsory_rehab", "facility": world.rng.choice(REHAB_CENTRES),
        "decision": start - timedelta(days=world.rng.randint(3, 20))}))


def lost_contact(world: World, pid: int, since: date, *, reported: date | None = None, found: date | None = None) -> Fact:
    reported = reported or since + timedelta(days=world.rng.randint(3, 60))
    return world.add_fact(Fact("lost_contact", pid, since, end=found, attrs={"reported": reported}))


def disability(world: World, pid: int, category: str, grade: str, issued: date, *, cancelled: date | None = None,
               cancel_reason: str = "") -> Fact:
    valid_until = add_months(issued, 120) if world.rng.random() < 0.7 else None
    return world.add_fact(Fact("disability", pid, issued, end=cancelled, planned_end=valid_until, attrs={
        "category": category, "grade": grade, "cancel_reason": cancel_reason}))


def illness(world: World, pid: int, diagnosed: date, *, listed: bool = True) -> Fact:
    code, name, icd = world.rng.choice(LISTED_ILLNESSES if listed else UNLISTED_ILLNESSES)
    last = min(world.as_of - timedelta(days=world.rng.randint(5, 120)), world.as_of)
    last = max(last, diagnosed)
    return world.add_fact(Fact("illness", pid, diagnosed, attrs={"code": code, "name": name, "icd10": icd,
                                                                 "last_treatment": last}))


def hiv(world: World, pid: int, diagnosed: date) -> Fact:
    return world.add_fact(Fact("hiv", pid, diagnosed))


def work_away(world: World, pid: int, start: date, end: date | None, *, division: str | None = None) -> Fact:
    division = division or world.rng.choice(WORK_PLACES)
    return world.add_fact(Fact("work_away", pid, start, end=end, attrs={
        "division": division, "employer": employer_at(division, world.rng),
        "form": world.rng.choice(("外出务工", "灵活就业", "单位就业"))}))


def assistance(world: World, members: list[int], kind: str, start: date, *, end: date | None = None) -> None:
    household_id = f"JZ{world.county}{len(world.facts):07d}"
    for pid in members:
        world.add_fact(Fact("assistance", pid, start, end=end, attrs={
            "type": kind, "household_id": household_id, "applicant": members[0]}))


def moved_out(world: World, pid: int, on: date, to_division: str | None, *, status: str = "moved_out") -> Fact:
    """Hukou cancelled for leaving: moved out to another division, or abroad (status ``abroad``)."""
    return world.add_fact(Fact("moved_out", pid, on, attrs={"to": to_division, "status": status}))


def adoption(world: World, child: int, on: date, adopters: tuple[int, int], new_given: str) -> Fact:
    return world.add_fact(Fact("adoption", child, on, attrs={"adopters": adopters, "new_given": new_given,
                                                             "certificate": f"收养证（{on.year}）第{world.rng.randint(10, 999)}号"}))


def declare_events(world: World, rng: random.Random) -> None:
    """The emergencies of the world: one in the last quarter, one more than a year before the as-of date."""
    from childlink.synth.divisions import county_name

    recent = world.as_of - timedelta(days=rng.randint(25, 60))
    old = add_months(world.as_of, -14)
    place = county_name(world.county)
    world.events = [
        (f"{recent.year}年{recent.month}月{place}暴雨洪涝灾害", "洪涝", recent),
        (f"{old.year}年{old.month}月{place}风雹灾害", "风雹", old),
    ]


# -- background --------------------------------------------------------------

def background_events(world: World, eligible_adults: list[int], elderly: list[int], children: list[int]) -> None:
    """Events of ordinary life that define no category.

    ``eligible_adults`` are adults who are nobody's parent of a minor; their
    prison terms, rehab, lost contact and disabilities reach no child.
    """
    rng = world.rng
    as_of = world.as_of

    def some(pool: list[int], rate: float) -> list[int]:
        k = min(len(pool), int(round(len(pool) * rate)))
        return rng.sample(pool, k) if k else []

    for pid in some(elderly, 0.08):
        death(world, pid, as_of - timedelta(days=rng.randint(1, 1400)), cause=rng.choice(("脑梗死", "心肌梗死", "肺癌", "衰老")),
              reported_twice=rng.random() < 0.3)
    for pid in some(elderly, 0.06):
        disability(world, pid, rng.choice("1457"), rng.choice("1234"), as_of - timedelta(days=rng.randint(30, 3000)))
    for pid in some(elderly, 0.05):
        illness(world, pid, as_of - timedelta(days=rng.randint(30, 1500)), listed=rng.random() < 0.5)
    for pid in some(eligible_adults, 0.01):
        start = as_of - timedelta(days=rng.randint(30, 2500))
        months = rng.choice((8, 14, 30, 60))
        planned = add_months(start, months)
        released = planned if planned <= as_of else None
        prison(world, pid, start, months, released=released)
    for pid in some(eligible_adults, 0.004):
        drug_rehab(world, pid, as_of - timedelta(days=rng.randint(30, 1200)))
    for pid in some(eligible_adults, 0.004):
        since = as_of - timedelta(days=rng.randint(30, 1500))
        lost_contact(world, pid, since, found=since + timedelta(days=rng.randint(10, 90)) if rng.random() < 0.5 else None)
    for pid in some(eligible_adults, 0.02):
        disability(world, pid, rng.choice("1234567"), rng.choice("1234"), as_of - timedelta(days=rng.randint(30, 3000)))
    # Work away: many adults without minor children, in spells with short gaps.
    for pid in some(eligible_adults, 0.12):
        start = as_of - timedelta(days=rng.randint(60, 2000))
        while start < as_of:
            end = start + timedelta(days=rng.randint(60, 500))
            work_away(world, pid, start, end if end < as_of else None)
            if end >= as_of:
                break
            start = end + timedelta(days=rng.randint(5, 120))
    # Short administrative detentions anywhere: confounders that never reach 6 months.
    for pid in some(eligible_adults, 0.004):
        start = as_of - timedelta(days=rng.randint(20, 700))
        days_ = rng.randint(5, 15)
        custody(world, pid, "administrative_detention", start, start + timedelta(days=days_),
                end=start + timedelta(days=days_), end_reason="拘留期满")
    # Adults leaving: hukou moved to another county, or cancelled for settling abroad.
    for pid in some(eligible_adults, 0.006):
        if rng.random() < 0.8:
            moved_out(world, pid, as_of - timedelta(days=rng.randint(20, 1500)), rng.choice(WORK_PLACES[:4]))
        else:
            moved_out(world, pid, as_of - timedelta(days=rng.randint(20, 1500)), None, status="abroad")
    # Poverty among the elderly (no minor children in those households).
    for pid in some(elderly, 0.05):
        kind = rng.choice(("dibao", "dibao", "tekun", "temporary", "dibao_edge"))
        assistance(world, [pid], kind, as_of - timedelta(days=rng.randint(30, 2500)))
    # Emergencies reach adults without minor children too.
    for pid in some(elderly + eligible_adults, 0.01):
        name, kind, day = world.events[rng.randrange(len(world.events))]
        world.add_fact(Fact("emergency", pid, day, attrs={"event": name, "type": kind,
                                                          "impact": rng.choice(("relocated", "house_collapsed", "injured"))}))
    # Illnesses off the list for some children: never a serious illness.
    for pid in some(children, 0.01):
        illness(world, pid, as_of - timedelta(days=rng.randint(30, 900)), listed=False)
