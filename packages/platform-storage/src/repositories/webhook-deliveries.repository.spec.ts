import { BACKENDS, useTestStorage } from '../test/test-storage.test-helpers.js';

describe.each(BACKENDS)('WebhookDeliveryRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('claims a delivery once per provider; a released delivery can be claimed again', async ({ storage }) => {
    expect(await storage.webhookDeliveries.claim('github', 'd-1')).toBe(true);
    expect(await storage.webhookDeliveries.claim('github', 'd-1')).toBe(false);
    expect(await storage.webhookDeliveries.claim('gitlab', 'd-1')).toBe(true);
    await storage.webhookDeliveries.release('github', 'd-1');
    expect(await storage.webhookDeliveries.claim('github', 'd-1')).toBe(true);
  });

  it('answers a duplicate inside a transaction without aborting it', async ({ storage }) => {
    await storage.webhookDeliveries.claim('github', 'd-2');
    const result = await storage.transaction(async (tx) => {
      const again = await tx.webhookDeliveries.claim('github', 'd-2');
      const project = await tx.projects.create({ name: 'after', git_url: '/tmp/x' });
      return { again, project: project.name };
    });
    expect(result).toEqual({ again: false, project: 'after' });
  });
});
