// One factor in the catalogue: its sign, texts in both languages, the journey stage and item it is
// tied to, and (for owners and analysts) edit, retire and restore.
import { loc, type Journey, type LoyaltyFactor } from '../../loyalty';
import { useI18n } from '../../i18n';
import { PolarityMark } from '../loyalty/Polarity';

export function FactorRow(props: {
  factor: LoyaltyFactor;
  journey: Journey | null;
  canEdit: boolean;
  busy: boolean;
  onEdit: () => void;
  onActive: (active: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const f = props.factor;
  const stage = props.journey && f.stage_id ? props.journey.stages.find((s) => s.id === f.stage_id) : undefined;
  const item = stage && f.item_id ? [...stage.touchpoints, ...stage.solutions].find((i) => i.id === f.item_id) : undefined;
  return (
    <li class={`factor-row${f.active ? '' : ' retired'}`} data-factor-id={f.id}>
      <PolarityMark polarity={f.polarity} />
      <div class="factor-texts">
        <span class="text-ru" lang="ru">{f.text.ru}</span>
        {f.text.en && f.text.en !== f.text.ru && <span class="text-en sub" lang="en">{f.text.en}</span>}
        {stage && (
          <span class="badge badge-stage" data-stage-id={stage.id}>
            {loc(stage.name, lang)}
            {item ? ` · ${loc(item.name, lang)}` : ''}
          </span>
        )}
        {!f.active && <span class="badge badge-archived">{t('retired')}</span>}
      </div>
      {props.canEdit && (
        <span class="row-actions">
          {f.active && (
            <button type="button" class="btn btn-small" data-action="edit-factor" onClick={props.onEdit} disabled={props.busy}>
              {t('edit')}
            </button>
          )}
          <button type="button" class={`btn btn-small${f.active ? ' btn-danger' : ''}`} data-action={f.active ? 'retire' : 'restore'}
            onClick={() => props.onActive(!f.active)} disabled={props.busy}>
            {f.active ? t('retire') : t('restore')}
          </button>
        </span>
      )}
    </li>
  );
}
