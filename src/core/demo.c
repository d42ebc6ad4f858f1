/*
 * demo.c — the demo workspace (see demo.h): a metals distributor, its team of
 * four, a catalogue of competitors and DEMO_ACCOUNTS client companies with
 * their suppliers, loyalty assessments and people (contacts on an org chart,
 * influence links, a relationship plan), generated from fixed seeds so that
 * every demo database is the same (dates are counted back from the day the
 * demo is made, so that their history is always recent). Everything goes
 * through the core functions (which validate and audit) in one transaction,
 * except the people, which are plain inserts in it for speed.
 */
#include "core/demo.h"
#include "core/demo_impl.h"

#include <string.h>
#include <time.h>

#include "core/account.h"
#include "core/assessment.h"
#include "core/competitor.h"
#include "core/contact.h"
#include "core/identity.h"
#include "core/inn.h"
#include "core/loyalty_model.h"
#include "core/supplier.h"
#include "util/arena.h"
#include "util/clock.h"

#define DEMO_ACCOUNTS	    200
#define DEMO_SEED	    0x5EEDC0FFEE2024ULL
#define DEMO_WS_NAME	    "Демо: ООО «СеверМеталлСнаб»"
#define DEMO_NAME_MAX	    128	 /* bytes of a generated company name */
#define DEMO_TRIES_MAX	    1000 /* attempts at a name not used yet */
#define DEMO_TAGS_MAX	    3
#define DEMO_SUPPLIERS_MAX  3
#define DEMO_CATEGORIES_MAX 3
#define DEMO_ARENA_LIMIT    (1024u * 1024u)
#define DEMO_ARRAY_LEN(a)   (sizeof(a) / sizeof((a)[0]))

/* The demo's team: the first is the owner who signs in. */
static const struct {
	const char *email;
	const char *name;
	enum ws_role role;
	unsigned owns_pct; /* share of the accounts this person owns */
} demo_users[] = {
    {DEMO_EMAIL, "Ольга Демидова", ROLE_OWNER, 15},
    {"analyst@advocate.local", "Игорь Белов", ROLE_ANALYST, 25},
    {"manager@advocate.local", "Марина Ковалёва", ROLE_MANAGER, 60},
    {"viewer@advocate.local", "Сергей Орлов", ROLE_VIEWER, 0},
};

static const struct {
	const char *name;
	const char *website;
	const char *notes;
} demo_competitors[] = {
    {"ТД «Сталь-Инвест»", "https://stal-invest.ru",
     "Крупный трейдер, сильные позиции на Урале; гибкие отсрочки платежа."},
    {"УралМетТорг", "https://uralmettorg.ru",
     "Региональный дистрибьютор сортового проката, низкие цены на складские позиции."},
    {"Сибирская снабженческая компания", "https://sibsnab.ru",
     "Работает по всей Сибири, собственная сеть складов."},
    {"ПромТрейд Групп", "https://promtrade-group.ru",
     "Агрессивно демпингует в тендерах, качество сервиса нестабильное."},
    {"Металл-Центр", "https://metall-centr.ru", "Металлобаза с резкой и доставкой в день заказа."},
    {"ВолгаСнаб", "https://volgasnab.ru", "Сильны в Поволжье, дают индивидуальные условия."},
    {"Интерпромкомплект", "https://ipk-trade.ru", "Комплексные поставки под проекты."},
    {"ТК «Магистраль»", "https://tk-magistral.ru", "Трубы и трубопроводная арматура."},
};

/* Parts of company names with their transliteration for the web site. */
struct demo_part {
	const char *ru;
	const char *lat;
};

static const struct demo_part demo_roots[] = {
    {"Урал", "ural"},	  {"Сибирь", "sibir"}, {"Волга", "volga"},   {"Кама", "kama"},
    {"Север", "sever"},	  {"Нева", "neva"},    {"Дон", "don"},	     {"Алтай", "altai"},
    {"Байкал", "baikal"}, {"Ока", "oka"},      {"Енисей", "enisei"}, {"Амур", "amur"},
    {"Вятка", "vyatka"},  {"Тобол", "tobol"},  {"Ангара", "angara"}, {"Печора", "pechora"},
};

/* Middle parts, each with the industry it suggests. */
static const struct {
	struct demo_part part;
	const char *industry;
} demo_middles[] = {
    {{"хим", "him"}, "Химия"},		 {{"мет", "met"}, "Металлургия"},
    {{"маш", "mash"}, "Машиностроение"}, {{"строй", "stroi"}, "Строительство"},
    {{"агро", "agro"}, "АПК"},		 {{"энерго", "energo"}, "Энергетика"},
    {{"транс", "trans"}, "Логистика"},	 {{"лес", "les"}, "Деревообработка"},
    {{"нефте", "nefte"}, "Нефтегаз"},	 {{"тех", "teh"}, "Машиностроение"},
    {{"торг", "torg"}, "Розница"},	 {{"пром", "prom"}, "Металлургия"},
};

static const struct demo_part demo_suffixes[] = {
    {"пром", "prom"},	    {"сервис", "servis"}, {"комплект", "komplekt"}, {"инвест", "invest"},
    {"холдинг", "holding"}, {"ресурс", "resurs"}, {"снаб", "snab"},	    {"групп", "group"},
};

static const char *const demo_forms[] = {"ООО", "ООО", "ООО", "АО", "АО", "ПАО", "ЗАО"};

/* What a company of each industry does, for descriptions. */
static const struct {
	const char *industry;
	const char *activity;
} demo_activities[] = {
    {"Химия", "Производство лакокрасочных материалов и промышленной химии."},
    {"Металлургия", "Изготовление металлоконструкций и сварных изделий."},
    {"Машиностроение", "Выпуск узлов и деталей для сельхозтехники и спецтехники."},
    {"Строительство", "Генеральный подрядчик жилых и промышленных объектов."},
    {"АПК", "Агрохолдинг: растениеводство, элеваторы, ремонт техники."},
    {"Энергетика", "Сетевая компания: строительство и ремонт ЛЭП и подстанций."},
    {"Логистика", "Складская логистика и грузоперевозки, строит свои терминалы."},
    {"Деревообработка", "Лесопиление и производство фанеры, собственный парк техники."},
    {"Нефтегаз", "Сервисные работы на месторождениях, обустройство кустовых площадок."},
    {"Розница", "Сеть строительных гипермаркетов в нескольких регионах."},
};

static const char *const demo_purchases[] = {
    "Закупает сортовой прокат и трубы ежемесячно.",
    "Основные закупки — листовой прокат, раз в квартал под проекты.",
    "Закупки через тендерную площадку, решения принимает закупочный комитет.",
    "Берёт арматуру и метизы небольшими партиями, часто срочно.",
    "Закупает под сезон строительства, пик — апрель–сентябрь.",
};

static const char *const demo_notes[] = {
    "ЛПР — технический директор.",
    "Интересуется индивидуальными условиями и отсрочкой платежа.",
    "Жалуется на очереди при отгрузке.",
    "Ценит оперативность менеджера, просит личный кабинет.",
    "Недавно сменился директор по закупкам.",
    "",
};

/* Regions with their cities and the region code that starts their INNs. */
static const struct {
	const char *region;
	const char *cities[3];
	unsigned code;
} demo_regions[] = {
    {"Свердловская область", {"Екатеринбург", "Нижний Тагил", "Каменск-Уральский"}, 66},
    {"Челябинская область", {"Челябинск", "Магнитогорск", "Златоуст"}, 74},
    {"Москва", {"Москва", "Москва", "Москва"}, 77},
    {"Московская область", {"Подольск", "Химки", "Коломна"}, 50},
    {"Санкт-Петербург", {"Санкт-Петербург", "Санкт-Петербург", "Санкт-Петербург"}, 78},
    {"Республика Татарстан", {"Казань", "Набережные Челны", "Альметьевск"}, 16},
    {"Нижегородская область", {"Нижний Новгород", "Дзержинск", "Арзамас"}, 52},
    {"Самарская область", {"Самара", "Тольятти", "Сызрань"}, 63},
    {"Пермский край", {"Пермь", "Березники", "Соликамск"}, 59},
    {"Новосибирская область", {"Новосибирск", "Бердск", "Искитим"}, 54},
    {"Красноярский край", {"Красноярск", "Норильск", "Ачинск"}, 24},
    {"Ростовская область", {"Ростов-на-Дону", "Таганрог", "Шахты"}, 61},
    {"Республика Башкортостан", {"Уфа", "Стерлитамак", "Салават"}, 2},
    {"Вологодская область", {"Череповец", "Вологда", "Череповец"}, 35},
    {"Краснодарский край", {"Краснодар", "Новороссийск", "Армавир"}, 23},
    {"Тюменская область", {"Тюмень", "Тобольск", "Ишим"}, 72},
};

/* Segments, how often they occur (per cent) and the size of their companies. */
static const struct {
	const char *name;
	unsigned pct;
	const char *employees[2];
	double revenue_min, revenue_max; /* RUB */
} demo_segments[] = {
    {"Ключевые", 8, {"1000-4999", "5000-9999"}, 5e9, 40e9},
    {"Крупные", 22, {"500-999", "1000-4999"}, 1e9, 8e9},
    {"Средние", 40, {"100-499", "100-499"}, 2e8, 1.5e9},
    {"Малые", 30, {"10-49", "50-99"}, 2e7, 2.5e8},
};

static const char *const demo_tags[] = {
    "тендеры",	      "госзаказ", "экспорт", "долгосрочный договор", "отсрочка платежа",
    "сезонный спрос", "пилот",	  "VIP",     "рекламации",	     "новый клиент",
};

static const char *const demo_churn_reasons[] = {
    "Перешли к трейдеру с отсрочкой платежа 60 дней",
    "Конкурент предложил цену ниже на 7 %",
    "Срывы сроков отгрузки в сезон",
    "Рекламации по качеству проката не закрывались месяцами",
    "Смена собственника, закупки централизованы в холдинге",
    "Не устроила обязательная предоплата",
    "Частая смена менеджеров, потеря контакта",
};

static const char *const demo_categories[] = {
    "Сортовой прокат", "Листовой прокат",   "Трубы",	  "Метизы",
    "Арматура",	       "Нержавеющая сталь", "Профнастил",
};

static const char *const demo_supplier_notes[] = {
    "Основной поставщик по трубам.",
    "Берут у них, когда у нас нет позиции на складе.",
    "Дают отсрочку 45 дней.",
    "Работают через тендер раз в год.",
    NULL,
};

uint64_t
demo_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

unsigned
demo_pick(uint64_t *s, unsigned n)
{
	return (unsigned)(demo_next(s) % n);
}

double
demo_uniform(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * (double)(demo_next(s) >> 11) / (double)(1ULL << 53);
}

/* A 10-digit legal entity INN of region code with the right check digit, into out[11]. */
static void
demo_inn(uint64_t *s, unsigned region, char out[INN_LEGAL_LEN + 1])
{
	static const int weights[INN_LEGAL_LEN - 1] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
	int sum = 0;

	snprintf(out, INN_LEGAL_LEN + 1, "%02u%02u%05u0", region % 100, 1 + demo_pick(s, 98),
		 demo_pick(s, 100000));
	for (int i = 0; i < INN_LEGAL_LEN - 1; i++)
		sum += weights[i] * (out[i] - '0');
	out[INN_LEGAL_LEN - 1] = (char)('0' + sum % 11 % 10);
}

/* A date ("YYYY-MM-DD", in a) in the years lo to hi; NULL when out of memory. */
static const char *
demo_date(struct arena *a, uint64_t *s, unsigned lo, unsigned hi)
{
	return arena_printf(a, "%04u-%02u-%02u", lo + demo_pick(s, hi - lo + 1),
			    1 + demo_pick(s, 12), 1 + demo_pick(s, 28));
}

/* A segment, drawn by the segments' percentages: its index in demo_segments. */
static size_t
demo_segment(uint64_t *s)
{
	unsigned r = demo_pick(s, 100), acc = 0;

	for (size_t i = 0; i < DEMO_ARRAY_LEN(demo_segments); i++) {
		acc += demo_segments[i].pct;
		if (r < acc)
			return i;
	}
	return DEMO_ARRAY_LEN(demo_segments) - 1;
}

/* The owner of a new account, by the users' owns_pct. */
static const char *
demo_owner(uint64_t *s)
{
	unsigned r = demo_pick(s, 100), acc = 0;

	for (size_t i = 0; i < DEMO_ARRAY_LEN(demo_users); i++) {
		acc += demo_users[i].owns_pct;
		if (r < acc)
			return demo_users[i].email;
	}
	return demo_users[0].email;
}

/* The activity sentence of an industry. */
static const char *
demo_activity(const char *industry)
{
	for (size_t i = 0; i < DEMO_ARRAY_LEN(demo_activities); i++)
		if (strcmp(demo_activities[i].industry, industry) == 0)
			return demo_activities[i].activity;
	return "";
}

/* Names already given, so that every company's name is different. */
struct demo_names {
	char used[DEMO_ACCOUNTS][DEMO_NAME_MAX];
	size_t n;
};

/*
 * Makes up a company not named yet: its name ("Уралхимпром"), web site and
 * industry. False when the generator keeps repeating itself (it does not).
 */
static bool
demo_company(uint64_t *s, struct demo_names *names, struct arena *a, const char **name,
	     const char **website, const char **industry)
{
	for (int t = 0; t < DEMO_TRIES_MAX; t++) {
		const struct demo_part *root =
		    &demo_roots[demo_pick(s, DEMO_ARRAY_LEN(demo_roots))];
		size_t mi = demo_pick(s, DEMO_ARRAY_LEN(demo_middles));
		const struct demo_part *mid = &demo_middles[mi].part;
		const struct demo_part *suf =
		    &demo_suffixes[demo_pick(s, DEMO_ARRAY_LEN(demo_suffixes))];
		char buf[DEMO_NAME_MAX];
		bool dup = strcmp(mid->ru, suf->ru) == 0;

		snprintf(buf, sizeof(buf), "%s%s%s", root->ru, mid->ru, suf->ru);
		for (size_t k = 0; k < names->n && !dup; k++)
			dup = strcmp(names->used[k], buf) == 0;
		if (dup || names->n >= DEMO_ACCOUNTS)
			continue;
		memcpy(names->used[names->n++], buf, sizeof(buf));
		/* Only the root is capitalised: "Урал" + "хим" + "пром". */
		*name = arena_strdup(a, buf);
		*website = arena_printf(a, "https://%s%s%s.ru", root->lat, mid->lat, suf->lat);
		*industry = demo_middles[mi].industry;
		return *name != NULL && *website != NULL;
	}
	return false;
}

/* Adds 0..DEMO_TAGS_MAX distinct tags to acc. */
static void
demo_tags_pick(uint64_t *s, struct arena *a, struct account *acc)
{
	unsigned n = demo_pick(s, DEMO_TAGS_MAX + 1);

	acc->tags = arena_alloc(a, DEMO_TAGS_MAX * sizeof(*acc->tags));
	acc->ntags = 0;
	if (acc->tags == NULL)
		return;
	for (unsigned i = 0; i < n; i++) {
		const char *t = demo_tags[demo_pick(s, DEMO_ARRAY_LEN(demo_tags))];
		bool dup = false;

		for (size_t k = 0; k < acc->ntags; k++)
			dup = dup || strcmp(acc->tags[k], t) == 0;
		if (!dup)
			acc->tags[acc->ntags++] = t;
	}
}

/* Generates account number i of the demo into acc (strings in a); false when out of memory. */
static bool
demo_account(uint64_t *s, struct demo_names *names, struct arena *a, unsigned i,
	     struct account *acc, uint32_t *mask)
{
	size_t seg = demo_segment(s), reg = demo_pick(s, DEMO_ARRAY_LEN(demo_regions));
	unsigned st = demo_pick(s, 100);
	char *inn = arena_alloc(a, INN_LEGAL_LEN + 1);
	double revenue;

	memset(acc, 0, sizeof(*acc));
	if (inn == NULL || !demo_company(s, names, a, &acc->name, &acc->website, &acc->industry))
		return false;
	acc->status = st < 8	? ACCOUNT_PROSPECT
		      : st < 76 ? ACCOUNT_ACTIVE
		      : st < 90 ? ACCOUNT_AT_RISK
				: ACCOUNT_CHURNED;
	acc->legal_name = arena_printf(
	    a, "%s «%s»", demo_forms[demo_pick(s, DEMO_ARRAY_LEN(demo_forms))], acc->name);
	demo_inn(s, demo_regions[reg].code, inn);
	acc->inn = inn;
	if (acc->status != ACCOUNT_PROSPECT || demo_pick(s, 2) == 0)
		acc->external_id = arena_printf(a, "CRM-%06u", 1000 + i * 17 + demo_pick(s, 17));
	if (acc->status == ACCOUNT_CHURNED) {
		acc->churned_at = demo_date(a, s, 2024, 2025);
		acc->churn_reason =
		    demo_churn_reasons[demo_pick(s, DEMO_ARRAY_LEN(demo_churn_reasons))];
	}
	acc->segment = demo_segments[seg].name;
	acc->owner_email = demo_owner(s);
	demo_tags_pick(s, a, acc);
	acc->region = demo_regions[reg].region;
	acc->city = demo_regions[reg].cities[demo_pick(s, 3)];
	acc->employees = demo_segments[seg].employees[demo_pick(s, 2)];
	revenue = demo_uniform(s, demo_segments[seg].revenue_min, demo_segments[seg].revenue_max);
	acc->has_revenue = true;
	acc->revenue = (double)(int64_t)(revenue / 1000.0) * 1000.0;
	acc->revenue_currency = "RUB";
	acc->description =
	    arena_printf(a, "%s %s %s", demo_activity(acc->industry),
			 demo_purchases[demo_pick(s, DEMO_ARRAY_LEN(demo_purchases))],
			 demo_notes[demo_pick(s, DEMO_ARRAY_LEN(demo_notes))]);
	*mask = AF_BIT(AF_NAME) | AF_BIT(AF_LEGAL_NAME) | AF_BIT(AF_INN) | AF_BIT(AF_STATUS) |
		AF_BIT(AF_SEGMENT) | AF_BIT(AF_OWNER) | AF_BIT(AF_TAGS) | AF_BIT(AF_INDUSTRY) |
		AF_BIT(AF_REGION) | AF_BIT(AF_CITY) | AF_BIT(AF_WEBSITE) | AF_BIT(AF_EMPLOYEES) |
		AF_BIT(AF_REVENUE) | AF_BIT(AF_REVENUE_CURRENCY) | AF_BIT(AF_DESCRIPTION);
	if (acc->external_id != NULL)
		*mask |= AF_BIT(AF_EXTERNAL_ID);
	if (acc->churned_at != NULL)
		*mask |= AF_BIT(AF_CHURNED_AT) | AF_BIT(AF_CHURN_REASON);
	return acc->legal_name != NULL && acc->description != NULL;
}

/*
 * Adds 1..DEMO_SUPPLIERS_MAX suppliers to account_id: us (unless the client
 * is a prospect or left), then competitors, the shares adding up to at most 100.
 */
static enum adv_err
demo_suppliers(struct db_conn *c, struct arena *a, uint64_t *s, int64_t ws_id, int64_t account_id,
	       enum account_status status, const int64_t *competitors, struct adv_errbuf *eb)
{
	bool us = status == ACCOUNT_ACTIVE || status == ACCOUNT_AT_RISK;
	unsigned n = 1 + demo_pick(s, DEMO_SUPPLIERS_MAX - (us ? 0 : 1));
	double left = 100.0;
	int64_t used[DEMO_SUPPLIERS_MAX] = {0};
	enum adv_err rc = ADV_OK;

	for (unsigned k = 0; k < n && rc == ADV_OK; k++) {
		struct supplier sp, out;
		const char *cats[DEMO_CATEGORIES_MAX];
		unsigned ncat = 1 + demo_pick(s, DEMO_CATEGORIES_MAX);
		bool dup = true;

		memset(&sp, 0, sizeof(sp));
		if (k == 0 && us) {
			sp.share_pct = status == ACCOUNT_ACTIVE ? demo_uniform(s, 40, 90)
								: demo_uniform(s, 15, 50);
		} else {
			while (dup) {
				sp.competitor_id =
				    competitors[demo_pick(s, DEMO_ARRAY_LEN(demo_competitors))];
				dup = false;
				for (unsigned j = 0; j < k; j++)
					dup = dup || used[j] == sp.competitor_id;
			}
			sp.share_pct = k + 1 == n ? demo_uniform(s, 0.5, 1.0) * left
						  : demo_uniform(s, 0.3, 0.7) * left;
		}
		used[k] = sp.competitor_id;
		sp.share_pct = (double)(int)sp.share_pct;
		left -= sp.share_pct;
		sp.ncategories = 0;
		for (unsigned j = 0; j < ncat; j++) {
			const char *cat =
			    demo_categories[demo_pick(s, DEMO_ARRAY_LEN(demo_categories))];
			bool seen = false;

			for (size_t q = 0; q < sp.ncategories; q++)
				seen = seen || strcmp(cats[q], cat) == 0;
			if (!seen)
				cats[sp.ncategories++] = cat;
		}
		sp.categories = cats;
		sp.since = demo_date(a, s, 2012, 2024);
		sp.notes = demo_supplier_notes[demo_pick(s, DEMO_ARRAY_LEN(demo_supplier_notes))];
		rc =
		    supplier_create(c, a, ws_id, 0, account_id, &sp,
				    SF_BIT(SF_COMPETITOR) | SF_BIT(SF_SHARE) |
					SF_BIT(SF_CATEGORIES) | SF_BIT(SF_SINCE) | SF_BIT(SF_NOTES),
				    &out, eb);
	}
	return rc;
}

/* Assessments of the demo's clients: 18 months of history, from a seed of their own. */
#define DEMO_ASSESS_SEED    0xA55E55EDC0DEULL
#define DEMO_HISTORY_DAYS   548 /* 18 months back from today */
#define DEMO_ASSESS_MAX	    4	/* assessments per client */
#define DEMO_FALLERS	    8	/* clients whose index falls this quarter */
#define DEMO_FACTORS_PICK   2	/* factors observed per scored component, at most */
#define DEMO_SCORE_MIN	    1
#define DEMO_SCORE_MAX	    5
#define DEMO_COMPONENTS_MAX 16
#define DEMO_DAY_SECONDS    86400

/* The journey stage an assessment is tied to, by the component it scored lowest. */
static const struct {
	const char *component;
	const char *stage;
} demo_stage_of[] = {
    {"terms", "loyalty"},
    {"service", "retention"},
    {"prices", "choice"},
    {"shipment", "purchase"},
};

static struct db_sql sql_demo_stage = DB_SQL(
    "SELECT id FROM journey_stages WHERE workspace_id = ?1 AND code = ?2 AND archived_at IS NULL");

/* What the demo remembers of each client to assess it. */
struct demo_client {
	int64_t id;
	enum account_status status;
	int64_t author; /* the user who owns the account */
	const char *churned_at;
	const char *domain; /* of the web site, for the people's e-mail addresses */
};

/* The evidence quoted for a seed factor: component code and position in the seed. */
static const struct {
	const char *code;
	int position;
	const char *quote;
} demo_quotes[] = {
    {"terms", 1, "«В сезон просим 300 тонн, дают 200 — остальное докупаем у трейдера»"},
    {"terms", 2, "«Соседний завод берёт дешевле, и никто не может объяснить почему»"},
    {"terms", 3, "«Знаем, что другим дают индивидуальные условия, а нам — нет»"},
    {"terms", 4, "«Пошли навстречу: отсрочка 30 дней и фиксированная цена на квартал»"},
    {"terms", 5, "«Заказываем раз в месяц по графику, планируем на квартал вперёд»"},
    {"terms", 6, "«Стопроцентная предоплата вымывает оборотные средства»"},
    {"terms", 7, "«Альтернативы по этой марке стали в регионе просто нет»"},
    {"terms", 8, "«Готовы брать больше, но на таких условиях смысла нет»"},
    {"terms", 9, "«Всегда есть на складе — для нас это главное»"},
    {"terms", 10, "«Цены подняли с первого числа, предупредили за два дня»"},
    {"terms", 11, "«Заказать у вас проще, чем у конкурентов»"},
    {"terms", 12, "«Мы большие, держим трёх поставщиков на всякий случай»"},
    {"terms", 13, "«Опять партия с окалиной, рекламацию закрывали два месяца»"},
    {"terms", 14, "«По геометрии проката вы лучше всех»"},
    {"service", 1, "«На запрос счёта отвечают по три дня»"},
    {"service", 2, "«Менеджер обещает одно, склад делает другое»"},
    {"service", 3, "«Нет личного кабинета, статус заказа узнаём по телефону»"},
    {"service", 4, "«Через трейдера быстрее и без бумажной волокиты»"},
    {"service", 5, "«Наш менеджер знает наше производство лучше нас»"},
    {"service", 6, "«За год сменилось три менеджера»"},
    {"service", 7, "«Менеджер не перезванивает, письма теряются»"},
    {"service", 8, "«Важно, чтобы был один человек, которому можно позвонить»"},
    {"service", 9, "«Оригиналы УПД приходят через месяц»"},
    {"prices", 1, "«Наценки за резку и доставку съедают всю скидку»"},
    {"prices", 2, "«У конкурента на 5–7 % дешевле»"},
    {"prices", 3, "«По цене вы в рынке, это устраивает»"},
    {"prices", 4, "«На объём скидок не дают»"},
    {"shipment", 1, "«Машины стоят в очереди по три-четыре часа»"},
    {"shipment", 2, "«Кран на складе снова сломан, отгрузку перенесли на завтра»"},
};

static const char *const demo_persons[] = {
    "Главный инженер И. Петров",
    "Директор по закупкам А. Смирнова",
    "Начальник отдела снабжения В. Кузнецов",
    "Генеральный директор С. Волков",
    "Менеджер по закупкам Е. Морозова",
    "Коммерческий директор Д. Лебедев",
    "Главный механик П. Соколов",
    "Финансовый директор Н. Попова",
};

/* General characteristics by how loyal the client is: low, middle, high. */
static const char *const demo_summaries[3][3] = {
    {"Недоволен сервисом и ценой, рассматривает переход к конкуренту.",
     "Накопились претензии по качеству и отгрузке; без изменений может уйти.",
     "Закупает у нас по остаточному принципу, основной объём ушёл трейдеру."},
    {"В целом удовлетворён, но сравнивает цены с конкурентами и часть объёма держит у "
     "трейдера.",
     "Отношения ровные; есть вопросы по срокам отгрузки и документообороту.",
     "Ценит наличие на складе, но ждёт индивидуальных условий."},
    {"Лояльный клиент: ценит стабильность поставок и работу менеджера, готов расширять "
     "закупки.",
     "Доволен сотрудничеством, считает нас основным поставщиком.",
     "Рекомендует нас партнёрам; просит личный кабинет и электронный документооборот."},
};

static const char *const demo_faller_summary =
    "Ситуация ухудшилась: после смены менеджера и задержек отгрузки клиент сокращает закупки.";

/* Comments by score 1..5. */
static const char *const demo_comments[DEMO_SCORE_MAX] = {
    "Критично", "Много претензий", "Есть замечания", "В целом хорошо", "Полностью устраивает",
};

const char *
demo_days_ago(struct arena *a, long days)
{
	time_t t = time(NULL) - (time_t)days * DEMO_DAY_SECONDS;
	struct tm tm;

	gmtime_r(&t, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Days from the start of the current quarter (UTC) to today: 0 on its first day. */
static long
demo_days_into_quarter(void)
{
	time_t now = time(NULL);
	struct tm tm, start = {0};

	gmtime_r(&now, &tm);
	start.tm_year = tm.tm_year;
	start.tm_mon = tm.tm_mon / 3 * 3;
	start.tm_mday = 1;
	return (long)((now - timegm(&start)) / DEMO_DAY_SECONDS);
}

/* The quote of factor f of component code, or a note when the demo has none. */
static const char *
demo_quote(const char *code, int64_t position)
{
	for (size_t i = 0; i < DEMO_ARRAY_LEN(demo_quotes); i++)
		if (strcmp(demo_quotes[i].code, code) == 0 && demo_quotes[i].position == position)
			return demo_quotes[i].quote;
	return "Со слов клиента на встрече";
}

/* A score near level (1..5). */
static double
demo_score(uint64_t *s, double level)
{
	double v = level + demo_uniform(s, -0.5, 0.5);

	v = v < DEMO_SCORE_MIN ? DEMO_SCORE_MIN : v > DEMO_SCORE_MAX ? DEMO_SCORE_MAX : v;
	return (double)(int)(v + 0.5);
}

/* Picks up to DEMO_FACTORS_PICK active factors of comp that fit e's score into e. */
static void
demo_pick_factors(uint64_t *s, struct arena *a, const struct catview *cat,
		  const struct catview_component *comp, struct assessment_component *e)
{
	unsigned want = demo_pick(s, DEMO_FACTORS_PICK + 1);
	const struct catview_factor **fit;
	size_t nfit = 0;

	e->nfactors = 0;
	if (want == 0 || (fit = arena_alloc(a, cat->nfactors * sizeof(*fit))) == NULL ||
	    (e->factors = arena_alloc(a, want * sizeof(*e->factors))) == NULL)
		return;
	for (size_t i = 0; i < cat->nfactors; i++) {
		const struct catview_factor *f = &cat->factors[i];

		if (f->component_id == comp->id && f->active &&
		    (e->score <= 2   ? f->polarity < 0
		     : e->score >= 4 ? f->polarity >= 0
				     : f->polarity <= 0))
			fit[nfit++] = f;
	}
	while (nfit > 0 && e->nfactors < want) {
		size_t k = demo_pick(s, (unsigned)nfit);

		e->factors[e->nfactors].factor_id = fit[k]->id;
		e->factors[e->nfactors++].evidence =
		    demo_pick(s, 10) < 7 ? demo_quote(comp->code, fit[k]->position) : NULL;
		fit[k] = fit[--nfit];
	}
}

/*
 * Fills assessment x of a client at level (1..5) with offsets per component:
 * scores of some components (all of them when all is set), factors that fit
 * the scores, comments, a summary, the person and a likelihood to recommend.
 * last (may be NULL) holds the scores of the client's previous assessment;
 * a faller's scores fall from it by one or two points.
 */
static bool
demo_fill_assessment(uint64_t *s, struct arena *a, const struct catview *cat, double level,
		     const double *offset, bool all, double *last, bool falls, struct assessment *x)
{
	size_t n = 0;

	if ((x->components = arena_zalloc(a, cat->ncomponents * sizeof(*x->components))) == NULL)
		return false;
	for (size_t k = 0; k < cat->ncomponents && k < DEMO_COMPONENTS_MAX; k++) {
		const struct catview_component *comp = &cat->components[k];
		struct assessment_component *e = &x->components[n];

		if (!comp->active || (!all && !falls && demo_pick(s, 3) == 0) ||
		    (falls && last[k] == 0))
			continue;
		e->component_id = comp->id;
		e->has_score = true;
		e->score = falls ? last[k] - 1 - demo_pick(s, 2) : demo_score(s, level + offset[k]);
		if (e->score < DEMO_SCORE_MIN)
			e->score = DEMO_SCORE_MIN;
		last[k] = e->score;
		if (demo_pick(s, 3) == 0)
			e->comment = demo_comments[(int)e->score - 1];
		demo_pick_factors(s, a, cat, comp, e);
		n++;
	}
	x->ncomponents = n;
	x->summary = falls		   ? demo_faller_summary
		     : demo_pick(s, 3) > 0 ? demo_summaries[level < 2.6	  ? 0
							    : level < 3.8 ? 1
									  : 2][demo_pick(s, 3)]
					   : NULL;
	x->person =
	    demo_pick(s, 4) > 0 ? demo_persons[demo_pick(s, DEMO_ARRAY_LEN(demo_persons))] : NULL;
	x->source = demo_pick(s, 10) < 6 ? SOURCE_INTERVIEW
		    : demo_pick(s, 2)	 ? SOURCE_SURVEY
					 : SOURCE_MANUAL;
	if (x->source != SOURCE_MANUAL) {
		double r = (level - 1) * 2.5 + demo_uniform(s, -1.5, 1.5) - (falls ? 2 : 0);

		x->has_recommend = true;
		x->recommend = r < 0 ? 0 : r > 10 ? 10 : (int)(r + 0.5);
	}
	return n > 0 || x->summary != NULL;
}

/* The ids of the stages of demo_stage_of in ws_id (0 for one that is not there). */
static enum adv_err
demo_stages(struct db_conn *c, int64_t ws_id, int64_t ids[DEMO_ARRAY_LEN(demo_stage_of)])
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	for (size_t i = 0; i < DEMO_ARRAY_LEN(demo_stage_of); i++) {
		ids[i] = 0;
		if ((rc = db_prepare(c, &sql_demo_stage, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_text(st, 2, demo_stage_of[i].stage);
		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (row) {
			ids[i] = db_col_int(st, 0);
			db_done(st);
		}
	}
	return ADV_OK;
}

/* Ties x to the journey stage of the component it scored lowest (stages: demo_stages). */
static void
demo_tie_stage(const struct catview *cat, const int64_t *stages, struct assessment *x)
{
	const struct assessment_component *low = NULL;

	for (size_t i = 0; i < x->ncomponents; i++)
		if (x->components[i].has_score &&
		    (low == NULL || x->components[i].score < low->score))
			low = &x->components[i];
	for (size_t i = 0; low != NULL && i < DEMO_ARRAY_LEN(demo_stage_of); i++) {
		const struct catview_component *comp = catview_component(cat, low->component_id);

		if (comp != NULL && strcmp(comp->code, demo_stage_of[i].component) == 0)
			x->stage_id = stages[i];
	}
}

/*
 * Records 1..DEMO_ASSESS_MAX assessments of each client over the last 18
 * months (prospects none or one, clients who left one when they left);
 * DEMO_FALLERS clients with a long enough history fall this quarter; two in
 * five assessments are tied to the journey stage of the component they
 * scored lowest. Goes through assessment_create, which checks and audits.
 */
static enum adv_err
demo_assessments(struct db_conn *c, struct arena *a, int64_t ws_id,
		 const struct demo_client *clients, size_t nclients, struct adv_errbuf *eb)
{
	uint64_t s = DEMO_ASSESS_SEED;
	long into_quarter = demo_days_into_quarter();
	int64_t stages[DEMO_ARRAY_LEN(demo_stage_of)];
	struct catview cat;
	struct arena row;
	unsigned fallers = 0;
	enum adv_err rc;

	arena_init(&row, DEMO_ARENA_LIMIT);
	if ((rc = catview_read(c, a, ws_id, &cat)) != ADV_OK || cat.ncomponents == 0 ||
	    cat.nfactors == 0 || (rc = demo_stages(c, ws_id, stages)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < nclients && rc == ADV_OK; i++) {
		const struct demo_client *cl = &clients[i];
		double offset[DEMO_COMPONENTS_MAX], last[DEMO_COMPONENTS_MAX] = {0}, level;
		long days[DEMO_ASSESS_MAX];
		unsigned n;
		bool falls;

		switch (cl->status) {
		case ACCOUNT_PROSPECT:
			n = demo_pick(&s, 2);
			level = demo_uniform(&s, 2.8, 4.0);
			break;
		case ACCOUNT_CHURNED:
			n = 1;
			level = demo_uniform(&s, 1.2, 2.4);
			break;
		case ACCOUNT_AT_RISK:
			n = 1 + demo_pick(&s, DEMO_ASSESS_MAX);
			level = demo_uniform(&s, 2.0, 3.3);
			break;
		default:
			n = 1 + demo_pick(&s, DEMO_ASSESS_MAX);
			level = demo_uniform(&s, 3.3, 4.7);
			break;
		}
		for (size_t k = 0; k < DEMO_COMPONENTS_MAX; k++)
			offset[k] = demo_uniform(&s, -0.8, 0.8);
		falls = n >= 2 && fallers < DEMO_FALLERS && cl->status != ACCOUNT_CHURNED &&
			demo_pick(&s, 3) == 0;
		fallers += falls;
		/* A faller's last one in this quarter, the others before it; oldest first. */
		for (unsigned k = 0; k < n; k++)
			days[k] = falls && k + 1 == n ? demo_pick(&s, (unsigned)into_quarter + 1)
				  : falls	      ? into_quarter + 1 +
						demo_pick(&s, (unsigned)(DEMO_HISTORY_DAYS -
									 into_quarter - 1))
					  : (long)demo_pick(&s, DEMO_HISTORY_DAYS);
		for (unsigned k = 0; k + 1 < n; k++)
			for (unsigned j = k + 1; j < n; j++)
				if (days[j] > days[k]) {
					long t = days[k];

					days[k] = days[j];
					days[j] = t;
				}
		for (unsigned k = 0; k < n && rc == ADV_OK; k++) {
			struct assessment x, out;

			arena_free(&row);
			memset(&x, 0, sizeof(x));
			x.assessed_on = cl->status == ACCOUNT_CHURNED && cl->churned_at != NULL
					    ? cl->churned_at
					    : demo_days_ago(&row, days[k]);
			if (x.assessed_on == NULL ||
			    !demo_fill_assessment(&s, &row, &cat, level, offset,
						  k == 0 && demo_pick(&s, 6) > 0, last,
						  falls && k + 1 == n, &x))
				continue;
			if (demo_pick(&s, 5) < 2)
				demo_tie_stage(&cat, stages, &x);
			rc = assessment_create(c, &row, ws_id, cl->author, cl->id, &x, &out, eb);
		}
	}
out:
	arena_free(&row);
	return rc;
}

/*
 * The people of the demo's clients (docs/account-map.md), from a seed of
 * their own so that the companies and assessments stay as they were: 2 to
 * DEMO_PEOPLE_MAX contacts per company on a plausible org chart, a few
 * influence links, and a relationship plan with some actions overdue.
 * Written with plain inserts (no audit entries), for speed.
 */
#define DEMO_PEOPLE_SEED 0xC0FFEE5EED0A11ULL
#define DEMO_PEOPLE_MIN	 2
#define DEMO_PEOPLE_MAX	 8
#define DEMO_LINKS_MAX	 2 /* influence links per company */
#define DEMO_ACTIONS_MAX 3 /* plan actions per company */

/* The positions of a client's org chart; parent is the index of the manager (-1: the top). */
static const struct {
	const char *position;
	const char *department;
	int parent;
	enum contact_role role;
	enum contact_influence influence;
} demo_chart[] = {
    {"Генеральный директор", "Руководство", -1, BUY_DECISION_MAKER, INF_HIGH},
    {"Коммерческий директор", "Коммерческая служба", 0, BUY_INFLUENCER, INF_HIGH},
    {"Финансовый директор", "Финансы", 0, BUY_ECONOMIC_BUYER, INF_HIGH},
    {"Технический директор", "Техническая служба", 0, BUY_TECHNICAL_BUYER, INF_HIGH},
    {"Директор по закупкам", "Закупки", 0, BUY_ECONOMIC_BUYER, INF_HIGH},
    {"Главный инженер", "Техническая служба", 3, BUY_TECHNICAL_BUYER, INF_MEDIUM},
    {"Начальник отдела снабжения", "Закупки", 4, BUY_USER_BUYER, INF_MEDIUM},
    {"Менеджер по закупкам", "Закупки", 6, BUY_GATEKEEPER, INF_LOW},
    {"Главный механик", "Производство", 3, BUY_USER_BUYER, INF_MEDIUM},
    {"Начальник производства", "Производство", 3, BUY_USER_BUYER, INF_MEDIUM},
    {"Главный бухгалтер", "Финансы", 2, BUY_GATEKEEPER, INF_LOW},
    {"Инженер ПТО", "Техническая служба", 5, BUY_COACH, INF_LOW},
    {"Помощник генерального директора", "Руководство", 0, BUY_GATEKEEPER, INF_LOW},
};

#define DEMO_CHART_LEN DEMO_ARRAY_LEN(demo_chart)

/* First names with the Latin initial used in e-mail addresses; [0] men, [1] women. */
static const struct demo_part demo_first_names[2][12] = {
    {{"Алексей", "a"},
     {"Андрей", "a"},
     {"Дмитрий", "d"},
     {"Сергей", "s"},
     {"Игорь", "i"},
     {"Михаил", "m"},
     {"Николай", "n"},
     {"Павел", "p"},
     {"Владимир", "v"},
     {"Евгений", "e"},
     {"Роман", "r"},
     {"Константин", "k"}},
    {{"Елена", "e"},
     {"Ирина", "i"},
     {"Ольга", "o"},
     {"Татьяна", "t"},
     {"Наталья", "n"},
     {"Светлана", "s"},
     {"Анна", "a"},
     {"Марина", "m"},
     {"Юлия", "y"},
     {"Екатерина", "e"},
     {"Людмила", "l"},
     {"Вера", "v"}},
};

/* Surnames: the man's form, the woman's form, and the man's in Latin (a woman's adds "a"). */
static const struct {
	const char *ru[2];
	const char *lat;
} demo_surnames[] = {
    {{"Петров", "Петрова"}, "petrov"},	      {{"Смирнов", "Смирнова"}, "smirnov"},
    {{"Кузнецов", "Кузнецова"}, "kuznetsov"}, {{"Волков", "Волкова"}, "volkov"},
    {{"Морозов", "Морозова"}, "morozov"},     {{"Лебедев", "Лебедева"}, "lebedev"},
    {{"Соколов", "Соколова"}, "sokolov"},     {{"Попов", "Попова"}, "popov"},
    {{"Новиков", "Новикова"}, "novikov"},     {{"Фёдоров", "Фёдорова"}, "fedorov"},
    {{"Зайцев", "Зайцева"}, "zaitsev"},	      {{"Егоров", "Егорова"}, "egorov"},
    {{"Никитин", "Никитина"}, "nikitin"},     {{"Орлов", "Орлова"}, "orlov"},
    {{"Макаров", "Макарова"}, "makarov"},     {{"Андреев", "Андреева"}, "andreev"},
    {{"Ковалёв", "Ковалёва"}, "kovalev"},     {{"Ильин", "Ильина"}, "ilin"},
    {{"Гусев", "Гусева"}, "gusev"},	      {{"Титов", "Титова"}, "titov"},
    {{"Белов", "Белова"}, "belov"},	      {{"Медведев", "Медведева"}, "medvedev"},
    {{"Тарасов", "Тарасова"}, "tarasov"},     {{"Комаров", "Комарова"}, "komarov"},
};

/* Weights (per cent) of the attitudes and relationships by the client's status. */
static const unsigned demo_attitude_pct[ACCOUNT_STATUS__MAX][ATT__MAX] = {
    [ACCOUNT_PROSPECT] = {3, 15, 62, 15, 5},
    [ACCOUNT_ACTIVE] = {12, 35, 35, 13, 5},
    [ACCOUNT_AT_RISK] = {4, 18, 38, 28, 12},
    [ACCOUNT_CHURNED] = {0, 8, 30, 37, 25},
};
static const unsigned demo_relationship_pct[ACCOUNT_STATUS__MAX][REL__MAX] = {
    [ACCOUNT_PROSPECT] = {45, 35, 15, 5, 0},
    [ACCOUNT_ACTIVE] = {10, 20, 40, 22, 8},
    [ACCOUNT_AT_RISK] = {15, 30, 35, 15, 5},
    [ACCOUNT_CHURNED] = {35, 35, 25, 5, 0},
};

static const char *const demo_people_notes[] = {
    "Предпочитает общение по телефону, письма читает редко.",
    "Ключевой человек в тендерной комиссии.",
    "Раньше работал у конкурента, хорошо знает их условия.",
    "Просит заранее присылать спецификации и сертификаты.",
    "Решения согласует с собственником.",
    "Любит, когда приезжают на объект.",
};

static const char *const demo_link_notes[] = {
    "Советуется по выбору поставщиков",
    "Давние коллеги, вместе пришли из холдинга",
    "Конфликтуют из-за бюджета на закупки",
    NULL,
};

static const char *const demo_action_texts[] = {
    "Провести встречу по условиям на следующий год",
    "Отправить коммерческое предложение на квартальный объём",
    "Пригласить на склад и показать резку в размер",
    "Согласовать график отгрузок на сезон",
    "Разобрать открытую рекламацию по качеству проката",
    "Представить нового менеджера и обсудить отсрочку платежа",
    "Передать сертификаты качества на новую марку стали",
    "Договориться о пилотной поставке",
};

static struct db_sql sql_demo_contact = DB_SQL(
    "INSERT INTO contacts (workspace_id, account_id, name, position, department, emails, phones,"
    " reports_to_id, buying_role, attitude, influence, relationship, owner_user_id,"
    " last_contact_on, left_on, notes, external_id, version, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 1,"
    " ?18, ?18) RETURNING id");
/* Who gave each interview or survey that names a person: one of the client's current people. */
static struct db_sql sql_demo_tie =
    DB_SQL("UPDATE assessments SET contact_id = COALESCE((SELECT MIN(k.id) FROM contacts k"
	   " WHERE k.workspace_id = assessments.workspace_id"
	   " AND k.account_id = assessments.account_id AND k.left_on IS NULL"
	   " AND (k.id + assessments.series_id) % 3 = 0), (SELECT MIN(k.id) FROM contacts k"
	   " WHERE k.workspace_id = assessments.workspace_id"
	   " AND k.account_id = assessments.account_id AND k.left_on IS NULL))"
	   " WHERE workspace_id = ?1 AND person IS NOT NULL");
static struct db_sql sql_demo_tie_person =
    DB_SQL("UPDATE assessments SET person = (SELECT k.name FROM contacts k"
	   " WHERE k.id = assessments.contact_id) WHERE workspace_id = ?1"
	   " AND contact_id IS NOT NULL");
static struct db_sql sql_demo_link =
    DB_SQL("INSERT INTO contact_links (workspace_id, account_id, from_contact_id, to_contact_id,"
	   " sign, note, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)");
static struct db_sql sql_demo_action =
    DB_SQL("INSERT INTO contact_actions (workspace_id, account_id, contact_id, what, due_on,"
	   " owner_user_id, status, done_on, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)");

/* An index drawn by weights (per cent, n of them). */
static unsigned
demo_weighted(uint64_t *s, const unsigned *pct, unsigned n)
{
	unsigned r = demo_pick(s, 100), acc = 0;

	for (unsigned i = 0; i < n; i++) {
		acc += pct[i];
		if (r < acc)
			return i;
	}
	return n - 1;
}

/* Binds id at i, or NULL when id is 0. */
static void
demo_bind_id(struct db_stmt *st, int i, int64_t id)
{
	if (id > 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

/* One person of a client's org chart, as the demo makes it up. */
struct demo_person {
	int64_t id;
	size_t chart; /* index in demo_chart */
	int64_t reports_to_id;
	bool left;
};

/*
 * Writes one contact of client cl holding position chart, reporting to
 * reports_to_id (0: the top), into *p. ext counts the contacts given a CRM id;
 * surnames has a bit per surname the client's people have already, so that
 * no two of them share one (nor an e-mail address).
 */
static enum adv_err
demo_person(struct db_conn *c, struct arena *a, uint64_t *s, int64_t ws_id,
	    const struct demo_client *cl, size_t chart, int64_t reports_to_id, const char *now,
	    unsigned *ext, uint32_t *surnames, struct demo_person *p)
{
	unsigned sex = demo_pick(s, 2), sur = demo_pick(s, DEMO_ARRAY_LEN(demo_surnames));
	const struct demo_part *first = &demo_first_names[sex][demo_pick(s, 12)];
	bool key = demo_chart[chart].parent <= 0, left;
	enum contact_role role = demo_chart[chart].role;
	enum contact_influence inf = demo_chart[chart].influence;
	enum contact_attitude att =
	    (enum contact_attitude)demo_weighted(s, demo_attitude_pct[cl->status], ATT__MAX);
	enum contact_relationship rel = (enum contact_relationship)demo_weighted(
	    s, demo_relationship_pct[cl->status], REL__MAX);
	const char *name, *emails, *phones, *last = NULL, *left_on = NULL, *notes = NULL;
	const char *external_id = NULL;
	long left_days;
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	while (*surnames & (1u << sur))
		sur = (sur + 1) % DEMO_ARRAY_LEN(demo_surnames);
	*surnames |= 1u << sur;
	name = arena_printf(a, "%s %s", first->ru, demo_surnames[sur].ru[sex]);
	emails = demo_pick(s, 10) < 8
		     ? arena_printf(a, "[\"%s.%s%s@%s\"]", first->lat, demo_surnames[sur].lat,
				    sex ? "a" : "", cl->domain)
		     : "[]";
	phones = demo_pick(s, 10) < 6
		     ? arena_printf(a, "[\"+7 9%02u %03u-%02u-%02u\"]", demo_pick(s, 100),
				    demo_pick(s, 1000), demo_pick(s, 100), demo_pick(s, 100))
		     : "[]";
	if (demo_pick(s, 5) == 0)
		role = chart == 0 ? BUY_DECISION_MAKER : BUY_NONE;
	if (demo_pick(s, 5) == 0)
		inf = inf == INF_HIGH ? INF_MEDIUM : inf == INF_LOW ? INF_MEDIUM : INF_LOW;
	left = chart != 0 && demo_pick(s, 100) < 6;
	left_days = left ? 20 + (long)demo_pick(s, 345) : 0;
	if (left) {
		left_on = demo_days_ago(a, left_days);
		if (demo_pick(s, 2) == 0)
			att = ATT_CHAMPION;
	}
	if (demo_pick(s, 10) < 7) /* before leaving, for those who left */
		last = demo_days_ago(a, left_days + 1 + (long)demo_pick(s, key ? 150 : 300));
	if (demo_pick(s, 100) < 15)
		notes = demo_people_notes[demo_pick(s, DEMO_ARRAY_LEN(demo_people_notes))];
	if (demo_pick(s, 10) < 4)
		external_id = arena_printf(a, "CRM-P-%06u", 100 + (*ext)++);
	if (name == NULL || emails == NULL || phones == NULL || (left && left_on == NULL))
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_demo_contact, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, cl->id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, demo_chart[chart].position);
	db_bind_text(st, 5, demo_chart[chart].department);
	db_bind_text(st, 6, emails);
	db_bind_text(st, 7, phones);
	demo_bind_id(st, 8, reports_to_id);
	db_bind_text(st, 9, contact_role_name(role));
	db_bind_text(st, 10, contact_attitude_name(att));
	db_bind_text(st, 11, contact_influence_name(inf));
	db_bind_text(st, 12, contact_relationship_name(rel));
	demo_bind_id(st, 13, demo_pick(s, 100) < (key ? 75u : 30u) ? cl->author : 0);
	db_bind_text(st, 14, last);
	db_bind_text(st, 15, left_on);
	db_bind_text(st, 16, notes);
	db_bind_text(st, 17, external_id);
	db_bind_text(st, 18, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_EDB;
	p->id = db_col_int(st, 0);
	db_done(st);
	p->chart = chart;
	p->reports_to_id = reports_to_id;
	p->left = left;
	return ADV_OK;
}

/* Adds 0..DEMO_LINKS_MAX influence links between distinct people of one client. */
static enum adv_err
demo_links(struct db_conn *c, uint64_t *s, int64_t ws_id, int64_t account_id,
	   const struct demo_person *people, size_t n, const char *now)
{
	int64_t pairs[DEMO_LINKS_MAX][2] = {{0}};
	unsigned want = n >= 3 ? demo_pick(s, DEMO_LINKS_MAX + 1) : 0;
	enum adv_err rc = ADV_OK;

	for (unsigned k = 0; k < want && rc == ADV_OK; k++) {
		size_t from = demo_pick(s, (unsigned)n), to = demo_pick(s, (unsigned)n - 1);
		bool opposes = demo_pick(s, 10) < 3, dup = false;
		struct db_stmt *st;

		to += to >= from; /* anyone but from */
		for (unsigned j = 0; j < k; j++)
			dup =
			    dup || (pairs[j][0] == people[from].id && pairs[j][1] == people[to].id);
		pairs[k][0] = people[from].id;
		pairs[k][1] = people[to].id;
		if (dup || (rc = db_prepare(c, &sql_demo_link, &st)) != ADV_OK)
			continue;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, account_id);
		db_bind_int(st, 3, people[from].id);
		db_bind_int(st, 4, people[to].id);
		db_bind_text(st, 5, opposes ? "opposes" : "supports");
		db_bind_text(st, 6, demo_link_notes[opposes ? 2 : demo_pick(s, 2) * 3]);
		db_bind_text(st, 7, now);
		rc = db_exec(st);
	}
	return rc;
}

/*
 * Adds 1..DEMO_ACTIONS_MAX plan actions towards people who are still there,
 * due from 25 days ago to 40 days ahead: the past ones mostly done, some
 * cancelled, the rest overdue.
 */
static enum adv_err
demo_actions(struct db_conn *c, struct arena *a, uint64_t *s, int64_t ws_id,
	     const struct demo_client *cl, const struct demo_person *people, size_t n,
	     const char *now)
{
	unsigned want = 1 + demo_pick(s, DEMO_ACTIONS_MAX);
	enum adv_err rc = ADV_OK;

	for (unsigned k = 0; k < want && rc == ADV_OK; k++) {
		const struct demo_person *p = &people[demo_pick(s, (unsigned)n)];
		long due = (long)demo_pick(s, 66) - 25; /* days from today */
		unsigned r = demo_pick(s, 100);
		const char *status = "open", *due_on = demo_days_ago(a, -due), *done_on = NULL;
		struct db_stmt *st;

		if (p->left)
			continue;
		if (due < 0 && r < 45) {
			status = "done";
			done_on = due_on;
		} else if (due < 0 && r < 55) {
			status = "cancelled";
		} else if (due >= 0 && r < 10) {
			status = "done";
			done_on = demo_days_ago(a, (long)demo_pick(s, 5));
		}
		if (due_on == NULL || (strcmp(status, "done") == 0 && done_on == NULL))
			return ADV_ENOMEM;
		if ((rc = db_prepare(c, &sql_demo_action, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, cl->id);
		db_bind_int(st, 3, p->id);
		db_bind_text(st, 4,
			     demo_action_texts[demo_pick(s, DEMO_ARRAY_LEN(demo_action_texts))]);
		db_bind_text(st, 5, due_on);
		demo_bind_id(st, 6, demo_pick(s, 100) < 85 ? cl->author : 0);
		db_bind_text(st, 7, status);
		db_bind_text(st, 8, done_on);
		db_bind_text(st, 9, now);
		rc = db_exec(st);
	}
	return rc;
}

/*
 * The people of every client: the head of the company always, others drawn
 * from demo_chart, each reporting to the nearest manager above them who is
 * drawn too; then links, and a plan for about half of the current clients.
 */
static enum adv_err
demo_people(struct db_conn *c, int64_t ws_id, const struct demo_client *clients, size_t nclients)
{
	uint64_t s = DEMO_PEOPLE_SEED;
	char now[CLOCK_TEXT_MAX];
	struct arena row;
	unsigned ext = 0;
	enum adv_err rc = ADV_OK;

	arena_init(&row, DEMO_ARENA_LIMIT);
	clock_now_plus(0, now);
	for (size_t i = 0; i < nclients && rc == ADV_OK; i++) {
		const struct demo_client *cl = &clients[i];
		struct demo_person people[DEMO_PEOPLE_MAX];
		int64_t at[DEMO_CHART_LEN] = {0}; /* contact id by chart position, 0: nobody */
		bool chosen[DEMO_CHART_LEN] = {false};
		uint32_t surnames = 0;
		unsigned want =
		    DEMO_PEOPLE_MIN + demo_pick(&s, DEMO_PEOPLE_MAX - DEMO_PEOPLE_MIN + 1);
		size_t n = 0;

		arena_free(&row);
		chosen[0] = true;
		for (unsigned k = 1; k < want; k++) {
			size_t j = 1 + demo_pick(&s, DEMO_CHART_LEN - 1);

			while (chosen[j])
				j = j + 1 < DEMO_CHART_LEN ? j + 1 : 1;
			chosen[j] = true;
		}
		/* The chart lists managers before their people: one pass fills the lines. */
		for (size_t j = 0; j < DEMO_CHART_LEN && rc == ADV_OK; j++) {
			int up = demo_chart[j].parent;

			if (!chosen[j])
				continue;
			while (up >= 0 && at[up] == 0)
				up = demo_chart[up].parent;
			rc = demo_person(c, &row, &s, ws_id, cl, j, up >= 0 ? at[up] : 0, now, &ext,
					 &surnames, &people[n]);
			if (rc == ADV_OK)
				at[j] = people[n++].id;
		}
		if (rc == ADV_OK)
			rc = demo_links(c, &s, ws_id, cl->id, people, n, now);
		if (rc == ADV_OK && cl->status != ACCOUNT_CHURNED && demo_pick(&s, 100) < 50)
			rc = demo_actions(c, &row, &s, ws_id, cl, people, n, now);
	}
	arena_free(&row);
	return rc;
}

/* Ties the assessments that name a person to one of the client's people (sql_demo_tie). */
static enum adv_err
demo_tie_assessments(struct db_conn *c, int64_t ws_id)
{
	struct db_sql *sqls[] = {&sql_demo_tie, &sql_demo_tie_person};
	struct db_stmt *st;
	enum adv_err rc;

	for (size_t i = 0; i < DEMO_ARRAY_LEN(sqls); i++) {
		if ((rc = db_prepare(c, sqls[i], &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		if ((rc = db_exec(st)) != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

/*
 * Creates the workspace, its team, competitors, accounts, their assessments
 * and their people; the caller holds the transaction.
 */
static enum adv_err
demo_fill(struct db_conn *c, struct arena *a, struct adv_errbuf *eb)
{
	int64_t ws_id, uid, uids[DEMO_ARRAY_LEN(demo_users)],
	    competitors[DEMO_ARRAY_LEN(demo_competitors)];
	struct demo_names *names = arena_zalloc(a, sizeof(*names));
	struct demo_client *clients = arena_zalloc(a, DEMO_ACCOUNTS * sizeof(*clients));
	struct arena row;
	uint64_t seed = DEMO_SEED;
	enum adv_err rc;

	arena_init(&row, DEMO_ARENA_LIMIT);
	if (names == NULL || clients == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = identity_workspace_add(c, DEMO_SLUG, DEMO_WS_NAME, &ws_id, eb)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < DEMO_ARRAY_LEN(demo_users); i++) {
		rc = identity_user_add(c, demo_users[i].email, demo_users[i].name, DEMO_PASSWORD,
				       false, &uid, eb);
		if (rc == ADV_OK)
			rc = identity_membership_set(c, ws_id, uid, demo_users[i].role);
		uids[i] = uid;
		if (rc != ADV_OK)
			goto out;
	}
	for (size_t i = 0; i < DEMO_ARRAY_LEN(demo_competitors); i++) {
		struct competitor in = {0}, out;

		in.name = demo_competitors[i].name;
		in.website = demo_competitors[i].website;
		in.notes = demo_competitors[i].notes;
		if ((rc = competitor_create(c, &row, ws_id, 0, &in, &out, eb)) != ADV_OK)
			goto out;
		competitors[i] = out.id;
	}
	for (unsigned i = 0; i < DEMO_ACCOUNTS; i++) {
		struct account acc, stored;
		uint32_t mask = 0;

		arena_free(&row);
		if (!demo_account(&seed, names, &row, i, &acc, &mask)) {
			rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory making demo accounts");
			goto out;
		}
		if ((rc = account_create(c, &row, ws_id, 0, &acc, mask, &stored, eb)) != ADV_OK ||
		    (rc = demo_suppliers(c, &row, &seed, ws_id, stored.id, acc.status, competitors,
					 eb)) != ADV_OK)
			goto out;
		clients[i].id = stored.id;
		clients[i].status = acc.status;
		clients[i].author = uids[0];
		for (size_t u = 0; u < DEMO_ARRAY_LEN(demo_users); u++)
			if (strcmp(demo_users[u].email, acc.owner_email) == 0)
				clients[i].author = uids[u];
		if ((clients[i].domain = arena_strdup(a, acc.website + strlen("https://"))) ==
			NULL ||
		    (acc.churned_at != NULL &&
		     (clients[i].churned_at = arena_strdup(a, acc.churned_at)) == NULL)) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	if ((rc = demo_assessments(c, a, ws_id, clients, DEMO_ACCOUNTS, eb)) != ADV_OK)
		goto out;
	if ((rc = demo_people(c, ws_id, clients, DEMO_ACCOUNTS)) != ADV_OK ||
	    (rc = demo_tie_assessments(c, ws_id)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot add the people of the demo's clients");
		goto out;
	}
	if ((rc = demo_research(c, ws_id, uids[0], competitors[0], eb)) != ADV_OK)
		goto out;
	rc = demo_dialog(c, ws_id, uids[0], eb);
out:
	arena_free(&row);
	return rc;
}

/* Prints how to sign in to the demo. */
static void
demo_print(FILE *out)
{
	fprintf(out,
		"Demo workspace '%s' (%s): sign in as %s with the password %s.\n"
		"Other roles, same password:",
		DEMO_SLUG, DEMO_WS_NAME, DEMO_EMAIL, DEMO_PASSWORD);
	for (size_t i = 1; i < DEMO_ARRAY_LEN(demo_users); i++)
		fprintf(out, " %s (%s)%s", demo_users[i].email, role_name(demo_users[i].role),
			i + 1 < DEMO_ARRAY_LEN(demo_users) ? "," : ".\n");
}

enum adv_err
demo_seed_if_empty(struct db *db, FILE *out, struct adv_errbuf *eb)
{
	const struct user admin = {0, "", "", true};
	struct db_conn *c = NULL;
	struct workspace *ws, demo;
	struct arena a;
	size_t n = 0;
	enum adv_err rc;

	arena_init(&a, 0);
	if ((rc = db_acquire(db, &c)) != ADV_OK)
		goto out;
	if ((rc = identity_workspaces_of(c, &a, &admin, &ws, &n)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot read the workspaces");
		goto out;
	}
	if (n > 0) {
		if (identity_workspace_for(c, &a, DEMO_SLUG, &admin, &demo) == ADV_OK)
			demo_print(out);
		else
			fprintf(out, "The database has workspaces already; no demo data added.\n");
		goto out;
	}
	if ((rc = db_begin(c)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot start a transaction");
		goto out;
	}
	if ((rc = demo_fill(c, &a, eb)) != ADV_OK)
		goto out;
	if ((rc = db_commit(c)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "cannot commit the demo data");
		goto out;
	}
	fprintf(out, "Demo data added: %d client companies, %zu competitors.\n", DEMO_ACCOUNTS,
		DEMO_ARRAY_LEN(demo_competitors));
	demo_print(out);
out:
	fflush(out); /* serve goes on running: show this now, also when out is a log file */
	if (c != NULL) {
		if (db_in_tx(c))
			db_rollback(c);
		db_release(db, c);
	}
	arena_free(&a);
	return rc;
}
