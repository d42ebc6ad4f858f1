// Import of client companies from a CSV file (a dry run first, then the import) and export links.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request, wsPath, type ImportReport, type Role } from '../api';
import { useI18n } from '../i18n';
import { href } from '../router';
import { invalidate } from '../data';
import { ErrorBox } from '../components/ui';

export function ImportPage({ ws, role }: { ws: string; role: Role }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [reportFailed, setReportFailed] = useState(false);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState<'check' | 'run' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [inputKey, setInputKey] = useState(0);

  useEffect(() => {
    document.title = `${t('import_title')} · ${t('app_name')}`;
  }, [t]);

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
      const r = await request<ImportReport>('POST', wsPath(ws, '/imports/accounts'), {
        query: { dry_run: dryRun ? 'true' : 'false', skip_invalid: skipInvalid ? 'true' : 'false' },
        raw: file,
        contentType: 'text/csv',
      });
      setReport(r);
      setReportFailed(false);
      setChecked(dryRun);
      if (!dryRun) {
        invalidate(ws, 'facets');
        setFile(null);
        setInputKey(inputKey + 1);
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

  const exportHref = (format: string) => `/api/v1${wsPath(ws, '/exports/accounts')}?format=${format}`;
  const canRun = checked && report && report.dry_run && (report.rejected.length === 0 || skipInvalid);

  return (
    <div class="page">
      <h1>{t('import_title')}</h1>
      {role !== 'viewer' && (
        <section class="panel">
          <h2>{t('import_heading')}</h2>
          <p class="muted">{t('import_intro')}</p>
          <div class="field">
            <label for="import-file">{t('import_file')}</label>
            <input
              key={inputKey}
              id="import-file"
              name="file"
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                const f = (e.target as HTMLInputElement).files;
                setFile(f && f.length ? f[0] : null);
                reset();
              }}
            />
          </div>
          <label class="check">
            <input
              type="checkbox"
              name="skip_invalid"
              checked={skipInvalid}
              onChange={(e) => {
                setSkipInvalid((e.target as HTMLInputElement).checked);
                reset();
              }}
            />
            <span>{t('import_skip_invalid')}</span>
          </label>
          <div class="btn-row">
            <button type="button" class="btn" disabled={!file || busy !== null} onClick={() => send(true)}>
              {busy === 'check' ? t('import_checking') : t('import_check')}
            </button>
            <button type="button" class="btn btn-primary" disabled={!canRun || busy !== null} onClick={() => send(false)}>
              {busy === 'run' ? t('import_running') : t('import_run')}
            </button>
          </div>
          <ErrorBox error={error} />
          {report && <Report report={report} failed={reportFailed} />}
          {report && checked && canRun && <p class="alert alert-ok">{t('import_ok_to_run')}</p>}
          {report && checked && !canRun && report.rejected.length > 0 && <p class="alert alert-warn">{t('import_invalid')}</p>}
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
      <dl class="stats">
        <div>
          <dt>{t('import_rows_read')}</dt>
          <dd>{report.rows_read}</dd>
        </div>
        <div>
          <dt>{report.dry_run ? t('import_would_import') : t('import_imported')}</dt>
          <dd>{report.imported}</dd>
        </div>
        <div>
          <dt>{t('import_created')}</dt>
          <dd>{report.created}</dd>
        </div>
        <div>
          <dt>{t('import_updated')}</dt>
          <dd>{report.updated}</dd>
        </div>
        <div>
          <dt>{t('import_unchanged')}</dt>
          <dd>{report.unchanged}</dd>
        </div>
        <div>
          <dt>{t('import_rejected')}</dt>
          <dd class={rejected.length ? 'bad' : ''}>{rejected.length}</dd>
        </div>
      </dl>
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
