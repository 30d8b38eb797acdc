import type { SimulatorAccount } from './types';

/** Made-up companies for the local stack; the passwords are demo values, not secrets. */
export const DEMO_ACCOUNTS: readonly SimulatorAccount[] = [
  { username: 'acme-excavating', password: 'demo-acme' },
  { username: 'beehive-fiber', password: 'demo-bee', tickets: 45 },
  { username: 'wasatch-plumbing', password: 'demo-wasatch', tickets: 12 },
  { username: 'retired-contractor', password: 'demo-old', disabled: true, tickets: 3 },
];
