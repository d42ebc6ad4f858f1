// The research analytics as the UI reads it (docs/research.md, "Analytics"): the filters shared by
// every figure, the paths of the figures and of their CSV downloads, the JSON shapes, and the
// strings of the research dashboard and the negative-base page in Russian and English (kept
// here, beside the pages that use them, in the same typed form as i18n.ts).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, qs, wsPath, type Page, type Query } from './api';
import { useI18n, type Lang } from './i18n';
import { lookupOf } from './lookup';
import type { Study } from './research';

// ---------------------------------------------------------------------------------------------
// Strings

const en = {
  ra_dashboard_title: 'Research dashboard',
  ra_negative_title: 'Negative base',
  ra_studies: 'Studies',
  ra_all_studies: 'All studies',
  ra_n_studies: '{n} selected',
  ra_from: 'From',
  ra_to: 'To',
  ra_churn_from: 'Churned from',
  ra_churn_to: 'Churned to',
  ra_n: 'n = {n}',
  ra_few: 'few responses',
  ra_few_title: 'Fewer than 30 responses: the figure is unreliable',
  ra_csv: 'CSV',
  ra_csv_title: 'Download the data of this chart as CSV',
  ra_no_data: 'No responses match the filters.',
  ra_not_computed: 'Not computed: {why}',
  ra_status_empty: 'no responses',
  ra_status_too_few: 'too few responses',
  ra_status_no_variance: 'the answers do not vary',
  ra_status_zero_weight: 'the weights sum to zero',
  ra_status_singular: 'the components are collinear',
  ra_significant: 'significant (p < 0.05)',
  ra_not_significant: 'not significant',
  ra_p: 'p',
  ra_ci95: '95% interval',
  ra_share: 'Share',
  ra_count: 'Count',
  ra_mean: 'Mean',
  ra_component: 'Component',
  // NPS
  ra_nps: 'NPS',
  ra_nps_title: 'NPS with its 95% interval',
  ra_nps_distribution: 'Answers 0–10',
  ra_per_respondent: 'Per respondent',
  ra_per_account: 'Per account',
  ra_revenue_weighted: 'Revenue-weighted',
  ra_nps_basis: 'Count',
  ra_promoters: 'Promoters',
  ra_passives: 'Passives',
  ra_detractors: 'Detractors',
  ra_answers: 'Answers',
  ra_n_eff: 'effective n = {n}',
  ra_group_by: 'By group',
  ra_by_none: 'No grouping',
  ra_by_segment: 'by segment',
  ra_by_industry: 'by industry',
  ra_by_region: 'by region',
  ra_by_status: 'by status',
  ra_by_owner: 'by owner',
  ra_by_study: 'by study',
  // components
  ra_components_title: 'Component scores',
  ra_top2: 'Top-2-box',
  ra_alpha: 'Cronbach’s α',
  ra_sd: 'SD',
  // drivers
  ra_drivers_title: 'Key drivers',
  ra_outcome: 'Outcome',
  ra_outcome_nps: 'Likelihood to recommend',
  ra_outcome_satisfaction: 'Overall satisfaction',
  ra_r: 'Correlation r',
  ra_beta: 'β (standardised)',
  ra_rw: 'Relative weight',
  ra_lmg: 'LMG share',
  ra_r2: 'R²',
  ra_r2_adj: 'adjusted R²',
  ra_weight_share: 'Share of R²',
  // quadrants
  ra_quadrants_title: 'Importance and performance',
  ra_importance: 'Importance',
  ra_performance: 'Performance (mean score)',
  ra_q_fix_first: 'Weaknesses: fix first',
  ra_q_keep_up: 'Strengths: keep up',
  ra_q_possible_overkill: 'Possible overkill',
  ra_q_low_priority: 'Low priority',
  ra_quadrant: 'Quadrant',
  // competitors
  ra_competitors_title: 'Gaps to competitors',
  ra_competitor: 'Competitor',
  ra_gap: 'Us − competitor',
  ra_us: 'Us',
  ra_them: 'Competitor',
  ra_no_competitor_questions: 'No question rates a competitor.',
  // segments
  ra_segments_title: 'Segments',
  ra_js_title: 'Jones & Sasser',
  ra_js_needs: 'Needs answers on overall satisfaction and on intention to stay.',
  ra_js_apostle: 'Apostles',
  ra_js_loyalist: 'Loyalists',
  ra_js_mercenary: 'Mercenaries',
  ra_js_hostage: 'Hostages',
  ra_js_defector: 'Defectors',
  ra_clusters_title: 'Clusters (k-means)',
  ra_cluster: 'Cluster {n}',
  ra_size: 'Size',
  ra_silhouette: 'silhouette {s}',
  ra_k: 'k = {k}',
  // trend
  ra_trend_title: 'Trend across waves',
  ra_wave: 'Wave',
  ra_change: 'Change',
  ra_change_significant: 'significant change',
  ra_figure: 'Figure',
  // negative base
  ra_churned: 'Churned',
  ra_retained: 'Retained',
  ra_clients: 'clients',
  ra_assessed: 'assessed: {n}',
  ra_promoters_cmp: 'Promoters: churned / retained',
  ra_last_scores: 'Last scores: churned against retained',
  ra_factors_title: 'Factors more frequent among the churned',
  ra_factor: 'Factor',
  ra_difference: 'Difference',
  ra_exit_title: 'Exit interviews',
  ra_no_factors: 'No factor is more frequent among the churned.',
  ra_period_hint: 'Clients whose churn date falls in the period against those still with us.',
  // figure settings (helper-ui-io)
  ra_sat_high: 'Satisfied from',
  ra_int_high: 'Intending from',
  ra_threshold_title: 'High is at or above this value (default: the top of the scale − 1)',
  ra_default_value: 'default {v}',
  ra_k_label: 'Clusters',
  ra_k_auto: 'auto (silhouette)',
  ra_k_chosen: 'chosen by the silhouette',
  // end of figure settings
} as const;

export type RaKey = keyof typeof en;

const ru: Record<RaKey, string> = {
  ra_dashboard_title: 'Аналитика исследований',
  ra_negative_title: 'Негативная база',
  ra_studies: 'Исследования',
  ra_all_studies: 'Все исследования',
  ra_n_studies: 'выбрано: {n}',
  ra_from: 'С',
  ra_to: 'По',
  ra_churn_from: 'Ушли с',
  ra_churn_to: 'Ушли по',
  ra_n: 'n = {n}',
  ra_few: 'мало ответов',
  ra_few_title: 'Меньше 30 ответов: показатель ненадёжен',
  ra_csv: 'CSV',
  ra_csv_title: 'Скачать данные этого графика в CSV',
  ra_no_data: 'Нет ответов, подходящих под фильтры.',
  ra_not_computed: 'Не рассчитано: {why}',
  ra_status_empty: 'нет ответов',
  ra_status_too_few: 'слишком мало ответов',
  ra_status_no_variance: 'ответы не различаются',
  ra_status_zero_weight: 'сумма весов равна нулю',
  ra_status_singular: 'компоненты коллинеарны',
  ra_significant: 'значимо (p < 0,05)',
  ra_not_significant: 'незначимо',
  ra_p: 'p',
  ra_ci95: '95% интервал',
  ra_share: 'Доля',
  ra_count: 'Число',
  ra_mean: 'Среднее',
  ra_component: 'Компонент',
  ra_nps: 'NPS',
  ra_nps_title: 'NPS и его 95% интервал',
  ra_nps_distribution: 'Ответы 0–10',
  ra_per_respondent: 'По респондентам',
  ra_per_account: 'По компаниям',
  ra_revenue_weighted: 'С весом по выручке',
  ra_nps_basis: 'Считать',
  ra_promoters: 'Промоутеры',
  ra_passives: 'Нейтралы',
  ra_detractors: 'Критики',
  ra_answers: 'Ответов',
  ra_n_eff: 'эффективный n = {n}',
  ra_group_by: 'По группам',
  ra_by_none: 'Без группировки',
  ra_by_segment: 'по сегментам',
  ra_by_industry: 'по отраслям',
  ra_by_region: 'по регионам',
  ra_by_status: 'по статусам',
  ra_by_owner: 'по ответственным',
  ra_by_study: 'по исследованиям',
  ra_components_title: 'Оценки компонентов',
  ra_top2: 'Топ-2',
  ra_alpha: 'α Кронбаха',
  ra_sd: 'Ст. откл.',
  ra_drivers_title: 'Ключевые драйверы',
  ra_outcome: 'Результат',
  ra_outcome_nps: 'Готовность рекомендовать',
  ra_outcome_satisfaction: 'Общая удовлетворённость',
  ra_r: 'Корреляция r',
  ra_beta: 'β (стандартизованный)',
  ra_rw: 'Относительный вес',
  ra_lmg: 'Доля LMG',
  ra_r2: 'R²',
  ra_r2_adj: 'скорректированный R²',
  ra_weight_share: 'Доля R²',
  ra_quadrants_title: 'Важность и исполнение',
  ra_importance: 'Важность',
  ra_performance: 'Исполнение (средняя оценка)',
  ra_q_fix_first: 'Слабые стороны: исправить в первую очередь',
  ra_q_keep_up: 'Сильные стороны: поддерживать',
  ra_q_possible_overkill: 'Возможно, избыточные усилия',
  ra_q_low_priority: 'Низкий приоритет',
  ra_quadrant: 'Квадрант',
  ra_competitors_title: 'Разрыв с конкурентами',
  ra_competitor: 'Конкурент',
  ra_gap: 'Мы − конкурент',
  ra_us: 'Мы',
  ra_them: 'Конкурент',
  ra_no_competitor_questions: 'Ни один вопрос не оценивает конкурента.',
  ra_segments_title: 'Сегменты',
  ra_js_title: 'Джонс и Сассер',
  ra_js_needs: 'Нужны ответы об общей удовлетворённости и о намерении остаться.',
  ra_js_apostle: 'Апостолы',
  ra_js_loyalist: 'Лояльные',
  ra_js_mercenary: 'Наёмники',
  ra_js_hostage: 'Заложники',
  ra_js_defector: 'Перебежчики',
  ra_clusters_title: 'Кластеры (k-средних)',
  ra_cluster: 'Кластер {n}',
  ra_size: 'Размер',
  ra_silhouette: 'силуэт {s}',
  ra_k: 'k = {k}',
  ra_trend_title: 'Динамика по волнам',
  ra_wave: 'Волна',
  ra_change: 'Изменение',
  ra_change_significant: 'значимое изменение',
  ra_figure: 'Показатель',
  ra_churned: 'Ушедшие',
  ra_retained: 'Оставшиеся',
  ra_clients: 'клиентов',
  ra_assessed: 'с оценкой: {n}',
  ra_promoters_cmp: 'Промоутеры: ушедшие / оставшиеся',
  ra_last_scores: 'Последние оценки: ушедшие и оставшиеся',
  ra_factors_title: 'Факторы, чаще встречающиеся у ушедших',
  ra_factor: 'Фактор',
  ra_difference: 'Разница',
  ra_exit_title: 'Интервью при уходе',
  ra_no_factors: 'Нет факторов, которые у ушедших встречаются чаще.',
  ra_period_hint: 'Клиенты, ушедшие за период, в сравнении с теми, кто остался.',
  // figure settings (helper-ui-io)
  ra_sat_high: 'Удовлетворён от',
  ra_int_high: 'Намерен остаться от',
  ra_threshold_title: 'Высокое — это значение и выше (по умолчанию: верх шкалы − 1)',
  ra_default_value: 'по умолчанию {v}',
  ra_k_label: 'Кластеров',
  ra_k_auto: 'авто (по силуэту)',
  ra_k_chosen: 'выбрано по силуэту',
  // end of figure settings
};

const dicts: Record<Lang, Record<RaKey, string>> = { ru, en };

export type RaT = (key: RaKey, vars?: Record<string, string | number>) => string;

/** The strings of the research analytics pages in the UI's language, with the shared i18n. */
export function useRa() {
  const i18n = useI18n();
  const ra: RaT = useMemo(() => lookupOf(dicts[i18n.lang], en), [i18n.lang]);
  return { ...i18n, ra };
}

// ---------------------------------------------------------------------------------------------
// Filters, paths, downloads

/** The filters every analytics endpoint takes, in the order the filter bar shows them. */
export const RA_FILTERS = ['study_id', 'from', 'to', 'segment', 'industry', 'region', 'status', 'owner_id'] as const;
export type RaFilter = (typeof RA_FILTERS)[number];
export type RaFilters = Partial<Record<RaFilter, string>>;

export type Figure = 'nps' | 'components' | 'drivers' | 'quadrants' | 'competitors' | 'segments' | 'trend' | 'negative-base';

// --- figure settings kept in the URL (helper-ui-io) ---
/** The figures' own parameters the dashboard keeps in its URL beside the filters. */
export const RA_PARAMS = ['drivers_target', 'quadrants_target', 'sat_high', 'int_high', 'k'] as const;
export type RaParam = (typeof RA_PARAMS)[number];
export type RaParams = Partial<Record<RaParam, string>>;
/** The k of k-means offered: auto (chosen by the silhouette) or 2..8. */
export const KMEANS_KS = [2, 3, 4, 5, 6, 7, 8];

/** The figure settings found in a page's URL query (invalid values are left to the API's 422). */
export function paramsOf(query: URLSearchParams): RaParams {
  const p: RaParams = {};
  for (const k of RA_PARAMS) {
    const v = query.get(k);
    if (v) p[k] = v;
  }
  return p;
}

/** The target of the drivers / quadrants figures from a setting (recommend unless satisfaction). */
export const targetOf = (v: string | undefined): DriversTarget => (v === 'satisfaction' ? 'satisfaction' : 'recommend');
// --- end of figure settings ---

/** The filters found in a page's URL query. */
export function filtersOf(query: URLSearchParams): RaFilters {
  const f: RaFilters = {};
  for (const k of RA_FILTERS) {
    const v = query.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function analyticsPath(ws: string, figure: Figure): string {
  return wsPath(ws, `/research/${figure}`);
}

/** The query of one figure: the filters and the figure's own parameters. */
export function figureQuery(filters: RaFilters, extra: Query = {}): Query {
  return { ...filters, ...extra };
}

/** The URL of a figure's data as CSV, with the same filters (a plain link downloads it). */
export function csvHref(ws: string, figure: Figure, filters: RaFilters, extra: Query = {}): string {
  return `/api/v1${analyticsPath(ws, figure)}${qs({ ...figureQuery(filters, extra), format: 'csv' })}`;
}

/** The workspace's live studies (for the filter), newest first as the API lists them. */
export function useStudies(ws: string): Study[] {
  const [items, setItems] = useState<Study[]>([]);
  useEffect(() => {
    let live = true;
    api.get<Page<Study>>(wsPath(ws, '/studies')).then((r) => live && setItems(r.items || [])).catch(() => live && setItems([]));
    return () => { live = false; };
  }, [ws]);
  return items;
}

/** Loads one figure with the filters; reloads when they change. */
export function useFigure<T>(ws: string, figure: Figure, filters: RaFilters, extra: Query = {}, tick = 0) {
  const key = JSON.stringify([ws, figure, filters, extra, tick]);
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api
      .get<T>(analyticsPath(ws, figure), figureQuery(filters, extra))
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((error) => live && setState({ data: null, error, loading: false }));
    return () => { live = false; };
  }, [key]);
  return state;
}

// ---------------------------------------------------------------------------------------------
// The figures' JSON (docs/research.md, "Analytics"; src/api/research*.c)

/** Why a figure is missing: "ok", "empty", "too_few", "no_variance", "zero_weight", "singular". */
export type AStatus = string;
type Num = number | null;
type Text2 = { ru: string; en: string };

/** A component as the figures name it. */
export interface AComponent { component_id: number; code: string; name: Text2 }

/** An NPS with its counts, shares, 95 % adjusted-Wald interval and the answers 0..10. */
export interface NpsJ {
  status: AStatus;
  n: number;
  n_eff: Num;
  small: boolean;
  nps: Num;
  se: Num;
  ci_lo: Num;
  ci_hi: Num;
  promoters: number;
  passives: number;
  detractors: number;
  p_promoters: Num;
  p_passives: Num;
  p_detractors: Num;
  weight_sum: Num;
  /** Answers per score 0..10 (not weighted). */
  distribution: number[];
}

/** The change of an NPS from the previous wave (independent samples). */
export interface NpsDiffJ { status: AStatus; diff: Num; se: Num; ci_lo: Num; ci_hi: Num; z: Num; p: Num; significant: boolean; small: boolean }

/** A scale's figures: mean, SD, 95 % interval, top-2-box. */
export interface DescribeJ {
  status: AStatus;
  n: number;
  small: boolean;
  mean: Num;
  sd: Num;
  se: Num;
  ci_lo: Num;
  ci_hi: Num;
  top2: number;
  top2_share: Num;
}

/** Welch's test of two means (a − b). */
export interface WelchJ {
  status: AStatus;
  n_a: number;
  n_b: number;
  small: boolean;
  mean_a: Num;
  mean_b: Num;
  diff: Num;
  se: Num;
  df: Num;
  t: Num;
  p: Num;
  ci_lo: Num;
  ci_hi: Num;
  significant: boolean;
}

/** The test of two proportions x_a / n_a against x_b / n_b. */
export interface PropJ {
  status: AStatus;
  x_a: number;
  n_a: number;
  x_b: number;
  n_b: number;
  small: boolean;
  p_a: Num;
  p_b: Num;
  diff: Num;
  z: Num;
  p: Num;
  significant: boolean;
}

export type NpsBasis = 'respondents' | 'accounts' | 'revenue_weighted';
export const NPS_BASES: NpsBasis[] = ['respondents', 'accounts', 'revenue_weighted'];

export interface NpsFigure {
  n: number;
  small: boolean;
  by: string | null;
  respondents: NpsJ;
  accounts: NpsJ;
  revenue_weighted: NpsJ;
  groups: (NpsJ & { basis: 'group'; key: string | null; label: string | null })[];
}

export interface ComponentFigure extends DescribeJ, AComponent {
  reliability: { study_id: number; questions: number; status: AStatus; n: number; small: boolean; alpha: Num }[];
}
export interface ComponentsFigure {
  n: number;
  small: boolean;
  scale: { min: number; max: number };
  items: ComponentFigure[];
  satisfaction: DescribeJ;
  intention: DescribeJ;
}

export interface DriverItem extends AComponent {
  r: Num;
  r_p: Num;
  beta: Num;
  beta_se: Num;
  beta_t: Num;
  beta_p: Num;
  rw: Num;
  rw_share: Num;
  lmg: Num;
  lmg_share: Num;
}
export type DriversTarget = 'recommend' | 'satisfaction';
export interface DriversFigure {
  target: DriversTarget;
  status: AStatus;
  n: number;
  small: boolean;
  p: number;
  rank: number;
  r2: Num;
  r2_adj: Num;
  items: DriverItem[];
}

export type Quadrant = 'fix_first' | 'keep_up' | 'possible_overkill' | 'low_priority';
export interface QuadrantItem extends AComponent {
  n: number;
  importance: Num;
  performance: Num;
  quadrant?: Quadrant | null;
}
export interface QuadrantsFigure {
  target: DriversTarget;
  status: AStatus;
  n: number;
  small: boolean;
  importance: 'relative_weight' | 'lmg';
  mid: { importance: Num; performance: Num };
  items: QuadrantItem[];
}

export interface GapItem extends AComponent {
  competitor_id: number;
  competitor_name: string;
  status: AStatus;
  n: number;
  small: boolean;
  ours: Num;
  theirs: Num;
  diff: Num;
  sd: Num;
  se: Num;
  ci_lo: Num;
  ci_hi: Num;
  df: Num;
  t: Num;
  p: Num;
  significant: boolean;
}
export interface CompetitorsFigure { n: number; small: boolean; items: GapItem[] }

export type JsClass = 'apostle' | 'loyalist' | 'mercenary' | 'hostage' | 'defector';
export const JS_CLASSES: JsClass[] = ['apostle', 'loyalist', 'mercenary', 'hostage', 'defector'];
export interface SegmentsFigure {
  n: number;
  small: boolean;
  jones_sasser: {
    status: AStatus;
    n: number;
    n_missing: number;
    small: boolean;
    thresholds: { satisfaction: number; intention: number };
    items: { method: 'jones_sasser'; segment: JsClass; size: number; share: Num; profile: Record<string, Num> }[];
  };
  kmeans: {
    status: AStatus;
    n: number;
    small: boolean;
    k: number;
    k_chosen: boolean;
    silhouette: Num;
    silhouette_by_k: Record<string, number>;
    components: AComponent[];
    items: { method: 'kmeans'; cluster: number; size: number; share: Num; profile: Record<string, Num> }[];
  };
}

export interface TrendWave {
  study_id: number;
  name: string;
  starts_on: string | null;
  n: number;
  small: boolean;
  nps?: NpsJ & { change: NpsDiffJ | null };
  satisfaction?: DescribeJ & { change: WelchJ | null };
  components?: Record<string, DescribeJ & { change: WelchJ | null }>;
}
export interface TrendFigure { n: number; small: boolean; components: AComponent[]; waves: TrendWave[] }

export interface NegativeGroup { accounts: number; assessed: number; nps: NpsJ }
/** A component's last scores: a = churned, b = retained. */
export type NegativeComponent = WelchJ & AComponent;
/** A factor's frequency: a = churned, b = retained (of the assessed accounts). */
export interface NegativeFactor extends PropJ {
  factor_id: number;
  component_id: number;
  text: Text2;
  polarity: number;
}
export interface NegativeFigure {
  period: { from: string | null; to: string | null };
  churned: NegativeGroup;
  retained: NegativeGroup;
  promoters: PropJ;
  components: NegativeComponent[];
  factors: NegativeFactor[];
  exit_interviews: { studies: number; n: number; small: boolean; nps: NpsJ; components: (DescribeJ & AComponent)[] } | null;
}

/** [low, high] of a figure's interval, or null. */
export function interval(x: { ci_lo: Num; ci_hi: Num } | null | undefined): [number, number] | null {
  if (!x || x.ci_lo === null || x.ci_hi === null || !Number.isFinite(x.ci_lo) || !Number.isFinite(x.ci_hi)) return null;
  return [x.ci_lo, x.ci_hi];
}
