// Which Chromium Playwright Test launches: HARNESS_CHROMIUM, else a system one on PATH (Debian's
// `chromium`), else none named — Playwright's own, after `npx playwright install chromium`. Machines that
// cannot download browsers use a system one this way, as the Python side does (harness/_browser.py).
import fs from 'node:fs';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export function systemChromium(): string | undefined {
  if (process.env.HARNESS_CHROMIUM) return process.env.HARNESS_CHROMIUM;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}
