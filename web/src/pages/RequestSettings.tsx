// The settings of the dialog window («Настройки», #/w/{ws}/requests/settings; docs/requests.md,
// "Service levels" and "Assignment"): the working calendar (time zone as a fixed UTC offset,
// working hours and days, holidays), the days a client may reopen a resolved request, the service
// levels (kind or any, priority or any, first response and resolution in hours and minutes, stored
// as working minutes) and the assignment rules (kind or any, component or any, the team in turn
// order). PUT replaces the whole document with If-Match; a 422 names its field by JSON pointer
// (/calendar/day_end, /service_levels/2/kind, /assignment_rules/0/members/1) and its message is
// shown beside that field. Owners change the settings; everyone else sees them read-only.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, request, type Member, type Role } from '../api';
import { useMembers } from '../data';
import { loc, pointerErrors } from '../loyalty';
import {
  canConfigure, REQUEST_KINDS, REQUEST_PRIORITIES, reqKindKey, reqPriorityKey, requestPath, WEEKDAYS,
  type AssignmentRule, type RequestKind, type RequestPriority, type RequestSettings, type ServiceLevel, type Weekday,
} from '../requests';
import { useRq, type RqKey } from '../requestStrings';
import { ErrorBox, formatDate, Loading, Notice } from '../components/ui';
import { RequestsNav } from '../components/requests/RequestsNav';
import { useComponents } from '../components/requests/useClassification';

interface LevelDraft { kind: string; priority: string; frH: string; frM: string; resH: string; resM: string }
interface RuleDraft { kind: string; component_id: string; members: string[] }
interface Draft {
  offset: number;
  day_start: string;
  day_end: string;
  workdays: Weekday[];
  holidays: string[];
  reopen_days: string;
  levels: LevelDraft[];
  rules: RuleDraft[];
}

/** Common fixed offsets (minutes east of UTC) with the places that keep them (the server's default is Moscow, 180). */
const ZONES: [number, RqKey[]][] = [
  [-300, ['rq_tz_ny']],
  [0, ['rq_tz_utc']],
  [60, ['rq_tz_cet']],
  [120, ['rq_tz_kaliningrad']],
  [180, ['rq_tz_moscow', 'rq_tz_minsk']],
  [240, ['rq_tz_samara', 'rq_tz_dubai']],
  [300, ['rq_tz_yekaterinburg', 'rq_tz_tashkent', 'rq_tz_almaty']],
  [330, ['rq_tz_india']],
  [360, ['rq_tz_omsk']],
  [420, ['rq_tz_krasnoyarsk']],
  [480, ['rq_tz_irkutsk', 'rq_tz_china']],
  [540, ['rq_tz_yakutsk', 'rq_tz_tokyo']],
  [600, ['rq_tz_vladivostok']],
  [660, ['rq_tz_magadan']],
  [720, ['rq_tz_kamchatka']],
];

/** "UTC+03:00", "UTC−05:00", "UTC+05:30". */
export function offsetText(min: number): string {
  const a = Math.abs(min);
  const p = (x: number) => String(x).padStart(2, '0');
  return `UTC${min < 0 ? '−' : '+'}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}

const hm = (minutes: number | null): [string, string] =>
  minutes === null || minutes === undefined ? ['', ''] : [String(Math.floor(minutes / 60)), String(minutes % 60)];

/** Minutes from hours and minutes typed: null when both are empty. */
function minutesOf(h: string, m: string): number | null {
  if (h.trim() === '' && m.trim() === '') return null;
  return Math.round(Number(h || 0) * 60 + Number(m || 0));
}

function draftOf(s: RequestSettings): Draft {
  return {
    offset: s.calendar.utc_offset_minutes,
    day_start: s.calendar.day_start,
    day_end: s.calendar.day_end,
    workdays: WEEKDAYS.filter((d) => s.calendar.workdays.includes(d)),
    holidays: [...s.calendar.holidays].sort(),
    reopen_days: String(s.reopen_days),
    levels: s.service_levels.map((l) => {
      const [frH, frM] = hm(l.first_response_minutes);
      const [resH, resM] = hm(l.resolution_minutes);
      return { kind: l.kind || '', priority: l.priority || '', frH, frM, resH, resM };
    }),
    rules: s.assignment_rules.map((r) => ({ kind: r.kind || '', component_id: r.component_id ? String(r.component_id) : '', members: [...r.members] })),
  };
}

/** The document PUT sends (values the server refuses are sent as typed, for its 422). */
function docOf(d: Draft) {
  const levels: ServiceLevel[] = d.levels.map((l) => ({
    kind: (l.kind || null) as RequestKind | null,
    priority: (l.priority || null) as RequestPriority | null,
    first_response_minutes: minutesOf(l.frH, l.frM),
    resolution_minutes: minutesOf(l.resH, l.resM),
  }));
  const rules: AssignmentRule[] = d.rules.map((r) => ({
    kind: (r.kind || null) as RequestKind | null,
    component_id: r.component_id ? Number(r.component_id) : null,
    members: r.members,
  }));
  return {
    calendar: { utc_offset_minutes: d.offset, day_start: d.day_start, day_end: d.day_end, workdays: d.workdays, holidays: d.holidays },
    reopen_days: d.reopen_days.trim() === '' ? null : Number(d.reopen_days),
    service_levels: levels,
    assignment_rules: rules,
  };
}

/** The pointers the form shows beside a field; anything else goes into the box above the buttons. */
const SHOWN = [
  /^calendar\/(utc_offset_minutes|day_start|day_end|workdays(\/\d+)?|holidays(\/\d+)?)$/,
  /^reopen_days$/,
  /^service_levels(\/\d+(\/(kind|priority|first_response_minutes|resolution_minutes))?)?$/,
  /^assignment_rules(\/\d+(\/(kind|component_id|members(\/\d+)?))?)?$/,
];

function FieldError({ text, name }: { text?: string; name: string }) {
  if (!text) return null;
  return <div class="field-error" role="alert" data-error={name}>{text}</div>;
}

export function RequestSettingsPage({ ws, role }: { ws: string; role: Role }) {
  const { t, rq, lang, locale } = useRq();
  const members = useMembers(ws);
  const components = useComponents(ws);
  const editable = canConfigure(role);
  const [saved, setSaved] = useState<RequestSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [holiday, setHoliday] = useState('');

  const load = () =>
    api.get<RequestSettings>(requestPath.settings(ws))
      .then((s) => {
        setSaved(s);
        setDraft(draftOf(s));
        setLoadError(null);
        return s;
      })
      .catch((e) => {
        setLoadError(e);
        return null;
      });
  useEffect(() => {
    load();
  }, [ws]);
  useEffect(() => {
    document.title = `${rq('rq_settings_title')} · ${t('app_name')}`;
  }, [rq, t]);

  const dirty = useMemo(
    () => !!(saved && draft && JSON.stringify(docOf(draft)) !== JSON.stringify(docOf(draftOf(saved)))),
    [saved, draft],
  );

  if (!draft || !saved) {
    return (
      <div class="page page-wide request-settings-page">
        <RequestsNav ws={ws} current="settings" />
        <h1>{rq('rq_settings_title')}</h1>
        {loadError ? <ErrorBox error={loadError} onRetry={load} /> : <Loading />}
      </div>
    );
  }

  /** Forgets the errors of a pointer and everything under it. */
  const clear = (...prefixes: string[]) =>
    setErrors((cur) => {
      const rest: Record<string, string> = {};
      for (const [k, v] of Object.entries(cur)) if (!prefixes.some((p) => k === p || k.startsWith(`${p}/`))) rest[k] = v;
      return rest;
    });
  const change = (patch: Partial<Draft>, ...pointers: string[]) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    clear(...pointers);
  };
  const setLevel = (i: number, patch: Partial<LevelDraft>, field: string) => {
    change({ levels: draft.levels.map((l, k) => (k === i ? { ...l, ...patch } : l)) }, `service_levels/${i}/${field}`, `service_levels/${i}`);
  };
  const setRule = (i: number, patch: Partial<RuleDraft>, field: string) => {
    change({ rules: draft.rules.map((r, k) => (k === i ? { ...r, ...patch } : r)) }, `assignment_rules/${i}/${field}`, `assignment_rules/${i}`);
  };
  const move = <X,>(xs: X[], i: number, by: number): X[] => {
    const j = i + by;
    if (j < 0 || j >= xs.length) return xs;
    const out = [...xs];
    [out[i], out[j]] = [out[j], out[i]];
    return out;
  };
  const val = (e: Event) => (e.target as HTMLInputElement).value;

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editable) return;
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const s = await request<RequestSettings>('PUT', requestPath.settings(ws), { body: docOf(draft), ifMatch: saved.version });
      setSaved(s);
      setDraft(draftOf(s));
      setConflict(false);
      setNotice(rq('rq_settings_saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) setConflict(true);
      else {
        const byField = pointerErrors(err);
        setErrors(byField);
        if (!Object.keys(byField).length) setError(err);
      }
    } finally {
      setBusy(false);
    }
  };
  const reload = async () => {
    setBusy(true);
    const s = await load();
    if (s) {
      setConflict(false);
      setErrors({});
      setError(null);
    }
    setBusy(false);
  };
  const discard = () => {
    setDraft(draftOf(saved));
    setErrors({});
    setError(null);
  };

  const err = (ptr: string) => errors[ptr];
  const leftover = Object.entries(errors).filter(([k]) => !SHOWN.some((re) => re.test(k)));
  const zones = ZONES.some(([o]) => o === draft.offset) ? ZONES : [...ZONES, [draft.offset, ['rq_tz_other']] as [number, RqKey[]]]
    .sort((a, b) => a[0] - b[0]);
  const people = (keep: string[]) => members.filter((m) => m.role !== 'viewer' || keep.includes(m.email));
  const who = (email: string) => {
    const m = members.find((x: Member) => x.email === email);
    return m ? m.name || m.email : email;
  };
  const holidayError = Object.entries(errors).find(([k]) => /^calendar\/holidays(\/\d+)?$/.test(k));
  const workdaysError = Object.entries(errors).find(([k]) => /^calendar\/workdays(\/\d+)?$/.test(k));
  const kindOptions = REQUEST_KINDS.map((k) => <option value={k}>{t(reqKindKey(k))}</option>);
  const priorityOptions = REQUEST_PRIORITIES.map((p) => <option value={p}>{t(reqPriorityKey(p))}</option>);
  const minutesInputs = (i: number, field: 'first_response_minutes' | 'resolution_minutes', h: keyof LevelDraft, m: keyof LevelDraft,
    what: string, name: string) => {
    const l = draft.levels[i];
    const e = err(`service_levels/${i}/${field}`);
    return (
      <div class={`field rq-duration${e ? ' field-invalid' : ''}`}>
        <span class="rq-hm">
          <input type="number" min={0} step={1} inputMode="numeric" name={`${name}-h`} value={l[h]} aria-invalid={e ? true : undefined}
            aria-label={rq('rq_hours_label', { what })} placeholder="—"
            onInput={(ev) => setLevel(i, { [h]: val(ev) } as Partial<LevelDraft>, field)} />
          <span class="unit">{rq('rq_hours')}</span>
          <input type="number" min={0} max={59} step={1} inputMode="numeric" name={`${name}-m`} value={l[m]} aria-invalid={e ? true : undefined}
            aria-label={rq('rq_minutes_label', { what })} placeholder="—"
            onInput={(ev) => setLevel(i, { [m]: val(ev) } as Partial<LevelDraft>, field)} />
          <span class="unit">{rq('rq_minutes')}</span>
        </span>
        <FieldError text={e} name={`service_levels/${i}/${field}`} />
      </div>
    );
  };

  return (
    <div class="page page-wide request-settings-page">
      <RequestsNav ws={ws} current="settings" />
      <div class="page-head">
        <h1>{rq('rq_settings_title')}</h1>
      </div>
      <p class="muted">{rq('rq_settings_intro')}</p>
      {!editable && <p class="alert alert-warn rq-read-only" data-read-only="true">{rq('rq_settings_read_only')}</p>}
      {conflict && (
        <div class="alert alert-conflict" role="alert" data-conflict>
          <span>{rq('rq_settings_conflict')}</span>
          <button type="button" class="btn btn-small btn-primary" data-action="reload-settings" onClick={reload} disabled={busy}>
            {rq('rq_settings_reload')}
          </button>
        </div>
      )}
      <Notice text={notice} onDone={() => setNotice(null)} />
      <form class="rq-settings" data-form="request-settings" noValidate onSubmit={save}>
        <fieldset class="plain" disabled={!editable || busy}>
          <section class="panel" data-section="calendar">
            <h2>{rq('rq_calendar_title')}</h2>
            <p class="muted small-note">{rq('rq_calendar_hint')}</p>
            <div class="form-grid">
              <div class={`field${err('calendar/utc_offset_minutes') ? ' field-invalid' : ''}`}>
                <label for="f-rq_timezone">{rq('rq_timezone')}</label>
                <select id="f-rq_timezone" name="timezone" value={String(draft.offset)}
                  onChange={(e) => change({ offset: Number((e.target as HTMLSelectElement).value) }, 'calendar/utc_offset_minutes')}>
                  {zones.map(([o, keys]) => (
                    <option value={String(o)}>{`${offsetText(o)} — ${keys.map((k) => rq(k)).join(', ')}`}</option>
                  ))}
                </select>
                <FieldError text={err('calendar/utc_offset_minutes')} name="calendar/utc_offset_minutes" />
              </div>
              <div class={`field${err('reopen_days') ? ' field-invalid' : ''}`}>
                <label for="f-rq_reopen_days">{rq('rq_reopen_days')}</label>
                <input id="f-rq_reopen_days" type="number" min={0} step={1} inputMode="numeric" name="reopen_days" value={draft.reopen_days}
                  aria-invalid={err('reopen_days') ? true : undefined}
                  onInput={(e) => change({ reopen_days: val(e) }, 'reopen_days')} />
                {err('reopen_days') ? <FieldError text={err('reopen_days')} name="reopen_days" /> : <div class="hint">{rq('rq_reopen_hint')}</div>}
              </div>
              <div class={`field${err('calendar/day_start') ? ' field-invalid' : ''}`}>
                <label for="f-rq_day_start">{rq('rq_day_start')}</label>
                <input id="f-rq_day_start" type="time" name="day_start" value={draft.day_start} required
                  aria-invalid={err('calendar/day_start') ? true : undefined}
                  onInput={(e) => change({ day_start: val(e) }, 'calendar/day_start', 'calendar/day_end')} />
                <FieldError text={err('calendar/day_start')} name="calendar/day_start" />
              </div>
              <div class={`field${err('calendar/day_end') ? ' field-invalid' : ''}`}>
                <label for="f-rq_day_end">{rq('rq_day_end')}</label>
                <input id="f-rq_day_end" type="time" name="day_end" value={draft.day_end} required
                  aria-invalid={err('calendar/day_end') ? true : undefined}
                  onInput={(e) => change({ day_end: val(e) }, 'calendar/day_end')} />
                <FieldError text={err('calendar/day_end')} name="calendar/day_end" />
              </div>
              <fieldset class={`field field-wide rq-workdays${workdaysError ? ' field-invalid' : ''}`} data-field="workdays">
                <legend>{rq('rq_workdays')}</legend>
                <div class="status-checks">
                  {WEEKDAYS.map((d) => (
                    <label class="check">
                      <input type="checkbox" name="workday" value={d} checked={draft.workdays.includes(d)}
                        onChange={(e) => {
                          const on = (e.target as HTMLInputElement).checked;
                          change({ workdays: WEEKDAYS.filter((x) => (x === d ? on : draft.workdays.includes(x))) }, 'calendar/workdays');
                        }} />
                      <span>{rq(`rq_wd_${d}` as RqKey)}</span>
                    </label>
                  ))}
                </div>
                <FieldError text={workdaysError && workdaysError[1]} name="calendar/workdays" />
              </fieldset>
              <div class={`field field-wide rq-holidays${holidayError ? ' field-invalid' : ''}`} data-field="holidays">
                <label for="f-rq_holiday">{rq('rq_holidays')}</label>
                {draft.holidays.length === 0 ? (
                  <p class="muted small-note">{rq('rq_holidays_none')}</p>
                ) : (
                  <ul class="chips rq-holiday-list">
                    {draft.holidays.map((d, i) => (
                      <li class={`chip${err(`calendar/holidays/${i}`) ? ' chip-invalid' : ''}`} data-holiday={d}>
                        <span>{formatDate(d, locale)}</span>
                        <button type="button" class="chip-x" aria-label={rq('rq_holiday_remove', { d })} title={rq('rq_holiday_remove', { d })}
                          data-action="remove-holiday" onClick={() => change({ holidays: draft.holidays.filter((x) => x !== d) }, 'calendar/holidays')}>
                          ×
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
                {editable && (
                  <div class="rq-add-row">
                    <input id="f-rq_holiday" type="date" name="holiday-new" value={holiday} onInput={(e) => setHoliday(val(e))} />
                    <button type="button" class="btn btn-small" data-action="add-holiday" disabled={!holiday}
                      onClick={() => {
                        if (holiday && !draft.holidays.includes(holiday)) {
                          change({ holidays: [...draft.holidays, holiday].sort() }, 'calendar/holidays');
                        }
                        setHoliday('');
                      }}>
                      {rq('rq_holiday_add')}
                    </button>
                  </div>
                )}
                <FieldError text={holidayError && holidayError[1]} name="calendar/holidays" />
              </div>
            </div>
          </section>

          <section class="panel" data-section="service_levels">
            <h2>{rq('rq_levels_title')}</h2>
            <p class="muted small-note">{rq('rq_levels_hint')}</p>
            <FieldError text={err('service_levels')} name="service_levels" />
            {draft.levels.length === 0 ? (
              <p class="empty">{rq('rq_levels_none')}</p>
            ) : (
              <div class="table-wrap rq-levels-wrap">
                <table class="data rq-levels">
                  <thead>
                    <tr>
                      <th>{t('request_kind')}</th>
                      <th>{t('request_priority')}</th>
                      <th>{rq('rq_first_response')}</th>
                      <th>{rq('rq_resolution')}</th>
                      {editable && <th><span class="sr-only">{rq('rq_level_remove')}</span></th>}
                    </tr>
                  </thead>
                  <tbody>
                    {draft.levels.map((l, i) => (
                      <tr data-level={i} class={err(`service_levels/${i}`) ? 'row-invalid' : ''}>
                        <td data-label={t('request_kind')}>
                          <div class={`field${err(`service_levels/${i}/kind`) ? ' field-invalid' : ''}`}>
                            <select name="level-kind" value={l.kind} aria-label={t('request_kind')}
                              onChange={(e) => setLevel(i, { kind: val(e) }, 'kind')}>
                              <option value="">{rq('rq_any_kind')}</option>
                              {kindOptions}
                            </select>
                            <FieldError text={err(`service_levels/${i}/kind`)} name={`service_levels/${i}/kind`} />
                            <FieldError text={err(`service_levels/${i}`)} name={`service_levels/${i}`} />
                          </div>
                        </td>
                        <td data-label={t('request_priority')}>
                          <div class={`field${err(`service_levels/${i}/priority`) ? ' field-invalid' : ''}`}>
                            <select name="level-priority" value={l.priority} aria-label={t('request_priority')}
                              onChange={(e) => setLevel(i, { priority: val(e) }, 'priority')}>
                              <option value="">{rq('rq_any_priority')}</option>
                              {priorityOptions}
                            </select>
                            <FieldError text={err(`service_levels/${i}/priority`)} name={`service_levels/${i}/priority`} />
                          </div>
                        </td>
                        <td data-label={rq('rq_first_response')}>
                          {minutesInputs(i, 'first_response_minutes', 'frH', 'frM', rq('rq_first_response'), 'level-first')}
                        </td>
                        <td data-label={rq('rq_resolution')}>
                          {minutesInputs(i, 'resolution_minutes', 'resH', 'resM', rq('rq_resolution'), 'level-resolution')}
                        </td>
                        {editable && (
                          <td class="rq-row-actions">
                            <button type="button" class="btn btn-small btn-ghost" data-action="remove-level"
                              onClick={() => change({ levels: draft.levels.filter((_, k) => k !== i) }, 'service_levels')}>
                              {rq('rq_level_remove')}
                            </button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {editable && (
              <button type="button" class="btn btn-small rq-add" data-action="add-level"
                onClick={() => change({ levels: [...draft.levels, { kind: '', priority: '', frH: '', frM: '', resH: '', resM: '' }] }, 'service_levels')}>
                {rq('rq_level_add')}
              </button>
            )}
          </section>

          <section class="panel" data-section="assignment_rules">
            <h2>{rq('rq_rules_title')}</h2>
            <p class="muted small-note">{rq('rq_rules_hint')}</p>
            <FieldError text={err('assignment_rules')} name="assignment_rules" />
            {draft.rules.length === 0 && <p class="empty">{rq('rq_rules_none')}</p>}
            <ol class="rq-rules">
              {draft.rules.map((r, i) => {
                const membersError = Object.entries(errors).find(([k]) => k === `assignment_rules/${i}/members`);
                const candidates = people(r.members).filter((m) => !r.members.includes(m.email));
                return (
                  <li class={`rq-rule${err(`assignment_rules/${i}`) ? ' row-invalid' : ''}`} data-rule={i}>
                    <div class="rq-rule-head">
                      <h3>{rq('rq_rule_n', { n: i + 1 })}</h3>
                      {editable && (
                        <span class="rq-rule-actions">
                          <button type="button" class="btn btn-small btn-ghost" data-action="rule-up" disabled={i === 0}
                            aria-label={rq('rq_rule_up')} title={rq('rq_rule_up')}
                            onClick={() => change({ rules: move(draft.rules, i, -1) }, 'assignment_rules')}>↑</button>
                          <button type="button" class="btn btn-small btn-ghost" data-action="rule-down" disabled={i === draft.rules.length - 1}
                            aria-label={rq('rq_rule_down')} title={rq('rq_rule_down')}
                            onClick={() => change({ rules: move(draft.rules, i, 1) }, 'assignment_rules')}>↓</button>
                          <button type="button" class="btn btn-small btn-ghost" data-action="remove-rule"
                            onClick={() => change({ rules: draft.rules.filter((_, k) => k !== i) }, 'assignment_rules')}>
                            {rq('rq_rule_remove')}
                          </button>
                        </span>
                      )}
                    </div>
                    <FieldError text={err(`assignment_rules/${i}`)} name={`assignment_rules/${i}`} />
                    <div class="form-grid">
                      <div class={`field${err(`assignment_rules/${i}/kind`) ? ' field-invalid' : ''}`}>
                        <label for={`f-rule-${i}-kind`}>{t('request_kind')}</label>
                        <select id={`f-rule-${i}-kind`} name="rule-kind" value={r.kind} onChange={(e) => setRule(i, { kind: val(e) }, 'kind')}>
                          <option value="">{rq('rq_any_kind')}</option>
                          {kindOptions}
                        </select>
                        <FieldError text={err(`assignment_rules/${i}/kind`)} name={`assignment_rules/${i}/kind`} />
                      </div>
                      <div class={`field${err(`assignment_rules/${i}/component_id`) ? ' field-invalid' : ''}`}>
                        <label for={`f-rule-${i}-component`}>{t('request_component')}</label>
                        <select id={`f-rule-${i}-component`} name="rule-component" value={r.component_id}
                          onChange={(e) => setRule(i, { component_id: val(e) }, 'component_id')}>
                          <option value="">{rq('rq_any_component')}</option>
                          {r.component_id && !components.some((c) => String(c.id) === r.component_id) && (
                            <option value={r.component_id}>{`#${r.component_id}`}</option>
                          )}
                          {components.filter((c) => c.active || String(c.id) === r.component_id).map((c) => (
                            <option value={String(c.id)}>{loc(c.name, lang)}</option>
                          ))}
                        </select>
                        <FieldError text={err(`assignment_rules/${i}/component_id`)} name={`assignment_rules/${i}/component_id`} />
                      </div>
                      <div class={`field field-wide${membersError ? ' field-invalid' : ''}`} data-field="members">
                        <span class="label">{rq('rq_rule_members')}</span>
                        {r.members.length === 0 ? (
                          <p class="muted small-note">{rq('rq_rule_members_none')}</p>
                        ) : (
                          <ol class="rq-members">
                            {r.members.map((email, k) => {
                              const e = err(`assignment_rules/${i}/members/${k}`);
                              const drop = () => {
                                const ms = r.members.filter((_, x) => x !== k);
                                change({ rules: draft.rules.map((x, y) => (y === i ? { ...x, members: ms } : x)) }, `assignment_rules/${i}`);
                              };
                              const shift = (by: number) => {
                                const ms = move(r.members, k, by);
                                change({ rules: draft.rules.map((x, y) => (y === i ? { ...x, members: ms } : x)) }, `assignment_rules/${i}`);
                              };
                              return (
                                <li data-member={email} class={e ? 'field-invalid' : ''}>
                                  <span class="rq-member-name">
                                    <span class="rq-member-pos">{k + 1}.</span> {who(email)}
                                    {who(email) !== email && <span class="muted"> · {email}</span>}
                                  </span>
                                  {editable && (
                                    <span class="rq-member-actions">
                                      <button type="button" class="btn btn-small btn-ghost" data-action="member-up" disabled={k === 0}
                                        aria-label={rq('rq_member_up')} title={rq('rq_member_up')} onClick={() => shift(-1)}>↑</button>
                                      <button type="button" class="btn btn-small btn-ghost" data-action="member-down"
                                        disabled={k === r.members.length - 1} aria-label={rq('rq_member_down')} title={rq('rq_member_down')}
                                        onClick={() => shift(1)}>↓</button>
                                      <button type="button" class="btn btn-small btn-ghost" data-action="member-remove"
                                        aria-label={rq('rq_member_remove')} title={rq('rq_member_remove')} onClick={drop}>×</button>
                                    </span>
                                  )}
                                  <FieldError text={e} name={`assignment_rules/${i}/members/${k}`} />
                                </li>
                              );
                            })}
                          </ol>
                        )}
                        {editable && (
                          <select name="rule-member-add" value="" aria-label={rq('rq_rule_member_add')}
                            onChange={(e) => {
                              const v = val(e);
                              if (v) setRule(i, { members: [...r.members, v] }, 'members');
                            }}>
                            <option value="">{rq('rq_rule_member_pick')}</option>
                            {candidates.map((m) => <option value={m.email}>{m.name ? `${m.name} (${m.email})` : m.email}</option>)}
                          </select>
                        )}
                        <FieldError text={membersError && membersError[1]} name={`assignment_rules/${i}/members`} />
                      </div>
                    </div>
                  </li>
                );
              })}
            </ol>
            {editable && (
              <button type="button" class="btn btn-small rq-add" data-action="add-rule"
                onClick={() => change({ rules: [...draft.rules, { kind: '', component_id: '', members: [] }] }, 'assignment_rules')}>
                {rq('rq_rule_add')}
              </button>
            )}
          </section>
        </fieldset>
        {editable && (
          <div class={`save-bar rq-save-bar${dirty || leftover.length || error ? '' : ' is-clean'}`}>
            {leftover.length > 0 && (
              <div class="alert alert-error" role="alert" data-error="other">
                {leftover.map(([k, v]) => <div>{k ? `/${k}: ` : ''}{v}</div>)}
              </div>
            )}
            <ErrorBox error={error} />
            {dirty && <span class="muted" data-dirty="true">{rq('rq_settings_unsaved')}</span>}
            <div class="btn-row">
              <button type="submit" class="btn btn-primary" data-action="save-settings" disabled={busy}>
                {busy ? t('saving') : rq('rq_settings_save')}
              </button>
              <button type="button" class="btn btn-ghost" data-action="discard-settings" disabled={busy || !dirty} onClick={discard}>
                {rq('rq_settings_discard')}
              </button>
            </div>
          </div>
        )}
      </form>
    </div>
  );
}
