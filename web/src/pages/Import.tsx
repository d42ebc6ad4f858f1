// Import of client companies from a CSV file (a dry run first, then the import) and export links.
import { useEffect } from 'preact/hooks';
import { request, wsPath, type ImportReport, type Role } from '../api';
import { useI18n } from '../i18n';
import { href } from '../router';
import { invalidate } from '../data';
import { ImportControls, ImportStats, ImportVerdict, useImportRun } from '../components/ImportRun';

export function ImportPage({ ws, role }: { ws: string; role: Role }) {
  const { t } = useI18n();
  const run = useImportRun(
    (file, query) => request<ImportReport>('POST', wsPath(ws, '/imports/accounts'), { query, raw: file, contentType: 'text/csv' }),
    () => invalidate(ws, 'facets'),
  );
  const { report, reportFailed } = run;

  useEffect(() => {
    document.title = `${t('import_title')} · ${t('app_name')}`;
  }, [t]);

  const exportHref = (format: string) => `/api/v1${wsPath(ws, '/exports/accounts')}?format=${format}`;

  return (
    <div class="page">
      <h1>{t('import_title')}</h1>
      {role !== 'viewer' && (
        <section class="panel">
          <h2>{t('import_heading')}</h2>
          <p class="muted">{t('import_intro')}</p>
          <ImportControls run={run} fileId="import-file" fileName="file" fileLabel={t('import_file')} accept=".csv,text/csv" skipName="skip_invalid" />
          {report && <Report report={report} failed={reportFailed} />}
          <ImportVerdict run={run} />
          {report && !report.dry_run && !reportFailed && (
            <p>
              <a href={href.accounts(ws)}>{t('nav_accounts')} →</a>
            </p>
          )}
        </section>
      )}
      <section class="panel">
        <h2>{t('export_heading')}</h2>
        <p class="muted">{t('export_intro')}</p>
        <div class="btn-row">
          <a class="btn" href={exportHref('csv')} download>
            {t('export_csv')}
          </a>
          <a class="btn" href={exportHref('xlsx')} download>
            {t('export_xlsx')}
          </a>
        </div>
      </section>
    </div>
  );
}

function Report({ report, failed }: { report: ImportReport; failed: boolean }) {
  const { t } = useI18n();
  const rejected = report.rejected || [];
  return (
    <div class={`report${failed ? ' report-failed' : ''}`}>
      <h3>{report.dry_run ? t('import_report_dry') : t('import_report_done')}</h3>
      <ImportStats report={report} rejected={rejected.length} />
      {rejected.length > 0 && (
        <div class="table-wrap">
          <table class="data compact">
            <thead>
              <tr>
                <th class="num">{t('import_line')}</th>
                <th>{t('import_field')}</th>
                <th>{t('import_message')}</th>
              </tr>
            </thead>
            <tbody>
              {rejected.slice(0, 500).map((r) => (
                <tr>
                  <td class="num">{r.line}</td>
                  <td>{r.field || '—'}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
