/**
 * Renders a LiveTable plus the job's status line as a MIME bundle (text/html for notebooks,
 * text/plain for terminals and as the notebook fallback).
 */
import { cells, formatValue, renderHtml, renderText, type RenderColumn } from '../api/render';
import type { LiveTable } from './live-table';
import { JOB_STATUS_MIME, TABLE_DATA_MIME, type JobStatusData, type MimeBundle, type TableData } from './types';

export interface JobProgress {
  /** SUBMITTING (planning, submission), the job's state (SUBMITTED, CREATED, INITIALIZING, RUNNING), then FINISHED, STOPPED, CANCELED or FAILED. */
  state: string;
  jobId?: string;
  /** The Flink web UI root, e.g. http://127.0.0.1:8081. */
  webUi?: string;
  elapsedMs: number;
  /** Extra words after the status, e.g. 'stopped after maxRows=10'. */
  note?: string;
  /** Subtasks finished of all the job's subtasks, from its REST status (a bounded job's progress). */
  tasks?: { finished: number; total: number };
}

/** '▰▰▰▱▱▱▱▱▱▱ 30% (3/10 tasks)': how far a running job is, as Zeppelin shows per paragraph. */
function progressText(tasks: { finished: number; total: number }): string {
  const share = tasks.total > 0 ? tasks.finished / tasks.total : 0;
  const filled = Math.round(share * 10);
  return `${'▰'.repeat(filled)}${'▱'.repeat(10 - filled)} ${Math.round(share * 100)}% (${tasks.finished}/${tasks.total} tasks)`;
}

/** A running job's finished subtasks in percent, when known. */
function progressPercent(p: JobProgress): number | undefined {
  return p.tasks && p.state === 'RUNNING' && p.tasks.total > 0 ? Math.round((p.tasks.finished / p.tasks.total) * 100) : undefined;
}

/** The web UI page of one job. */
export function jobUrl(webUi: string, jobId: string, state: string): string {
  const section = ['FINISHED', 'CANCELED', 'FAILED', 'STOPPED'].includes(state) ? 'completed' : 'running';
  return `${webUi.replace(/\/$/, '')}/#/job/${section}/${jobId}/overview`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function countWords(table: LiveTable): string {
  const n = table.size;
  if (table.mode === 'append') return `${n} row${n === 1 ? '' : 's'} received`;
  const c = table.changes;
  return `${n} row${n === 1 ? '' : 's'} (${c} change${c === 1 ? '' : 's'} received)`;
}

/** The one-line status: 'RUNNING · 12 rows (15 changes received) · 3.2 s · job 1234… · web UI'. */
function statusText(table: LiveTable | undefined, p: JobProgress): string {
  const parts = [p.state];
  if (p.tasks && p.state === 'RUNNING') parts.push(progressText(p.tasks));
  if (table) parts.push(countWords(table));
  parts.push(seconds(p.elapsedMs));
  if (p.jobId) parts.push(`job ${p.jobId}`);
  if (p.note) parts.push(p.note);
  if (p.jobId && p.webUi) parts.push(jobUrl(p.webUi, p.jobId, p.state));
  return parts.join(' · ');
}

function statusHtml(table: LiveTable | undefined, p: JobProgress): string {
  const parts = [`<b>${escapeHtml(p.state)}</b>`];
  if (p.tasks && p.state === 'RUNNING') parts.push(`<progress max="${p.tasks.total}" value="${p.tasks.finished}"></progress> ${escapeHtml(progressText(p.tasks).replace(/^\S+ /, ''))}`);
  if (table) parts.push(escapeHtml(countWords(table)));
  parts.push(seconds(p.elapsedMs));
  if (p.jobId) {
    const id = escapeHtml(p.jobId);
    parts.push(p.webUi ? `job <a href="${escapeHtml(jobUrl(p.webUi, p.jobId, p.state))}" target="_blank">${id}</a>` : `job ${id}`);
  }
  if (p.note) parts.push(escapeHtml(p.note));
  return `<div class="tsflink-status" style="font-size:smaller;color:#555">${parts.join(' · ')}</div>`;
}

/** Fills a Zeppelin-style single-value template: '{0} orders, {1} total'. */
export function fillTemplate(template: string, row: readonly unknown[], columns: RenderColumn[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < row.length ? formatValue(row[Number(i)], columns[Number(i)]?.type) : m));
}

export function renderLive(columns: RenderColumn[], table: LiveTable, progress: JobProgress, template?: string): MimeBundle {
  const snap = table.snapshot();
  const status = statusText(table, progress);
  const shown = snap.truncated && table.mode !== 'single' ? ` (showing ${snap.rows.length} of ${snap.total})` : '';
  if (table.mode === 'single') {
    const row = snap.rows[0];
    const value = row === undefined ? '(no value yet)' : fillTemplate(template ?? columns.map((_c, i) => `{${i}}`).join(' '), row, columns);
    return {
      'text/plain': `${value}\n${status}`,
      'text/html': `<div class="tsflink-single" style="font-size:2em">${escapeHtml(value)}</div>\n${statusHtml(table, progress)}`,
    };
  }
  const opts = { kinds: snap.kinds };
  const html = statusHtml(table, progress);
  return {
    'text/plain': `${renderText(columns, snap.rows, opts)}\n${status}${shown}`,
    'text/html': `${renderHtml(columns, snap.rows, opts)}\n${html}${escapeHtml(shown)}`,
    [TABLE_DATA_MIME]: tableData(columns, snap.rows, snap.kinds, {
      mode: table.mode,
      status: { text: status + shown, html: html + escapeHtml(shown) },
      progress: progressPercent(progress),
      ...(progress.jobId && progress.webUi ? { jobUrl: jobUrl(progress.webUi, progress.jobId, progress.state) } : {}),
    }),
  };
}

/** A table as TableData (cells formatted as the text table shows them). */
export function tableData(columns: RenderColumn[], rows: unknown[][], kinds: readonly string[] | undefined, extra: Partial<TableData> = {}): TableData {
  const { body } = cells(columns, rows);
  return { columns: columns.map((c) => c.name), rows: body, ...(kinds ? { kinds: [...kinds] } : {}), ...extra };
}

/** A status-only bundle, for INSERT jobs; with the job's progress and page as data once it has an id. */
export function renderJobStatus(progress: JobProgress): MimeBundle {
  const bundle: MimeBundle = { 'text/plain': statusText(undefined, progress), 'text/html': statusHtml(undefined, progress) };
  if (progress.jobId && progress.webUi) {
    const data: JobStatusData = { progress: progressPercent(progress), jobUrl: jobUrl(progress.webUi, progress.jobId, progress.state) };
    bundle[JOB_STATUS_MIME] = data;
  }
  return bundle;
}
