// One column of the journey board: the stage's name, the customer's goal and questions, its live
// figures, touchpoints and solutions; owners and analysts move it left or right, edit and hide it.
import { useState } from 'preact/hooks';
import { loc, type JourneyStage } from '../../loyalty';
import { useI18n } from '../../i18n';
import { StageFigures } from './StageFigures';
import { StageForm } from './StageForm';
import { ItemList } from './ItemList';

export function StageColumn(props: {
  ws: string;
  stage: JourneyStage;
  index: number;
  count: number;
  canEdit: boolean;
  busy: boolean;
  onMove: (dir: -1 | 1) => void;
  onArchive: () => void;
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  const s = props.stage;
  const [editing, setEditing] = useState(false);
  return (
    <section class="stage" data-stage={s.code} data-stage-id={s.id}>
      <div class="stage-head">
        <span class="stage-n">{props.index + 1}</span>
        <h3>{loc(s.name, lang)}</h3>
        {props.canEdit && !editing && (
          <span class="stage-actions">
            <button type="button" class="btn-icon" data-action="left" title={t('move_left')} aria-label={t('move_left')}
              disabled={props.index === 0 || props.busy} onClick={() => props.onMove(-1)}>←</button>
            <button type="button" class="btn-icon" data-action="right" title={t('move_right')} aria-label={t('move_right')}
              disabled={props.index === props.count - 1 || props.busy} onClick={() => props.onMove(1)}>→</button>
            <button type="button" class="btn-icon" data-action="edit-stage" title={t('edit')} aria-label={t('edit')} onClick={() => setEditing(true)}>✎</button>
            <button type="button" class="btn-icon" data-action="archive-stage" title={t('stage_hide')} aria-label={t('stage_hide')}
              disabled={props.busy} onClick={props.onArchive}>×</button>
          </span>
        )}
      </div>
      {editing ? (
        <StageForm ws={props.ws} stage={s} onDone={(saved) => { setEditing(false); if (saved) props.onChanged(); }} />
      ) : (
        <>
          {s.goal && (
            <div class="stage-block">
              <h4>{t('stage_goal')}</h4>
              <p>{loc(s.goal, lang)}</p>
            </div>
          )}
          {s.questions && (
            <div class="stage-block">
              <h4>{t('stage_questions')}</h4>
              <p>{loc(s.questions, lang)}</p>
            </div>
          )}
        </>
      )}
      <StageFigures figures={s.figures} />
      <ItemList ws={props.ws} stageId={s.id} kind="touchpoint" title={t('stage_touchpoints')} items={s.touchpoints} canEdit={props.canEdit} onChanged={props.onChanged} />
      <ItemList ws={props.ws} stageId={s.id} kind="solution" title={t('stage_solutions')} items={s.solutions} canEdit={props.canEdit} onChanged={props.onChanged} />
    </section>
  );
}
