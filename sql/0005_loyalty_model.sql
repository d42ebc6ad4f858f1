-- 0005_loyalty_model: the loyalty catalogue (components and their factors),
-- the customer journey map (stages with touchpoints and solutions), and
-- assessments: dated, versioned snapshots of one client's loyalty with a
-- score per component and the factors observed. The seed's catalogue and
-- journey map are kept once, in seed_* tables, and copied into every
-- workspace: here for the workspaces that exist, by the program for new ones.

ALTER TABLE workspaces ADD COLUMN score_min INTEGER NOT NULL DEFAULT 1;
ALTER TABLE workspaces ADD COLUMN score_max INTEGER NOT NULL DEFAULT 5;
ALTER TABLE workspaces ADD COLUMN factor_window_months INTEGER NOT NULL DEFAULT 12;

CREATE TABLE journey_stages (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  code TEXT NOT NULL,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  goal_ru TEXT,
  goal_en TEXT,
  questions_ru TEXT,
  questions_en TEXT,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE UNIQUE INDEX journey_stages_code ON journey_stages (workspace_id, code);

CREATE TABLE journey_items (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  stage_id BIGINT NOT NULL REFERENCES journey_stages(id),
  kind TEXT NOT NULL CHECK (kind IN ('touchpoint', 'solution')),
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE INDEX journey_items_by_stage ON journey_items (workspace_id, stage_id, position);

CREATE TABLE loyalty_components (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  code TEXT NOT NULL,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  description_ru TEXT,
  description_en TEXT,
  weight DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (weight >= 0),
  position INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX loyalty_components_code ON loyalty_components (workspace_id, code);

CREATE TABLE loyalty_factors (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  component_id BIGINT NOT NULL REFERENCES loyalty_components(id),
  text_ru TEXT NOT NULL,
  text_en TEXT NOT NULL,
  polarity INTEGER NOT NULL CHECK (polarity IN (-1, 0, 1)),
  position INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  stage_id BIGINT REFERENCES journey_stages(id),
  item_id BIGINT REFERENCES journey_items(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX loyalty_factors_by_component ON loyalty_factors (workspace_id, component_id, position);

-- One row per version of an assessment; series_id is the id of its first
-- version and names the assessment in the API; current marks the latest.
CREATE TABLE assessments (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  series_id BIGINT NOT NULL,
  version INTEGER NOT NULL,
  current INTEGER NOT NULL DEFAULT 1,
  assessed_on TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('interview', 'survey', 'manual', 'request', 'import')),
  author_user_id BIGINT REFERENCES users(id),
  person TEXT,
  summary TEXT,
  recommend INTEGER CHECK (recommend BETWEEN 0 AND 10),
  stage_id BIGINT REFERENCES journey_stages(id),
  item_id BIGINT REFERENCES journey_items(id),
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX assessments_series ON assessments (series_id, version);
CREATE INDEX assessments_by_account ON assessments (workspace_id, account_id, assessed_on);

-- The scores and factors of each version, with the account, the date and the
-- current mark copied from it so that the model and the portfolio read them
-- in one ordered pass without joins.
CREATE TABLE assessment_scores (
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  component_id BIGINT NOT NULL REFERENCES loyalty_components(id),
  assessed_on TEXT NOT NULL,
  current INTEGER NOT NULL DEFAULT 1,
  score DOUBLE PRECISION NOT NULL,
  comment TEXT,
  PRIMARY KEY (assessment_id, component_id)
);
CREATE INDEX assessment_scores_latest
  ON assessment_scores (workspace_id, account_id, component_id, assessed_on);

CREATE TABLE assessment_factors (
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  factor_id BIGINT NOT NULL REFERENCES loyalty_factors(id),
  assessed_on TEXT NOT NULL,
  current INTEGER NOT NULL DEFAULT 1,
  evidence TEXT,
  PRIMARY KEY (assessment_id, factor_id)
);
CREATE INDEX assessment_factors_by_account
  ON assessment_factors (workspace_id, account_id, assessed_on);
CREATE INDEX assessment_factors_by_factor
  ON assessment_factors (workspace_id, factor_id, assessed_on);

-- The seed: what every workspace starts with.
CREATE TABLE seed_components (
  code TEXT PRIMARY KEY,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  description_ru TEXT NOT NULL,
  description_en TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE TABLE seed_factors (
  component_code TEXT NOT NULL,
  position INTEGER NOT NULL,
  polarity INTEGER NOT NULL,
  text_ru TEXT NOT NULL,
  text_en TEXT NOT NULL,
  PRIMARY KEY (component_code, position)
);
CREATE TABLE seed_journey_stages (
  code TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  goal_ru TEXT NOT NULL,
  goal_en TEXT NOT NULL,
  questions_ru TEXT NOT NULL,
  questions_en TEXT NOT NULL
);
CREATE TABLE seed_journey_items (
  stage_code TEXT NOT NULL,
  kind TEXT NOT NULL,
  position INTEGER NOT NULL,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  PRIMARY KEY (stage_code, kind, position)
);

INSERT INTO seed_components (code, position, name_ru, name_en, description_ru, description_en) VALUES
('terms', 1, 'Условия работы', 'Terms of cooperation',
 'Объемы, условия для разных групп потребителей, индивидуальные условия, оплата, качество продукта',
 'Volumes, terms across customer groups, individual terms, payment, product quality'),
('service', 2, 'Сервис', 'Service',
 'Оперативность, координация подразделений, цифровизация, работа менеджеров, документооборот',
 'Responsiveness, coordination between departments, digitalisation, account managers, paperwork'),
('prices', 3, 'Цены', 'Prices',
 'Структура ценообразования, конкурентоспособность цены, гибкость ценовой политики',
 'Pricing structure, price competitiveness, flexible pricing'),
('shipment', 4, 'Отгрузка', 'Shipment',
 'Очереди, производственные процессы и техническая оснащенность',
 'Queues, production processes and equipment');

INSERT INTO seed_factors (component_code, position, polarity, text_ru, text_en) VALUES
('terms', 1, -1, 'Не всегда получают требуемые объемы', 'Do not always get the volumes they need'),
('terms', 2, -1, 'Неоднозначность условий в отношении различных групп потребителей и внутри групп', 'Terms are ambiguous across and within customer groups'),
('terms', 3, -1, 'Отсутствие индивидуальных условий при знании, что такая возможность существует', 'No individual terms, although they know such terms exist'),
('terms', 4, 1, 'Наличие индивидуальных условий', 'Individual terms in place'),
('terms', 5, 0, 'Планирование и периодичность заказов', 'Order planning and frequency'),
('terms', 6, -1, 'Неудобна предоплата', 'Prepayment is inconvenient'),
('terms', 7, 0, 'Отсутствие конкуренции и альтернативы', 'No competition and no alternative'),
('terms', 8, -1, 'Недостаточно хорошие условия работы для увеличения объемов закупок', 'Terms not good enough to buy larger volumes'),
('terms', 9, 1, 'Наличие запаса и систем хранения', 'Has stock and storage systems'),
('terms', 10, -1, 'Односторонняя смена условий', 'Terms changed unilaterally'),
('terms', 11, 1, 'Система продаж лучше, чем у конкурентов', 'Sales system better than competitors'''),
('terms', 12, 0, 'Работа с несколькими поставщиками из-за масштаба бизнеса', 'Works with several suppliers because of its scale'),
('terms', 13, -1, 'Не устраивает качество продукта', 'Product quality does not satisfy'),
('terms', 14, 1, 'Качество превосходит продукцию конкурентов', 'Quality beats competitors'' products'),
('service', 1, -1, 'Отсутствие оперативности в целом', 'Slow to respond in general'),
('service', 2, -1, 'Отсутствие координации между подразделениями', 'No coordination between departments'),
('service', 3, -1, 'Недостаточная автоматизация и цифровизация', 'Not enough automation and digitalisation'),
('service', 4, -1, 'По совокупности факторов удобнее работать с трейдерами', 'All in all, easier to buy through traders'),
('service', 5, 1, 'Профессиональная работа менеджеров', 'Professional account managers'),
('service', 6, -1, 'Смена менеджеров', 'Account managers keep changing'),
('service', 7, -1, 'Плохая работа менеджеров', 'Poor work of account managers'),
('service', 8, 0, 'Важность общения с менеджером', 'Talking to the manager matters'),
('service', 9, -1, 'Требуется оптимизация документооборота', 'Paperwork needs streamlining'),
('prices', 1, -1, 'Неоптимальная структура ценообразования', 'Pricing structure is not optimal, here and across the market'),
('prices', 2, -1, 'Неконкурентная цена', 'Price is not competitive'),
('prices', 3, 1, 'Конкурентная цена', 'Price is competitive'),
('prices', 4, -1, 'Отсутствие гибкой ценовой политики', 'No flexible pricing policy'),
('shipment', 1, -1, 'Очереди при отгрузке', 'Queues at shipment'),
('shipment', 2, -1, 'Не отлаженные производственные процессы, недостаточная техническая оснащенность', 'Production processes not tuned, equipment lacking, causing problems');

INSERT INTO seed_journey_stages (code, position, name_ru, name_en, goal_ru, goal_en, questions_ru, questions_en) VALUES
('search', 1, 'Поиск', 'Search', 'Найти хороший сервис', 'Find a good service',
 'Что может решить мою проблему?', 'What can solve my problem?'),
('choice', 2, 'Выбор', 'Choice', 'Выбрать сервис с наилучшей ценой/качеством',
 'Choose the service with the best price and quality',
 'У кого лучшее предложение и больше экспертизы?', 'Who has the best offer and the most expertise?'),
('purchase', 3, 'Покупка', 'Purchase', 'Начать получать выгоду от сервиса',
 'Start getting value from the service',
 'Как скоро я смогу пользоваться продуктом?', 'How soon can I use the product?'),
('retention', 4, 'Удержание', 'Retention', 'Убедиться, что сервис соответствует ожиданиям',
 'Make sure the service meets expectations',
 'Как добиться лучшего эффекта от сервиса?', 'How do I get the most out of the service?'),
('loyalty', 5, 'Лояльность', 'Loyalty',
 'Понять, что сервис действительно приносит максимальную выгоду',
 'See that the service really brings the most value',
 'Подходит ли этот сервис больше всего для моих нужд?', 'Is this service the best fit for my needs?');

INSERT INTO seed_journey_items (stage_code, kind, position, name_ru, name_en) VALUES
('search', 'touchpoint', 1, 'Поисковые системы', 'Search engines'),
('search', 'touchpoint', 2, 'Социальные сети', 'Social networks'),
('search', 'solution', 1, 'SEO', 'SEO'),
('search', 'solution', 2, 'Контекстная реклама (PPC)', 'Pay-per-click advertising'),
('search', 'solution', 3, 'Лидеры мнений', 'Opinion leaders'),
('choice', 'touchpoint', 1, 'Форумы', 'Forums'),
('choice', 'touchpoint', 2, 'Кейсы', 'Case studies'),
('choice', 'touchpoint', 3, 'Цены на сайте', 'Prices on the site'),
('choice', 'solution', 1, 'Крауд-маркетинг', 'Crowd marketing'),
('choice', 'solution', 2, 'Контент-маркетинг', 'Content marketing'),
('choice', 'solution', 3, 'Тур по продукту', 'Product tour'),
('choice', 'solution', 4, 'Отзывы', 'Reviews'),
('purchase', 'touchpoint', 1, 'Сайт', 'Website'),
('purchase', 'touchpoint', 2, 'Колл-центр', 'Call centre'),
('purchase', 'solution', 1, 'Быстрый ответ оператора', 'Fast operator response'),
('purchase', 'solution', 2, 'Много способов оплаты', 'Many ways to pay'),
('retention', 'touchpoint', 1, 'Техподдержка', 'Support'),
('retention', 'touchpoint', 2, 'Блог', 'Blog'),
('retention', 'touchpoint', 3, 'FAQ', 'FAQ'),
('retention', 'solution', 1, 'Чат', 'Chat'),
('retention', 'solution', 2, 'Обучающие статьи', 'Training articles'),
('retention', 'solution', 3, 'Рассылка с советами', 'Tips by e-mail'),
('loyalty', 'touchpoint', 1, 'Customer Success', 'Customer success'),
('loyalty', 'touchpoint', 2, 'Партнерская программа', 'Partner programme'),
('loyalty', 'solution', 1, 'Программа лояльности', 'Loyalty programme'),
('loyalty', 'solution', 2, 'Личный консультант', 'Personal consultant'),
('loyalty', 'solution', 3, 'Упоминания в СМИ', 'Press mentions');

-- The workspaces that exist get the seed now (new ones get it when created).
INSERT INTO journey_stages (workspace_id, code, name_ru, name_en, goal_ru, goal_en, questions_ru,
  questions_en, position, created_at, updated_at)
SELECT w.id, s.code, s.name_ru, s.name_en, s.goal_ru, s.goal_en, s.questions_ru, s.questions_en,
  s.position, w.created_at, w.created_at
FROM workspaces w CROSS JOIN seed_journey_stages s;

INSERT INTO journey_items (workspace_id, stage_id, kind, name_ru, name_en, position, created_at,
  updated_at)
SELECT st.workspace_id, st.id, i.kind, i.name_ru, i.name_en, i.position, st.created_at,
  st.created_at
FROM journey_stages st JOIN seed_journey_items i ON i.stage_code = st.code;

INSERT INTO loyalty_components (workspace_id, code, name_ru, name_en, description_ru,
  description_en, weight, position, created_at, updated_at)
SELECT w.id, s.code, s.name_ru, s.name_en, s.description_ru, s.description_en, 1, s.position,
  w.created_at, w.created_at
FROM workspaces w CROSS JOIN seed_components s;

INSERT INTO loyalty_factors (workspace_id, component_id, text_ru, text_en, polarity, position,
  created_at, updated_at)
SELECT c.workspace_id, c.id, f.text_ru, f.text_en, f.polarity, f.position, c.created_at,
  c.created_at
FROM loyalty_components c JOIN seed_factors f ON f.component_code = c.code;
