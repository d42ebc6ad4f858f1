// One loyalty component in the catalogue: names, code, weight, order (up/down), retire/restore,
// and its factors with the forms to edit them and add new ones.
import { loc, type Journey, type LoyaltyComponent, type LoyaltyFactor } from '../../loyalty';
import { useI18n } from '../../i18n';
import { formatNumber } from '../ui';
import { ComponentForm } from './ComponentForm';
import { FactorForm } from './FactorForm';
import { FactorRow } from './FactorRow';

export type Editing = { kind: 'component'; id: number | null } | { kind: 'factor'; id: number | null; componentId: number } | null;

export function ComponentCard(props: {
  ws: string;
  component: LoyaltyComponent & { factors: LoyaltyFactor[] };
  journey: Journey | null;
  canEdit: boolean;
  busy: boolean;
  first: boolean;
  last: boolean;
  editing: Editing;
  setEditing: (e: Editing) => void;
  onSaved: () => void;
  onMove: (dir: -1 | 1) => void;
  onActive: (active: boolean) => void;
  onFactorActive: (f: LoyaltyFactor, active: boolean) => void;
}) {
  const { t, lang, locale } = useI18n();
  const c = props.component;
  const ed = props.editing;
  const done = (saved: boolean) => {
    props.setEditing(null);
    if (saved) props.onSaved();
  };
  const editingThis = ed && ed.kind === 'component' && ed.id === c.id;
  const free = props.canEdit && !ed;
  return (
    <section class={`panel catalogue-component${c.active ? '' : ' retired'}`} data-component={c.code} data-component-id={c.id}>
      {editingThis ? (
        <ComponentForm ws={props.ws} component={c} onDone={done} />
      ) : (
        <div class="section-head">
          <div>
            <h3 class="component-title">
              <span class="name-ru" lang="ru">{c.name.ru}</span>
              {c.name.en && <span class="name-en muted" lang="en"> / {c.name.en}</span>}
              {!c.active && <span class="badge badge-archived">{t('retired')}</span>}
            </h3>
            <div class="sub">
              {t('component_code')}: <code>{c.code}</code> · {t('component_weight')}: <span class="weight">{formatNumber(c.weight, locale, 3)}</span>
            </div>
            {c.description && <p class="muted">{loc(c.description, lang)}</p>}
          </div>
          {free && (
            <span class="row-actions">
              {c.active && (
                <>
                  <button type="button" class="btn btn-small" data-action="up" title={t('move_up')} aria-label={t('move_up')}
                    disabled={props.first || props.busy} onClick={() => props.onMove(-1)}>↑</button>
                  <button type="button" class="btn btn-small" data-action="down" title={t('move_down')} aria-label={t('move_down')}
                    disabled={props.last || props.busy} onClick={() => props.onMove(1)}>↓</button>
                  <button type="button" class="btn btn-small" data-action="edit-component" disabled={props.busy}
                    onClick={() => props.setEditing({ kind: 'component', id: c.id })}>{t('edit')}</button>
                </>
              )}
              <button type="button" class={`btn btn-small${c.active ? ' btn-danger' : ''}`} data-action={c.active ? 'retire' : 'restore'}
                disabled={props.busy} onClick={() => props.onActive(!c.active)}>
                {c.active ? t('retire') : t('restore')}
              </button>
            </span>
          )}
        </div>
      )}
      <ul class="factor-list">
        {c.factors.map((f) =>
          ed && ed.kind === 'factor' && ed.id === f.id ? (
            <li class="factor-row editing">
              <FactorForm ws={props.ws} componentId={c.id} factor={f} journey={props.journey} onDone={done} />
            </li>
          ) : (
            <FactorRow factor={f} journey={props.journey} canEdit={free} busy={props.busy}
              onEdit={() => props.setEditing({ kind: 'factor', id: f.id, componentId: c.id })}
              onActive={(a) => props.onFactorActive(f, a)} />
          ),
        )}
      </ul>
      {ed && ed.kind === 'factor' && ed.id === null && ed.componentId === c.id && (
        <FactorForm ws={props.ws} componentId={c.id} factor={null} journey={props.journey} onDone={done} />
      )}
      {free && c.active && (
        <button type="button" class="btn btn-small btn-ghost" data-action="add-factor"
          onClick={() => props.setEditing({ kind: 'factor', id: null, componentId: c.id })}>
          + {t('factor_add')}
        </button>
      )}
    </section>
  );
}
