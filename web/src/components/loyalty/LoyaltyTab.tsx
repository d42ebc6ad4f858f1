// The account card's "Loyalty model" tab, laid out as the seed's screen: the general
// characteristic at the top, the index with its trend and the radar against the portfolio, then
// each component with its overall score and factor checklist, then the assessments. Saving an
// assessment reloads the model, so the index and the radar change in place.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page, type Role } from '../../api';
import { canAssess, loyaltyPath, type Assessment, type Catalogue, type LoyaltyModel } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox, formatDate, Loading, Notice } from '../ui';
import { IndexPanel } from './IndexPanel';
import { RadarPanel } from './RadarPanel';
import { ComponentBlock } from './ComponentBlock';
import { AssessmentForm } from './AssessmentForm';
import { AssessmentHistory } from './AssessmentHistory';

interface Data { model: LoyaltyModel; catalogue: Catalogue; assessments: Assessment[] }

export function LoyaltyTab({ ws, accountId, role, archived }: { ws: string; accountId: number; role: Role; archived: boolean }) {
  const { t, locale } = useI18n();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState<{ editing: Assessment | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () =>
    Promise.all([
      api.get<LoyaltyModel>(loyaltyPath.model(ws, accountId)),
      api.get<Catalogue>(loyaltyPath.catalogue(ws)),
      api.get<Page<Assessment>>(loyaltyPath.assessments(ws, accountId), { limit: 100 }),
    ])
      .then(([model, catalogue, list]) => {
        setData({ model, catalogue, assessments: list.items || [] });
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    load();
  }, [ws, accountId]);

  if (error && !data) return <ErrorBox error={error} onRetry={load} />;
  if (!data) return <Loading />;
  const { model, catalogue, assessments } = data;
  const latest = assessments[0];
  const editable = canAssess(role) && !archived;
  const saved = async (a: Assessment) => {
    setForm(null);
    setNotice(t(a.version > 1 ? 'assessment_corrected' : 'assessment_saved'));
    await load();
  };
  const factorsOf = (cid: number) => {
    const c = catalogue.components.find((x) => x.id === cid);
    return c ? c.factors : [];
  };

  return (
    <div class="loyalty">
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorBox error={error} />
      <section class="panel general-characteristic">
        <div class="section-head">
          <h3>{t('general_characteristic')}</h3>
          {editable && !form && (
            <button type="button" class="btn btn-primary" data-action="new-assessment" onClick={() => setForm({ editing: null })}>
              + {t('assessment_new')}
            </button>
          )}
        </div>
        {model.summary ? (
          <>
            <p class="pre summary-text user-text">{model.summary.text}</p>
            <p class="sub">{formatDate(model.summary.assessed_on, locale)}</p>
          </>
        ) : (
          <p class="muted">{t('summary_empty')}</p>
        )}
      </section>
      {form && (
        <AssessmentForm
          key={form.editing ? `e${form.editing.id}/${form.editing.version}` : 'new'}
          ws={ws}
          accountId={accountId}
          catalogue={catalogue}
          editing={form.editing}
          onSaved={saved}
          onCancel={() => setForm(null)}
          onConflict={load}
        />
      )}
      <div class="loyalty-charts">
        <IndexPanel model={model} />
        <RadarPanel model={model} />
      </div>
      <p class="muted window-note">{t('window_note', { n: model.window_months })}</p>
      {model.components.map((c) => (
        <ComponentBlock
          key={c.component_id}
          component={c}
          factors={factorsOf(c.component_id)}
          latest={latest ? latest.components.find((x) => x.component_id === c.component_id) : undefined}
          scale={model.scale}
        />
      ))}
      <section class="panel">
        <h3>{t('assessments_title')}</h3>
        <AssessmentHistory
          ws={ws}
          accountId={accountId}
          items={assessments}
          catalogue={catalogue}
          canEdit={editable}
          onCorrect={(a) => {
            setForm({ editing: a });
            window.scrollTo(0, 0);
          }}
        />
      </section>
    </div>
  );
}


