#!/usr/bin/env python3
"""gen_accounts.py — writes a deterministic CSV of client companies for the import benchmark.

usage: gen_accounts.py ROWS OUT.csv OWNER_EMAIL [OWNER_EMAIL ...]

Every column of the accounts import (Russian headers, ';' between fields, UTF-8
without BOM, CRLF line ends as Excel writes them): names, legal names, valid
INNs, unique external ids, statuses in Russian, churn dates as DD.MM.YYYY,
tags, revenue with a decimal comma and grouped thousands, descriptions of
which some span two lines. The same arguments always give the same bytes: the
generator is a fixed-seed xorshift64*, not Python's random module.
"""
import sys

MASK = (1 << 64) - 1

HEADERS = ["Название", "Юридическое название", "ИНН", "Внешний ID", "Статус", "Дата ухода",
           "Причина ухода", "Сегмент", "Ответственный", "Теги", "Отрасль", "Регион", "Город",
           "Сайт", "Сотрудники", "Выручка", "Валюта", "Описание"]
ROOTS = [("Урал", "ural"), ("Сибирь", "sibir"), ("Волга", "volga"), ("Кама", "kama"),
         ("Север", "sever"), ("Нева", "neva"), ("Дон", "don"), ("Алтай", "altai"),
         ("Байкал", "baikal"), ("Ока", "oka"), ("Енисей", "enisei"), ("Амур", "amur")]
MIDDLES = [("хим", "him", "Химия"), ("мет", "met", "Металлургия"),
           ("маш", "mash", "Машиностроение"), ("строй", "stroi", "Строительство"),
           ("агро", "agro", "АПК"), ("энерго", "energo", "Энергетика"),
           ("транс", "trans", "Логистика"), ("лес", "les", "Деревообработка")]
SUFFIXES = [("пром", "prom"), ("сервис", "servis"), ("комплект", "komplekt"),
            ("инвест", "invest"), ("ресурс", "resurs"), ("снаб", "snab")]
FORMS = ["ООО", "ООО", "АО", "ПАО"]
REGIONS = [("Свердловская область", "Екатеринбург", 66), ("Челябинская область", "Челябинск", 74),
           ("Москва", "Москва", 77), ("Республика Татарстан", "Казань", 16),
           ("Новосибирская область", "Новосибирск", 54), ("Республика Башкортостан", "Уфа", 2),
           ("Пермский край", "Пермь", 59), ("Ростовская область", "Ростов-на-Дону", 61)]
STATUSES = ["активный"] * 7 + ["под угрозой", "ушёл", "потенциальный"]
SEGMENTS = ["Ключевые", "Крупные", "Средние", "Средние", "Малые", "Малые"]
BANDS = ["10-49", "50-99", "100-499", "500-999", "1000-4999"]
TAGS = ["тендеры", "госзаказ", "экспорт", "долгосрочный договор", "отсрочка платежа", "VIP"]
REASONS = ["Перешли к трейдеру с отсрочкой платежа", "Конкурент снизил цену на 7 %",
           "Срывы сроков отгрузки в сезон"]
DESCRIPTIONS = ["Закупает сортовой прокат и трубы ежемесячно.",
                "Основные закупки — листовой прокат, раз в квартал под проекты.",
                "Закупки через тендер.\nРешения принимает закупочный комитет.",
                "Берёт арматуру и метизы небольшими партиями; часто срочно."]


class Rng:
    """xorshift64*, as in src/core/demo.c."""

    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        x = self.s
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        self.s = x
        return (x * 0x2545F4914F6CDD1D) & MASK

    def pick(self, seq):
        return seq[self.next() % len(seq)]

    def below(self, n):
        return self.next() % n


def inn(rng, region):
    """A 10-digit legal entity INN with the right check digit."""
    digits = "%02d%02d%05d" % (region, 1 + rng.below(98), rng.below(100000))
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(w * int(d) for w, d in zip(weights, digits)) % 11 % 10
    return digits + str(check)


def grouped(amount):
    """1234567.5 → '1 234 567,50' as Russian Excel writes money."""
    whole, frac = divmod(round(amount * 100), 100)
    text = "{:,}".format(whole).replace(",", " ")
    return "%s,%02d" % (text, frac)


def field(value):
    """One CSV field: quoted when it holds the delimiter, a quote or a line break."""
    if any(c in value for c in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def main():
    if len(sys.argv) < 4:
        sys.stderr.write("usage: gen_accounts.py ROWS OUT.csv OWNER_EMAIL [OWNER_EMAIL ...]\n")
        return 2
    rows, out, owners = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    rng = Rng(0xB5EED2024)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(";".join(HEADERS) + "\r\n")
        for i in range(rows):
            root, mid, suf = rng.pick(ROOTS), rng.pick(MIDDLES), rng.pick(SUFFIXES)
            region = rng.pick(REGIONS)
            name = "%s%s%s-%d" % (root[0], mid[0], suf[0], i + 1)
            status = rng.pick(STATUSES)
            churned = status == "ушёл"
            tags = [rng.pick(TAGS) for _ in range(rng.below(3))]
            tags = sorted(set(tags), key=tags.index)
            row = [
                name,
                "%s «%s»" % (rng.pick(FORMS), name),
                inn(rng, region[2]),
                "CRM-%07d" % (i + 1),
                status,
                "%02d.%02d.%04d" % (1 + rng.below(28), 1 + rng.below(12), 2023 + rng.below(3))
                if churned else "",
                rng.pick(REASONS) if churned else "",
                rng.pick(SEGMENTS),
                rng.pick(owners),
                ", ".join(tags),
                mid[2],
                region[0],
                region[1],
                "https://%s%s%s%d.ru" % (root[1], mid[1], suf[1], i + 1),
                rng.pick(BANDS),
                grouped(1e6 + rng.below(10**10)),
                "RUB",
                rng.pick(DESCRIPTIONS),
            ]
            f.write(";".join(field(v) for v in row) + "\r\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
