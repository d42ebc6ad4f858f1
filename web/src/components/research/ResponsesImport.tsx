// Importing a study's responses from a CSV or SPSS .sav file (a dry run first showing the report —
// rows read, imported, created / updated / unchanged, and the rejected rows by line and column —
// then the import for real, optionally skipping invalid rows), and the export links (CSV, XLSX,
// .sav). The panel lists the columns the study expects: its question codes and the identifying
// columns of docs/research.md ("Importing and exporting responses").
import { request, type ImportReport } from '../../api';
import { loc } from '../../loyalty';
import { useI18n } from '../../i18n';
import {
  importContentType, questionKindKey, researchPath, RESPONSE_ID_COLUMNS, responsesExportHref, type Question,
} from '../../research';
import { ImportControls, ImportStats, ImportVerdict, useImportRun } from '../ImportRun';

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
  const run = useImportRun(
    (file, query) => request<ResponsesReport>('POST', researchPath.importResponses(props.ws, props.studyId), {
      query, raw: file, contentType: importContentType(file.name),
    }),
    props.onImported,
  );
  const { report, reportFailed, rejected } = run;
  const ordered = [...props.questions].sort((a, b) => Number(b.active) - Number(a.active) || a.position - b.position);

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
      <ImportControls run={run} fileId="rio-file" fileName="responses_file" fileLabel={t('rio_file')} accept=".csv,.txt,.sav,text/csv"
        skipName="responses_skip_invalid" />
      {report && (
        <div class={`report${reportFailed ? ' report-failed' : ''}`} data-dry-run={report.dry_run ? 'true' : 'false'}>
          <h4>{report.dry_run ? t('import_report_dry') : t('import_report_done')}</h4>
          <ImportStats report={report} rejected={report.rows_rejected ?? rejected.length} />
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
      <ImportVerdict run={run} />
    </section>
  );
}
