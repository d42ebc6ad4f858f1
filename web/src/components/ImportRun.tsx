// What the imports of files have in common (client companies from CSV, a study's responses from
// CSV or .sav): picking the file, "skip invalid rows", a dry run first and the import for real
// only after a dry run that passed (or with invalid rows skipped), the report of either — also
// the report a failed import carries in its problem — and the verdict under the report.
import { useState } from 'preact/hooks';
import { ApiError, type ImportReport } from '../api';
import { useI18n } from '../i18n';
import { ErrorBox } from './ui';

export interface ImportRun<R extends ImportReport> {
  file: File | null;
  skipInvalid: boolean;
  report: R | null;
  /** The report came with an error (the import was refused). */
  reportFailed: boolean;
  /** The report is of a dry run of the current file and options. */
  checked: boolean;
  busy: 'check' | 'run' | null;
  error: unknown;
  /** Changes after a real import so that the file input is emptied. */
  inputKey: number;
  rejected: ImportReport['rejected'];
  canRun: boolean;
  chooseFile: (f: File | null) => void;
  setSkip: (skip: boolean) => void;
  send: (dryRun: boolean) => Promise<void>;
}

/** The state of an import: `post` sends the file with the query (dry_run, skip_invalid) and
 * answers the report; `onImported` runs after a real import succeeded. */
export function useImportRun<R extends ImportReport>(
  post: (file: File, query: Record<string, string>) => Promise<R>,
  onImported: () => void,
): ImportRun<R> {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [report, setReport] = useState<R | null>(null);
  const [reportFailed, setReportFailed] = useState(false);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState<'check' | 'run' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [inputKey, setInputKey] = useState(0);

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
      const r = await post(file, { dry_run: dryRun ? 'true' : 'false', skip_invalid: skipInvalid ? 'true' : 'false' });
      setReport(r);
      setReportFailed(false);
      setChecked(dryRun);
      if (!dryRun) {
        setFile(null);
        setInputKey(inputKey + 1);
        onImported();
      }
    } catch (e) {
      if (e instanceof ApiError && e.problem.report) {
        setReport(e.problem.report as R);
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
  const canRun = !!(checked && report && report.dry_run && (rejected.length === 0 || skipInvalid));
  return {
    file, skipInvalid, report, reportFailed, checked, busy, error, inputKey, rejected, canRun,
    chooseFile: (f) => { setFile(f); reset(); },
    setSkip: (skip) => { setSkipInvalid(skip); reset(); },
    send,
  };
}

/** The file input, "skip invalid rows", the check and import buttons and the error. */
export function ImportControls<R extends ImportReport>(props: {
  run: ImportRun<R>;
  fileId: string;
  fileName: string;
  fileLabel: string;
  accept: string;
  skipName: string;
}) {
  const { t } = useI18n();
  const { run } = props;
  return (
    <>
      <div class="field">
        <label for={props.fileId}>{props.fileLabel}</label>
        <input key={run.inputKey} id={props.fileId} name={props.fileName} type="file" accept={props.accept}
          onChange={(e) => {
            const f = (e.target as HTMLInputElement).files;
            run.chooseFile(f && f.length ? f[0] : null);
          }} />
      </div>
      <label class="check">
        <input type="checkbox" name={props.skipName} checked={run.skipInvalid}
          onChange={(e) => run.setSkip((e.target as HTMLInputElement).checked)} />
        <span>{t('import_skip_invalid')}</span>
      </label>
      <div class="btn-row">
        <button type="button" class="btn" data-action="import-check" disabled={!run.file || run.busy !== null} onClick={() => run.send(true)}>
          {run.busy === 'check' ? t('import_checking') : t('import_check')}
        </button>
        <button type="button" class="btn btn-primary" data-action="import-run" disabled={!run.canRun || run.busy !== null}
          onClick={() => run.send(false)}>
          {run.busy === 'run' ? t('import_running') : t('import_run')}
        </button>
      </div>
      <ErrorBox error={run.error} />
    </>
  );
}

/** The counts of a report: rows read, imported (or would be), created, updated, unchanged, rejected. */
export function ImportStats({ report, rejected }: { report: ImportReport; rejected: number }) {
  const { t } = useI18n();
  return (
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
        <dd class={rejected ? 'bad' : ''}>{rejected}</dd>
      </div>
    </dl>
  );
}

/** Under the report of a dry run: ready to import, or rows are invalid. */
export function ImportVerdict<R extends ImportReport>({ run }: { run: ImportRun<R> }) {
  const { t } = useI18n();
  if (!run.report || !run.checked) return null;
  if (run.canRun) return <p class="alert alert-ok">{t('import_ok_to_run')}</p>;
  if (run.rejected.length > 0) return <p class="alert alert-warn">{t('import_invalid')}</p>;
  return null;
}
