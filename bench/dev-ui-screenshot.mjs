// Opens the Dev UI's "Live figures" page of the AIO card in headless Chromium, waits while the charts fill, and saves
// a screenshot. Arguments: base URL, output PNG, milliseconds to wait.
import { chromium } from 'playwright-core';

const [base, out, wait] = [process.argv[2], process.argv[3], Number(process.argv[4] || 60000)];
// As root on a machine with no outside network: no sandbox, and no background connections that would be refused.
const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
});
try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1050 } });
    page.on('pageerror', e => console.error('page error:', e.message));
    await page.goto(`${base}/q/dev-ui/extensions`, { waitUntil: 'networkidle' });
    await page.getByText('Live figures').click();
    await page.waitForTimeout(wait);
    await page.screenshot({ path: out, fullPage: true });
} finally {
    await browser.close();
}
