// A score on the workspace's scale: one button per point (a select when the scale is long), and
// "no score", since factors may be recorded without one.
import { scalePoints } from '../../loyalty';
import { useI18n } from '../../i18n';

export function ScorePicker(props: {
  name: string;
  min: number;
  max: number;
  value: number | null;
  onChange: (v: number | null) => void;
  invalid?: boolean;
  labelledBy?: string;
}) {
  const { t } = useI18n();
  const points = scalePoints(props.min, props.max);
  if (points.length > 11) {
    return (
      <select
        name={props.name}
        id={`f-${props.name}`}
        value={props.value === null ? '' : String(props.value)}
        aria-invalid={props.invalid || undefined}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          props.onChange(v === '' ? null : Number(v));
        }}
      >
        <option value="">{t('score_none')}</option>
        {points.map((p) => (
          <option value={String(p)}>{p}</option>
        ))}
      </select>
    );
  }
  return (
    <div class={`score-picker${props.invalid ? ' invalid' : ''}`} role="radiogroup" aria-labelledby={props.labelledBy} data-name={props.name}>
      {points.map((p) => (
        <button
          type="button"
          role="radio"
          aria-checked={props.value === p}
          class={`score-btn${props.value === p ? ' on' : ''}`}
          data-score={p}
          onClick={() => props.onChange(props.value === p ? null : p)}
        >
          {p}
        </button>
      ))}
      <button
        type="button"
        role="radio"
        aria-checked={props.value === null}
        class={`score-btn score-none${props.value === null ? ' on' : ''}`}
        data-score=""
        onClick={() => props.onChange(null)}
      >
        {t('score_none')}
      </button>
    </div>
  );
}
