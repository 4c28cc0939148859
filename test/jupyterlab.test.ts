/**
 * The notebook as a user sees it (issue 18): a real JupyterLab (PyPI, test venv) on 127.0.0.1,
 * driven in Debian's headless Chromium over the DevTools protocol (puppeteer-core, no downloaded
 * browser). One notebook with the TSFlink kernel: a table, a live `%%sql type=update` result, a
 * Vega-Lite chart drawn and redrawn in place, an error in its cell, and an endless loop stopped
 * by the Kernel menu's interrupt; then the repo's notebooks/streaming-sql-udf.ipynb, run top to
 * bottom with Run All. Assertions read the page's DOM, what the user sees. Screenshots
 * are kept in .tsflink/test-artifacts/jupyterlab/ (not committed). One JupyterLab for the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, installKernel, repoRoot, type KernelTestEnv } from './kernel/env';
import { chromiumPath } from './services/chromium';
import { startJupyterLab, type JupyterLab } from './services/jupyterlab';

const artifacts = path.join(repoRoot, '.tsflink', 'test-artifacts', 'jupyterlab');

const CELLS = [
  "%%bsql\nSELECT * FROM (VALUES (1, 'apple'), (2, 'banana')) AS t(n, fruit)",
  "%%sql\nCREATE TEMPORARY TABLE ticks (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '30', 'fields.k.min' = '1', 'fields.k.max' = '3')",
  '%%sql(type=update, refreshInterval=300, stopAfter=5000)\nSELECT k, COUNT(*) AS c FROM ticks GROUP BY k',
  '%%sql(type=update, chart=bar, x=k, y=c, refreshInterval=300, stopAfter=5000)\nSELECT k, COUNT(*) AS c FROM ticks GROUP BY k',
  "const n = 1;\nthrow new RangeError('boom in the browser, n=' + n)",
  'while (true) {}',
  "'alive after ' + 21 * 2",
];

function notebook(): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tsflink', display_name: 'TypeScript (TSFlink)', language: 'typescript' } },
    cells: CELLS.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
}

type Win = { jupyterapp: { shell: { currentWidget: NbPanel | null }; commands: { execute(id: string, args?: object): Promise<unknown> } } };
type NbPanel = { content: { widgets: { node: HTMLElement }[]; activeCellIndex: number }; sessionContext: { session?: { kernel?: { status: string; name: string } } } };

describe('JupyterLab in headless Chromium with the TSFlink kernel', () => {
  let kt: KernelTestEnv;
  let lab: JupyterLab;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    ensureBuild();
    kt = installKernel();
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-jupyterlab-'));
    const root = path.join(base, 'notebooks');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'browser.ipynb'), JSON.stringify(notebook()));
    // the repo's own notebook, as a user downloads it, outputs cleared
    const shipped = JSON.parse(fs.readFileSync(path.join(repoRoot, 'notebooks', 'streaming-sql-udf.ipynb'), 'utf8')) as { cells: { outputs?: unknown[] }[] };
    for (const c of shipped.cells) if (c.outputs) c.outputs = [];
    fs.writeFileSync(path.join(root, 'streaming-sql-udf.ipynb'), JSON.stringify(shipped));
    fs.mkdirSync(artifacts, { recursive: true });
    const [executablePath, started] = await Promise.all([chromiumPath(), startJupyterLab(root, kt.env)]);
    lab = started;
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // as root Chromium needs --no-sandbox; the rest keeps it off the network and quiet
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1400 });
    await page.goto(`${lab.url}/lab/tree/browser.ipynb?token=${lab.token}`);
    // the notebook is open and its TSFlink kernel idle (the session, JVM and cluster are up lazily)
    await page.waitForFunction(
      () => {
        const nb = (window as unknown as Win).jupyterapp?.shell.currentWidget;
        const k = nb?.sessionContext?.session?.kernel;
        return (nb?.content?.widgets?.length ?? 0) > 0 && k?.name === 'tsflink' && k.status === 'idle';
      },
      { timeout: 120_000, polling: 250 },
    );
  }, 900_000);

  afterAll(async () => {
    await page?.screenshot({ path: path.join(artifacts, 'final.png'), fullPage: true }).catch(() => undefined);
    await browser?.close();
    await lab?.stop();
    kt?.cleanup();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  /** Starts cell i as Shift+Enter would (not waiting for it). */
  const startCell = (i: number) =>
    page.evaluate((i) => {
      const w = window as unknown as Win;
      w.jupyterapp.shell.currentWidget!.content.activeCellIndex = i;
      void w.jupyterapp.commands.execute('notebook:run-cell');
    }, i);

  /** The prompt JupyterLab shows left of cell i: `[*]:` while it runs, `[n]:` after. */
  const prompt = (i: number) =>
    page.evaluate((i) => (window as unknown as Win).jupyterapp.shell.currentWidget!.content.widgets[i].node.querySelector('.jp-InputPrompt')?.textContent ?? '', i);

  const waitDone = (i: number, timeout = 180_000) =>
    page.waitForFunction((i) => /^\[\d+\]:$/.test((window as unknown as Win).jupyterapp.shell.currentWidget!.content.widgets[i].node.querySelector('.jp-InputPrompt')?.textContent?.trim() ?? ''), { timeout, polling: 200 }, i);

  /** What cell i's output area shows: its text, its tables' cells, its outputs and its charts. */
  const outputOf = (i: number) =>
    page.evaluate((i) => {
      const node = (window as unknown as Win).jupyterapp.shell.currentWidget!.content.widgets[i].node;
      const area = node.querySelector('.jp-OutputArea');
      return {
        text: area?.textContent ?? '',
        outputs: area?.querySelectorAll(':scope > .jp-OutputArea-child').length ?? 0,
        cells: [...(area?.querySelectorAll('td') ?? [])].map((td) => td.textContent ?? ''),
        errors: [...(area?.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]') ?? [])].map((e) => e.textContent ?? ''),
        charts: [...(area?.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks') ?? [])].map((c) =>
          // a short digest of the picture, to see it change
          [...(c instanceof HTMLCanvasElement ? `canvas:${c.width}x${c.height}:${c.toDataURL()}` : `svg:${c.outerHTML}`)].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 7).toString(16),
        ),
      };
    }, i);

  const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

  it('a query result is drawn as a table', async () => {
    await startCell(0);
    await waitDone(0);
    const out = await outputOf(0);
    expect(out.cells).toEqual(['1', 'apple', '2', 'banana']);
    await shot('table');
  }, 200_000);

  it('a %%sql type=update result updates in place while its job runs', async () => {
    await startCell(1);
    await waitDone(1);
    await startCell(2);
    // sample what the user sees while the job runs: one output, whose counts grow
    const seen: string[] = [];
    let outputs = new Set<number>();
    const deadline = Date.now() + 90_000;
    while (!/^\[\d+\]:$/.test((await prompt(2)).trim()) && Date.now() < deadline) {
      const out = await outputOf(2);
      if (out.cells.length) seen.push(out.cells.join(','));
      outputs.add(out.outputs);
      await new Promise((r) => setTimeout(r, 200));
    }
    await shot('live-table');
    const final = await outputOf(2);
    expect(final.text).toMatch(/STOPPED · after \d+ s|stopped after/i);
    outputs = new Set([...outputs].filter((n) => n > 0));
    expect([...outputs]).toEqual([1]);
    const distinct = [...new Set(seen)];
    expect(distinct.length).toBeGreaterThan(2);
    const total = (s: string) => s.split(',').filter((_, j) => j % 2 === 1).reduce((a, c) => a + Number(c), 0);
    expect(total(distinct[distinct.length - 1])).toBeGreaterThan(total(distinct[0]));
  }, 200_000);

  it('chart=bar draws a Vega-Lite chart, redrawn in place as the counts grow', async () => {
    // every chart drawn in the cell's output (each update draws a new canvas), counted as it appears
    await page.evaluate((i) => {
      const node = (window as unknown as Win).jupyterapp.shell.currentWidget!.content.widgets[i].node;
      const w = window as unknown as { chartsDrawn: number };
      w.chartsDrawn = 0;
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n instanceof Element && (n.matches('canvas, svg.marks') || n.querySelector('canvas, svg.marks'))) w.chartsDrawn++;
      }).observe(node, { childList: true, subtree: true });
    }, 3);
    await startCell(3);
    const drawn: string[] = [];
    let outputs = new Set<number>();
    const deadline = Date.now() + 90_000;
    while (!/^\[\d+\]:$/.test((await prompt(3)).trim()) && Date.now() < deadline) {
      const out = await outputOf(3);
      drawn.push(...out.charts);
      if (out.charts.length) outputs.add(out.outputs);
      await new Promise((r) => setTimeout(r, 200));
    }
    await shot('chart');
    const final = await outputOf(3);
    expect(final.charts.length).toBe(1);
    expect([...outputs]).toEqual([1]);
    // the chart was redrawn while the job ran, in the same output
    expect(await page.evaluate(() => (window as unknown as { chartsDrawn: number }).chartsDrawn)).toBeGreaterThan(2);
    expect(new Set(drawn).size).toBeGreaterThan(0);
  }, 200_000);

  it('an error is shown in its cell with the line typed', async () => {
    await startCell(4);
    await waitDone(4);
    const out = await outputOf(4);
    expect(out.errors.join('\n')).toMatch(/RangeError: boom in the browser, n=1[^]*cell\[\d+\]:2:/);
    await shot('error');
  }, 200_000);

  it("Kernel → Interrupt stops a `while (true) {}` cell; the next cell answers", async () => {
    await startCell(5);
    await page.waitForFunction((i) => (window as unknown as Win).jupyterapp.shell.currentWidget!.content.widgets[i].node.querySelector('.jp-InputPrompt')?.textContent?.trim() === '[*]:', { timeout: 30_000, polling: 100 }, 5);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await prompt(5)).trim()).toBe('[*]:');
    await page.evaluate(() => void (window as unknown as Win).jupyterapp.commands.execute('kernelmenu:interrupt'));
    await waitDone(5, 30_000);
    expect((await outputOf(5)).errors.join('\n')).toMatch(/Interrupted/);
    await startCell(6);
    await waitDone(6, 30_000);
    expect((await outputOf(6)).text).toContain("'alive after 42'");
    await shot('interrupt');
  }, 120_000);

  it('notebooks/streaming-sql-udf.ipynb runs top to bottom: its live tables and its chart are drawn', async () => {
    // opened as a user does from the file browser, beside the first notebook
    await page.evaluate(() => void (window as unknown as Win).jupyterapp.commands.execute('docmanager:open', { path: 'streaming-sql-udf.ipynb' }));
    await page.waitForFunction(
      () => {
        const nb = (window as unknown as Win).jupyterapp?.shell.currentWidget as (NbPanel & { context?: { path: string } }) | null;
        if (nb?.context?.path !== 'streaming-sql-udf.ipynb') return false;
        const k = nb?.sessionContext?.session?.kernel;
        return (nb?.content?.widgets?.length ?? 0) > 0 && k?.name === 'tsflink' && k.status === 'idle';
      },
      { timeout: 120_000, polling: 250 },
    );
    const cells = await page.evaluate(() => {
      const content = (window as unknown as Win).jupyterapp.shell.currentWidget!.content as NbPanel['content'] & { notebookConfig: object };
      // JupyterLab renders only the cells in view of a long notebook; these assertions read every cell
      content.notebookConfig = { ...content.notebookConfig, windowingMode: 'none' };
      return content.widgets.map((w) => w.node.classList.contains('jp-CodeCell'));
    });
    await page.evaluate(() => void (window as unknown as Win).jupyterapp.commands.execute('notebook:run-all-cells'));
    for (let i = 0; i < cells.length; i++) if (cells[i]) await waitDone(i, 240_000);
    await shot('streaming-sql-udf');
    const outputs = await Promise.all(cells.map((code, i) => (code ? outputOf(i) : undefined)));
    for (const out of outputs) expect(out?.errors ?? []).toEqual([]);
    // cell 5: the updating aggregate over the 300 generated orders, in one table, finished
    const sizes = outputs[5]!.cells;
    expect(sizes.filter((_, j) => j % 3 === 0).sort()).toEqual(['large', 'small']);
    expect(Number(sizes[1]) + Number(sizes[4])).toBe(300);
    expect(outputs[5]!.text).toMatch(/FINISHED/);
    // cell 7: the same counts as a bar chart
    expect(outputs[7]!.charts.length).toBe(1);
    // cell 10: ten appended rows, then stopped
    expect(outputs[10]!.cells.length).toBe(10 * 3);
    expect(outputs[14]!.text).toContain('10:small 70:large');
  }, 600_000);
});
