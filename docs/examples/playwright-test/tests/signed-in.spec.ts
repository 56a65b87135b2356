import { expect, test } from '@playwright/test';
import { STORAGE_STATE } from '../global-setup';

test.use({ baseURL: process.env.APP_URL, storageState: STORAGE_STATE });

test('starts signed in', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#auth-state')).toHaveText('You are signed in.');
  await expect(page.locator('#email')).toHaveText(process.env.SIGNED_IN_EMAIL!);
});
