// Importing a study's responses from a CSV or SPSS .sav file (a dry run first showing the report —
// rows read, imported, created / updated / unchanged, and the rejected rows by line and column —
// then the import for real, optionally skipping invalid rows), and the export links (CSV, XLSX,
// .sav). The panel lists the columns the study expects: its question codes and the identifying
// columns of docs/research.md ("Importing and exporting responses").
import { useState } from 'preact/hooks';
import { ApiError, request, type ImportReport } from '../../api';
import { loc } from '../../loyalty';
import { useI18n } from '../../i18n';
import {
  importContentType, questionKindKey, researchPath, RESPONSE_ID_COLUMNS, responsesExportHref, type Question,
} from '../../research';
import { ErrorBox } from '../ui';

type ResponsesReport = ImportReport & { encoding?: string; rows_rejected?: number };

/** The export links of a study's responses (everyone in the workspace may download them). */
export function ResponsesExport({ ws, studyId }: { ws: string; studyId: number }) {
  const { t } = useI18n();
  return (
    <div class="responses-export" role="group" aria-label={t('rio_export')}>
      <span class="muted">{t('rio_export')}:</span>
      <a class="btn btn-small" href={responsesExportHref(ws, studyId, 'csv')} download data-export="csv">CSV</a>
      <a class="btn btn-small" href={responsesExportHref(ws, studyId, 'xlsx')} download data-export="xlsx">XLSX</a>
      <a class="btn btn-small" href={responsesExportHref(ws, studyId, 'sav')} download data-export="sav" title={t('rio_sav_title')}>
        SPSS .sav
      </a>
    </div>
  );
}

export function ResponsesImport(props: { ws: string; studyId: number; questions: Question[]; onImported: () => void; onClose: () => void }) {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [report, setReport] = useState<ResponsesReport | null>(null);
  const [reportFailed, setReportFailed] = useState(false);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState<'check' | 'run' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [inputKey, setInputKey] = useState(0);
  const ordered = [...props.questions].sort((a, b) => Number(b.active) - Number(a.active) || a.position - b.position);

  const reset = () => {
    setReport(null);
    setChecked(false);
    setError(null);
  };

  const send = async (dryRun: boolean) => {
    if (!file) {
      setError(new ApiError(400, { detail: t('import_choose_first') }));
      return;
    }
    setBusy(dryRun ? 'check' : 'run');
    setError(null);
    try {
      const r = await request<ResponsesReport>('POST', researchPath.importResponses(props.ws, props.studyId), {
        query: { dry_run: dryRun ? 'true' : 'false', skip_invalid: skipInvalid ? 'true' : 'false' },
        raw: file,
        contentType: importContentType(file.name),
      });
      setReport(r);
      setReportFailed(false);
      setChecked(dryRun);
      if (!dryRun) {
        setFile(null);
        setInputKey(inputKey + 1);
        props.onImported();
      }
    } catch (e) {
      if (e instanceof ApiError && e.problem.report) {
        setReport(e.problem.report);
        setReportFailed(true);
        setChecked(false);
      } else {
        setReport(null);
      }
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const rejected = report ? report.rejected || [] : [];
  const canRun = checked && report && report.dry_run && (rejected.length === 0 || skipInvalid);

  return (
    <section class="panel responses-import" data-part="responses-import" aria-labelledby="rio-title">
      <div class="card-head">
        <h3 id="rio-title">{t('rio_title')}</h3>
        <button type="button" class="btn btn-small btn-ghost" onClick={props.onClose} aria-label={t('close')} title={t('close')}>✕</button>
      </div>
      <p class="muted">{t('rio_intro')}</p>
      <details class="rio-columns" open>
        <summary>{t('rio_columns')}</summary>
        <p class="muted">{t('rio_columns_hint')}</p>
        {ordered.length === 0 ? (
          <p class="empty">{t('questionnaire_empty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="data compact rio-codes">
              <thead>
                <tr>
                  <th>{t('rio_column')}</th>
                  <th>{t('rio_question')}</th>
                  <th>{t('rio_value')}</th>
                </tr>
              </thead>
              <tbody>
                {ordered.map((q) => (
                  <tr data-code={q.code} class={q.active ? '' : 'archived'}>
                    <td><code>{q.code}</code>{q.required && <span class="req" title={t('rio_required')}> *</span>}</td>
                    <td class="user-text">
                      {loc(q.text, lang)}
                      {!q.active && <span class="badge badge-archived">{t('rio_retired')}</span>}
                    </td>
                    <td class="muted">
                      {t(questionKindKey(q.kind))}
                      {q.kind === 'choice' && q.options && `: ${q.options.map((o) => o.code).join(', ')}`}
                      {q.kind === 'factors' && `: ${t('rio_factor_ids')}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p class="rio-id-columns">
          <span class="muted">{t('rio_id_columns')}:</span>{' '}
          {RESPONSE_ID_COLUMNS.map((c, i) => (
            <>
              {i > 0 && ', '}
              <code data-id-column={c}>{c}</code>
            </>
          ))}
        </p>
        <p class="muted small">{t('rio_id_hint')}</p>
      </details>
      <div class="field">
        <label for="rio-file">{t('rio_file')}</label>
        <input key={inputKey} id="rio-file" name="responses_file" type="file" accept=".csv,.txt,.sav,text/csv"
          onChange={(e) => {
            const f = (e.target as HTMLInputElement).files;
            setFile(f && f.length ? f[0] : null);
            reset();
          }} />
      </div>
      <label class="check">
        <input type="checkbox" name="responses_skip_invalid" checked={skipInvalid}
          onChange={(e) => {
            setSkipInvalid((e.target as HTMLInputElement).checked);
            reset();
          }} />
        <span>{t('import_skip_invalid')}</span>
      </label>
      <div class="btn-row">
        <button type="button" class="btn" data-action="import-check" disabled={!file || busy !== null} onClick={() => send(true)}>
          {busy === 'check' ? t('import_checking') : t('import_check')}
        </button>
        <button type="button" class="btn btn-primary" data-action="import-run" disabled={!canRun || busy !== null} onClick={() => send(false)}>
          {busy === 'run' ? t('import_running') : t('import_run')}
        </button>
      </div>
      <ErrorBox error={error} />
      {report && (
        <div class={`report${reportFailed ? ' report-failed' : ''}`} data-dry-run={report.dry_run ? 'true' : 'false'}>
          <h4>{report.dry_run ? t('import_report_dry') : t('import_report_done')}</h4>
          <dl class="stats">
            <div data-stat="rows_read"><dt>{t('import_rows_read')}</dt><dd>{report.rows_read}</dd></div>
            <div data-stat="imported">
              <dt>{report.dry_run ? t('import_would_import') : t('import_imported')}</dt>
              <dd>{report.imported}</dd>
            </div>
            <div data-stat="created"><dt>{t('import_created')}</dt><dd>{report.created}</dd></div>
            <div data-stat="updated"><dt>{t('import_updated')}</dt><dd>{report.updated}</dd></div>
            <div data-stat="unchanged"><dt>{t('import_unchanged')}</dt><dd>{report.unchanged}</dd></div>
            <div data-stat="rejected">
              <dt>{t('import_rejected')}</dt>
              <dd class={rejected.length ? 'bad' : ''}>{report.rows_rejected ?? rejected.length}</dd>
            </div>
          </dl>
          {report.encoding && <p class="muted small">{t('rio_encoding', { enc: report.encoding })}</p>}
          {rejected.length > 0 && (
            <div class="table-wrap">
              <table class="data compact rio-rejected">
                <thead>
                  <tr>
                    <th class="num">{t('import_line')}</th>
                    <th>{t('rio_column')}</th>
                    <th>{t('import_message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rejected.slice(0, 500).map((r) => (
                    <tr data-line={r.line} data-field={r.field || ''}>
                      <td class="num">{r.line}</td>
                      <td>{r.field ? <code>{r.field}</code> : '—'}</td>
                      <td>{r.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {rejected.length > 500 && <p class="muted small">{t('rio_more_rejected', { n: rejected.length - 500 })}</p>}
            </div>
          )}
        </div>
      )}
      {report && checked && canRun && <p class="alert alert-ok">{t('import_ok_to_run')}</p>}
      {report && checked && !canRun && rejected.length > 0 && <p class="alert alert-warn">{t('import_invalid')}</p>}
    </section>
  );
}
